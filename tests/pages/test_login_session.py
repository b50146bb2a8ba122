"""The login page runs the tested rule (core.auth.authenticate) and opens a stored session;
signing out in one tab ends the session every other tab of the browser shares.

The "Đăng xuất" button itself is clicked in tests/browser/test_session_cookie_in_browser.py.
"""

from __future__ import annotations

import pytest

from core import auth, lockout, sessions, users
from core.access import load_actor
from core.model import UserDraft
from pages.components import session
from tests.pages.conftest import CENTRAL_ADMIN, user_id

NEW_CCCD = "001088555444"


def sign_in(at, cccd: str, password: str):
    at.run()
    at.text_input[0].input(cccd)
    at.text_input[1].input(password)
    return at.button[0].click().run()


@pytest.fixture
def account(demo_store):
    """A fresh account, so lock-outs stay away from the shared demo accounts."""
    db = demo_store.db()
    admin = load_actor(db, user_id(demo_store, CENTRAL_ADMIN))
    hanoi = db.units.by_code("01000000")
    created = users.create(
        db,
        admin,
        UserDraft(NEW_CCCD, "Đỗ Văn Thử", hanoi.id, "ADMIN", "Chuyên viên", "QUAN_LY_BC"),
    )
    yield created
    users.delete(db, admin, created.user.id, db.users.get(created.user.id).version)


def test_the_form_checks_the_password_with_core_auth_authenticate(
    app, account, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real = auth.authenticate

    def spy(db, cccd, password, now=None, *, client=""):
        calls.append((cccd, client))
        return real(db, cccd, password, now, client=client)

    monkeypatch.setattr(auth, "authenticate", spy)
    at = sign_in(app(), NEW_CCCD, account.initial_password)
    assert calls == [(NEW_CCCD, "")]
    assert at.session_state[session.USER_ID] == account.user.id


def test_the_form_applies_the_lock_out(app, account) -> None:
    for _ in range(lockout.MAX_PER_CLIENT):
        sign_in(app(), NEW_CCCD, "Saimatkhau1")
    at = sign_in(app(), NEW_CCCD, account.initial_password)
    assert session.USER_ID not in at.session_state
    assert any("tạm khoá" in e.value for e in at.error)


def test_a_sign_in_opens_a_stored_session(app, demo_store, account) -> None:
    at = sign_in(app(), NEW_CCCD, account.initial_password)
    token = at.session_state[session.TOKEN]
    assert sessions.user_of(demo_store.db(), token) == account.user.id


def test_signing_out_in_one_tab_signs_the_other_tab_out(app, demo_store, account) -> None:
    first = sign_in(app(), NEW_CCCD, account.initial_password)
    second = app()
    second.session_state[session.USER_ID] = first.session_state[session.USER_ID]
    second.session_state[session.TOKEN] = first.session_state[session.TOKEN]
    assert [t.value for t in second.run().title] == ["Đổi mật khẩu"]  # a one-time password
    sessions.end(demo_store.db(), first.session_state[session.TOKEN])  # "Đăng xuất" in the first
    after = second.run()
    assert session.USER_ID not in after.session_state
    assert "Dashboard" not in [t.value for t in after.title] and not after.metric
    assert "Bạn cần đăng nhập để sử dụng chức năng này" in [e.value for e in after.error]
