"""Db.atomic: a storage failure (full disk, file gone read-only) is not a write conflict. It is
tried once, rolled back, and reported with its own message instead of "busy" after retries."""

from __future__ import annotations

import errno

import duckdb
import pytest

from core.errors import StorageError
from core.store import Db
from tests.factories import Tree

STORAGE_MESSAGE = "Không ghi được dữ liệu"


def failing(exc: BaseException) -> tuple[list[int], object]:
    attempts: list[int] = []

    def tx(_d: Db) -> None:
        attempts.append(1)
        raise exc

    return attempts, tx


@pytest.mark.parametrize(
    "exc",
    [
        duckdb.IOException("IO Error: Could not write file: No space left on device"),
        OSError(errno.ENOSPC, "No space left on device"),
        duckdb.TransactionException(
            "TransactionContext Error: Failed to commit: could not write: No space left on device"
        ),
        duckdb.FatalException("FATAL Error: database has been invalidated"),
    ],
    ids=["duckdb-io", "os-enospc", "failed-commit", "fatal"],
)
def test_a_storage_failure_is_tried_once_and_named_as_a_storage_error(
    db: Db, exc: BaseException
) -> None:
    attempts, tx = failing(exc)
    with pytest.raises(StorageError) as refused:
        db.atomic(tx)
    assert len(attempts) == 1
    assert STORAGE_MESSAGE in str(refused.value)
    assert "bận" not in str(refused.value)


def test_a_full_disk_at_commit_is_reported_once_and_leaves_nothing_written(
    db: Db, tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = db.scalar("SELECT count(*) FROM unit")
    commits: list[str] = []

    class FullDiskAtCommit:
        """The real cursor, except that COMMIT finds the disk full."""

        def __init__(self, cur: duckdb.DuckDBPyConnection) -> None:
            self._cur = cur

        def execute(self, sql: str, *args: object) -> duckdb.DuckDBPyConnection:
            if sql == "COMMIT":
                commits.append(sql)
                raise duckdb.IOException("IO Error: No space left on device")
            return self._cur.execute(sql, *args)

    monkeypatch.setattr(db, "cur", FullDiskAtCommit(db.cur))
    with pytest.raises(StorageError):
        db.atomic(lambda d: d.execute("UPDATE unit SET name = 'X' WHERE id = ?", [tree.hn.id]))
    monkeypatch.undo()
    assert commits == ["COMMIT"]
    assert db.scalar("SELECT count(*) FROM unit WHERE name = 'X'") == 0
    assert db.scalar("SELECT count(*) FROM unit") == before


def test_a_real_write_conflict_is_still_retried(db: Db) -> None:
    attempts: list[int] = []

    def tx(_d: Db) -> str:
        attempts.append(1)
        if len(attempts) < 3:
            raise duckdb.TransactionException("TransactionContext Error: Conflict on update!")
        return "ok"

    assert db.atomic(tx) == "ok"
    assert len(attempts) == 3
