"""Which dialog is open, kept in the session so it survives reruns.

A dialog opened straight from a button click vanishes on the next full rerun; keeping its
name and the id it works on in the session lets any rerun draw it again until it is
confirmed, cancelled or dismissed.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

OPEN = "_dialog"


def open_dialog(name: str, target: int | None = None) -> None:
    st.session_state[OPEN] = (name, target)


def close() -> None:
    st.session_state.pop(OPEN, None)


def finish() -> None:
    """Close the dialog and redraw the page behind it."""
    close()
    st.rerun()


def show(handlers: dict[str, Callable[[int | None], None]]) -> None:
    """Draw the open dialog, if it belongs to this page."""
    current = st.session_state.get(OPEN)
    if current and current[0] in handlers:
        handlers[current[0]](current[1])


def confirm_buttons(action: Callable[[], object], success: str, attempt) -> None:
    """The manual's "Huỷ / Xác nhận" pair under a question."""
    cancel, ok = st.columns(2)
    if cancel.button("Huỷ", width="stretch"):
        finish()
    if ok.button("Xác nhận", type="primary", width="stretch") and attempt(action, success):
        finish()
