"""One report per unit, type and term is a constraint of the database (the unique natural key
of the work item), not a check serialised on a shared row: concurrent creations of the same
report give one report, creations in different units never wait on each other, and a merge
that moves the owner keeps the constraint."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest

from core import functions, reports, restructure
from core.model import Unit
from core.store import Db, Store
from core.store.db import Db as DbClass
from tests.factories import NOW, Tree, actor_at, make_unit, race_past_the_check
from tests.report_world import ALL, CODE, TERM, info, install_template, make_report

THREADS = 8


@pytest.fixture(autouse=True)
def template(db: Db, tmp_path: Path) -> str:
    return install_template(db, tmp_path)


def all_at_once(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls on their own threads, released together; what each returned or raised."""
    start = threading.Barrier(len(calls))
    outcomes: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        start.wait()
        try:
            outcomes[index] = calls[index]()
        except Exception as err:  # noqa: BLE001 - the outcome is what the test compares
            outcomes[index] = err

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcomes


def count_reports(db: Db, unit: Unit) -> int:
    return db.scalar(
        "SELECT count(*) FROM work_item WHERE kind = 'report' AND unit_id = ?", [unit.id]
    )


def test_eight_people_creating_the_same_report_at_once_make_one(store: Store, tree: Tree) -> None:
    owner = actor_at(tree.ba_dinh_cs1, *ALL)
    outcomes = all_at_once([lambda: reports.create(store.db(), owner, info())] * THREADS)
    made = [o for o in outcomes if isinstance(o, int)]
    refused = [o for o in outcomes if isinstance(o, reports.AlreadyCreated)]
    assert len(made) == 1 and len(refused) == THREADS - 1
    assert {r.report_id for r in refused} == set(made)
    assert count_reports(store.db(), tree.ba_dinh_cs1) == 1


def test_creations_in_different_units_never_conflict(
    store: Store, tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = store.db()
    units = [make_unit(db, tree.ba_dinh, f"Chi bộ số {i}", "CO_SO") for i in range(THREADS)]
    rollbacks: list[int] = []
    real = DbClass._rollback
    monkeypatch.setattr(DbClass, "_rollback", lambda self: (rollbacks.append(1), real(self)))
    owners = [actor_at(u, *ALL) for u in units]
    outcomes = all_at_once([lambda a=a: reports.create(store.db(), a, info()) for a in owners])
    assert all(isinstance(o, int) for o in outcomes), outcomes
    assert rollbacks == [], "a creation waited on another unit's"


def test_the_database_itself_refuses_a_second_report_of_a_unit(db: Db, tree: Tree) -> None:
    make_report(db, tree.ba_dinh_cs1)
    key = db.reports.key(CODE, TERM)
    with pytest.raises(duckdb.ConstraintException):
        db.items.insert("report", tree.ba_dinh_cs1.id, "Bản thứ hai", "DRAFT", None, NOW, key)


def test_items_without_a_natural_key_never_clash(db: Db, tree: Tree) -> None:
    for _ in range(2):
        db.items.insert("task", tree.ba_dinh_cs1.id, "Việc", "OPEN", None, NOW)
    assert db.scalar("SELECT count(*) FROM work_item WHERE kind = 'task'") == 2


def test_a_report_moved_by_a_merge_goes_on_through_its_flow(db: Db, tree: Tree) -> None:
    report_id = make_report(db, tree.hoan_kiem_cs1)
    admin = actor_at(tree.hn, functions.UNIT_MANAGE)
    restructure.merge_units(db, admin, [tree.hoan_kiem_cs1.id], tree.ba_dinh_cs1.id)
    owner, parent = actor_at(tree.ba_dinh_cs1, *ALL), actor_at(tree.ba_dinh, *ALL)
    reports.transition(db, owner, report_id, "send")
    reports.transition(db, parent, report_id, "reject", reason="Bổ sung số liệu")
    reports.transition(db, owner, report_id, "send")
    reports.transition(db, parent, report_id, "approve")
    assert (db.items.get(report_id).state, count_reports(db, tree.ba_dinh_cs1)) == ("APPROVED", 1)


def test_a_merge_racing_a_creation_at_the_target_keeps_one_report_there(
    store: Store, tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    theirs = make_report(store.db(), tree.hoan_kiem_cs1)
    admin = actor_at(tree.hn, functions.UNIT_MANAGE)
    target = actor_at(tree.ba_dinh_cs1, *ALL)
    outcomes = race_past_the_check(
        monkeypatch,
        lambda: restructure.merge_units(
            store.db(), admin, [tree.hoan_kiem_cs1.id], tree.ba_dinh_cs1.id
        ),
        lambda: reports.create(store.db(), target, info()),
    )
    db = store.db()
    assert outcomes["first"].kept_reports == (theirs,)
    assert db.reports.find(tree.ba_dinh_cs1.id, CODE, TERM) == outcomes["second"]
    assert count_reports(db, tree.ba_dinh_cs1) == 1
