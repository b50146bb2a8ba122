"""Sign-in and sign-out: our form, the tested rule `core.auth.authenticate`, and a login
cookie that carries a session kept in the store (`core.sessions`).

The form ends with `core.auth.authenticate`, so the page runs exactly the rule the tests prove,
lock-out and throttling included; the client id it passes is the browser's address. Streamlit
itself cannot set cookies, so a zero-height frame's script writes it, on the first run after
the sign-in that is not cut short by a rerun, and again on later runs until the browser
reports it, so that a reload, or a new tab of the same browser, signs in from it. Signing out
ends the session in the store, which every tab that shares it notices on its next run
(`session.actor`).
"""

from __future__ import annotations

import json

import streamlit as st
from streamlit.components.v1 import html

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


def resume_from_cookie() -> None:
    """Sign in from this browser's cookie before the navigation is built, so that a reload or
    a link opens the page it names instead of the sign-in page's "page not found"."""
    if session.USER_ID in st.session_state:
        return
    token = _from_cookie()
    user_id = sessions.user_of(session.db(), token)
    if token and user_id:
        st.session_state[session.USER_ID] = user_id
        st.session_state[session.TOKEN] = token


def sign_in() -> None:
    """Render the form and check it with the tested rule."""
    db = session.db()
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
    """Write the login cookie of a new sign-in, until the browser reports having it.

    The value is URL-safe text we made (token and HMAC), so it is written as it is; a zero-height
    component frame shares the app's origin, so its script sets the app's cookie. It needs no
    component route on the server, which the server-started app (`st.App`) does not serve."""
    value = st.session_state.get(_PENDING)
    if not value:
        return
    if st.context.cookies.get(COOKIE_NAME) == value:
        del st.session_state[_PENDING]
        return
    seconds = int(sessions.LIFETIME.total_seconds())
    html(
        "<script>parent.document.cookie = "
        f"{json.dumps(f'{COOKIE_NAME}={value}; Max-Age={seconds}; Path=/; SameSite=Lax')};"
        "</script>",
        height=0,
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
