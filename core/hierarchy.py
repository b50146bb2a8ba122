"""The organisation tree: reading it within the actor's scope, and editing single units.

Restructuring (move, merge) lives in `core.restructure`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from core import clock, excel, functions, params
from core.access import require, require_in_scope
from core.audit import record
from core.errors import Conflict, NotFound, StaleVersion, ValidationError
from core.model import Actor, AuditEntry, Unit, UnitDraft, path_ids
from core.store import Db
from core.text import clean, search_text

CODE_RE = re.compile(r"^[A-Za-z0-9._-]{1,20}$")
ENTITY = "unit"
# The form label of every field that decides how the parent counts a unit.
PARENT_FACING = {
    "code": "Mã",
    "level_code": "Cấp",
    "type_code": "Chọn loại",
    "province": "Chọn tỉnh",
    "district": "Chọn huyện",
    "commune": "Chọn xã",
}


@dataclass(frozen=True)
class TreeRow:
    unit: Unit
    has_children: bool
    expanded: bool


@dataclass(frozen=True)
class UnitDetail:
    unit: Unit
    level_name: str
    type_name: str
    path_names: tuple[str, ...]
    parent_name: str | None
    successor_name: str | None
    children: int
    users: int


# -- reading ----------------------------------------------------------------------------------


def scope_root(db: Db, actor: Actor) -> Unit:
    require(actor, functions.UNIT_MANAGE)
    unit = db.units.get(actor.unit_id)
    if unit is None:
        raise NotFound("Không tìm thấy đơn vị của bạn")
    return unit


def tree_rows(db: Db, actor: Actor, expanded: set[int]) -> list[TreeRow]:
    """The actor's unit and, level by level, the children of every expanded unit, in tree order.

    Only expanded units are read, so a province admin opening a 3,000-unit subtree reads one
    level at a time.
    """
    root = scope_root(db, actor)
    open_ids = [root.id, *sorted(i for i in expanded if i != root.id)]
    kids = db.units.children(open_ids)
    in_scope = [u for u in kids if u.path.startswith(root.path)]
    counts = db.units.child_counts([u.id for u in [root, *in_scope]])
    by_parent: dict[int, list[Unit]] = {}
    for u in in_scope:
        by_parent.setdefault(u.parent_id or 0, []).append(u)
    rows: list[TreeRow] = []

    def walk(unit: Unit) -> None:
        is_open = unit.id == root.id or unit.id in expanded
        rows.append(TreeRow(unit, counts.get(unit.id, 0) > 0, is_open))
        if is_open:
            for child in by_parent.get(unit.id, []):
                walk(child)

    walk(root)
    return rows


def get_unit(db: Db, actor: Actor, unit_id: int) -> Unit:
    require(actor, functions.UNIT_MANAGE)
    return require_in_scope(actor, db.units.get(params.ident(unit_id, "Đơn vị")))


def detail(db: Db, actor: Actor, unit_id: int) -> UnitDetail:
    unit = get_unit(db, actor, unit_id)
    levels = {r["code"]: r["name"] for r in db.catalogs.levels()}
    types = {r["code"]: r["name"] for r in db.catalogs.types()}
    extra = [unit.successor_id] if unit.successor_id else []
    names = db.units.names([*path_ids(unit.path), *extra])
    return UnitDetail(
        unit=unit,
        level_name=levels.get(unit.level_code, unit.level_code),
        type_name=types.get(unit.type_code, unit.type_code),
        path_names=tuple(names.get(i, "?") for i in path_ids(unit.path)),
        parent_name=names.get(unit.parent_id) if unit.parent_id else None,
        successor_name=names.get(unit.successor_id) if unit.successor_id else None,
        children=db.units.count_children(unit.id),
        users=db.units.users_count(unit.id, active_only=True),
    )


def search(db: Db, actor: Actor, text: str, limit: int = 50) -> list[Unit]:
    require(actor, functions.UNIT_MANAGE)
    text = search_text(text)
    return db.units.search(actor.unit_path, text, limit) if text else []


def path_of(db: Db, actor: Actor) -> tuple[str, ...]:
    """Names from the root down to the actor's unit, for the header and the dashboard."""
    ids = path_ids(actor.unit_path)
    names = db.units.names(list(ids))
    return tuple(names.get(i, "?") for i in ids)


