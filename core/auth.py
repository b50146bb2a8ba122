"""Passwords, sign-in checks and lock-out.

This is the replaceable identity step: the login widget (our form today, an
OpenID Connect provider in a deployment with VNeID) only has to end with a user id; every rule
about who may sign in lives here.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from datetime import datetime

import bcrypt

from core import clock, lockout
from core.audit import record, record_as
from core.errors import LoginRefused, StaleVersion, ValidationError
from core.model import Actor, AuditEntry
from core.password_policy import validate_new_password
from core.store import Db

BCRYPT_ROUNDS = 12
BAD_CREDENTIALS = "Số CCCD hoặc mật khẩu không đúng"


@dataclass(frozen=True)
class LoginEntry:
    user_id: int
    full_name: str
    password_hash: str


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(BCRYPT_ROUNDS)).decode()


def check_password(password: str, password_hash: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode(), password_hash.encode())
    except ValueError:
        return False


def generate_password() -> str:
    """A one-time password with letters and digits, handed to the person once."""
    alphabet = string.ascii_letters + string.digits
    while True:
        pw = "".join(secrets.choice(alphabet) for _ in range(12))
        if any(c.isdigit() for c in pw) and any(c.isalpha() for c in pw):
            return pw


def _norm(cccd: str | None) -> str:
    """The typed CCCD, trimmed; text no database can hold (a lone surrogate) matches nobody."""
    text = (cccd or "").strip()
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return ""
    return text


def login_entry(db: Db, cccd: str) -> LoginEntry | None:
    """The account that may sign in with ``cccd``: active, in an active unit; else None."""
    row = db.users.login_row(_norm(cccd))
    if row is None or not row["unit_active"]:
        return None
    return LoginEntry(row["id"], row["full_name"], row["password_hash"])


def authenticate(
    db: Db, cccd: str, password: str, now: datetime | None = None, *, client: str = ""
) -> int:
    """The whole sign-in rule: returns the user id or raises `LoginRefused`.

    ``client`` is an opaque id of where the request came from (the page passes the browser's
    address): the lock-out is kept per account and client, see `core.lockout`. The guess is
    reserved before bcrypt runs, so parallel guesses cannot exceed the limit.
    """
    now = now or clock.now()
    entry = login_entry(db, cccd)
    if entry is None:
        raise LoginRefused(BAD_CREDENTIALS)
    lockout.reserve(db, entry.user_id, client, now)
    ok = check_password(password, entry.password_hash)
    locked = lockout.settle(db, entry.user_id, client, ok, now)
    if not ok:
        raise LoginRefused(lockout.locked_message(locked) if locked else BAD_CREDENTIALS)
    record_as(db, AuditEntry("user", entry.user_id, "login"), now, entry.user_id, entry.full_name)
    return entry.user_id


def change_password(db: Db, actor: Actor, current: str, new: str, confirm: str) -> None:
    current_hash = db.users.password_hash(actor.user_id)
    if not current_hash or not check_password(current, current_hash):
        raise ValidationError("Mật khẩu hiện tại", "không đúng")
    if new == current:
        raise ValidationError("Mật khẩu mới", "phải khác mật khẩu hiện tại")
    validate_new_password(new, db.users.get(actor.user_id), confirm)
    hashed = hash_password(new)

    def tx(db: Db) -> None:
        now = clock.now()
        user = db.users.get(actor.user_id)
        if not db.users.update(
            user.id, {"password_hash": hashed, "must_change_password": False}, user.version, now
        ):
            raise StaleVersion()
        record(db, actor, AuditEntry("user", user.id, "change_password"), now)

    db.atomic(tx)
