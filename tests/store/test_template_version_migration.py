"""Migration 0013 on a database that already holds templates and reports: every existing body
becomes version 1 of its type, an imported one keeps its origin, and every report is on
version 1."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from core.store import migrate

BEFORE = """
INSERT INTO report_template VALUES
    ('A', 'Mẫu A', 'NK_2025_2030', ['CO_SO'], 'code: A', 'a.yaml', TRUE, TIMESTAMP '2025-01-01'),
    ('B', 'Mẫu B', 'NK_2025_2030', ['CO_SO'], 'code: B', 'b.yaml', TRUE, TIMESTAMP '2025-02-01');
INSERT INTO report (id, template_code, term_code, report_date, creator_name, organizer)
    VALUES (1, 'A', 'NK_2025_2030', DATE '2025-03-01', 'X', 'Y');
INSERT INTO audit_log (id, at_time, entity, action, detail) VALUES
    (1, TIMESTAMP '2025-02-01', 'report_template', 'import', '{"code": "B", "file": "b.yaml"}');
"""


def test_existing_templates_and_reports_become_version_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    every = migrate.migration_files()
    ours = next(p for p in every if p.stem.startswith("0013"))
    con = duckdb.connect(str(tmp_path / "t.duckdb"))
    monkeypatch.setattr(migrate, "migration_files", lambda: [p for p in every if p < ours])
    migrate.apply_migrations(con)
    con.execute(BEFORE)
    monkeypatch.setattr(migrate, "migration_files", lambda: every)
    assert ours.stem in migrate.apply_migrations(con)
    versions = con.execute(
        "SELECT code, version, body, source, origin FROM report_template_version ORDER BY code"
    ).fetchall()
    assert versions == [
        ("A", 1, "code: A", "a.yaml", "shipped"),
        ("B", 1, "code: B", "b.yaml", "import"),
    ]
    assert con.execute("SELECT template_version FROM report").fetchall() == [(1,)]
    con.close()
