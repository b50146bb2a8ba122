"""Starting the app in production: no default cookie key; an empty database gets one Admin with
the CCCD the deployment chose; a demo database is refused."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from core import auth
from core.store import Store
from tests.pages.conftest import ROOT

FIRST_ADMIN = "036085001234"


def start(monkeypatch, tmp_path, key: str | None, admin: str | None = FIRST_ADMIN) -> AppTest:
    monkeypatch.setenv("DHD_DB_PATH", str(tmp_path / "prod.duckdb"))
    monkeypatch.setenv("DHD_MODE", "production")
    if admin is None:
        monkeypatch.delenv("DHD_FIRST_ADMIN_CCCD", raising=False)
    else:
        monkeypatch.setenv("DHD_FIRST_ADMIN_CCCD", admin)
    if key is None:
        monkeypatch.delenv("DHD_COOKIE_KEY", raising=False)
    else:
        monkeypatch.setenv("DHD_COOKIE_KEY", key)
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()


def test_production_without_a_cookie_key_refuses_to_sign_anyone_in(monkeypatch, tmp_path):
    at = start(monkeypatch, tmp_path, None)
    assert any("Chưa cấu hình khoá cookie" in e.value for e in at.error)
    assert not at.text_input
    assert not (tmp_path / "prod.duckdb").exists()


def test_production_refuses_the_demo_key(monkeypatch, tmp_path):
    from core.settings import DEMO_COOKIE_KEY

    at = start(monkeypatch, tmp_path, DEMO_COOKIE_KEY)
    assert any("Chưa cấu hình khoá cookie" in e.value for e in at.error)


def test_first_production_start_creates_the_root_and_prints_a_one_time_admin_password(
    monkeypatch, tmp_path, capsys
):
    at = start(monkeypatch, tmp_path, "k" * 48)
    assert [t.label for t in at.text_input] == ["Số căn cước công dân", "Mật khẩu"]
    printed = capsys.readouterr().out
    assert f"CCCD {FIRST_ADMIN}" in printed
    password = printed.split("mật khẩu một lần", 1)[1].split()[0]
    db = Store.open(tmp_path / "prod.duckdb").db()
    assert db.units.root().name == "Ban Chấp hành Trung ương Đảng"
    assert auth.authenticate(db, FIRST_ADMIN, password)
    assert db.meta.get("mode") == "production"


def test_production_on_an_empty_database_without_a_first_admin_cccd_refuses_to_start(
    monkeypatch, tmp_path, capsys
):
    at = start(monkeypatch, tmp_path, "k" * 48, admin=None)
    assert not at.exception
    assert any("DHD_FIRST_ADMIN_CCCD" in e.value for e in at.error)
    assert not at.text_input
    assert "mật khẩu một lần" not in capsys.readouterr().out
    assert Store.open(tmp_path / "prod.duckdb").db().units.root() is None


def test_production_refuses_an_invalid_first_admin_cccd(monkeypatch, tmp_path):
    at = start(monkeypatch, tmp_path, "k" * 48, admin="001000000001")
    assert any("DHD_FIRST_ADMIN_CCCD không hợp lệ" in e.value for e in at.error)
    assert not at.text_input


def test_a_demo_database_opened_in_production_refuses_to_start(monkeypatch, demo_store):
    monkeypatch.setenv("DHD_DB_PATH", demo_store.path)
    monkeypatch.setenv("DHD_MODE", "production")
    monkeypatch.setenv("DHD_COOKIE_KEY", "k" * 48)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert any("dữ liệu demo" in e.value for e in at.error)
    assert not at.text_input