def path_of_unit(db: Db, actor: Actor, unit_id: int) -> tuple[str, ...]:
    """Names from the actor's unit down to ``unit_id`` (a unit of the actor's subtree)."""
    unit = require_in_scope(actor, db.units.get(params.ident(unit_id, "Đơn vị")))
    ids = path_ids(unit.path)[len(path_ids(actor.unit_path)) - 1 :]
    names = db.units.names(list(ids))
    return tuple(names.get(i, "?") for i in ids)


def units_of(db: Db, actor: Actor, ids: list[int]) -> list[Unit]:
    """The units of ``ids`` that lie in the actor's subtree."""
    wanted = params.idents(ids, "Đơn vị")
    return [u for u in db.units.get_many(wanted) if u.path.startswith(actor.unit_path)]


def counts_by_level(db: Db, actor: Actor) -> pl.DataFrame:
    require(actor, functions.DASHBOARD)
    return db.units.counts_by_level(actor.unit_path)


def unit_options(db: Db, actor: Actor, limit: int = 500) -> list[tuple[int, str]]:
    """Active units of the actor's subtree for pickers (shallowest first)."""
    return db.units.options(actor.unit_path, limit=limit)


def catalogs(db: Db) -> dict[str, list[dict]]:
    return {
        "levels": db.catalogs.levels(),
        "types": db.catalogs.types(),
        "provinces": db.catalogs.provinces(),
    }


def child_defaults(db: Db, parent: Unit) -> UnitDraft:
    """What the add form starts with under ``parent``: the next level down, same province."""
    ranks = {r["code"]: r["rank"] for r in db.catalogs.levels()}
    below = sorted(
        (rank, code) for code, rank in ranks.items() if rank > ranks.get(parent.level_code, -1)
    )
    return UnitDraft(
        name="",
        level_code=below[0][1] if below else "",
        type_code=parent.type_code,
        province=parent.province,
    )


# -- validation -------------------------------------------------------------------------------


def validate_draft(
    db: Db, draft: UnitDraft, parent: Unit | None, keep_id: int | None = None
) -> dict[str, str | None]:
    """Clean every field of the form; raise on the first bad one, naming it."""
    fields = {
        "name": clean(draft.name, "Tên", required=True, max_len=255),
        "level_code": clean(draft.level_code, "Cấp", required=True, max_len=20),
        "type_code": clean(draft.type_code, "Chọn loại", required=True, max_len=30),
        "province": clean(draft.province, "Chọn tỉnh", required=False, max_len=100),
        "district": clean(draft.district, "Chọn huyện", required=False, max_len=100),
        "commune": clean(draft.commune, "Chọn xã", required=False, max_len=100),
        "address": clean(draft.address, "Địa chỉ chi tiết", required=True, max_len=500),
        "description": clean(draft.description, "Mô tả chi tiết", required=False, max_len=2000),
        "code": clean(draft.code, "Mã", required=False, max_len=20),
    }
    rank = db.catalogs.level_rank(fields["level_code"])
    if rank is None:
        raise ValidationError("Cấp", "không có trong danh mục cấp đơn vị")
    if parent is not None:
        parent_rank = db.catalogs.level_rank(parent.level_code)
        if parent_rank is not None and rank <= parent_rank:
            raise ValidationError("Cấp", "phải thấp hơn cấp của đơn vị cấp trên")
    if not db.catalogs.has_type(fields["type_code"]):
        raise ValidationError("Chọn loại", "không có trong danh mục loại đơn vị")
    if rank > 0 and not fields["province"]:
        raise ValidationError("Chọn tỉnh", "không được để trống")
    if fields["province"] and not db.catalogs.has_province(fields["province"]):
        raise ValidationError("Chọn tỉnh", "không có trong danh mục tỉnh/thành phố")
    if fields["code"]:
        if not CODE_RE.match(fields["code"]):
            raise ValidationError("Mã", "chỉ gồm chữ, số, dấu chấm, gạch ngang; tối đa 20 ký tự")
        other = db.units.by_code(fields["code"])
        if other is not None and other.id != keep_id:
            raise ValidationError("Mã", f"mã '{fields['code']}' đã được dùng cho {other.name}")
    return fields


