"""The per-process store, the per-run database handle and the signed-in actor."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from core import sessions, settings
from core.access import load_actor, require
from core.errors import DomainError, PermissionDenied
from core.markup import markdown_literal
from core.model import Actor
from core.store import Db, Store

T = TypeVar("T")
USER_ID = "user_id"
PASSWORD_PAGE = "pages/password.py"
TOKEN = "session_token"
_local = threading.local()


@st.cache_resource(show_spinner=False)
def _store(path: str) -> Store:
    return Store.open(path)


def store() -> Store:
    """The process's store; raises `ConfigError` (shown by app.py) if the file is locked."""
    return _store(settings.DB_PATH.value())


def db() -> Db:
    """One cursor per script run: each run executes on its own thread."""
    handle = getattr(_local, "db", None)
    if handle is None or getattr(_local, "store", None) is not store():
        _local.db = handle = store().db()
        _local.store = store()
    return handle


def actor() -> Actor | None:
    """The signed-in actor, or None. A session that was ended (signed out in another tab of
    this browser) or expired signs this tab out too, leaving nothing of it in the session."""
    user_id = st.session_state.get(USER_ID)
    if not user_id:
        return None
    token = st.session_state.get(TOKEN)
    if token is not None and sessions.user_of(db(), token) != user_id:
        st.session_state.clear()
        return None
    return load_actor(db(), user_id)


def require_page(function: str | None) -> Actor:
    """Open a page: refuse (and show no data) unless the user is signed in and has
    ``function`` (None: any signed-in user). Shows the toast the previous run queued.

    An actor who still has a one-time password is sent to "Đổi mật khẩu" from every other page,
    even one asked for by its URL before app.py has built the navigation.
    """
    try:
        who = require(actor(), function) if function else _signed_in()
    except DomainError as exc:
        st.error(markdown_literal(exc))
        st.stop()
        raise
    if function is not None and who.must_change_password:
        st.switch_page(PASSWORD_PAGE)
    flush_toast()
    return who


def _signed_in() -> Actor:
    who = actor()
    if who is None:
        raise PermissionDenied("Bạn cần đăng nhập để sử dụng chức năng này")
    return who


def attempt(action: Callable[[], T], success: str | None = None) -> T | bool | None:
    """Run one core action; show its domain error as it is, or queue the success toast.

    Returns None when the action was refused, else its result (True for actions that return
    nothing), so pages can write ``if attempt(...):``.
    """
    try:
        result = action()
    except DomainError as exc:
        st.error(markdown_literal(exc))
        return None
    if success:
        st.session_state["_toast"] = success
    return True if result is None else result


def flush_toast() -> None:
    message = st.session_state.pop("_toast", None)
    if message:
        st.toast(markdown_literal(message), icon=":material/check_circle:")
