"""A one-time password (the first Admin's, or one given by "Cấp lại mật khẩu") is changed before
any other page opens: until then the navigation holds only "Đổi mật khẩu", and any other page
asked for shows that page. After the change the whole navigation is back."""

from __future__ import annotations

import itertools

import pytest
from streamlit.testing.v1 import AppTest

from core import auth, startup, users
from core.access import load_actor
from core.model import UserDraft
from core.store import Store
from tests.pages.conftest import HANOI_ADMIN, ROOT, user_id

FIRST_ADMIN = "036085001234"
NEW_PASSWORD = "MatKhauMoi2026"
SERIALS = itertools.count(54322)  # a fresh account per test on the shared demo database


def change_password(at: AppTest, current: str) -> AppTest:
    for field, value in zip(at.text_input, [current, NEW_PASSWORD, NEW_PASSWORD], strict=True):
        field.input(value)
    return at.button(key="FormSubmitter:doi_mat_khau-Lưu").click().run()


def titles(at: AppTest) -> list[str]:
    return [t.value for t in at.title]


@pytest.fixture
def first_admin(tmp_path, monkeypatch) -> tuple[AppTest, str]:
    """A production database just created, and the app signed in as its first Admin."""
    monkeypatch.setenv("DHD_FIRST_ADMIN_CCCD", FIRST_ADMIN)
    path = tmp_path / "prod.duckdb"
    store = Store.open(path)
    first = startup.setup(store.db(), "production", lambda *_: None)
    monkeypatch.setenv("DHD_DB_PATH", str(path))
    monkeypatch.setenv("DHD_MODE", "production")
    monkeypatch.setenv("DHD_COOKIE_KEY", "k" * 48)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["user_id"] = user_id(store, FIRST_ADMIN)
    return at, first.password


def test_the_first_admin_sees_only_the_change_password_page(first_admin):
    at, _ = first_admin
    at.run()
    assert not at.exception
    assert titles(at) == ["Đổi mật khẩu"]
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/users.py")


def test_the_first_admin_gets_the_whole_navigation_after_changing_the_password(first_admin):
    at, password = first_admin
    at = change_password(at.run(), password)
    assert not at.exception
    assert "Đổi mật khẩu thành công" in [t.value for t in at.toast]
    at = at.switch_page("pages/users.py").run()
    assert titles(at) == ["Quản lý người dùng"]


@pytest.fixture
def reset_staff(app, demo_store) -> tuple[AppTest, str, int]:
    """A new Hà Nội staff account that set its own password, on the dashboard, just given a
    new password by its Admin with "Cấp lại mật khẩu"."""
    db = demo_store.db()
    admin = load_actor(db, user_id(demo_store, HANOI_ADMIN))
    cccd = f"0010966{next(SERIALS):05d}"
    unit = db.units.by_code("01000000")
    created = users.create(
        db, admin, UserDraft(cccd, "Trần Thu Hà", unit.id, "USER", "Chuyên viên", "QUAN_LY_BC")
    )
    staff = load_actor(db, created.user.id)
    own = "MatKhauRieng2026"
    auth.change_password(db, staff, created.initial_password, own, own)
    at = app(cccd).run().switch_page("pages/dashboard.py").run()
    assert titles(at) == ["Dashboard"]
    version = db.users.get(created.user.id).version
    return at, users.reset_password(db, admin, created.user.id, version), created.user.id


def test_after_a_password_reset_the_page_asked_for_shows_the_change_password_page(reset_staff):
    at, _, _ = reset_staff
    at = at.run()
    assert not at.exception
    assert titles(at) == ["Đổi mật khẩu"]
    assert not at.dataframe and not at.metric
    for page in ("pages/report_lookup.py", "pages/calendar_choose.py"):
        at = at.switch_page(page).run()
        assert titles(at) == ["Đổi mật khẩu"], page


def test_after_a_password_reset_the_new_password_brings_the_navigation_back(
    reset_staff, demo_store
):
    at, password, staff_id = reset_staff
    assert titles(at.run()) == ["Đổi mật khẩu"]
    # The browser's address is now the password page's (AppTest keeps the one it was given).
    at = change_password(at.switch_page("pages/password.py").run(), password)
    assert not at.exception
    at = at.switch_page("pages/report_lookup.py").run()
    assert titles(at) == ["Tra cứu báo cáo"]
    assert demo_store.db().users.get(staff_id).must_change_password is False
