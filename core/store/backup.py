"""Whole-database backup and restore, with DuckDB's own EXPORT and IMPORT DATABASE.

A backup is a folder named after the moment it was taken (``dhd-YYYYMMDD-HHMMSS``) that holds
one Parquet file per table and the ``schema.sql`` and ``load.sql`` DuckDB writes beside them.
It carries every table, sequence and macro, ``schema_migrations`` included, so a restored
database opens with `Store.open` without running any migration again, and its sequences carry
on after the restored ids instead of handing out ids that already exist.

Both directions are built so that a failure leaves nothing that looks finished: the export is
written under a working name and renamed once complete, and the restore imports into a working
file that replaces the target only when the import has succeeded. A restore only ever creates
a new database: importing over live data would mix two histories, so a target that already
holds anything is refused.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb

from core import clock
from core.errors import ConfigError, DatabaseInUse
from core.store.db import Store

PREFIX = "dhd-"
_WORKING = ".dang-ghi"  # suffix of a backup folder or database file still being written
_MARKERS = ("schema.sql", "load.sql")


# -- export ------------------------------------------------------------------------------------


def export_database(source: Store | str | Path, target_dir: str | Path) -> Path:
    """Back up the whole database into a new dated folder under ``target_dir``; return it.

    ``source`` is an open `Store` (the app's own process) or a database file, which is opened
    here and refused with `DatabaseInUse` while another process, such as the app, holds it.
    """
    if isinstance(source, Store):
        return _export(source, Path(target_dir))
    store = _open_for_export(Path(source))
    try:
        return _export(store, Path(target_dir))
    finally:
        store.close()


def _open_for_export(path: Path) -> Store:
    """Open an existing file only: opening a missing one would back up a brand-new database."""
    if not path.is_file():
        raise ConfigError(f"Không tìm thấy tệp cơ sở dữ liệu {path}; không có gì để sao lưu.")
    try:
        return Store.open(path)
    except DatabaseInUse as exc:
        raise DatabaseInUse(
            f"{exc} Hãy dừng ứng dụng trước khi sao lưu, rồi chạy lại lệnh."
        ) from exc


def _export(store: Store, target_dir: Path) -> Path:
    folder = _new_backup_folder(target_dir)
    working = folder.with_name(folder.name + _WORKING)
    shutil.rmtree(working, ignore_errors=True)
    try:
        store.db().execute(f"EXPORT DATABASE {_literal(working)} (FORMAT parquet)")
        working.rename(folder)
    except (duckdb.Error, OSError) as exc:
        shutil.rmtree(working, ignore_errors=True)
        raise ConfigError(f"Không sao lưu được cơ sở dữ liệu vào {target_dir}: {exc}") from exc
    return folder


def _new_backup_folder(target_dir: Path) -> Path:
    """A dated folder name not used yet, so two backups in the same second never mix."""
    try:
        target_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"Không tạo được thư mục sao lưu {target_dir}: {exc}") from exc
    stem = f"{PREFIX}{clock.now():%Y%m%d-%H%M%S}"
    folder, n = target_dir / stem, 1
    while folder.exists():
        n += 1
        folder = target_dir / f"{stem}-{n}"
    return folder


# -- restore -----------------------------------------------------------------------------------


def is_backup(folder: str | Path) -> bool:
    """A folder written by `export_database`: DuckDB's two scripts and the migrations table."""
    folder = Path(folder)
    if not all((folder / name).is_file() for name in _MARKERS):
        return False
    return "schema_migrations" in (folder / "schema.sql").read_text(encoding="utf-8")


def restore_database(source_dir: str | Path, target_db_path: str | Path) -> Path:
    """Rebuild the backup in ``source_dir`` as a new database file at ``target_db_path``."""
    source, target = Path(source_dir), Path(target_db_path)
    if not is_backup(source):
        raise ConfigError(
            f"Thư mục {source} không phải là một bản sao lưu của ứng dụng "
            "(cần có schema.sql, load.sql và bảng schema_migrations do lệnh sao lưu tạo ra)."
        )
    _require_empty_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    working = target.with_name(target.name + _WORKING)
    _remove_database_file(working)
    try:
        con = duckdb.connect(str(working))
        try:
            con.execute(f"IMPORT DATABASE {_literal(source)}").fetchall()
        finally:
            con.close()
        os.replace(working, target)
    except (duckdb.Error, OSError) as exc:
        _remove_database_file(working)
        raise ConfigError(f"Không khôi phục được bản sao lưu {source}: {exc}") from exc
    return target


def _require_empty_target(target: Path) -> None:
    """Refuse any target that holds data, is in use, or was left by a process that crashed."""
    refusal = (
        f"Tệp {target} đã có dữ liệu. Chỉ khôi phục vào một tệp cơ sở dữ liệu mới: "
        "hãy chọn đường dẫn khác (--db) hoặc chuyển tệp cũ đi nơi khác trước."
    )
    if target.is_dir():
        raise ConfigError(f"{target} là một thư mục, không phải tệp cơ sở dữ liệu.")
    wal = _wal(target)
    if wal.exists() and wal.stat().st_size > 0:
        raise ConfigError(refusal)
    if not target.exists() or target.stat().st_size == 0:
        return
    if _table_count(target) > 0:
        raise ConfigError(refusal)


def _table_count(path: Path) -> int:
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.IOException as exc:
        if "lock" in str(exc).lower():
            raise DatabaseInUse(
                f"Cơ sở dữ liệu {path} đang được một tiến trình khác sử dụng; "
                "không khôi phục đè lên dữ liệu đang dùng."
            ) from exc
        raise ConfigError(f"Tệp {path} không phải là một cơ sở dữ liệu trống.") from exc
    except duckdb.Error as exc:
        raise ConfigError(f"Tệp {path} không phải là một cơ sở dữ liệu trống.") from exc
    try:
        return con.execute("SELECT count(*) FROM duckdb_tables()").fetchone()[0]
    finally:
        con.close()


def _remove_database_file(path: Path) -> None:
    for leftover in (path, _wal(path)):
        leftover.unlink(missing_ok=True)


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _literal(path: Path) -> str:
    """A path as an SQL string literal: EXPORT and IMPORT take no bound parameters."""
    return "'" + str(path).replace("'", "''") + "'"
