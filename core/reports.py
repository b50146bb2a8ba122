"""Congress reports: creation, entry tab by tab, sending and approval.

The report types (templates as data) live in `core.report_types`; lists, progress and
aggregates over a subtree live in `core.report_queries`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from core import clock, functions, params, report_excel, workflow
from core.access import require, require_in_scope
from core.audit import history, record
from core.cells import CellError, check_tab
from core.errors import (
    Conflict,
    DomainError,
    NotFound,
    PermissionDenied,
    StaleVersion,
    ValidationError,
)
from core.model import Actor, AuditEntry
from core.report_flow import APPROVED, EDITABLE, FLOW, PENDING
from core.report_types import (
    active_template,
    all_templates,
    checked_type,
    required_templates,
    template_of_report,
    template_version,
)
from core.store import Db
from core.templates import Template
from core.text import clean

READERS = (
    functions.REPORT_CREATE,
    functions.REPORT_LOOKUP,
    functions.REPORT_LOOKUP_AGG,
    functions.REPORT_APPROVE,
)


class AlreadyCreated(Conflict):
    """The unit already has this report type in this term; carries the existing report."""

    def __init__(self, report_id: int) -> None:
        super().__init__("Đơn vị của bạn đã tạo loại báo cáo này")
        self.report_id = report_id


class CellsInvalid(ValidationError):
    """Some cells of a tab break the template's rules; nothing of the tab was saved."""

    def __init__(self, tab: str, errors: list[CellError]) -> None:
        super().__init__(tab, f"{len(errors)} ô chưa hợp lệ, chưa lưu số liệu của tab")
        self.errors = errors


class UploadRejected(ValidationError):
    def __init__(self, errors: list) -> None:
        super().__init__("Tệp Excel", f"{len(errors)} lỗi, chưa lưu dữ liệu nào")
        self.errors = errors


@dataclass(frozen=True)
class ReportInfo:
    """The general-information block ("Thông tin chung") of a report."""

    template_code: str
    term_code: str
    report_date: date | None
    creator_name: str
    organizer: str
    provincial_organizer: str = ""


@dataclass(frozen=True)
class ReportView:
    record: dict[str, Any]
    template: Template
    values: dict[str, dict[tuple[str, str], Any]]
    history: pl.DataFrame
    actions: list[workflow.Transition]
    editable: bool


# -- one report --------------------------------------------------------------------------------


def _clean_info(db: Db, info: ReportInfo) -> dict[str, Any]:
    if params.day(info.report_date, "Ngày tạo báo cáo") is None:
        raise ValidationError("Ngày tạo báo cáo", "không được để trống")
    if info.report_date > clock.now().date():
        raise ValidationError("Ngày tạo báo cáo", "không được sau ngày hôm nay")
    return {
        "report_date": info.report_date,
        "creator_name": clean(info.creator_name, "Người tạo báo cáo", required=True, max_len=100),
        "organizer": clean(info.organizer, "Ban tổ chức", required=True, max_len=200),
        "provincial_organizer": clean(
            info.provincial_organizer, "Ban tổ chức Tỉnh (Thành) ủy", required=False, max_len=200
        ),
    }


def create(db: Db, actor: Actor, info: ReportInfo) -> int:
    """A new draft of a report type the unit must submit; one per unit, type and term."""
    require(actor, functions.REPORT_CREATE)
    template = all_templates(db).get(params.text(info.template_code, "Loại báo cáo"))
    if template is None:
        raise ValidationError("Loại báo cáo", "không được để trống")
    if template not in required_templates(db, actor):
        raise ValidationError("Loại báo cáo", "đơn vị của bạn không thuộc cấp phải nộp báo cáo này")
    if info.term_code != template.term:
        raise ValidationError("Nhiệm kỳ", "mẫu báo cáo không thuộc nhiệm kỳ này")
    fields = _clean_info(db, info)

    def tx(db: Db) -> int:
        # Two people creating the same report at once: the unique natural key of the work
        # item refuses the second insert, `atomic` runs this again, and `find` sees the first.
        existing = db.reports.find(actor.unit_id, template.code, info.term_code)
        if existing is not None:
            raise AlreadyCreated(existing)
        key = db.reports.key(template.code, info.term_code)
        item = workflow.create(db, FLOW, actor, actor.unit_id, template.name, key)
        db.reports.insert(
            item.id,
            {
                **fields,
                "template_code": template.code,
                "template_version": template.version,
                "term_code": info.term_code,
            },
        )
        return item.id

    return db.atomic(tx)