# -- editing ----------------------------------------------------------------------------------


def add_unit(db: Db, actor: Actor, parent_id: int, draft: UnitDraft) -> Unit:
    require(actor, functions.UNIT_MANAGE)

    def tx(db: Db) -> Unit:
        parent = require_in_scope(actor, db.units.get(params.ident(parent_id, "Đơn vị cấp trên")))
        if not parent.active:
            raise Conflict("Không thể thêm đơn vị vào một đơn vị đã ngừng hoạt động")
        fields = validate_draft(db, draft, parent)
        now = clock.now()
        new_id = db.units.insert(fields, parent, now)
        record(db, actor, AuditEntry(ENTITY, new_id, "create", detail=fields), now)
        return db.units.get(new_id)

    return db.atomic(tx)


def update_unit(
    db: Db, actor: Actor, unit_id: int, draft: UnitDraft, expected_version: int
) -> Unit:
    require(actor, functions.UNIT_MANAGE)
    params.version(expected_version)

    def tx(db: Db) -> Unit:
        unit = require_in_scope(actor, db.units.get(params.ident(unit_id, "Đơn vị")))
        parent = db.units.get(unit.parent_id) if unit.parent_id else None
        fields = validate_draft(db, draft, parent, keep_id=unit.id)
        if not fields["code"]:
            fields["code"] = unit.code
        _refuse_locked_changes(actor, unit, fields)
        _refuse_level_above_children(db, unit, fields["level_code"])
        now = clock.now()
        if not db.units.update(unit.id, fields, expected_version, now):
            raise StaleVersion()
        changed = {k: v for k, v in fields.items() if getattr(unit, k) != v}
        record(db, actor, AuditEntry(ENTITY, unit.id, "update", detail=changed), now)
        return db.units.get(unit.id)

    return db.atomic(tx)


def locked_fields(actor: Actor, unit: Unit) -> frozenset[str]:
    """The fields of ``unit`` that ``actor`` may not change: on the actor's own unit (when it has
    a parent), those that decide how the parent counts it (its code, level, type and area), so
    a unit cannot move itself out of what its parent expects. The parent's admins change them."""
    if unit.id != actor.unit_id or unit.parent_id is None:
        return frozenset()
    return frozenset(PARENT_FACING)


def _refuse_locked_changes(actor: Actor, unit: Unit, fields: dict[str, str | None]) -> None:
    for key in sorted(locked_fields(actor, unit), key=list(PARENT_FACING).index):
        if fields[key] != getattr(unit, key):
            raise ValidationError(
                PARENT_FACING[key],
                "chỉ đơn vị cấp trên được thay đổi thông tin này của đơn vị bạn",
            )


def _refuse_level_above_children(db: Db, unit: Unit, level_code: str) -> None:
    rank = db.catalogs.level_rank(level_code)
    child_ranks = [db.catalogs.level_rank(c.level_code) for c in db.units.children([unit.id])]
    if any(r is not None and r <= rank for r in child_ranks):
        raise ValidationError("Cấp", "phải cao hơn cấp của các đơn vị cấp dưới")


