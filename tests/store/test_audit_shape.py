"""The shape of an audit row is defined once (`core.store.audit.COLUMNS`): the demo seed's
bulk rows and the rows services record fill the same columns, in the same order of events."""

from __future__ import annotations

from pathlib import Path

import pytest

from core import report_demo, reports
from core.store import Db
from core.store.audit import COLUMNS
from tests.factories import Tree, actor_at, make_unit
from tests.report_world import ALL, install_template, make_report


@pytest.fixture
def seeded(db: Db, tree: Tree, tmp_path: Path) -> Db:
    install_template(db, tmp_path)
    for i in range(12):
        make_unit(db, tree.hoan_kiem, f"Chi bộ mẫu {i}", "CO_SO")
    report_demo.build(db, [])
    return db


def filled(row: dict) -> set[str]:
    return {name for name in COLUMNS if row[name] is not None}


def seeded_row(db: Db, action: str) -> dict:
    return db.one(
        "SELECT * FROM audit_log WHERE entity = 'report' AND action = ? ORDER BY id LIMIT 1",
        [action],
    )


def test_every_audit_column_is_in_the_one_shape(db: Db) -> None:
    names = [r[0] for r in db.execute("DESCRIBE audit_log")]
    assert names == ["id", *COLUMNS]


@pytest.mark.parametrize("action", ["create", "send"])
def test_a_seeded_report_row_fills_what_a_recorded_one_does_but_the_account(
    seeded: Db, tree: Tree, action: str
) -> None:
    unit = make_unit(seeded, tree.ba_dinh, "Chi bộ lập sau", "CO_SO")
    report_id = make_report(seeded, unit)
    reports.transition(seeded, actor_at(unit, *ALL), report_id, "send")
    recorded = seeded.one(
        "SELECT * FROM audit_log WHERE entity_id = ? AND action = ?", [report_id, action]
    )
    # demo people have names but no accounts: the one column a seeded row leaves empty
    assert filled(seeded_row(seeded, action)) == filled(recorded) - {"actor_user_id"}


def test_a_seeded_reports_history_runs_in_the_order_it_happened(seeded: Db) -> None:
    approved = seeded.scalar(
        "SELECT entity_id FROM audit_log WHERE entity = 'report' AND action = 'approve' LIMIT 1"
    )
    history = seeded.audit.history("report", approved)
    assert history["action"].to_list() == ["create", "send", "approve"]