def _readable(db: Db, actor: Actor, report_id: int) -> dict[str, Any]:
    if not any(f in actor.functions for f in READERS):
        raise PermissionDenied()
    report_id = params.ident(report_id, "Báo cáo")
    rec = db.reports.get(report_id)
    if rec is None:
        raise NotFound("Không tìm thấy báo cáo")
    require_in_scope(actor, db.units.get(rec["unit_id"]))
    if not FLOW.visible(rec["state"], rec["unit_id"], actor):
        raise NotFound("Không tìm thấy báo cáo")
    return rec


def _visible(db: Db, actor: Actor, report_id: int) -> dict[str, Any] | None:
    try:
        return _readable(db, actor, report_id)
    except DomainError:
        return None


def _editable(db: Db, actor: Actor, report_id: int, expected_version: int) -> dict[str, Any]:
    require(actor, functions.REPORT_CREATE)
    params.version(expected_version)
    rec = _readable(db, actor, report_id)
    if rec["unit_id"] != actor.unit_id:
        raise PermissionDenied("Chỉ đơn vị tạo báo cáo được chỉnh sửa báo cáo")
    if rec["state"] not in EDITABLE:
        raise Conflict(
            f"Báo cáo đang ở trạng thái “{FLOW.label(rec['state'])}”, không thể chỉnh sửa"
        )
    if rec["version"] != expected_version:
        raise StaleVersion()
    return rec


def values_of(db: Db, report_id: int) -> dict[str, dict[tuple[str, str], Any]]:
    out: dict[str, dict[tuple[str, str], Any]] = {}
    for tab, row, col, num, txt in db.reports.cells(report_id):
        value: Any = txt
        if num is not None:
            value = int(num) if float(num).is_integer() else num
        out.setdefault(tab, {})[(row, col)] = value
    return out


def _typed(template: Template, values: dict[str, dict]) -> dict[str, dict]:
    """Stored text back to the template's cell types (dates are kept as text in the store)."""
    for tab in template.tabs:
        for cell, value in values.get(tab.key, {}).items():
            if isinstance(value, str) and tab.cell_type(*cell) == "date":
                values[tab.key][cell] = date.fromisoformat(value)
    return values


def detail(db: Db, actor: Actor, report_id: int) -> ReportView:
    rec = _readable(db, actor, report_id)
    template = template_of_report(db, report_id)
    item = db.items.get(report_id)
    owner = db.units.get(rec["unit_id"])
    actions = workflow.available_actions(FLOW, actor, item, owner)
    editable = (
        rec["unit_id"] == actor.unit_id
        and rec["state"] in EDITABLE
        and functions.REPORT_CREATE in actor.functions
    )
    return ReportView(
        rec,
        template,
        _typed(template, values_of(db, report_id)),
        history(db, FLOW.kind, report_id),
        actions,
        editable,
    )


def update_info(
    db: Db, actor: Actor, report_id: int, info: ReportInfo, expected_version: int
) -> None:
    fields = _clean_info(db, info)

    def tx(db: Db) -> None:
        _editable(db, actor, report_id, expected_version)
        now = clock.now()
        db.reports.update(report_id, **fields)
        if not db.items.touch(report_id, expected_version, now):
            raise StaleVersion()
        record(db, actor, AuditEntry(FLOW.kind, report_id, "save_info", detail=fields), now)

    db.atomic(tx)


def save_tab(
    db: Db,
    actor: Actor,
    report_id: int,
    tab_key: str,
    raw: dict[tuple[str, str], Any],
    expected_version: int,
) -> None:
    """Save one tab if every cell passes; otherwise raise `CellsInvalid` and save nothing."""

    def tx(db: Db) -> None:
        rec = _editable(db, actor, report_id, expected_version)
        tab = template_of_report(db, report_id).tab(tab_key)
        values, errors = check_tab(tab, raw)
        if errors:
            raise CellsInvalid(tab.title, errors)
        _store_tab(db, report_id, rec, tab_key, values)
        now = clock.now()
        if not db.items.touch(report_id, expected_version, now):
            raise StaleVersion()
        record(
            db, actor, AuditEntry(FLOW.kind, report_id, "save_tab", detail={"tab": tab_key}), now
        )

    db.atomic(tx)


def _store_tab(db: Db, report_id: int, rec: dict, tab_key: str, values: dict) -> None:
    cells = [(r, c, v.isoformat() if isinstance(v, date) else v) for (r, c), v in values.items()]
    db.reports.replace_cells(report_id, tab_key, cells)
    saved = sorted({*(rec["saved_tabs"] or []), tab_key})
    db.reports.update(report_id, saved_tabs=saved)
    rec["saved_tabs"] = saved


