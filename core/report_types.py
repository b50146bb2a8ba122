"""Report types: the templates in force, loaded from `data/templates/` or imported by an admin.

`core.templates` parses one file; this module is the service around it — syncing the shipped
folder at start-up, previewing and importing an uploaded template (root admins only), checking
its levels and term against the catalogs, caching the parse of each distinct text, and saying
which types a unit must submit — kept apart from `core.reports` so that the life of a single
report (creation, entry, sending, approval) does not share a module with managing the types.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace
from pathlib import Path
from typing import Any

from core import clock, functions, params, templates
from core.access import is_root_admin, require
from core.audit import record
from core.errors import NotFound, PermissionDenied
from core.model import Actor, AuditEntry
from core.settings import PROJECT_ROOT
from core.store import Db
from core.templates import Template

TEMPLATE_DIR = PROJECT_ROOT / "data" / "templates"
_parsed: dict[str, Template] = {}
_log = logging.getLogger(__name__)


# -- templates ----------------------------------------------------------------------------------

SHIPPED, IMPORTED = "shipped", "import"  # where a version came from (report_template_version)


def _parsed_version(code: str, version: int, body: str, source: str | None) -> Template:
    """The parse of one stored version, made once per distinct text and version."""
    key = hashlib.sha1(f"{version}\x1f{body}".encode()).hexdigest()
    if key not in _parsed:
        _parsed[key] = replace(templates.parse(body, source or code), version=version)
    return _parsed[key]


def all_templates(db: Db) -> dict[str, Template]:
    """The newest version of every active type, by code: what new reports are made with."""
    return {
        row["code"]: _parsed_version(row["code"], row["version"], row["body"], row["source"])
        for row in db.reports.template_rows()
    }


def active_template(db: Db, code: str) -> Template:
    """The newest version of one active type; unknown or deactivated meanwhile is NotFound."""
    found = all_templates(db).get(code)
    if found is None:
        raise NotFound("Không tìm thấy loại báo cáo, hoặc loại báo cáo đã ngừng sử dụng")
    return found


def template_version(db: Db, code: str, version: int) -> Template:
    """One version of a type, as the reports made with it are read, checked and exported."""
    row = db.reports.template_version(code, version)
    if row is None:
        raise NotFound("Không tìm thấy phiên bản mẫu của báo cáo")
    return _parsed_version(code, version, row["body"], row["source"])


def template_of_report(db: Db, report_id: int) -> Template:
    """The template version a report was created with: it never follows a later import."""
    ref = db.reports.template_ref(report_id)
    if ref is None:
        raise NotFound("Không tìm thấy báo cáo")
    return template_version(db, *ref)


def history(db: Db, code: str) -> list[dict[str, Any]]:
    """Every version of a type, newest first: origin, file, date and reports using it."""
    return db.reports.template_history(code)


def _check_refs(db: Db, template: Template) -> None:
    levels = {r["code"] for r in db.catalogs.levels()}
    unknown = set(template.levels) - levels
    if unknown:
        raise templates.TemplateError(f"{template.source}: levels: không có cấp {sorted(unknown)}")
    if template.term not in {t["code"] for t in db.reports.terms()}:
        raise templates.TemplateError(f"{template.source}: term: không có nhiệm kỳ {template.term}")


def sync_templates(db: Db, folder: Path = TEMPLATE_DIR) -> list[str]:
    """Load every template file at start-up; a broken file stops start-up with its name.

    A shipped file becomes version 1 of an unknown code, or the next version when it changed
    since the newest version, provided that version is itself a shipped one: an admin's import
    is never reverted by a restart (a file changed under a newer import is logged, not synced).
    """
    loaded = templates.load_dir(folder)

    def tx(db: Db) -> list[str]:
        changed = []
        for t in loaded:
            _check_refs(db, t)
            body = (folder / t.source).read_text(encoding="utf-8")
            newest = db.reports.newest_template_version(t.code)
            if newest is not None and (newest["body"] == body or newest["origin"] != SHIPPED):
                if newest["body"] != body:
                    _log.warning("%s: mẫu đã được nhập phiên bản mới hơn, bỏ qua tệp", t.source)
                continue
            db.reports.add_template_version(
                t.code, t.name, t.term, list(t.levels), body, t.source, SHIPPED, clock.now()
            )
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
    """A new version of the type for the reports created from now on (version 1 for a new
    code); existing reports keep theirs. The same text as the newest version changes nothing."""
    template = preview_template(db, actor, text, filename)

    def tx(db: Db) -> Template:
        newest = db.reports.newest_template_version(template.code)
        if newest is not None and newest["body"] == text:
            return replace(template, version=newest["version"])
        now = clock.now()
        version = db.reports.add_template_version(
            template.code,
            template.name,
            template.term,
            list(template.levels),
            text,
            filename,
            IMPORTED,
            now,
        )
        detail = {"code": template.code, "file": filename, "version": version}
        record(db, actor, AuditEntry("report_template", None, "import", detail=detail), now)
        return replace(template, version=version)

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


def checked_term(db: Db, value: Any, *, empty: bool = False) -> str:
    """A term code from a widget: one of the active terms ("" too when ``empty``)."""
    return params.code(value, "Nhiệm kỳ", [t["code"] for t in terms(db)], empty=empty)


def checked_type(db: Db, value: Any, *, empty: bool = False) -> str:
    """A report type code from a widget: one of the active types ("" too when ``empty``)."""
    return params.code(value, "Loại báo cáo", all_templates(db), empty=empty)
