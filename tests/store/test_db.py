"""Db.atomic: one transaction per action, rolled back whole, nested calls joined, write
conflicts between cursors retried in one place."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import duckdb
import pytest

from core.errors import Conflict, DomainError, StaleVersion
from core.model import AuditEntry
from core.store import Db, Store
from core.store.db import CONFLICT_RETRIES
from tests.factories import NOW, Tree

WAIT = 5  # seconds a thread waits for the other before the test gives up


def unit_fields(code: str) -> dict[str, Any]:
    return {
        "code": code,
        "name": f"Đơn vị {code}",
        "level_code": "XA",
        "type_code": "DIA_BAN",
        "province": "Thành phố Hà Nội",
        "address": "Hà Nội",
    }


def insert_unit_and_audit(db: Db, tree: Tree, code: str) -> int:
    new_id = db.units.insert(unit_fields(code), tree.hn, NOW)
    db.audit.write(AuditEntry("unit", new_id, "create"), None, None, None, NOW)
    return new_id


def run_both(first: Callable[[], Any], second: Callable[[], Any]) -> tuple[Any, Any]:
    """Run two callables on two threads and return their results (re-raising their errors)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        f1, f2 = pool.submit(first), pool.submit(second)
        return f1.result(timeout=WAIT * 2), f2.result(timeout=WAIT * 2)


def test_atomic_returns_what_the_function_returns(db: Db, tree: Tree) -> None:
    new_id = db.atomic(lambda d: insert_unit_and_audit(d, tree, "NEW"))
    assert db.units.get(new_id).code == "NEW"


def test_atomic_rolls_back_every_write_when_a_domain_error_is_raised_midway(
    db: Db, tree: Tree
) -> None:
    units_before, audit_before = len(db.units.subtree_ids("/")), db.audit.count()
    refusal = Conflict("đơn vị đã tồn tại")

    def half_way(d: Db) -> None:
        insert_unit_and_audit(d, tree, "HALF-1")
        insert_unit_and_audit(d, tree, "HALF-2")
        raise refusal

    with pytest.raises(Conflict) as err:
        db.atomic(half_way)
    assert err.value is refusal
    assert (len(db.units.subtree_ids("/")), db.audit.count()) == (units_before, audit_before)
    assert db.units.by_code("HALF-1") is None


def test_atomic_rolls_back_on_an_unexpected_error_too(db: Db, tree: Tree) -> None:
    def broken(d: Db) -> None:
        insert_unit_and_audit(d, tree, "BROKEN")
        raise RuntimeError("lỗi lập trình")

    with pytest.raises(RuntimeError):
        db.atomic(broken)
    assert db.units.by_code("BROKEN") is None


def test_the_same_db_commits_normally_after_a_rolled_back_transaction(db: Db, tree: Tree) -> None:
    def refused(d: Db) -> None:
        insert_unit_and_audit(d, tree, "FIRST")
        raise Conflict("không")

    with pytest.raises(Conflict):
        db.atomic(refused)
    db.atomic(lambda d: insert_unit_and_audit(d, tree, "SECOND"))
    assert db.units.by_code("FIRST") is None and db.units.by_code("SECOND") is not None


def test_nested_atomic_is_rolled_back_with_the_outer_transaction(db: Db, tree: Tree) -> None:
    def outer(d: Db) -> None:
        d.atomic(lambda inner: insert_unit_and_audit(inner, tree, "INNER"))
        raise Conflict("bên ngoài từ chối")

    with pytest.raises(Conflict):
        db.atomic(outer)
    assert db.units.by_code("INNER") is None


def test_nested_atomic_commits_only_when_the_outer_transaction_ends(
    store: Store, db: Db, tree: Tree
) -> None:
    observer = store.db()
    seen_inside: list[bool] = []

    def outer(d: Db) -> None:
        d.atomic(lambda inner: insert_unit_and_audit(inner, tree, "JOINED"))
        seen_inside.append(observer.units.by_code("JOINED") is not None)

    db.atomic(outer)
    assert seen_inside == [False]
    assert observer.units.by_code("JOINED") is not None


