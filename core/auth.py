"""Passwords, sign-in checks and lock-out.

This is the replaceable identity step: the login widget (streamlit-authenticator today, an
OpenID Connect provider in a deployment with VNeID) only has to end with a user id; every rule
about who may sign in lives here.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass
from datetime import datetime, timedelta

import bcrypt

from core import clock
from core.audit import record, record_as
from core.errors import LoginRefused, StaleVersion, ValidationError
from core.model import Actor, AuditEntry
from core.store import Db

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15
BCRYPT_ROUNDS = 12
BAD_CREDENTIALS = "Số CCCD hoặc mật khẩu không đúng"
LOCKED = (
    f"Tài khoản đang tạm khoá do nhập sai mật khẩu {MAX_FAILED_LOGINS} lần liên tiếp; "
    f"vui lòng thử lại sau {LOCK_MINUTES} phút"
)


@dataclass(frozen=True)
class LoginEntry:
    user_id: int
    full_name: str
    password_hash: str
    locked_until: datetime | None


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


def validate_new_password(password: str, confirm: str | None = None) -> str:
    field = "Mật khẩu mới"
    if len(password) < 8:
        raise ValidationError(field, "phải có ít nhất 8 ký tự")
    if len(password.encode()) > 72:
        raise ValidationError(field, "không được dài quá 72 byte")
    if not any(c.isdigit() for c in password) or not any(c.isalpha() for c in password):
        raise ValidationError(field, "phải có cả chữ và số")
    if confirm is not None and confirm != password:
        raise ValidationError("Nhập lại mật khẩu mới", "không khớp với mật khẩu mới")
    return password


def _norm(cccd: str | None) -> str:
    """The typed CCCD, trimmed; text no database can hold (a lone surrogate) matches nobody."""
    text = (cccd or "").strip()
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return ""
    return text


def login_entry(db: Db, cccd: str, now: datetime | None = None) -> LoginEntry | None:
    """The account that may sign in with ``cccd``: active, in an active unit; else None."""
    row = db.users.login_row(_norm(cccd))
    if row is None or not row["unit_active"]:
        return None
    now = now or clock.now()
    locked = row["locked_until"] if row["locked_until"] and row["locked_until"] > now else None
    return LoginEntry(row["id"], row["full_name"], row["password_hash"], locked)


def record_failure(db: Db, cccd: str, now: datetime | None = None) -> None:
    """Count a wrong password; the fifth in a row locks the account for 15 minutes."""
    now = now or clock.now()
    cccd = _norm(cccd)

    def tx(db: Db) -> None:
        row = db.users.login_row(cccd)
        if row is None:
            return
        expired = row["locked_until"] is not None and row["locked_until"] <= now
        failed = 1 if expired else row["failed_logins"] + 1
        locked = now + timedelta(minutes=LOCK_MINUTES) if failed >= MAX_FAILED_LOGINS else None
        db.users.set_login_state(row["id"], failed, locked)
        if locked:
            record(
                db, None, AuditEntry("user", row["id"], "lock", reason="5 lần sai mật khẩu"), now
            )

    db.atomic(tx)


def record_success(db: Db, cccd: str, now: datetime | None = None) -> None:
    now = now or clock.now()
    cccd = _norm(cccd)

    def tx(db: Db) -> None:
        row = db.users.login_row(cccd)
        if row is None:
            return
        db.users.set_login_state(row["id"], 0, None)
        record_as(db, AuditEntry("user", row["id"], "login"), now, row["id"], row["full_name"])

    db.atomic(tx)


def locked_message(until: datetime) -> str:
    return (
        f"Tài khoản tạm khoá đến {until:%H:%M:%S %d/%m/%Y} do nhập sai mật khẩu "
        f"{MAX_FAILED_LOGINS} lần liên tiếp"
    )


def authenticate(db: Db, cccd: str, password: str, now: datetime | None = None) -> int:
    """The whole sign-in rule: returns the user id or raises `LoginRefused`."""
    now = now or clock.now()
    cccd = _norm(cccd)
    entry = login_entry(db, cccd, now)
    if entry is None:
        raise LoginRefused(BAD_CREDENTIALS)
    if entry.locked_until:
        raise LoginRefused(locked_message(entry.locked_until))
    if not check_password(password, entry.password_hash):
        record_failure(db, cccd, now)
        after = login_entry(db, cccd, now)
        if after and after.locked_until:
            raise LoginRefused(locked_message(after.locked_until))
        raise LoginRefused(BAD_CREDENTIALS)
    record_success(db, cccd, now)
    return entry.user_id


def change_password(db: Db, actor: Actor, current: str, new: str, confirm: str) -> None:
    current_hash = db.users.password_hash(actor.user_id)
    if not current_hash or not check_password(current, current_hash):
        raise ValidationError("Mật khẩu hiện tại", "không đúng")
    validate_new_password(new, confirm)
    if new == current:
        raise ValidationError("Mật khẩu mới", "phải khác mật khẩu hiện tại")
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
