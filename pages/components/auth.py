"""Sign-in through streamlit-authenticator, with the accounts and lock-out kept in DuckDB.

The library keeps credentials in a dict it mutates; `_Directory` stands in for that dict so
each lookup reads the one account from the store, and the library's failure counter writes
through to `core.auth`, which owns the lock-out rule.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.utilities.exceptions import LoginError

from core import auth, settings
from pages.components import session

COOKIE_NAME = "dhd_auth"
FIELDS = {
    "Form name": "Đăng nhập",
    "Username": "Số căn cước công dân",
    "Password": "Mật khẩu",
    "Login": "Đăng nhập",
}


class _Entry(dict):
    def __init__(self, cccd: str, entry: auth.LoginEntry) -> None:
        super().__init__(
            name=entry.full_name,
            password=entry.password_hash,
            email=None,
            roles=None,
            logged_in=False,
            failed_login_attempts=auth.MAX_FAILED_LOGINS if entry.locked_until else 0,
        )
        self._cccd = cccd

    def __setitem__(self, key: str, value: Any) -> None:
        if key == "failed_login_attempts":
            if value:
                auth.record_failure(session.db(), self._cccd)
            else:
                auth.record_success(session.db(), self._cccd)
        super().__setitem__(key, value)


class _Directory(Mapping):
    """Active accounts, read one at a time from the store."""

    def __init__(self) -> None:
        self._cache: dict[str, _Entry] = {}

    def __getitem__(self, cccd: str) -> _Entry:
        if cccd not in self._cache:
            entry = auth.login_entry(session.db(), cccd)
            if entry is None:
                raise KeyError(cccd)
            self._cache[cccd] = _Entry(cccd, entry)
        return self._cache[cccd]

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def cookie_key() -> str:
    """The signing key; raises `ConfigError` when production lacks a key of its own."""
    return settings.cookie_key(st.secrets.get("cookie_key") if _has_secrets() else None)


def _authenticator() -> stauth.Authenticate:
    key = cookie_key()
    authenticator = stauth.Authenticate(
        {"usernames": {}},
        COOKIE_NAME,
        key,
        cookie_expiry_days=1,
        auto_hash=False,
        login_sleep_time=0,
    )
    authenticator.authentication_controller.authentication_model.credentials = {
        "usernames": _Directory()
    }
    return authenticator


def _has_secrets() -> bool:
    try:
        return "cookie_key" in st.secrets
    except Exception:
        return False


def sign_in() -> None:
    """Render the login form; on success remember the user id for this browser session."""
    authenticator = _authenticator()
    try:
        authenticator.login(
            location="main",
            fields=FIELDS,
            max_login_attempts=auth.MAX_FAILED_LOGINS,
            key="dang_nhap",
        )
    except LoginError as exc:
        if "attempts" in str(exc):
            st.error(auth.LOCKED)
            return
        # A remembered cookie of an account that was since deactivated: forget it.
        st.session_state["logout"] = True
        st.rerun()
    status = st.session_state.get("authentication_status")
    if status:
        entry = auth.login_entry(session.db(), st.session_state["username"])
        if entry is None or entry.locked_until:
            authenticator.logout(location="unrendered")
            st.error(auth.BAD_CREDENTIALS)
            return
        st.session_state[session.USER_ID] = entry.user_id
        st.rerun()
    elif status is False:
        st.error(auth.BAD_CREDENTIALS)


def sign_out_button() -> None:
    authenticator = _authenticator()
    if st.sidebar.button("Đăng xuất", key="dang_xuat", width="stretch"):
        authenticator.logout(location="unrendered")
        for key in list(st.session_state.keys()):
            del st.session_state[key]
        st.session_state["logout"] = True
        st.rerun()
