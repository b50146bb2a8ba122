"""The version a form was opened with, kept in the session until it is saved or reloaded.

Core refuses a write made against an old version (`StaleVersion`), but that guard only works
if the page sends the version the person saw when the form, grid or dialog opened. Every click
reruns the script and reads the item afresh, so a version read on that rerun would always be
the newest one and the second of two editors would silently overwrite the first.

A page calls `opened_version(key, item.version)` on every run; the first call for ``key``
keeps the version and later calls return the kept one. `forget(key)` after this session's own
successful save lets the next run take the new version. After a refusal the typed values stay
on screen (widgets keyed by `draft_key`, which does not change with the version), with the
message and a "Tải lại" button: `reload(key)` takes the new version and drops the draft.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from core.errors import DomainError, StaleVersion
from core.markup import markdown_literal

T = TypeVar("T")
OPENED, STALE, DRAFTS = "_opened_versions", "_stale_versions", "_draft_generations"


def _kept(name: str) -> dict:
    return st.session_state.setdefault(name, {})


def opened_version(key: str, current: int | None) -> int | None:
    """The version ``key`` was opened with: ``current`` the first time, the kept one after
    (None for an item that did not exist yet when the form opened)."""
    return _kept(OPENED).setdefault(key, current)


def forget(key: str) -> None:
    """Forget the kept version (after this session saved it, or when the form closes)."""
    _kept(OPENED).pop(key, None)
    _kept(STALE).pop(key, None)


def saved_over(key: str, old: int) -> None:
    """This session saved the item over version ``old`` from another form: if ``key`` was
    opened at that same version, it follows the save instead of refusing its own session's
    next write; opened at an older one, someone else wrote in between and it stays stale."""
    if _kept(OPENED).get(key) == old:
        forget(key)


def reload(key: str) -> None:
    """ "Tải lại": take the newest version and start the draft again from the stored data."""
    forget(key)
    drafts = _kept(DRAFTS)
    drafts[key] = drafts.get(key, 0) + 1


def draft_key(key: str, name: str) -> str:
    """A widget key for the draft of ``key``: it changes only on `reload`, never under typing."""
    return f"{name}_{_kept(DRAFTS).get(key, 0)}"


def is_stale(key: str) -> bool:
    return key in _kept(STALE)


def refused(key: str) -> None:
    """Record that a save of ``key`` met a newer version, and say so where the save was."""
    already = is_stale(key)
    _kept(STALE)[key] = True
    if not already:
        stale_notice(key, "refused")


def stale_notice(key: str, place: str = "form") -> None:
    """While ``key`` is stale: the message and the button that takes the new version.

    ``place`` tells apart the notices of one item drawn twice in a run (page and dialog)."""
    if not is_stale(key):
        return
    st.error(str(StaleVersion()), icon=":material/sync_problem:")
    st.button(
        "Tải lại",
        icon=":material/refresh:",
        key=f"reload_{key}_{place}",
        on_click=reload,
        args=(key,),
    )


def attempt(key: str, action: Callable[[], T], success: str | None = None) -> T | bool | None:
    """Run one core write made with the version of ``key``, as `session.attempt` does.

    A refusal for a newer version marks ``key`` stale (message and "Tải lại"); any other domain
    error is shown as plain text (it may quote a unit's name); on success the kept version is
    forgotten and the toast queued.
    """
    try:
        result = action()
    except StaleVersion:
        refused(key)
        return None
    except DomainError as exc:
        st.error(markdown_literal(exc))
        return None
    forget(key)
    if success:
        st.session_state["_toast"] = success
    return True if result is None else result
