"""Concurrent work: many threads, each on its own cursor, editing and moving the same reports.

Eight threads (sixteen with ``DHD_LONG_TESTS=1``) share one store and six reports. Each thread
does sixty (two hundred and fifty) random operations as the right people: the grassroots owner
saves the tab with the version it read (sometimes a broken one) and sends; the parent approves
(one by one or in a batch), rejects and cancels approval with a reason. Mostly a thread picks
an action the report's state offers, as a person clicks a button the screen shows, so that
many actions race for the same version; now and then it tries one the state refuses. Every
operation acts as a person of its own (a fresh actor id), so each audit row names the operation
that wrote it. The run happens once per module; each test checks one promise of the spec on
its outcome: every operation succeeds or is refused with a clear domain error, no update is
lost, no report is ever in an illegal state, and the audit rows match the successful actions
exactly.
"""

from __future__ import annotations

import os
import random
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import core.store.db
from core import report_types, reports
from core.errors import DomainError, StaleVersion
from core.functions import REPORT_APPROVE, REPORT_CREATE, REPORT_LOOKUP
from core.model import Actor, Unit
from core.report_flow import APPROVED, CHANGES, DRAFT, EDITABLE, FLOW, PENDING
from core.store import Db, Store
from tests.factories import HCM, actor_at, make_tree, make_unit

LONG = os.environ.get("DHD_LONG_TESTS") == "1"
THREADS, OPS_PER_THREAD = (16, 250) if LONG else (8, 60)
SEED = 20250301
TERM = "NK_2025_2030"
CODE = "BC_GHI_DONG_THOI"
TAB = "so_lieu"
TEMPLATE = f"""
code: {CODE}
name: Báo cáo thử ghi đồng thời
term: {TERM}
levels: [CO_SO]
tabs:
  - key: {TAB}
    title: 1. Số liệu đảng viên
    columns:
      - {{key: tong, label: Tổng số}}
      - {{key: nu, label: Nữ}}
    rows:
      - key: dang_vien
        label: Đảng viên
        children:
          - {{key: moi, label: "- Kết nạp mới"}}
    required: all
    rules:
      - {{le: nu, of: tong}}
"""
Cells = dict[tuple[str, str], int]
EDITS = ("save_tab", "save_info", "upload")
NOT_DOMAIN_WORDS = ("TransactionContext", "Constraint Error", "duckdb", "Traceback")


def values_for(n: int) -> Cells:
    """A valid tab whose figures are unique to operation ``n``, so a saved tab names its saver."""
    return {
        ("dang_vien", "tong"): n,
        ("dang_vien", "nu"): n // 3,
        ("moi", "tong"): n // 2,
        ("moi", "nu"): n // 6,
    }


def broken_values(n: int) -> Cells:
    """Women outnumber the total: the rule refuses the whole tab."""
    return {**values_for(n), ("dang_vien", "nu"): n + 1}


# -- the world ------------------------------------------------------------------------------


@dataclass
class World:
    store: Store
    report_ids: list[int]
    owner: dict[int, Unit]  # report -> the grassroots unit that owns it
    parent: dict[int, Unit]  # report -> the unit above, which approves it
    base_version: dict[int, int]
    first_audit_id: int


def build_world(tmp: Path) -> World:
    store = Store.open(tmp / "concurrency.duckdb")
    db = store.db()
    (tmp / "tpl").mkdir()
    (tmp / "tpl" / "dong_thoi.yaml").write_text(TEMPLATE, encoding="utf-8")
    report_types.sync_templates(db, tmp / "tpl")
    tree = make_tree(db)
    units = [
        tree.ba_dinh_cs1,
        tree.ba_dinh_cs2,
        tree.hoan_kiem_cs1,
        make_unit(db, tree.hoan_kiem, "Chi bộ Tổ dân phố số 2", "CO_SO", code="HN-HK-2"),
        tree.sai_gon_cs1,
        make_unit(db, tree.sai_gon, "Chi bộ Khu phố 2", "CO_SO", code="HCM-SG-2", province=HCM),
    ]
    parents = {u.id: db.units.get(u.parent_id) for u in units}
    owner, parent = {}, {}
    for unit in units:
        author = owner_actor(unit)
        info = reports.ReportInfo(CODE, TERM, date(2025, 3, 2), "Nguyễn Thị Hà", "Ban Tổ chức")
        report_id = reports.create(db, author, info)
        reports.save_tab(db, author, report_id, TAB, values_for(0), 1)
        owner[report_id], parent[report_id] = unit, parents[unit.id]
    return World(
        store,
        list(owner),
        owner,
        parent,
        {r: db.items.get(r).version for r in owner},
        db.scalar("SELECT coalesce(max(id), 0) + 1 FROM audit_log"),
    )