def test_a_write_conflict_between_two_cursors_is_retried_and_both_changes_land(
    store: Store, tree: Tree
) -> None:
    db_a, db_b = store.db(), store.db()
    b_has_read, a_committed = threading.Event(), threading.Event()
    attempts: list[int] = []

    def b_renames(d: Db) -> int:
        attempts.append(len(attempts) + 1)
        current = d.units.get(tree.hn.id)  # B's snapshot starts here
        if len(attempts) == 1:
            b_has_read.set()
            assert a_committed.wait(WAIT)  # A commits a change to the same row
        assert d.units.bump(tree.hn.id, current.version, NOW, name="Đảng bộ Hà Nội (B)")
        return current.version

    def a_describes() -> None:
        assert b_has_read.wait(WAIT)
        db_a.atomic(
            lambda d: d.units.bump(
                tree.hn.id, d.units.get(tree.hn.id).version, NOW, description="Sửa bởi A"
            )
        )
        a_committed.set()

    _, b_saw_version = run_both(a_describes, lambda: db_b.atomic(b_renames))

    final = store.db().units.get(tree.hn.id)
    assert attempts == [1, 2]
    assert b_saw_version == 2
    assert (final.name, final.description, final.version) == ("Đảng bộ Hà Nội (B)", "Sửa bởi A", 3)


def test_a_retried_save_against_the_version_it_was_edited_from_is_stale(
    store: Store, tree: Tree
) -> None:
    db_a, db_b = store.db(), store.db()
    b_has_read, a_committed = threading.Event(), threading.Event()
    edited_from = tree.hn.version

    def b_saves(d: Db) -> None:
        d.units.get(tree.hn.id)
        if not b_has_read.is_set():
            b_has_read.set()
            assert a_committed.wait(WAIT)
        if not d.units.update(tree.hn.id, {"name": "Tên của B"}, edited_from, NOW):
            raise StaleVersion()

    def a_saves() -> None:
        assert b_has_read.wait(WAIT)
        db_a.atomic(lambda d: d.units.update(tree.hn.id, {"name": "Tên của A"}, edited_from, NOW))
        a_committed.set()

    with pytest.raises(StaleVersion):
        run_both(a_saves, lambda: db_b.atomic(b_saves))
    assert store.db().units.get(tree.hn.id).name == "Tên của A"


def test_a_conflict_that_never_clears_gives_up_after_the_last_retry_with_a_busy_message(
    db: Db,
) -> None:
    attempts: list[int] = []

    def always_conflicts(d: Db) -> None:
        attempts.append(1)
        raise duckdb.TransactionException("TransactionContext Error: Conflict on update!")

    with pytest.raises(DomainError, match="Hệ thống đang bận do nhiều người cùng cập nhật"):
        db.atomic(always_conflicts)
    assert len(attempts) == CONFLICT_RETRIES


def test_a_writer_succeeds_when_the_conflicting_transaction_commits_a_moment_later(
    store: Store, tree: Tree
) -> None:
    db_a, db_b = store.db(), store.db()
    a_has_written = threading.Event()

    def a_slow_save(d: Db) -> None:
        d.units.bump(tree.hn.id, d.units.get(tree.hn.id).version, NOW, description="A")
        a_has_written.set()
        time.sleep(0.3)

    def b_save() -> None:
        assert a_has_written.wait(WAIT)
        db_b.atomic(
            lambda d: d.units.bump(tree.hn.id, d.units.get(tree.hn.id).version, NOW, name="B")
        )

    run_both(lambda: db_a.atomic(a_slow_save), b_save)
    final = store.db().units.get(tree.hn.id)
    assert (final.name, final.description, final.version) == ("B", "A", 3)
