"""Signing in through the login form (core.auth.authenticate), with lock-out and deactivation."""

from __future__ import annotations

import pytest

from core import auth, users
from core.access import load_actor
from core.demo import ACCOUNTS, DEMO_PASSWORD
from core.model import UserDraft
from tests.pages.conftest import CENTRAL_ADMIN, HANOI_STAFF, user_id


def sign_in(at, cccd: str, password: str):
    at.run()
    at.text_input[0].input(cccd)
    at.text_input[1].input(password)
    return at.button[0].click().run()


@pytest.mark.parametrize("account", ACCOUNTS, ids=lambda a: a.label)
def test_every_demo_account_signs_in_and_sees_the_navigation(app, account):
    at = sign_in(app(), account.cccd, DEMO_PASSWORD)
    assert not at.exception
    assert "user_id" in at.session_state
    assert [t.value for t in at.title] == ["Dashboard"]
    assert account.full_name in [m.value.strip("*") for m in at.sidebar.markdown]


def test_wrong_password_is_refused_with_a_message(app):
    at = sign_in(app(), HANOI_STAFF, "sai-mat-khau-1")
    assert "user_id" not in at.session_state
    assert auth.BAD_CREDENTIALS in [e.value for e in at.error]


def test_login_page_shows_the_manual_labels(app):
    at = app().run()
    assert [t.label for t in at.text_input] == ["Số căn cước công dân", "Mật khẩu"]
    assert [b.label for b in at.button] == ["Đăng nhập"]


def test_a_deactivated_account_is_refused_at_the_form_and_loses_its_session(app, demo_store):
    db = demo_store.db()
    admin = load_actor(db, user_id(demo_store, CENTRAL_ADMIN))
    hanoi = db.units.by_code("01000000")
    created = users.create(
        db,
        admin,
        UserDraft("001088777666", "Trịnh Văn Khoá", hanoi.id, "ADMIN", "Chuyên viên", "QUAN_LY_BC"),
    )
    signed_in = app("001088777666").run()
    assert [t.value for t in signed_in.title] == ["Đổi mật khẩu"]  # a new account's first page
    users.delete(db, admin, created.user.id, created.user.version)
    rerun = signed_in.run()
    assert (
        not rerun.metric
        and not rerun.dataframe
        and "Dashboard" not in [t.value for t in rerun.title]
    )
    assert "Bạn cần đăng nhập để sử dụng chức năng này" in [e.value for e in rerun.error]
    at = sign_in(app(), "001088777666", created.initial_password)
    assert "user_id" not in at.session_state
    assert auth.BAD_CREDENTIALS in [e.value for e in at.error]
