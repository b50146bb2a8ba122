"""Which dialog is open, kept in the session so it survives reruns.

A dialog opened straight from a button click vanishes on the next full rerun; keeping its
name and the id it works on in the session lets any rerun draw it again until it is
confirmed, cancelled or dismissed. A dialog that saves keeps the version of its item from the
moment it opened (`opened_version`), forgotten when it closes.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from pages.components import versions

OPEN = "_dialog"
VERSION = "dialog"


def open_dialog(name: str, target: int | None = None) -> None:
    versions.forget(VERSION)
    st.session_state[OPEN] = (name, target)


def close() -> None:
    versions.forget(VERSION)
    st.session_state.pop(OPEN, None)


def opened_version(current: int | None) -> int | None:
    """The version of the open dialog's item when the dialog opened."""
    return versions.opened_version(VERSION, current)


def draft_key(name: str) -> str:
    """A widget key inside the open dialog that survives reruns until "Tải lại"."""
    return versions.draft_key(VERSION, name)


def attempt(action: Callable[[], object], success: str | None = None) -> object:
    """`versions.attempt` for a write made with the dialog's opened version."""
    return versions.attempt(VERSION, action, success)


def finish() -> None:
    """Close the dialog and redraw the page behind it."""
    close()
    st.rerun()


def show(handlers: dict[str, Callable[[int | None], None]]) -> None:
    """Draw the open dialog, if it belongs to this page."""
    current = st.session_state.get(OPEN)
    if current and current[0] in handlers:
        handlers[current[0]](current[1])


def confirm_buttons(
    action: Callable[[], object], success: str, attempt, version_key: str = VERSION
) -> None:
    """The manual's "Huỷ / Xác nhận" pair under a question (with "Tải lại" once refused for a
    newer version of ``version_key``)."""
    versions.stale_notice(version_key, "dialog")
    cancel, ok = st.columns(2)
    if cancel.button("Huỷ", width="stretch"):
        finish()
    if ok.button("Xác nhận", type="primary", width="stretch") and attempt(action, success):
        finish()
