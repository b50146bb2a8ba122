"""Accounts: search, create, update, delete (deactivate), reset password; roles as data."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from core import auth, cccd, clock, excel, functions, params
from core.access import may_hold_account, require, require_in_scope
from core.audit import record
from core.errors import Conflict, NotFound, PermissionDenied, StaleVersion, ValidationError
from core.model import ACCOUNT_TYPES, ADMIN, Actor, AuditEntry, User, UserDraft
from core.store import Db
from core.text import clean, search_text

ENTITY = "user"
PAGE_SIZES = (10, 20, 50, 100)
EXPORT_LIMIT = 200_000


@dataclass(frozen=True)
class UserDetail:
    user: User
    unit_name: str
    role_name: str
    functions: dict[str, list[str]]


@dataclass(frozen=True)
class UserFilter:
    cccd: str = ""
    name: str = ""
    unit_id: int | None = None
    role_code: str = ""


@dataclass(frozen=True)
class Created:
    user: User
    initial_password: str


def _require_admin(actor: Actor) -> Actor:
    require(actor, functions.USER_MANAGE)
    if not actor.is_admin:
        raise PermissionDenied("Chỉ tài khoản Admin được quản lý người dùng")
    return actor


def search(
    db: Db, actor: Actor, flt: UserFilter, page: int = 1, page_size: int = 10
) -> tuple[pl.DataFrame, int]:
    """One page of the active accounts in the actor's subtree, filtered in SQL."""
    require(actor, functions.USER_MANAGE)
    limit, offset = params.page(page, page_size, PAGE_SIZES)
    return _search(db, actor, flt, limit, offset)


def _search(
    db: Db, actor: Actor, flt: UserFilter, limit: int, offset: int
) -> tuple[pl.DataFrame, int]:
    if not isinstance(flt, UserFilter):
        raise ValidationError("Bộ lọc", "không hợp lệ")
    digits = "".join(c for c in params.text(flt.cccd, "Số CCCD") if c.isdigit())[:12]
    name = search_text(params.text(flt.name, "Họ và tên"))
    unit_id = params.optional_ident(flt.unit_id, "Đơn vị")
    role = params.code(flt.role_code, "Vai trò", [r["code"] for r in db.users.roles()], empty=True)
    return db.users.search(actor.unit_path, digits, name, unit_id, role, limit, offset)


def export_xlsx(db: Db, actor: Actor, flt: UserFilter) -> bytes:
    """Every account matching the filter (not only the page shown) as an Excel list."""
    require(actor, functions.USER_MANAGE)
    frame, _ = _search(db, actor, flt, EXPORT_LIMIT, 0)
    unit = db.units.get(actor.unit_id)
    rows = (
        (
            r["cccd"],
            r["full_name"],
            r["unit_name"],
            ACCOUNT_TYPES[r["account_type"]],
            r["position"],
            r["role_name"],
        )
        for r in frame.iter_rows(named=True)
    )
    return excel.list_workbook(
        "Danh sách người dùng",
        f"Đơn vị: {unit.name} và các đơn vị cấp dưới",
        ("Số căn cước công dân", "Họ và tên", "Đơn vị", "Loại tài khoản", "Chức vụ", "Vai trò"),
        rows,
        (18, 28, 45, 14, 24, 24),
        clock.now(),
    )


def _target(db: Db, actor: Actor, user_id: int) -> User:
    user = db.users.get(params.ident(user_id, "Tài khoản"))
    if user is None or not user.active:
        raise NotFound("Không tìm thấy tài khoản")
    require_in_scope(actor, db.units.get(user.unit_id))
    return user


def _managed(db: Db, actor: Actor, user_id: int, refuse_self: str | None = None) -> User:
    """An account the actor may change: in scope, of a kind the actor may create, and (when
    ``refuse_self`` gives the message) not the actor's own."""
    user = _target(db, actor, user_id)
    if refuse_self and user.id == actor.user_id:
        raise PermissionDenied(refuse_self)
    if not may_hold_account(actor, db.units.get(user.unit_id), user.account_type):
        raise PermissionDenied("Tài khoản này không thuộc phạm vi bạn được quản lý")
    return user


def detail(db: Db, actor: Actor, user_id: int) -> UserDetail:
    require(actor, functions.USER_MANAGE)
    user = _target(db, actor, user_id)
    role = db.users.role(user.role_code)
    return UserDetail(
        user,
        db.units.get(user.unit_id).name,
        role["name"] if role else user.role_code,
        functions.grouped(db.users.functions_of_role(user.role_code)),
    )


def roles(db: Db) -> list[dict]:
    return db.users.roles()


def _validate(db: Db, actor: Actor, draft: UserDraft) -> dict:
    fields = {
        "cccd": cccd.validate(draft.cccd),
        "full_name": clean(draft.full_name, "Họ và tên", required=True, max_len=100),
        "position": clean(draft.position, "Chức vụ", required=True, max_len=100),
        "account_type": draft.account_type,
        "role_code": draft.role_code,
        "unit_id": draft.unit_id,
    }
    if not isinstance(draft.account_type, str) or draft.account_type not in ACCOUNT_TYPES:
        raise ValidationError("Loại tài khoản", "phải là Admin hoặc User")
    unit_id = params.optional_ident(draft.unit_id or None, "Đơn vị")
    unit = db.units.get(unit_id) if unit_id else None
    if unit is None:
        raise ValidationError("Đơn vị", "không được để trống")
    require_in_scope(actor, unit)
    if not unit.active:
        raise ValidationError("Đơn vị", "đã ngừng hoạt động")
    if not may_hold_account(actor, unit, draft.account_type):
        if draft.account_type == ADMIN:
            raise PermissionDenied("Bạn chỉ được tạo tài khoản Admin cho đơn vị cấp dưới")
        raise PermissionDenied("Bạn chỉ được tạo tài khoản User cho chính đơn vị của mình")
    role_code = params.text(draft.role_code, "Vai trò")
    role = db.users.role(role_code) if role_code else None
    if role is None:
        raise ValidationError("Vai trò", "không được để trống")
    if not db.users.functions_of_role(role["code"]) <= actor.functions:
        raise PermissionDenied("Bạn không thể cấp vai trò có chức năng mà bạn không có")
    return fields