def owner_actor(unit: Unit) -> Actor:
    return actor_at(unit, REPORT_CREATE, REPORT_LOOKUP, full_name="Cán bộ cơ sở")


def parent_actor(unit: Unit) -> Actor:
    return actor_at(unit, REPORT_LOOKUP, REPORT_APPROVE, full_name="Cán bộ cấp trên")


# -- what each operation leaves behind ---------------------------------------------------------


@dataclass(frozen=True)
class Done:
    """One successful write, by the operation whose fresh actor id is ``op_id``."""

    op_id: int
    report_id: int
    action: str  # as the audit trail names it
    read_version: int | None = None  # the version the operation said it edited, if it said
    values: Cells | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Batch:
    """One `approve_many` call: how many of ``report_ids`` it says it approved."""

    op_id: int
    report_ids: tuple[int, ...]
    approved: int


@dataclass(frozen=True)
class Refusal:
    action: str
    error: str
    message: str


@dataclass
class Log:
    done: list[Done] = field(default_factory=list)
    batches: list[Batch] = field(default_factory=list)
    refusals: list[Refusal] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    attempts: int = 0


# -- the operations ----------------------------------------------------------------------------


def op_save(w: World, db: Db, rid: int, log: Log) -> None:
    actor = owner_actor(w.owner[rid])
    version = db.items.get(rid).version
    values = values_for(actor.user_id)
    reports.save_tab(db, actor, rid, TAB, values, version)
    log.done.append(Done(actor.user_id, rid, "save_tab", version, values))


def op_save_broken(w: World, db: Db, rid: int, log: Log) -> None:
    actor = owner_actor(w.owner[rid])
    version = db.items.get(rid).version
    reports.save_tab(db, actor, rid, TAB, broken_values(actor.user_id), version)
    log.done.append(Done(actor.user_id, rid, "save_broken", version))


def op_send(w: World, db: Db, rid: int, log: Log) -> None:
    actor = owner_actor(w.owner[rid])
    version = db.items.get(rid).version if actor.user_id % 2 else None
    reports.transition(db, actor, rid, "send", expected_version=version)
    log.done.append(Done(actor.user_id, rid, "send", version))


def _by_parent(action: str, with_reason: bool) -> Callable[[World, Db, int, Log], None]:
    def op(w: World, db: Db, rid: int, log: Log) -> None:
        actor = parent_actor(w.parent[rid])
        reason = f"Lý do {actor.user_id}: bổ sung số liệu nữ" if with_reason else None
        version = db.items.get(rid).version if actor.user_id % 2 else None
        reports.transition(db, actor, rid, action, reason, expected_version=version)
        log.done.append(Done(actor.user_id, rid, action, version, reason=reason))

    return op


def op_approve_many(w: World, db: Db, rid: int, log: Log) -> None:
    above = w.parent[rid]
    actor = parent_actor(above)
    siblings = tuple(r for r in w.report_ids if w.parent[r].id == above.id)
    approved, _ = reports.approve_many(db, actor, list(siblings))
    log.batches.append(Batch(actor.user_id, siblings, approved))


def op_read(w: World, db: Db, rid: int, log: Log) -> None:
    view = reports.detail(db, owner_actor(w.owner[rid]), rid)
    if view.record["state"] not in FLOW.state_labels:
        log.unexpected.append(f"read: report {rid} in unknown state {view.record['state']}")


OPERATIONS: dict[str, tuple[Callable[[World, Db, int, Log], None], int]] = {
    "save": (op_save, 30),
    "save_broken": (op_save_broken, 4),
    "send": (op_send, 18),
    "approve": (_by_parent("approve", False), 13),
    "approve_many": (op_approve_many, 4),
    "reject": (_by_parent("reject", True), 12),
    "cancel_approval": (_by_parent("cancel_approval", True), 10),
    "read": (op_read, 9),
}


# What the screen offers in each state; a thread picks from it three times in four.
OFFERED = {
    DRAFT: ("save", "save", "save_broken", "send", "read"),
    CHANGES: ("save", "save", "save_broken", "send", "read"),
    PENDING: ("approve", "approve_many", "reject", "read"),
    APPROVED: ("cancel_approval", "read"),
}
FOLLOWS_THE_SCREEN = 0.75


