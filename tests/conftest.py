"""Fixtures shared by every test: a fresh DuckDB file per test, fast bcrypt, a small tree."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from core import auth  # noqa: E402
from core.store import Db, Store  # noqa: E402
from tests.factories import Tree, make_tree  # noqa: E402


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
