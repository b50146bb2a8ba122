"""The dashboard page as the central admin sees it: the whole Streamlit script run, timed
through `streamlit.testing.v1.AppTest`, signed in the way the page tests sign in.

The AppTest runs in this process. Its store is opened by `pages/components/session.py`
(`Store.open`, cached with `st.cache_resource`) on the same file the benchmark holds open, which
DuckDB allows within one process: both connections share one database instance. Two figures:
with the page's `st.cache_data` cleared before each run (what the first viewer after any report
change waits for) and with it warm (every later rerun: a widget click, a drill-down and back).
The reference is a run of the smallest page (change password) through the same harness: the
cost of Streamlit, the router and the sign-in check alone.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import streamlit as st
from streamlit.testing.v1 import AppTest

from bench.data import Context
from bench.timing import Row, Target, compare

ROOT = Path(__file__).resolve().parents[1]
LIMIT_MS = {"L": 1000, "M": 300, "S": 300}


def _signed_in(path: str, user_id: int, page: str) -> AppTest:
    os.environ["DHD_DB_PATH"] = path
    os.environ["DHD_MODE"] = "demo"
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.session_state["user_id"] = user_id
    at.run()
    at.switch_page(page).run()
    return at


def _check(at: AppTest, title: str) -> None:
    """A page that raised or showed an error would time the wrong thing: stop instead."""
    titles = [t.value for t in at.title]
    if at.exception or title not in titles or at.error:
        raise SystemExit(
            f"AppTest of {title!r} did not render: titles {titles}, "
            f"errors {[e.value for e in at.error]}, exceptions {list(at.exception)}"
        )


def _cold(at: AppTest) -> None:
    st.cache_data.clear()
    at.run()


def page_rows(ctx: Context, scale: str, repeat: int) -> list[Row]:
    # Without a server Streamlit warns on every run (no script context, no runtime); those
    # warnings say nothing about the page, so they are silenced while it is timed.
    logging.disable(logging.WARNING)
    try:
        return _page_rows(ctx, scale, repeat)
    finally:
        logging.disable(logging.NOTSET)


def _page_rows(ctx: Context, scale: str, repeat: int) -> list[Row]:
    path, user_id = ctx.store.path, ctx.central.user_id
    floor = _signed_in(path, user_id, "pages/password.py")
    _check(floor, "Đổi mật khẩu")
    at = _signed_in(path, user_id, "pages/dashboard.py")
    _check(at, "Dashboard")
    target = Target(LIMIT_MS[scale])
    ref = "password page run"
    cold = compare(
        "dashboard page run, cold cache_data", lambda: _cold(at), ref, floor.run, repeat, target
    )
    _check(at, "Dashboard")
    warm = compare("dashboard page run, warm cache_data", at.run, ref, floor.run, repeat, target)
    _check(at, "Dashboard")
    _check(floor, "Đổi mật khẩu")
    return [cold, warm]
