"""Sign-in sessions kept in the store, so that a reload keeps one and a sign-out ends it.

A sign-in starts a session: a random token the browser keeps in the login cookie, of which the
store keeps only the SHA-256 (a copy of the database holds no live session). Every tab of the
browser that carries the cookie runs under the same session, and every script run checks that
it is still open; signing out ends it in the store, so the other tabs are signed out on their
next run and the cookie can no longer sign anyone in.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from core import clock
from core.store import Db

LIFETIME = timedelta(days=1)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(db: Db, user_id: int, now: datetime | None = None) -> str:
    """Open a session for a user who just signed in; the token for the cookie."""
    now = now or clock.now()
    token = secrets.token_urlsafe(32)
    db.atomic(lambda db: db.users.insert_session(_digest(token), user_id, now, now + LIFETIME))
    return token


def user_of(db: Db, token: str | None, now: datetime | None = None) -> int | None:
    """The user of an open, unexpired session; None for any other token."""
    if not token or len(token) > 200:
        return None
    return db.users.session_user(_digest(token), now or clock.now())


def end(db: Db, token: str | None, now: datetime | None = None) -> None:
    """Sign out: the session stops working in every tab and cookie that carries it."""
    if token:
        db.atomic(lambda db: db.users.end_session(_digest(token), now or clock.now()))


def cookie_value(token: str, key: str) -> str:
    """What the browser keeps: the token and its HMAC under the installation's cookie key, so
    a cookie made without the key is refused before the store is asked."""
    return f"{token}.{_mac(token, key)}"


def token_in_cookie(value: object, key: str) -> str | None:
    """The token of a cookie this installation signed; None for anything else."""
    token, _, mac = (value if isinstance(value, str) else "").rpartition(".")
    if not token or not hmac.compare_digest(mac, _mac(token, key)):
        return None
    return token


def _mac(token: str, key: str) -> str:
    return hmac.new(key.encode(), token.encode(), hashlib.sha256).hexdigest()
