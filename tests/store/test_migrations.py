"""Numbered migrations: applied at open, recorded in `schema_migrations`, never twice."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from core.functions import BY_CODE
from core.store import Db, Store, migrate


def recorded(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute("SELECT name, applied_at FROM schema_migrations ORDER BY name").fetchall()


def test_every_migration_file_is_recorded_when_the_store_opens(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "t.duckdb")
    names = [r["name"] for r in store.db().rows("SELECT name FROM schema_migrations ORDER BY name")]
    store.close()
    assert names == [p.stem for p in migrate.migration_files()]
    assert names[:2] == ["0001_initial", "0002_catalogs"]


def test_migration_files_are_numbered_and_unique() -> None:
    numbers = [p.stem[:4] for p in migrate.migration_files()]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)


def test_reopening_a_database_applies_nothing_twice(tmp_path: Path) -> None:
    path = tmp_path / "t.duckdb"
    Store.open(path).close()
    con = duckdb.connect(str(path))
    first = recorded(con)
    con.close()

    Store.open(path).close()
    con = duckdb.connect(str(path))
    assert recorded(con) == first
    assert con.execute("SELECT count(*) FROM unit_level").fetchone() == (6,)
    con.close()


def test_apply_migrations_on_a_migrated_database_returns_nothing(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "t.duckdb"))
    assert migrate.apply_migrations(con) == [p.stem for p in migrate.migration_files()]
    assert migrate.apply_migrations(con) == []
    con.close()


def test_a_failing_migration_is_rolled_back_and_not_recorded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_ok.sql").write_text("CREATE TABLE kept (x INTEGER);", encoding="utf-8")
    (folder / "0002_bad.sql").write_text(
        "CREATE TABLE half_done (x INTEGER);\nSELECT * FROM no_such_table;", encoding="utf-8"
    )
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", folder)
    con = duckdb.connect(str(tmp_path / "t.duckdb"))

    with pytest.raises(duckdb.Error):
        migrate.apply_migrations(con)

    assert [r[0] for r in recorded(con)] == ["0001_ok"]
    tables = {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    assert "kept" in tables and "half_done" not in tables
    con.close()


def test_unit_levels_are_seeded_from_the_top_down(db: Db) -> None:
    assert [(r["code"], r["rank"]) for r in db.catalogs.levels()] == [
        ("TW", 0),
        ("TINH", 1),
        ("HUYEN", 2),
        ("XA", 3),
        ("CO_SO", 4),
        ("CHI_BO", 5),
    ]


def test_the_34_provinces_of_2025_are_seeded(db: Db) -> None:
    provinces = db.catalogs.provinces()
    assert len(provinces) == 34
    names = {p["name"] for p in provinces}
    assert {"Thành phố Hà Nội", "Thành phố Hồ Chí Minh", "Thành phố Huế", "Tỉnh Cà Mau"} <= names
    assert len({p["code"] for p in provinces}) == 34


def test_unit_types_of_the_manual_are_seeded(db: Db) -> None:
    names = {t["name"] for t in db.catalogs.types()}
    assert {
        "Cơ quan Đảng, MTTQ, tổ chức chính trị - xã hội",
        "Đơn vị sự nghiệp",
        "Doanh nghiệp",
        "Công an",
        "Quân sự",
    } <= names


def test_seeded_roles_grant_only_known_functions(db: Db) -> None:
    roles = db.users.roles()
    assert {r["code"] for r in roles} >= {"QUAN_TRI", "QUAN_LY_BC", "CHUYEN_VIEN", "PHAN_TICH"}
    for role in roles:
        assert set(role["functions"]) <= set(BY_CODE)
    assert db.users.functions_of_role("QUAN_TRI") == frozenset(BY_CODE)
