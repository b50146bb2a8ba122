"""AppTest fixtures: one demo database per test session, an app signed in as a demo account."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core import auth, startup
from core.store import Store

ROOT = Path(__file__).resolve().parents[2]
CENTRAL_ADMIN = "001080012345"
ANALYST = "038188067890"
HANOI_ADMIN = "001185023456"
HANOI_STAFF = "001090034567"
COMMUNE_STAFF = "001192045678"
GRASSROOTS_STAFF = "001095056789"


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    store = Store.open(path)
    startup.setup(store.db(), "demo", lambda _f, _m: None, "S")
    return store


@pytest.fixture
def app(demo_store: Store, monkeypatch: pytest.MonkeyPatch) -> Callable[..., AppTest]:
    """Build an AppTest of ``app.py`` (or of one page file), signed in as ``cccd`` if given."""
    monkeypatch.setenv("DHD_DB_PATH", demo_store.path)
    monkeypatch.setenv("DHD_MODE", "demo")

    def make(cccd: str | None = None, script: str = "app.py") -> AppTest:
        at = AppTest.from_file(str(ROOT / script), default_timeout=60)
        if cccd:
            at.session_state["user_id"] = user_id(demo_store, cccd)
        return at

    return make


def user_id(store: Store, cccd: str) -> int:
    return auth.login_entry(store.db(), cccd).user_id


def open_page(at: AppTest, page: str) -> AppTest:
    at.run()
    return at.switch_page(page).run()