def pick(db: Db, rid: int, rng: random.Random) -> str:
    if rng.random() < FOLLOWS_THE_SCREEN:
        return rng.choice(OFFERED[db.items.get(rid).state])
    names, weights = list(OPERATIONS), [weight for _, weight in OPERATIONS.values()]
    return rng.choices(names, weights)[0]


def work(w: World, index: int, start: threading.Barrier, log: Log) -> None:
    """One thread: its own cursor, its own random sequence, every outcome written down."""
    db = w.store.db()
    rng = random.Random(SEED + index)
    start.wait()
    for _ in range(OPS_PER_THREAD):
        rid = rng.choice(w.report_ids)
        log.attempts += 1
        name = "pick"
        try:
            name = pick(db, rid, rng)
            OPERATIONS[name][0](w, db, rid, log)
        except DomainError as exc:
            log.refusals.append(Refusal(name, type(exc).__name__, str(exc)))
        except Exception:  # noqa: BLE001 - anything but a domain error is the finding
            log.unexpected.append(f"{name}: {traceback.format_exc()}")


# -- the run and what the store holds afterwards ------------------------------------------------


class CountingTime:
    """The store's `time` module, counting the waits `Db.atomic` makes before each retry."""

    def __init__(self) -> None:
        self.waits = 0
        self._lock = threading.Lock()

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.waits += 1
        time.sleep(seconds)

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


@dataclass
class Outcome:
    world: World
    log: Log
    retries: int
    audit: dict[int, list[dict[str, Any]]]  # report -> every audit row, oldest first
    final: dict[int, dict[str, Any]]  # report -> its record (state, version, last_reason)
    values: dict[int, Cells]

    def new_rows(self, rid: int) -> list[dict[str, Any]]:
        return [r for r in self.audit[rid] if r["id"] >= self.world.first_audit_id]

    def done_on(self, rid: int) -> list[Done]:
        return [d for d in self.log.done if d.report_id == rid]


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> Outcome:
    world = build_world(tmp_path_factory.mktemp("concurrency"))
    logs = [Log() for _ in range(THREADS)]
    start, clock = threading.Barrier(THREADS), CountingTime()
    threads = [
        threading.Thread(target=work, args=(world, i, start, logs[i]), name=f"worker-{i}")
        for i in range(THREADS)
    ]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(core.store.db, "time", clock)
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=600)
    assert not any(t.is_alive() for t in threads), "a worker thread never finished"
    log = Log(
        done=[d for x in logs for d in x.done],
        batches=[b for x in logs for b in x.batches],
        refusals=[r for x in logs for r in x.refusals],
        unexpected=[u for x in logs for u in x.unexpected],
        attempts=sum(x.attempts for x in logs),
    )
    db = world.store.db()
    result = Outcome(
        world,
        log,
        clock.waits,
        {
            rid: db.rows(
                "SELECT id, actor_user_id, action, from_state, to_state, reason FROM audit_log "
                "WHERE entity = 'report' AND entity_id = ? ORDER BY id",
                [rid],
            )
            for rid in world.report_ids
        },
        {rid: db.reports.get(rid) for rid in world.report_ids},
        {rid: reports.values_of(db, rid).get(TAB, {}) for rid in world.report_ids},
    )
    yield result
    world.store.close()


# -- the promises ------------------------------------------------------------------------------


def test_every_operation_succeeds_or_is_refused_with_a_clear_domain_error(
    outcome: Outcome,
) -> None:
    assert outcome.log.unexpected == []
    unclear = [
        r
        for r in outcome.log.refusals
        if not r.message.strip() or any(word in r.message for word in NOT_DOMAIN_WORDS)
    ]
    assert unclear == []


def test_the_threads_did_hundreds_of_operations_on_the_same_reports_and_really_collided(
    outcome: Outcome,
) -> None:
    log = outcome.log
    assert log.attempts == THREADS * OPS_PER_THREAD >= 300
    assert set(Counter(d.action for d in log.done)) >= {
        "save_tab",
        "send",
        "approve",
        "reject",
        "cancel_approval",
    }
    assert any(r.error == StaleVersion.__name__ for r in log.refusals)
    assert {r for r in outcome.world.report_ids if len(outcome.new_rows(r)) > 1} == set(
        outcome.world.report_ids
    )


def test_write_conflicts_inside_the_database_happened_and_were_retried(outcome: Outcome) -> None:
    assert outcome.retries > 0


