"""Backup and restore: the whole database out to a dated folder and back into a new file.

A database built with the factories (tree, accounts, reports in every state with their cells and
audit rows, congresses, boundaries) is exported, restored into a new file, and compared table by
table, row by row; the restored file opens with `Store.open` as it is and its ids carry on. The
command line (`python -m core.backup`) does the same, and refuses, with exit code 2 and a
message, to export a database the app holds or to restore over data.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import duckdb
import pytest

from core import clock, functions, report_types, reports
from core.errors import ConfigError
from core.model import ADMIN
from core.report_flow import APPROVED, CHANGES, DRAFT, PENDING
from core.store import Db, Store, migrate
from core.store.backup import DatabaseInUse, export_database, is_backup, restore_database
from tests.factories import NOW, Tree, actor_at, make_user
from tests.report_factories import valid_values
from tests.store.crash_writer import ROOT, child

ALL = tuple(f.code for f in functions.CATALOG)
TERM = "NK_2025_2030"
FOLDER_NAME = re.compile(r"^dhd-\d{8}-\d{6}(-\d+)?$")
IN_USE = "đang được một tiến trình khác sử dụng"
HAS_DATA = "đã có dữ liệu"
NOT_A_BACKUP = "không phải là một bản sao lưu"
ENDINGS = (DRAFT, PENDING, APPROVED, CHANGES)


# -- a database with something in every table ----------------------------------------------


def fill_reports(db: Db, tree: Tree) -> None:
    """Every report type each grassroots unit owes, entered in full and left in varied states."""
    report_types.sync_templates(db)
    units = (tree.ba_dinh_cs1, tree.ba_dinh_cs2, tree.hoan_kiem_cs1, tree.sai_gon_cs1)
    for n, unit in enumerate(units):
        owner, parent = actor_at(unit, *ALL), actor_at(db.units.get(unit.parent_id), *ALL)
        for k, template in enumerate(report_types.required_templates(db, owner)):
            info = reports.ReportInfo(
                template.code, template.term, date(2025, 3, 2), "Nguyễn Thị Hà", "Ban Tổ chức"
            )
            report_id = reports.create(db, owner, info)
            for v, tab in enumerate(template.tabs, start=1):
                raw = valid_values(tab, seed=n * 100 + k * 10 + v)
                reports.save_tab(db, owner, report_id, tab.key, raw, v)
            move_to(db, owner, parent, report_id, ENDINGS[(n + k) % len(ENDINGS)])


def move_to(db: Db, owner: Any, parent: Any, report_id: int, ending: str) -> None:
    if ending == DRAFT:
        return
    reports.transition(db, owner, report_id, "send")
    if ending == APPROVED:
        reports.transition(db, parent, report_id, "approve")
    elif ending == CHANGES:
        reports.transition(db, parent, report_id, "reject", "Thiếu số liệu đảng viên nữ")


def fill_the_rest(db: Db, tree: Tree) -> None:
    admin = make_user(db, tree.hn, ADMIN, "QUAN_TRI", full_name="Trần Quản Trị")
    make_user(db, tree.ba_dinh, full_name="Lê Thị Thu")
    make_user(db, tree.sai_gon_cs1, full_name="Phạm Văn Đức 🇻🇳")
    db.calendar.insert(
        TERM,
        tree.ba_dinh.id,
        {"held_on": date(2025, 7, 15), "start_time": time(8, 0), "venue": "Hội trường UBND"},
        NOW,
        admin.id,
    )
    db.calendar.insert(TERM, tree.hn.id, {"held_on": date(2025, 10, 10), "pilot": True}, NOW, 1)
    db.calendar.insert(TERM, tree.sai_gon.id, {"reason": "Chờ sáp nhập"}, NOW, 1)
    db.boundaries.replace(
        {
            "level_code": "TINH",
            "file_name": "tinh.geojson",
            "geojson": '{"type": "FeatureCollection", "features": []}',
            "name_property": "ten",
            "sha256": "0" * 64,
            "feature_count": 0,
        },
        {"ha-noi": tree.hn.id, "ho-chi-minh": tree.hcm.id},
        NOW,
        admin.id,
    )
    db.meta.set("mode", "demo")


@pytest.fixture
def filled(store: Store, db: Db, tree: Tree) -> Store:
    fill_reports(db, tree)
    fill_the_rest(db, tree)
    return store


@pytest.fixture
def restored(filled: Store, tmp_path: Path) -> Store:
    folder = export_database(filled, tmp_path / "backups")
    opened = Store.open(restore_database(folder, tmp_path / "restored.duckdb"))
    yield opened
    opened.close()


# -- how two databases are compared ------------------------------------------------------------


def table_names(db: Db) -> list[str]:
    return [r[0] for r in db.execute("SELECT table_name FROM duckdb_tables() ORDER BY ALL")]


def content(db: Db, table: str) -> list[tuple]:
    return db.execute(f'SELECT * FROM "{table}" ORDER BY ALL')


# The catalog as DuckDB prints it back: tables with their keys and defaults, indexes, views,
# constraints and macros.
CATALOG = (
    "SELECT table_name, sql FROM duckdb_tables()",
    "SELECT index_name, sql FROM duckdb_indexes()",
    "SELECT view_name, sql FROM duckdb_views() WHERE NOT internal",
    "SELECT table_name, constraint_type, constraint_text FROM duckdb_constraints()",
    "SELECT function_name, macro_definition FROM duckdb_functions()"
    " WHERE function_type = 'macro' AND NOT internal",
)


def definitions(db: Db) -> list[list[tuple]]:
    return [db.execute(f"{query} ORDER BY ALL") for query in CATALOG]


def sequences(db: Db) -> list[str]:
    return [r[0] for r in db.execute("SELECT sequence_name FROM duckdb_sequences() ORDER BY ALL")]


def run_cli(*args: str, db_path: Path | None = None) -> subprocess.CompletedProcess:
    env_db = {"DHD_DB_PATH": str(db_path)} if db_path else {}
    return subprocess.run(
        [sys.executable, "-m", "core.backup", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env_db},
    )


# -- export ------------------------------------------------------------------------------------


def test_export_writes_one_new_dated_folder_that_is_a_backup(filled: Store, tmp_path: Path):
    folder = export_database(filled, tmp_path / "backups")
    assert folder.parent == tmp_path / "backups"
    assert FOLDER_NAME.match(folder.name)
    assert is_backup(folder)
    assert [p.name for p in folder.parent.iterdir()] == [folder.name]


def test_two_exports_in_the_same_second_never_share_a_folder(
    filled: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setattr(clock, "now", lambda: datetime(2025, 9, 2, 7, 30, 0))
    first = export_database(filled, tmp_path)
    second = export_database(filled, tmp_path)
    assert (first.name, second.name) == ("dhd-20250902-073000", "dhd-20250902-073000-2")
    assert is_backup(first) and is_backup(second)


def test_export_of_a_file_that_does_not_exist_is_refused_and_creates_nothing(tmp_path: Path):
    missing = tmp_path / "khong-co.duckdb"
    with pytest.raises(ConfigError, match="Không tìm thấy tệp cơ sở dữ liệu"):
        export_database(missing, tmp_path / "backups")
    assert not missing.exists()
    assert not (tmp_path / "backups").exists()


# -- the round trip ----------------------------------------------------------------------------


# Tables the factories fill, so that the comparison below compares rows, not empty tables; any
# table added later is compared all the same.
FILLED = (
    "app_meta",
    "app_user",
    "audit_log",
    "boundary_match",
    "boundary_set",
    "congress",
    "report",
    "report_cell",
    "report_template",
    "schema_migrations",
    "unit",
    "work_item",
)


def test_the_database_to_back_up_has_rows_in_every_table_it_is_meant_to(filled: Store):
    db = filled.db()
    assert [t for t in FILLED if not content(db, t)] == []


def test_the_restored_database_has_the_same_tables(filled: Store, restored: Store):
    assert table_names(restored.db()) == table_names(filled.db())


def test_every_table_is_restored_row_for_row(filled: Store, restored: Store):
    original, copy = filled.db(), restored.db()
    different = [t for t in table_names(original) if content(copy, t) != content(original, t)]
    assert different == []


def test_the_restored_tables_keep_their_columns_keys_and_defaults(filled: Store, restored: Store):
    assert definitions(restored.db()) == definitions(filled.db())


def test_the_restored_database_opens_without_applying_any_migration_again(
    filled: Store, restored: Store
):
    db = restored.db()
    assert content(db, "schema_migrations") == content(filled.db(), "schema_migrations")
    assert [r[0] for r in content(db, "schema_migrations")] == [
        p.stem for p in migrate.migration_files()
    ]
    assert migrate.apply_migrations(db.cur) == []


def test_every_sequence_continues_where_the_original_stopped(filled: Store, restored: Store):
    original, copy = filled.db(), restored.db()
    assert sequences(copy) == sequences(original)
    for name in sequences(original):
        assert copy.scalar(f"SELECT nextval('{name}')") == original.scalar(
            f"SELECT nextval('{name}')"
        ), name


def test_new_rows_after_restore_get_fresh_ids(filled: Store, restored: Store):
    db = restored.db()
    last = {t: db.scalar(f"SELECT max(id) FROM {t}") for t in ("unit", "work_item", "audit_log")}
    ba_dinh = db.units.by_code("HN-BD")
    unit_id = db.units.insert(
        {"name": "Chi bộ Tổ dân phố số 9", "level_code": "CO_SO", "type_code": "DIA_BAN"},
        ba_dinh,
        NOW,
    )
    info = reports.ReportInfo(
        "PT_CL_CAP_UY_CO_SO", TERM, date(2025, 3, 2), "Nguyễn Thị Hà", "Ban Tổ chức"
    )
    report_id = reports.create(db, actor_at(db.units.get(unit_id), *ALL), info)
    assert unit_id > last["unit"]
    assert report_id > last["work_item"]
    assert db.scalar("SELECT max(id) FROM audit_log") > last["audit_log"]


def test_the_accent_insensitive_search_macro_survives(restored: Store):
    assert restored.db().scalar("SELECT fold('Đảng bộ Phường Ba Đình')") == "dang bo phuong ba dinh"


def test_the_app_services_work_on_the_restored_database(filled: Store, restored: Store):
    db = restored.db()
    parent = db.units.by_code("HN-BD")
    queue = [i.id for i in db.items.in_scope(parent.path, "report") if i.state == PENDING]
    assert queue
    done, failures = reports.approve_many(db, actor_at(parent, *ALL), queue)
    assert (done, failures) == (len(queue), [])


# -- refusals ----------------------------------------------------------------------------------


def test_restore_refuses_a_target_that_already_holds_data(filled: Store, tmp_path: Path):
    folder = export_database(filled, tmp_path / "backups")
    target = tmp_path / "dang-dung.duckdb"
    Store.open(target).close()
    size = target.stat().st_size
    with pytest.raises(ConfigError, match=HAS_DATA) as refused:
        restore_database(folder, target)
    assert str(target) in str(refused.value)
    assert target.stat().st_size == size
    check = Store.open(target)
    assert table_names(check.db()) and check.db().units.root() is None
    check.close()


@pytest.mark.parametrize("leftover", ["empty_file", "empty_database"])
def test_restore_accepts_a_target_that_exists_but_is_empty(
    filled: Store, tmp_path: Path, leftover: str
):
    folder = export_database(filled, tmp_path / "backups")
    target = tmp_path / "moi.duckdb"
    if leftover == "empty_file":
        target.touch()
    else:
        duckdb.connect(str(target)).close()
    opened = Store.open(restore_database(folder, target))
    assert opened.db().units.by_code("HN-BD-1") is not None
    opened.close()


def test_restore_refuses_a_folder_that_is_not_a_backup(tmp_path: Path):
    stray = tmp_path / "tai-lieu"
    stray.mkdir()
    (stray / "schema.sql").write_text("CREATE TABLE x (a INT);", encoding="utf-8")
    (stray / "load.sql").write_text("", encoding="utf-8")
    for source in (stray, tmp_path / "khong-co", tmp_path):
        with pytest.raises(ConfigError, match=NOT_A_BACKUP):
            restore_database(source, tmp_path / "moi.duckdb")
    assert not (tmp_path / "moi.duckdb").exists()


def test_a_restore_that_fails_midway_leaves_no_database_behind(filled: Store, tmp_path: Path):
    folder = export_database(filled, tmp_path / "backups")
    (folder / "report_cell.parquet").write_bytes(b"not parquet")
    target = tmp_path / "moi.duckdb"
    with pytest.raises(ConfigError, match="Không khôi phục được"):
        restore_database(folder, target)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("moi")] == []


# -- the command line --------------------------------------------------------------------------


def test_the_cli_exports_the_configured_database_and_restores_it_into_a_new_file(
    filled: Store, tmp_path: Path
):
    source = Path(filled.path)
    filled.close()  # the CLI is another process: the app must not hold the file
    exported = run_cli("export", "--to", str(tmp_path / "bk"), db_path=source)
    assert exported.returncode == 0, exported.stderr
    (folder,) = (tmp_path / "bk").iterdir()
    assert str(folder) in exported.stdout

    restored = run_cli("restore", str(folder), "--db", str(tmp_path / "moi.duckdb"))
    assert restored.returncode == 0, restored.stderr
    assert "Đã khôi phục" in restored.stdout

    original, copy = Store.open(source), Store.open(tmp_path / "moi.duckdb")
    try:
        before, after = original.db(), copy.db()
        assert [t for t in table_names(before) if content(after, t) != content(before, t)] == []
    finally:
        original.close()
        copy.close()


def test_the_cli_refuses_to_export_a_database_the_app_holds_with_exit_code_2(tmp_path: Path):
    path = tmp_path / "app.duckdb"
    holder = child("hold", str(path))
    try:
        assert holder.stdout.readline().strip() == "ready", holder.stderr.read()
        result = run_cli("export", "--db", str(path), "--to", str(tmp_path / "bk"))
    finally:
        holder.kill()
        holder.wait(timeout=10)
    assert result.returncode == 2
    assert str(path) in result.stderr and IN_USE in result.stderr
    assert "Hãy dừng ứng dụng trước khi sao lưu" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert not (tmp_path / "bk").exists() or not any((tmp_path / "bk").iterdir())


def test_export_of_a_held_database_raises_database_in_use(tmp_path: Path):
    path = tmp_path / "app.duckdb"
    holder = child("hold", str(path))
    try:
        assert holder.stdout.readline().strip() == "ready", holder.stderr.read()
        with pytest.raises(DatabaseInUse, match=IN_USE):
            export_database(path, tmp_path / "bk")
    finally:
        holder.kill()
        holder.wait(timeout=10)


def test_the_cli_refuses_to_restore_over_a_database_with_data_with_exit_code_2(
    filled: Store, tmp_path: Path
):
    folder = export_database(filled, tmp_path / "backups")
    filled.close()
    result = run_cli("restore", str(folder), db_path=Path(filled.path))
    assert result.returncode == 2
    assert HAS_DATA in result.stderr and filled.path in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_the_cli_refuses_a_folder_that_is_not_a_backup_with_exit_code_2(tmp_path: Path):
    result = run_cli("restore", str(tmp_path), "--db", str(tmp_path / "moi.duckdb"))
    assert result.returncode == 2
    assert NOT_A_BACKUP in result.stderr
    assert "Traceback" not in result.stderr
