"""The DuckDB store: one connection per process, one cursor per script run or thread.

DuckDB lets one process hold a database file for writing, so the process opens it once
(`Store.open`) and hands out `Db` handles, each on its own cursor. Every write goes through
`Db.atomic`, which is the one place that begins, commits, rolls back and retries transactions
that lost an optimistic-concurrency race inside DuckDB.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import polars as pl

from core.errors import ConfigError, DatabaseInUse, DomainError, StorageError
from core.store.migrate import apply_migrations

log = logging.getLogger(__name__)
T = TypeVar("T")
CONFLICT_RETRIES = 7
_BACKOFF_SECONDS = 0.02  # waits of about 0.02, 0.04 … 0.64 s: up to ~1.3 s in all


class Store:
    """The process-wide owner of the database file."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: str) -> None:
        self._con = con
        self.path = path
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: str | Path) -> Store:
        """Open the file and bring its schema up to date.

        Every reason the file cannot serve (held by another process, not a DuckDB file,
        unreadable or unwritable) becomes a `ConfigError` naming the file (`DatabaseInUse` when
        another process holds it), with DuckDB's own words in the log, so start-up stops with
        one sentence instead of a traceback.
        """
        path = str(path)
        try:
            return cls(_connect(path), path)
        except (duckdb.Error, OSError) as exc:
            if "lock" in str(exc).lower():
                raise DatabaseInUse(
                    f"Cơ sở dữ liệu {path} đang được một tiến trình khác sử dụng. "
                    "Mỗi tệp dữ liệu chỉ phục vụ một tiến trình ứng dụng; hãy dừng tiến trình kia "
                    "hoặc đặt DHD_DB_PATH sang tệp khác."
                ) from exc
            log.warning("Không mở được cơ sở dữ liệu %s: %s", path, exc)
            raise ConfigError(
                f"Không mở được cơ sở dữ liệu {path}: tệp bị hỏng, không phải tệp DuckDB hoặc "
                "không đọc ghi được; hãy kiểm tra DHD_DB_PATH và quyền truy cập tệp."
            ) from exc

    def db(self) -> Db:
        with self._lock:
            return Db(self._con.cursor())

    def close(self) -> None:
        self._con.close()


class Db:
    """A handle on one cursor: the repositories of every table, bound to that cursor."""

    def __init__(self, cur: duckdb.DuckDBPyConnection) -> None:
        from core.store.audit import AuditRepo
        from core.store.boundaries import BoundaryRepo
        from core.store.calendar import CalendarRepo
        from core.store.catalogs import CatalogRepo
        from core.store.dashboard import DashboardRepo
        from core.store.items import ItemRepo
        from core.store.meta import MetaRepo
        from core.store.reports import ReportRepo
        from core.store.units import UnitRepo
        from core.store.users import UserRepo

        self.cur = cur
        self._in_tx = False
        self.units = UnitRepo(self)
        self.users = UserRepo(self)
        self.items = ItemRepo(self)
        self.audit = AuditRepo(self)
        self.catalogs = CatalogRepo(self)
        self.meta = MetaRepo(self)
        self.reports = ReportRepo(self)
        self.boundaries = BoundaryRepo(self)
        self.dashboard = DashboardRepo(self)
        self.calendar = CalendarRepo(self)

    # -- queries, used by the repositories only --------------------------------------------
    def execute(self, sql: str, params: Any = None) -> list[tuple[Any, ...]]:
        """Run a statement and read its whole result, which DuckDB requires before the cursor
        does anything else."""
        return self.cur.execute(sql, params or []).fetchall()

    def rows(self, sql: str, params: Any = None) -> list[dict[str, Any]]:
        res = self.cur.execute(sql, params or [])
        cols = [d[0] for d in res.description]
        return [dict(zip(cols, r, strict=True)) for r in res.fetchall()]

    def one(self, sql: str, params: Any = None) -> dict[str, Any] | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    def scalar(self, sql: str, params: Any = None) -> Any:
        found = self.cur.execute(sql, params or []).fetchall()
        return found[0][0] if found else None

    def frame(self, sql: str, params: Any = None) -> pl.DataFrame:
        return self.cur.sql(sql, params=params or None).pl()

    # -- transactions ------------------------------------------------------------------------
    def atomic(self, fn: Callable[[Db], T]) -> T:
        """Run ``fn`` in one transaction; retry it when it lost a race with another writer.

        A write conflict (DuckDB's "Conflict" transaction error), or a unique constraint hit
        by a row another transaction committed after our checks ran, rolls back and runs
        ``fn`` again after a growing, jittered wait: on the retry ``fn`` sees the other
        writer's data, so its own checks raise the proper domain error (duplicate code,
        stale version) instead of a database error. Domain errors roll back and propagate
        unchanged, so an action happens whole or leaves no trace.
        Nested calls join the outer transaction. A storage failure (full disk, read-only or
        broken file, a commit that could not be written) is not retried, since waiting cannot
        fix it: it rolls back and raises `StorageError`, with the details in the log.
        """
        if self._in_tx:
            return fn(self)
        for attempt in range(CONFLICT_RETRIES):
            self.cur.execute("BEGIN TRANSACTION").fetchall()
            self._in_tx = True
            try:
                result = fn(self)
                self.cur.execute("COMMIT").fetchall()
                return result
            except (duckdb.Error, OSError) as exc:
                self._rollback()
                if _is_storage_failure(exc):
                    log.error("Không ghi được cơ sở dữ liệu", exc_info=exc)
                    raise StorageError() from exc
                if not _is_conflict(exc):
                    raise
                if attempt == CONFLICT_RETRIES - 1:
                    raise DomainError(
                        "Hệ thống đang bận do nhiều người cùng cập nhật, vui lòng thử lại"
                    ) from None
                time.sleep(_BACKOFF_SECONDS * 2**attempt * (0.5 + random.random()))
            except BaseException:
                self._rollback()
                raise
            finally:
                self._in_tx = False
        raise AssertionError("unreachable")

    def _rollback(self) -> None:
        try:
            self.cur.execute("ROLLBACK").fetchall()
        except duckdb.Error:
            pass


def _is_conflict(exc: BaseException) -> bool:
    """A lost optimistic-concurrency race: retrying sees the other writer's data.

    DuckDB reports a unique key that another transaction committed first either at the
    insert (a constraint error) or only at COMMIT (a transaction error naming the
    constraint); both are races, not storage failures."""
    if isinstance(exc, duckdb.ConstraintException):
        return True
    text = str(exc).lower()
    return isinstance(exc, duckdb.TransactionException) and (
        "conflict" in text or "constraint violation" in text
    )


def _is_storage_failure(exc: BaseException) -> bool:
    """The file could not be written: I/O, a fatal (invalidated) database, a failed commit."""
    if isinstance(exc, duckdb.TransactionException):
        return not _is_conflict(exc)
    return isinstance(exc, duckdb.IOException | duckdb.FatalException | OSError)


def _connect(path: str) -> duckdb.DuckDBPyConnection:
    """A connection to ``path`` with every migration applied, or none at all."""
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(path)
    try:
        apply_migrations(con)
    except BaseException:
        con.close()
        raise
    return con