def delete_unit(db: Db, actor: Actor, unit_id: int, expected_version: int) -> None:
    """Delete a leaf that owns nothing; anything else must be deactivated to keep history."""
    require(actor, functions.UNIT_MANAGE)

    def tx(db: Db) -> None:
        unit = require_in_scope(actor, db.units.get(params.ident(unit_id, "Đơn vị")), strict=True)
        if unit.version != expected_version:
            raise StaleVersion()
        if db.units.count_children(unit.id):
            raise Conflict(
                f"Không thể xoá {unit.name} vì còn đơn vị cấp dưới; "
                "bạn có thể ngừng hoạt động đơn vị này"
            )
        if db.units.users_count(unit.id) or db.units.items_count(unit.id):
            raise Conflict(
                f"Không thể xoá {unit.name} vì đã có tài khoản hoặc dữ liệu; "
                "bạn có thể ngừng hoạt động đơn vị này"
            )
        now = clock.now()
        db.units.delete(unit.id)
        record(
            db,
            actor,
            AuditEntry(ENTITY, unit.id, "delete", detail={"code": unit.code, "name": unit.name}),
            now,
        )

    db.atomic(tx)


def set_active(db: Db, actor: Actor, unit_id: int, active: bool, expected_version: int) -> Unit:
    """Deactivate (hide from new work, keep in history) or reactivate a unit."""
    require(actor, functions.UNIT_MANAGE)
    params.flag(active, "Trạng thái hoạt động")
    params.version(expected_version)

    def tx(db: Db) -> Unit:
        unit = require_in_scope(actor, db.units.get(params.ident(unit_id, "Đơn vị")), strict=True)
        if not active:
            if db.units.count_children(unit.id, active_only=True):
                raise Conflict(
                    f"Không thể ngừng hoạt động {unit.name} vì còn đơn vị cấp dưới đang hoạt động"
                )
            if db.units.users_count(unit.id, active_only=True):
                raise Conflict(
                    f"Không thể ngừng hoạt động {unit.name} vì còn tài khoản đang "
                    "hoạt động; hãy xoá hoặc chuyển các tài khoản trước"
                )
        else:
            parent = db.units.get(unit.parent_id) if unit.parent_id else None
            if parent is not None and not parent.active:
                raise Conflict("Đơn vị cấp trên đã ngừng hoạt động")
        now = clock.now()
        if not db.units.bump(unit.id, expected_version, now, active=active):
            raise StaleVersion()
        record(db, actor, AuditEntry(ENTITY, unit.id, "activate" if active else "deactivate"), now)
        return db.units.get(unit.id)

    return db.atomic(tx)


def find_units(
    db: Db, actor: Actor, text: str, limit: int = 30, include: int | None = None
) -> list[Unit]:
    """Active units of the actor's subtree matching ``text``, for pickers on any page.

    Needs no function, only scope: every page that asks for a unit uses it. ``include`` keeps
    the currently chosen unit in the list.
    """
    text = search_text(text)
    if text:
        found = [u for u in db.units.search(actor.unit_path, text, limit) if u.active]
    else:
        found = db.units.get_many([i for i, _ in db.units.options(actor.unit_path, limit=limit)])
        found.sort(key=lambda u: (u.depth, u.name))
    if include is not None and all(u.id != include for u in found):
        extra = db.units.get(include)
        if extra is not None and extra.path.startswith(actor.unit_path):
            found.insert(0, extra)
    return found


def export_xlsx(db: Db, actor: Actor) -> bytes:
    """The actor's whole subtree as an Excel list ("Danh sách đơn vị")."""
    root = scope_root(db, actor)
    return excel.list_workbook(
        "Danh sách đơn vị",
        f"Đơn vị: {root.name} và các đơn vị cấp dưới",
        (
            "Mã",
            "Tên đơn vị",
            "Cấp",
            "Loại",
            "Đơn vị cấp trên",
            "Tỉnh/Thành phố",
            "Xã/Phường",
            "Địa chỉ chi tiết",
            "Trạng thái",
        ),
        db.units.export_rows(root.path),
        (12, 50, 20, 30, 40, 24, 24, 40, 16),
        clock.now(),
    )
