"""Report types: the templates in force, loaded from `data/templates/` or imported by an admin.

`core.templates` parses one file; this module is the service around it — syncing the shipped
folder at start-up, previewing and importing an uploaded template (root admins only), checking
its levels and term against the catalogs, caching the parse of each distinct text, and saying
which types a unit must submit — kept apart from `core.reports` so that the life of a single
report (creation, entry, sending, approval) does not share a module with managing the types.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from core import clock, functions, templates
from core.access import is_root_admin, require
from core.audit import record
from core.errors import NotFound, PermissionDenied
from core.model import Actor, AuditEntry
from core.settings import PROJECT_ROOT
from core.store import Db
from core.templates import Template

TEMPLATE_DIR = PROJECT_ROOT / "data" / "templates"
_parsed: dict[str, Template] = {}


# -- templates ---------------------------------------------------------------------------------


def all_templates(db: Db) -> dict[str, Template]:
    """Active templates by code, parsed once per distinct text."""
    out = {}
    for row in db.reports.template_rows():
        key = hashlib.sha1(row["body"].encode()).hexdigest()
        if key not in _parsed:
            _parsed[key] = templates.parse(row["body"], row["source"] or row["code"])
        out[row["code"]] = _parsed[key]
    return out


def active_template(db: Db, code: str) -> Template:
    """One active template; a code that is unknown or was deactivated meanwhile is NotFound."""
    found = all_templates(db).get(code)
    if found is None:
        raise NotFound("Không tìm thấy loại báo cáo, hoặc loại báo cáo đã ngừng sử dụng")
    return found


def _check_refs(db: Db, template: Template) -> None:
    levels = {r["code"] for r in db.catalogs.levels()}
    unknown = set(template.levels) - levels
    if unknown:
        raise templates.TemplateError(f"{template.source}: levels: không có cấp {sorted(unknown)}")
    if template.term not in {t["code"] for t in db.reports.terms()}:
        raise templates.TemplateError(f"{template.source}: term: không có nhiệm kỳ {template.term}")


def sync_templates(db: Db, folder: Path = TEMPLATE_DIR) -> list[str]:
    """Load every template file at start-up; a broken file stops start-up with its name."""
    loaded = templates.load_dir(folder)

    def tx(db: Db) -> list[str]:
        changed = []
        for t in loaded:
            _check_refs(db, t)
            body = (folder / t.source).read_text(encoding="utf-8")
            if db.reports.upsert_template(
                t.code, t.name, t.term, list(t.levels), body, t.source, clock.now()
            ):
                changed.append(t.code)
        return changed

    return db.atomic(tx)


def preview_template(db: Db, actor: Actor, text: str, filename: str) -> Template:
    """Parse an uploaded template without saving it (TemplateError explains what is wrong)."""
    _require_template_admin(actor)
    template = templates.parse(text, filename)
    _check_refs(db, template)
    return template


def import_template(db: Db, actor: Actor, text: str, filename: str) -> Template:
    template = preview_template(db, actor, text, filename)

    def tx(db: Db) -> Template:
        now = clock.now()
        db.reports.upsert_template(
            template.code, template.name, template.term, list(template.levels), text, filename, now
        )
        record(
            db,
            actor,
            AuditEntry(
                "report_template", None, "import", detail={"code": template.code, "file": filename}
            ),
            now,
        )
        return template

    return db.atomic(tx)


def can_manage_templates(actor: Actor) -> bool:
    """Templates are shared by the whole tree, so only the root unit's admins change them."""
    return is_root_admin(actor, functions.TEMPLATE_MANAGE)


def _require_template_admin(actor: Actor) -> None:
    require(actor, functions.TEMPLATE_MANAGE)
    if not can_manage_templates(actor):
        raise PermissionDenied("Chỉ Admin của đơn vị Trung ương được quản lý mẫu báo cáo")


def required_templates(db: Db, actor: Actor) -> list[Template]:
    """The report types the actor's unit must submit."""
    unit = db.units.get(actor.unit_id)
    return [t for t in all_templates(db).values() if unit.level_code in t.levels]


def terms(db: Db) -> list[dict[str, Any]]:
    return db.reports.terms()