def create(db: Db, actor: Actor, draft: UserDraft) -> Created:
    """Create an account with a one-time password the admin hands over once."""
    _require_admin(actor)
    password = auth.generate_password()
    hashed = auth.hash_password(password)

    def tx(db: Db) -> Created:
        # Every creation writes one shared row, so two creations at once collide in DuckDB and
        # the retried one sees the other's account: at most one active account per CCCD.
        db.meta.set("user_create_serial", str(clock.now()))
        fields = _validate(db, actor, draft)
        existing = db.users.active_by_cccd(fields["cccd"])
        if existing is not None:
            raise Conflict(
                f"Công dân {existing.full_name} đã được tạo tài khoản đang hoạt động trong hệ thống"
            )
        now = clock.now()
        new_id = db.users.insert(fields, hashed, now, must_change_password=True)
        record(
            db,
            actor,
            AuditEntry(
                ENTITY, new_id, "create", detail={k: v for k, v in fields.items() if k != "cccd"}
            ),
            now,
        )
        return Created(db.users.get(new_id), password)

    return db.atomic(tx)


def update(
    db: Db,
    actor: Actor,
    user_id: int,
    unit_id: int,
    account_type: str,
    position: str,
    role_code: str,
    expected_version: int,
) -> User:
    """Change unit, account type, position and role (the manual's editable fields)."""
    _require_admin(actor)
    params.version(expected_version)

    def tx(db: Db) -> User:
        user = _managed(db, actor, user_id, "Bạn không thể tự thay đổi quyền của chính mình")
        fields = _validate(
            db,
            actor,
            UserDraft(user.cccd, user.full_name, unit_id, account_type, position, role_code),
        )
        changes = {
            k: fields[k]
            for k in ("unit_id", "account_type", "position", "role_code")
            if getattr(user, k) != fields[k]
        }
        now = clock.now()
        if not db.users.update(user.id, changes, expected_version, now):
            raise StaleVersion()
        record(db, actor, AuditEntry(ENTITY, user.id, "update", detail=changes), now)
        return db.users.get(user.id)

    return db.atomic(tx)


def delete(db: Db, actor: Actor, user_id: int, expected_version: int) -> None:
    """Delete ("Xoá tài khoản") by deactivating, so the audit trail keeps the person."""
    _require_admin(actor)
    params.version(expected_version)

    def tx(db: Db) -> None:
        user = _managed(db, actor, user_id, "Bạn không thể xoá tài khoản của chính mình")
        now = clock.now()
        if not db.users.update(user.id, {"active": False}, expected_version, now):
            raise StaleVersion()
        record(
            db,
            actor,
            AuditEntry(ENTITY, user.id, "delete", detail={"full_name": user.full_name}),
            now,
        )

    db.atomic(tx)


def reset_password(db: Db, actor: Actor, user_id: int, expected_version: int) -> str:
    """Give the account a new one-time password (and lift a lock-out)."""
    _require_admin(actor)
    params.version(expected_version)
    password = auth.generate_password()
    hashed = auth.hash_password(password)

    def tx(db: Db) -> str:
        user = _managed(db, actor, user_id)
        now = clock.now()
        if not db.users.update(
            user.id,
            {"password_hash": hashed, "must_change_password": True},
            expected_version,
            now,
        ):
            raise StaleVersion()
        db.users.clear_throttle(user.id)
        record(db, actor, AuditEntry(ENTITY, user.id, "reset_password"), now)
        return password

    return db.atomic(tx)


def can_define_roles(actor: Actor) -> bool:
    """Roles are shared by the whole tree, so only the root unit's admins may change them."""
    return (
        actor.is_admin
        and functions.USER_MANAGE in actor.functions
        and actor.unit_path.count("/") == 2
    )


def save_role(
    db: Db, actor: Actor, code: str, name: str, description: str, function_codes: list[str]
) -> None:
    """Define or redefine a role as a set of functions."""
    _require_admin(actor)
    if not can_define_roles(actor):
        raise PermissionDenied("Chỉ Admin của đơn vị Trung ương được định nghĩa vai trò")
    code = (clean(code, "Mã vai trò", required=True, max_len=30) or "").upper()
    if not code.replace("_", "").isalnum() or not code.isascii():
        raise ValidationError("Mã vai trò", "chỉ gồm chữ không dấu, số và dấu gạch dưới")
    name = clean(name, "Tên vai trò", required=True, max_len=100)
    description = clean(description, "Mô tả", required=False, max_len=500) or ""
    unknown = set(function_codes) - set(functions.BY_CODE)
    if unknown:
        raise ValidationError("Danh sách chức năng", f"không có chức năng {sorted(unknown)}")
    if not function_codes:
        raise ValidationError("Danh sách chức năng", "chọn ít nhất một chức năng")

    def tx(db: Db) -> None:
        now = clock.now()
        db.users.upsert_role(code, name, description, sorted(set(function_codes)))
        record(
            db,
            actor,
            AuditEntry("role", None, "save", detail={"code": code, "functions": function_codes}),
            now,
        )

    db.atomic(tx)
