"""Sign-in throttling: how many password guesses reach bcrypt, and who may lift a lock.

Why it is built this way (issue #10, items 3 and 9):

- **Reserve, then check.** A guess is reserved in one transaction that reads the counters,
  refuses when the limit is reached and counts the guess as pending; only then is the password
  checked, and the guess is settled afterwards. Parallel sign-ins race on the same row, and
  DuckDB's optimistic transactions make all but one retry (`Db.atomic`), so however a burst
  arrives at most `MAX_PER_CLIENT` guesses of one client are ever checked in a window.
- **Keyed on (account, client).** The client is the address the request came from. Someone
  guessing from elsewhere locks only their own address out of the account, never the owner's
  browser, so five wrong guesses every 15 minutes no longer keep the only Admin out.
- **An account-wide ceiling.** `MAX_PER_ACCOUNT` wrong guesses over every client together in
  one window lock the account for everyone: it bounds an attacker who spreads guesses over many
  addresses. That lock is what an Admin above (`unlock`) or the command line
  (`python -m core.accounts unlock`) lifts.
- **A success resets only what is safe**: its own client's counters, and only when no other
  guess of that client is still in flight; never the account-wide ceiling. The owner signing in
  does not hand a parallel attacker a fresh set of guesses.

A guess whose settlement never ran (the process died mid-check) stays pending until its window
ends, which can only make the throttle stricter.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from core import clock, functions
from core.access import may_hold_account, require, require_in_scope
from core.audit import record, record_as
from core.errors import LoginRefused, NotFound, PermissionDenied
from core.model import Actor, AuditEntry
from core.store import Db

MAX_PER_CLIENT = 5
MAX_PER_ACCOUNT = 20
WINDOW = timedelta(minutes=15)
ACCOUNT = "*"  # the client key of the account-wide row; a client key always starts with "@"


def client_key(client: str | None) -> str:
    """The opaque client id as stored: trimmed, bounded, never the account-wide key."""
    return "@" + (client or "").strip()[:200]


def locked_message(until: datetime) -> str:
    return (
        f"Tài khoản tạm khoá đến {until:%H:%M:%S %d/%m/%Y} do nhập sai mật khẩu nhiều lần liên tiếp"
    )


def _fresh(now: datetime) -> dict[str, Any]:
    return {"window_start": now, "failures": 0, "pending": 0, "locked_until": None}


def _live(row: dict[str, Any] | None, now: datetime) -> dict[str, Any]:
    """The row's counters if its window (or its lock) is still running, else a new window."""
    if row is None:
        return _fresh(now)
    ends = row["locked_until"] or row["window_start"] + WINDOW
    return dict(row) if ends > now else _fresh(now)


def _limits(client: str) -> tuple[tuple[str, int], ...]:
    return ((client_key(client), MAX_PER_CLIENT), (ACCOUNT, MAX_PER_ACCOUNT))


def reserve(db: Db, user_id: int, client: str, now: datetime) -> None:
    """Count one guess as pending, or raise `LoginRefused` if this client or the account has
    used up its guesses: the check and the count are one transaction."""

    def tx(db: Db) -> None:
        limits = _limits(client)
        stored = db.users.throttle_rows(user_id, [key for key, _ in limits])
        rows = {key: _live(stored.get(key), now) for key, _ in limits}
        for key, limit in limits:
            row = rows[key]
            if row["locked_until"] or row["failures"] + row["pending"] >= limit:
                raise LoginRefused(
                    locked_message(row["locked_until"] or row["window_start"] + WINDOW)
                )
        for key, row in rows.items():
            db.users.put_throttle(user_id, key, {**row, "pending": row["pending"] + 1})

    db.atomic(tx)


def settle(db: Db, user_id: int, client: str, ok: bool, now: datetime) -> datetime | None:
    """Record the outcome of a reserved guess; the lock this failure set, if any."""

    def tx(db: Db) -> datetime | None:
        limits = _limits(client)
        stored = db.users.throttle_rows(user_id, [key for key, _ in limits])
        locked = None
        for key, limit in limits:
            row = stored.get(key)
            if row is None:
                continue
            row = {**row, "pending": max(row["pending"] - 1, 0)}
            if ok and key != ACCOUNT and row["pending"] == 0:
                row = _fresh(now)
            elif not ok:
                row["failures"] += 1
                if row["failures"] >= limit and row["locked_until"] is None:
                    row["locked_until"] = locked = now + WINDOW
                    reason = f"{row['failures']} lần sai mật khẩu" + (
                        " từ mọi địa chỉ" if key == ACCOUNT else ""
                    )
                    record_as(db, AuditEntry("user", user_id, "lock", reason=reason), now)
            db.users.put_throttle(user_id, key, row)
        return locked

    return db.atomic(tx)


def locked_until(db: Db, user_id: int, client: str, now: datetime | None = None) -> datetime | None:
    """When this client may guess again at the account, if it is locked out now."""
    now = now or clock.now()
    limits = _limits(client)
    stored = db.users.throttle_rows(user_id, [key for key, _ in limits])
    ends = [row["locked_until"] for row in (_live(stored.get(k), now) for k, _ in limits)]
    return max((e for e in ends if e), default=None)


def unlock(db: Db, actor: Actor, user_id: int) -> int:
    """ "Mở khoá tài khoản": an Admin lifts every lock on an account it manages (audited).

    Returns the number of locks lifted (0 when the account was not locked)."""
    require(actor, functions.USER_MANAGE)
    if not actor.is_admin:
        raise PermissionDenied("Chỉ tài khoản Admin được mở khoá tài khoản")

    def tx(db: Db) -> int:
        user = db.users.get(user_id)
        if user is None or not user.active:
            raise NotFound("Không tìm thấy tài khoản")
        unit = require_in_scope(actor, db.units.get(user.unit_id))
        if not may_hold_account(actor, unit, user.account_type):
            raise PermissionDenied("Tài khoản này không thuộc phạm vi bạn được quản lý")
        lifted = db.users.clear_throttle(user.id)
        record(db, actor, AuditEntry("user", user.id, "unlock"), clock.now())
        return lifted

    return db.atomic(tx)


def unlock_from_console(db: Db, cccd: str) -> int:
    """The command-line unlock, for the account nobody above can unlock (the root Admin).

    Whoever can run the command already holds the database file, so it needs no actor."""

    def tx(db: Db) -> int:
        user = db.users.active_by_cccd(cccd.strip())
        if user is None:
            raise NotFound(f"Không tìm thấy tài khoản đang hoạt động có CCCD {cccd.strip()}")
        lifted = db.users.clear_throttle(user.id)
        record_as(db, AuditEntry("user", user.id, "unlock", reason="dòng lệnh"), clock.now())
        return lifted

    return db.atomic(tx)