def upload(db: Db, actor: Actor, report_id: int, data: bytes, expected_version: int) -> None:
    """Fill the draft from an uploaded form: every cell must pass, or nothing is saved.

    The file is checked and parsed before the transaction opens, so a slow or hostile file
    never holds a write transaction; the short transaction then repeats the checks against
    the version the form was opened with (a report's template version never changes).
    """
    _editable(db, actor, report_id, expected_version)
    template = template_of_report(db, report_id)
    values, errors = report_excel.read_form(template, data)
    if errors:
        raise UploadRejected(errors)

    def tx(db: Db) -> None:
        rec = _editable(db, actor, report_id, expected_version)
        for tab in template.tabs:
            _store_tab(db, report_id, rec, tab.key, values.get(tab.key, {}))
        now = clock.now()
        if not db.items.touch(report_id, expected_version, now):
            raise StaleVersion()
        record(db, actor, AuditEntry(FLOW.kind, report_id, "upload"), now)

    db.atomic(tx)


def delete(db: Db, actor: Actor, report_id: int, expected_version: int) -> None:
    """Delete a draft ("Xoá báo cáo"); the audit trail keeps that it existed."""

    def tx(db: Db) -> None:
        rec = _editable(db, actor, report_id, expected_version)
        if rec["state"] != "DRAFT":
            raise Conflict("Chỉ xoá được báo cáo ở trạng thái “Lưu nháp”")
        now = clock.now()
        db.reports.delete(report_id)
        record(
            db,
            actor,
            AuditEntry(
                FLOW.kind,
                report_id,
                "delete",
                from_state=rec["state"],
                detail={"template": rec["template_code"]},
            ),
            now,
        )

    db.atomic(tx)


def _incomplete(template: Template, values: dict[str, dict]) -> list[str]:
    problems = []
    for tab in template.tabs:
        _, errors = check_tab(tab, values.get(tab.key, {}))
        if errors:
            problems.append(f"{tab.title} ({len(errors)} ô)")
    return problems


def transition(
    db: Db,
    actor: Actor,
    report_id: int,
    action: str,
    reason: str | None = None,
    expected_version: int | None = None,
) -> None:
    """Send, approve, reject or cancel approval, with the dates and reason the report shows."""
    report_id = params.ident(report_id, "Báo cáo")
    expected_version = params.optional_version(expected_version)
    action = params.text(action, "Thao tác")

    def tx(db: Db) -> None:
        # apply checks scope, position, function and version first; a refusal after it (an
        # incomplete report on "send") rolls the state change back with the transaction.
        item = workflow.apply(db, FLOW, actor, report_id, action, reason, expected_version)
        if action == "send":
            template = template_of_report(db, report_id)
            missing = _incomplete(template, _typed(template, values_of(db, report_id)))
            if missing:
                raise ValidationError(
                    "Báo cáo", "chưa nhập đủ hoặc chưa hợp lệ: " + "; ".join(missing)
                )
        now = clock.now()
        if item.state == PENDING and action == "send":
            db.reports.update(report_id, sent_at=now)
        elif item.state == APPROVED:
            db.reports.update(report_id, approved_at=now)
        elif action in ("reject", "cancel_approval"):
            db.reports.update(
                report_id, last_reason=clean(reason, "Lý do", required=True, max_len=2000)
            )

    db.atomic(tx)


def approve_many(db: Db, actor: Actor, report_ids: list[int]) -> tuple[int, list[str]]:
    """Approve several reports, each in its own transaction; returns (approved, failures),
    each failure naming a report the actor may see or saying it was not found."""
    require(actor, functions.REPORT_APPROVE)
    report_ids = params.idents(report_ids, "Báo cáo")
    done, failures = 0, []
    for report_id in report_ids:
        try:
            transition(db, actor, report_id, "approve")
            done += 1
        except DomainError as exc:
            # Only what the actor may see is named: an id out of scope, or a draft of another
            # unit, reads exactly like an id that does not exist.
            rec = _visible(db, actor, report_id)
            if rec is None:
                failures.append(f"Báo cáo số {report_id}: Không tìm thấy báo cáo")
            else:
                failures.append(f"{rec['unit_name']}: {exc}")
    return done, failures


def excel(db: Db, actor: Actor, report_id: int) -> bytes:
    view = detail(db, actor, report_id)
    rec = view.record
    return report_excel.report_workbook(
        view.template,
        view.values,
        [
            view.template.name.upper(),
            f"Đơn vị: {rec['unit_name']}",
            rec["term_name"],
            f"Trạng thái: {FLOW.label(rec['state'])}",
        ],
    )


def blank_form(db: Db, actor: Actor, template_code: str, version: int | None = None) -> bytes:
    """The form of the type's newest version, or of ``version`` (a draft's own, to fill in)."""
    require(actor, functions.REPORT_CREATE)
    template_code = checked_type(db, template_code)
    if version is None:
        template = active_template(db, template_code)
    else:
        template = template_version(db, template_code, params.ident(version, "Phiên bản mẫu"))
    unit = db.units.get(actor.unit_id)
    return report_excel.blank_form(template, [template.name.upper(), f"Đơn vị: {unit.name}"])
