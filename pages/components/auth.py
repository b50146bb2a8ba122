"""Sign-in and sign-out: our form, the tested rule `core.auth.authenticate`, and a login
cookie that carries a session kept in the store (`core.sessions`).

The form ends with `core.auth.authenticate`, so the page runs exactly the rule the tests prove,
lock-out and throttling included; the client id it passes is the browser's address. The cookie
is written by extra-streamlit-components' CookieManager (a small browser component; Streamlit
itself cannot set cookies). It is written on the first run after the sign-in, a run that is not
cut short by a rerun, and written again on later runs until the browser reports it, so that a
reload, or a new tab of the same browser, signs in from it. Signing out ends the session in the
store, which every tab that shares it notices on its next run (`session.actor`).
"""

from __future__ import annotations

from datetime import datetime

import extra_streamlit_components as stx
import streamlit as st

from core import auth, sessions, settings
from core.cookie_key import resolve as resolve_key
from core.errors import LoginRefused
from pages.components import session

COOKIE_NAME = "dhd_auth"
_PENDING = "_cookie_to_set"


def cookie_key() -> str:
    """The signing key; raises `ConfigError` when production lacks a key of its own."""
    secret = st.secrets.get("cookie_key") if _has_secrets() else None
    return resolve_key(secret, settings.DB_PATH.value())


def _has_secrets() -> bool:
    try:
        return "cookie_key" in st.secrets
    except Exception:
        return False


def _client() -> str:
    """The browser's address (None on localhost); the throttle keys guesses on it."""
    address = st.context.ip_address
    return address if isinstance(address, str) else ""


def _from_cookie() -> str | None:
    """The session token of this browser's login cookie, if signed with our key."""
    return sessions.token_in_cookie(st.context.cookies.get(COOKIE_NAME), cookie_key())


def _enter(user_id: int, token: str) -> None:
    st.session_state[session.USER_ID] = user_id
    st.session_state[session.TOKEN] = token
    st.rerun()


def sign_in() -> None:
    """Sign in from this browser's cookie, or render the form and check it with the rule."""
    db = session.db()
    token = _from_cookie()
    user_id = sessions.user_of(db, token)
    if token and user_id:
        _enter(user_id, token)
    with st.form("dang_nhap"):
        st.subheader("Đăng nhập")
        cccd = st.text_input("Số căn cước công dân")
        password = st.text_input("Mật khẩu", type="password")
        submitted = st.form_submit_button("Đăng nhập", type="primary")
    if not submitted:
        return
    try:
        user_id = auth.authenticate(db, cccd, password, client=_client())
    except LoginRefused as exc:
        st.error(str(exc))
        return
    token = sessions.start(db, user_id)
    st.session_state[_PENDING] = sessions.cookie_value(token, cookie_key())
    _enter(user_id, token)


def keep_cookie() -> None:
    """Write the login cookie of a new sign-in, until the browser reports having it."""
    value = st.session_state.get(_PENDING)
    if not value:
        return
    manager = stx.CookieManager(key="dhd_cookie")
    if manager.get(COOKIE_NAME) == value:
        del st.session_state[_PENDING]
        return
    manager.set(
        COOKIE_NAME,
        value,
        key="dhd_cookie_set",
        expires_at=datetime.now() + sessions.LIFETIME,
        same_site="lax",
    )


def sign_out_button() -> None:
    """The sidebar's "Đăng xuất", on every signed-in run; it also writes a pending cookie."""
    keep_cookie()
    if st.sidebar.button("Đăng xuất", key="dang_xuat", width="stretch"):
        db = session.db()
        sessions.end(db, st.session_state.get(session.TOKEN))
        sessions.end(db, _from_cookie())
        for key in list(st.session_state.keys()):
            del st.session_state[key]
        st.rerun()
