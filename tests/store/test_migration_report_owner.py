"""Migration 0012 on a database made before it: the owner of each report ends up once, in its
work item, and reports split by the old merge are put back without two sharing a place."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from core.store import migrate

OWNER_ONCE = "0012_report_owner_once"
TYPE, TERM = "PT_CL", "NK_2025_2030"


@pytest.fixture
def before(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> duckdb.DuckDBPyConnection:
    """A database with every migration before 0012 and reports written the old way."""
    older = tmp_path / "older"
    older.mkdir()
    for path in migrate.migration_files():
        if path.stem < OWNER_ONCE:
            shutil.copy(path, older / path.name)
    real = migrate.MIGRATIONS_DIR
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", older)
    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    migrate.apply_migrations(con)
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", real)
    # (report, unit in work_item, unit in report): 2 was moved alone by a merge; 4 was moved
    # onto unit 30, which already had 3 of the same type and term.
    for report_id, item_unit, report_unit in ((1, 10, 10), (2, 20, 21), (3, 30, 30), (4, 30, 31)):
        con.execute(
            "INSERT INTO work_item (id, kind, unit_id, title, state, created_at, updated_at)"
            " VALUES (?, 'report', ?, 'Báo cáo', 'DRAFT', now(), now())",
            [report_id, item_unit],
        )
        con.execute(
            "INSERT INTO report (id, template_code, term_code, unit_id, report_date,"
            " creator_name, organizer) VALUES (?, ?, ?, ?, DATE '2025-03-02', 'Hà', 'Ban')",
            [report_id, TYPE, TERM, report_unit],
        )
    return con


def owners(con: duckdb.DuckDBPyConnection) -> dict[int, int]:
    return dict(con.execute("SELECT id, unit_id FROM work_item ORDER BY id").fetchall())


def test_the_work_item_names_the_owner_unless_that_would_make_a_duplicate(before) -> None:
    migrate.apply_migrations(before)
    assert owners(before) == {1: 10, 2: 20, 3: 30, 4: 31}


def test_the_report_row_no_longer_holds_an_owner(before) -> None:
    migrate.apply_migrations(before)
    columns = {r[0] for r in before.execute("DESCRIBE report").fetchall()}
    assert "unit_id" not in columns and "template_code" in columns


def test_every_report_carries_its_natural_key_and_a_second_is_refused(before) -> None:
    migrate.apply_migrations(before)
    keys = {r[0] for r in before.execute("SELECT dedupe_key FROM work_item").fetchall()}
    assert keys == {f"{TYPE}|{TERM}"}
    with pytest.raises(duckdb.ConstraintException):
        before.execute("UPDATE work_item SET unit_id = 10 WHERE id = 2")
