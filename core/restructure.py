"""Restructuring the tree: moving a unit to another parent and merging units.

Both keep history intact: a moved unit keeps its id (its items follow it), and merged units
stay in the tree, inactive, at the place they had, pointing to their successor, so reports of
past terms still roll up the way they did when they were made.

A merge hands the sources' reports to the target (the owner is `work_item.unit_id`, nothing
else): every open report and every report of an active term, whatever its state, so the
target sees, edits and sends them as their state allows and its parent counts them. One unit
holds one report per type and term, so on a duplicate the rule is: **the target keeps its own
report**; among sources holding the same type and term, the most advanced one moves (Đã phê
duyệt, then Chờ phê duyệt, then Yêu cầu chỉnh sửa, then Lưu nháp; then the latest updated,
then the oldest id). The others stay with their merged unit, inactive, in history: nothing is
deleted, ancestors still read them (once sent), and they no longer count, like every report
of an inactive unit. `MergeResult.kept_reports` and the audit row list them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core import clock, functions, params
from core.access import require, require_in_scope
from core.audit import record
from core.errors import Conflict, StaleVersion, ValidationError
from core.hierarchy import ENTITY
from core.model import Actor, AuditEntry, Unit
from core.report_flow import APPROVED, CHANGES, DRAFT, PENDING
from core.store import Db

MAX_MERGE = 50
_ADVANCE = {APPROVED: 3, PENDING: 2, CHANGES: 1, DRAFT: 0}


@dataclass(frozen=True)
class MergeResult:
    target: Unit
    merged: tuple[int, ...]
    moved_children: tuple[int, ...]
    moved_items: tuple[int, ...]
    moved_users: tuple[int, ...]
    kept_reports: tuple[int, ...] = ()


def _check_can_hang_under(db: Db, unit: Unit, parent: Unit) -> None:
    if parent.path.startswith(unit.path):
        raise ValidationError(
            "Đơn vị cấp trên mới", "không thể là chính đơn vị này hoặc một đơn vị cấp dưới của nó"
        )
    if not parent.active:
        raise ValidationError("Đơn vị cấp trên mới", "đã ngừng hoạt động")
    rank = db.catalogs.level_rank(unit.level_code)
    parent_rank = db.catalogs.level_rank(parent.level_code)
    if rank is not None and parent_rank is not None and rank <= parent_rank:
        raise ValidationError("Đơn vị cấp trên mới", "phải có cấp cao hơn cấp của đơn vị")


def _hand_over_reports(
    db: Db, source_ids: list[int], target: Unit, now: datetime
) -> tuple[list[int], list[int]]:
    """Move the sources' reports to the target by the duplicate rule of this module's
    docstring; returns (moved, kept with their source)."""
    held = db.reports.held(target.id)
    candidates = db.reports.handed_over(source_ids)
    candidates.sort(key=lambda r: r["id"])
    candidates.sort(key=lambda r: (_ADVANCE.get(r["state"], 0), r["updated_at"]), reverse=True)
    moved, kept = [], []
    for report in candidates:
        key = (report["template_code"], report["term_code"])
        if key in held:
            kept.append(report["id"])
        else:
            held.add(key)
            moved.append(report["id"])
    db.items.move(moved, target.id, now)
    return sorted(moved), sorted(kept)


def move_unit(
    db: Db, actor: Actor, unit_id: int, new_parent_id: int, expected_version: int
) -> Unit:
    require(actor, functions.UNIT_MANAGE)
    unit_id = params.ident(unit_id, "Đơn vị")
    new_parent_id = params.ident(new_parent_id, "Đơn vị cấp trên mới")

    def tx(db: Db) -> Unit:
        unit = require_in_scope(actor, db.units.get(unit_id), strict=True)
        parent = require_in_scope(actor, db.units.get(new_parent_id))
        if unit.version != expected_version:
            raise StaleVersion()
        if unit.parent_id == parent.id:
            raise ValidationError("Đơn vị cấp trên mới", "đơn vị đã trực thuộc đơn vị này")
        _check_can_hang_under(db, unit, parent)
        now = clock.now()
        db.units.reparent(unit, parent, now)
        record(
            db,
            actor,
            AuditEntry(
                ENTITY,
                unit.id,
                "move",
                detail={"from_parent": unit.parent_id, "to_parent": parent.id},
            ),
            now,
        )
        return db.units.get(unit.id)

    return db.atomic(tx)


def merge_units(db: Db, actor: Actor, source_ids: list[int], target_id: int) -> MergeResult:
    """Merge ``source_ids`` into ``target_id``: children, open items, reports (by the rule in
    the module docstring) and accounts move over."""
    require(actor, functions.UNIT_MANAGE)
    source_ids = params.idents(source_ids, "Đơn vị sáp nhập")
    target_id = params.ident(target_id, "Đơn vị tiếp nhận")
    sources_wanted = sorted(set(source_ids) - {target_id})
    if not sources_wanted:
        raise ValidationError("Đơn vị sáp nhập", "chọn ít nhất một đơn vị khác đơn vị tiếp nhận")
    if len(sources_wanted) > MAX_MERGE:
        raise ValidationError("Đơn vị sáp nhập", f"chỉ sáp nhập tối đa {MAX_MERGE} đơn vị một lần")

    def tx(db: Db) -> MergeResult:
        target = require_in_scope(actor, db.units.get(target_id))
        if not target.active:
            raise ValidationError("Đơn vị tiếp nhận", "đã ngừng hoạt động")
        sources = [require_in_scope(actor, db.units.get(i), strict=True) for i in sources_wanted]
        for s in sources:
            if not s.active:
                raise Conflict(f"{s.name} đã ngừng hoạt động, không thể sáp nhập")
            if target.path.startswith(s.path) or s.path.startswith(target.path):
                raise ValidationError(
                    "Đơn vị sáp nhập", f"{s.name} và đơn vị tiếp nhận thuộc cùng một nhánh"
                )
            inside = next((o for o in sources if o.id != s.id and s.path.startswith(o.path)), None)
            if inside is not None:
                raise ValidationError(
                    "Đơn vị sáp nhập", f"{s.name} là đơn vị cấp dưới của {inside.name}"
                )
        now = clock.now()
        moved_children: list[int] = []
        for s in sources:
            for child in db.units.children([s.id]):
                if child.active:
                    _check_can_hang_under(db, child, target)
                    db.units.reparent(child, target, now)
                    moved_children.append(child.id)
        ids = [s.id for s in sources]
        moved_reports, kept_reports = _hand_over_reports(db, ids, target, now)
        moved_items = sorted(moved_reports + db.items.move_open(ids, target.id, now, kept_reports))
        moved_users = db.users.move_active(ids, target.id, now)
        for s in sources:
            if not db.units.bump(s.id, s.version, now, active=False, successor_id=target.id):
                raise StaleVersion()
            record(
                db,
                actor,
                AuditEntry(ENTITY, s.id, "merge_into", detail={"successor": target.id}),
                now,
            )
        record(
            db,
            actor,
            AuditEntry(
                ENTITY,
                target.id,
                "merge",
                detail={
                    "merged": ids,
                    "children": moved_children,
                    "items": moved_items,
                    "users": moved_users,
                    "reports_kept_with_source": kept_reports,
                },
            ),
            now,
        )
        return MergeResult(
            db.units.get(target.id),
            tuple(ids),
            tuple(moved_children),
            tuple(moved_items),
            tuple(moved_users),
            tuple(kept_reports),
        )

    return db.atomic(tx)
