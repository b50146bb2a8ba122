"""The server's start-up, before anyone visits.

`streamlit run app.py` finds the `st.App` at the bottom of app.py and serves it; its lifespan
runs `check_start` once, when the process starts. The database file is therefore opened, and
held, before the first visitor: a second process on the same file, a broken file or a missing
production setting stops the process at once with one sentence, instead of a server that
reports healthy and fails (or wins the file) only when somebody opens a page.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from core import settings, startup
from core.errors import DomainError
from pages.components import auth, session


def check_start() -> None:
    """The checks every start makes: the cookie key, then the store, then the stored mode."""
    auth.cookie_key()
    startup.check_mode(session.store().db(), settings.mode())


@asynccontextmanager
async def lifespan(_app: Any) -> AsyncIterator[None]:
    try:
        check_start()
    except DomainError as exc:
        print(f"Không thể khởi động: {exc}", file=sys.stderr, flush=True)
        raise SystemExit(2) from None
    yield