def test_a_tab_that_breaks_a_rule_is_never_saved(outcome: Outcome) -> None:
    assert [d for d in outcome.log.done if d.action == "save_broken"] == []
    assert {r.error for r in outcome.log.refusals if r.action == "save_broken"} <= {
        "CellsInvalid",
        "Conflict",
        "StaleVersion",
        "DomainError",
    }


def test_no_update_is_lost_the_stored_tab_is_the_last_successful_save(outcome: Outcome) -> None:
    for rid in outcome.world.report_ids:
        saves = [d for d in outcome.done_on(rid) if d.action == "save_tab"]
        last = max(saves, key=lambda d: d.read_version).values if saves else values_for(0)
        assert outcome.values[rid] == last, f"báo cáo {rid}"


def test_each_version_grew_by_exactly_the_number_of_successful_writes(outcome: Outcome) -> None:
    for rid in outcome.world.report_ids:
        writes = len(outcome.done_on(rid)) + batch_approvals(outcome, rid)
        assert outcome.final[rid]["version"] == outcome.world.base_version[rid] + writes


def test_every_report_ends_in_a_state_of_the_flow(outcome: Outcome) -> None:
    assert {rec["state"] for rec in outcome.final.values()} <= set(FLOW.state_labels)


def test_every_audit_history_is_a_legal_path_through_the_flow_to_the_stored_state(
    outcome: Outcome,
) -> None:
    problems = {
        rid: illegal_steps(rows, outcome.final[rid]["state"]) for rid, rows in outcome.audit.items()
    }
    assert {rid: p for rid, p in problems.items() if p} == {}


def test_audit_rows_match_the_successful_actions_one_to_one(outcome: Outcome) -> None:
    batch_ops = {b.op_id for b in outcome.log.batches}
    for rid in outcome.world.report_ids:
        rows = [r for r in outcome.new_rows(rid) if r["actor_user_id"] not in batch_ops]
        done = outcome.done_on(rid)
        assert sorted((r["actor_user_id"], r["action"]) for r in rows) == sorted(
            (d.op_id, d.action) for d in done
        ), f"báo cáo {rid}"


def test_audit_rows_follow_the_order_of_the_versions_they_wrote(outcome: Outcome) -> None:
    for rid in outcome.world.report_ids:
        position = {r["actor_user_id"]: i for i, r in enumerate(outcome.new_rows(rid))}
        base = outcome.world.base_version[rid]
        for d in outcome.done_on(rid):
            if d.read_version is not None:
                assert position[d.op_id] == d.read_version - base, f"báo cáo {rid}, {d}"


def test_each_batch_approval_wrote_one_approve_row_per_report_it_counted(
    outcome: Outcome,
) -> None:
    for batch in outcome.log.batches:
        rows = [
            (rid, r["action"])
            for rid in outcome.world.report_ids
            for r in outcome.new_rows(rid)
            if r["actor_user_id"] == batch.op_id
        ]
        assert len(rows) == batch.approved
        assert all(rid in batch.report_ids and action == "approve" for rid, action in rows)


def test_the_reason_shown_is_the_one_of_the_latest_reject_or_cancellation(
    outcome: Outcome,
) -> None:
    for rid in outcome.world.report_ids:
        reasons = [
            r["reason"] for r in outcome.audit[rid] if r["action"] in ("reject", "cancel_approval")
        ]
        assert outcome.final[rid]["last_reason"] == (reasons[-1] if reasons else None)


# -- helpers of the checks ---------------------------------------------------------------------


def batch_approvals(outcome: Outcome, rid: int) -> int:
    batch_ops = {b.op_id for b in outcome.log.batches}
    return sum(1 for r in outcome.new_rows(rid) if r["actor_user_id"] in batch_ops)


def illegal_steps(rows: list[dict[str, Any]], final_state: str) -> list[str]:
    """Replay an audit history through the flow's table; say where it leaves the table."""
    problems, state = [], None
    for row in rows:
        action = row["action"]
        if action == "create":
            if state is not None or row["to_state"] != FLOW.initial_state:
                problems.append(f"{row['id']}: create from {state} to {row['to_state']}")
            state = row["to_state"]
        elif action in EDITS:
            if state not in EDITABLE:
                problems.append(f"{row['id']}: {action} while {state}")
        else:
            step = FLOW.find(state, action)
            if step is None or (row["from_state"], row["to_state"]) != (state, step.new_state):
                problems.append(f"{row['id']}: {action} {row['from_state']}->{row['to_state']}")
            state = row["to_state"]
    if state != final_state:
        problems.append(f"history ends in {state}, the report is {final_state}")
    return problems
