"""Fixtures shared by every test: a fresh DuckDB file per test, fast bcrypt, a small tree."""

from __future__ import annotations

from pathlib import Path

import pytest

from core import auth
from core.store import Db, Store
from tests.factories import Tree, make_tree


@pytest.fixture(autouse=True)
def fast_bcrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash with the cheapest bcrypt cost so that tests creating accounts stay fast."""
    monkeypatch.setattr(auth, "BCRYPT_ROUNDS", 4)


@pytest.fixture
def store(tmp_path: Path):
    """A fresh database file with every migration applied, closed after the test."""
    opened = Store.open(tmp_path / "t.duckdb")
    yield opened
    opened.close()


@pytest.fixture
def db(store: Store) -> Db:
    return store.db()


@pytest.fixture
def tree(db: Db) -> Tree:
    return make_tree(db)
