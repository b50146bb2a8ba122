"""Reading reports across the tree: my list, the approval queue, progress and aggregates."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from core import clock, excel, functions, params, report_excel
from core.access import require
from core.model import Actor
from core.report_flow import APPROVED, COUNTED, FLOW
from core.report_types import (
    active_template,
    all_templates,
    checked_term,
    checked_type,
    required_templates,
)
from core.store import Db
from core.templates import Template

PAGE_SIZES = (10, 20, 50)
EXPORT_LIMIT = 100_000


@dataclass(frozen=True)
class Progress:
    template: Template
    expected: int
    sent: int
    report_id: int | None = None
    state: str | None = None
    on_time: int = 0

    @property
    def late(self) -> int:
        return self.sent - self.on_time

    @property
    def percent(self) -> int:
        return round(100 * self.sent / self.expected) if self.expected else 0


@dataclass(frozen=True)
class Aggregate:
    template: Template
    values: dict[str, dict[tuple[str, str], Any]]
    contributors: pl.DataFrame
    counted_states: tuple[str, ...]
    expected: int
    counted: int


def _state(value: Any) -> str:
    return params.code(value, "Trạng thái", FLOW.state_labels, empty=True)


def _unit(value: Any) -> int | None:
    return params.optional_ident(value, "Đơn vị")


def own_list(
    db: Db,
    actor: Actor,
    term: str = "",
    template: str = "",
    state: str = "",
    page: int = 1,
    size: int = 10,
) -> tuple[pl.DataFrame, int]:
    """ "Danh sách báo cáo các cấp Đảng bộ": the reports of the actor's own unit."""
    require(actor, functions.REPORT_CREATE)
    limit, offset = params.page(page, size, PAGE_SIZES)
    term, template = checked_term(db, term, empty=True), checked_type(db, template, empty=True)
    return db.reports.list_own(actor.unit_id, term, template, _state(state), limit, offset)


def returned(db: Db, actor: Actor) -> list[dict[str, Any]]:
    """Reports of my unit the parent sent back, so the people who entered them see why."""
    require(actor, functions.REPORT_CREATE)
    return db.reports.returned(actor.unit_id)


def queue(
    db: Db,
    actor: Actor,
    unit_id: int | None = None,
    template: str = "",
    state: str = "",
    page: int = 1,
    size: int = 10,
) -> tuple[pl.DataFrame, int]:
    """ "Danh sách báo cáo các cấp Đảng bộ cấp dưới": what the direct subordinates sent up."""
    require(actor, functions.REPORT_APPROVE)
    limit, offset = params.page(page, size, PAGE_SIZES)
    unit_id, template = _unit(unit_id), checked_type(db, template, empty=True)
    return db.reports.queue(actor.unit_id, unit_id, template, _state(state), limit, offset)


def subordinate_options(db: Db, actor: Actor) -> list[tuple[int, str]]:
    return [(u.id, u.name) for u in db.units.children([actor.unit_id], include_inactive=False)]


def my_progress(db: Db, actor: Actor, term: str) -> list[Progress]:
    """Each report type my unit must send: 100% once sent, 0% until then."""
    require(actor, functions.REPORT_LOOKUP)
    mine = db.reports.own_states(actor.unit_id, checked_term(db, term))
    out = []
    for t in required_templates(db, actor):
        report_id, state = mine.get(t.code, (None, None))
        out.append(Progress(t, 1, int(state in COUNTED), report_id, state))
    return out


def subordinate_progress(db: Db, actor: Actor, term: str) -> list[Progress]:
    """For each report type, the share of subordinate units required to send it that did.

    Expected units are the active units of the subtree whose level must submit the type, so
    closed or merged units never push a figure above 100%.
    """
    require(actor, functions.REPORT_LOOKUP)
    term = checked_term(db, term)
    out = []
    for t in all_templates(db).values():
        if t.term != term:
            continue
        expected, sent, on_time = db.reports.progress(
            actor.unit_path, actor.unit_id, t.code, term, list(t.levels), list(COUNTED), t.deadline
        )
        if expected:
            out.append(Progress(t, expected, sent, on_time=on_time))
    return out


def counted_states(approved_only: bool) -> tuple[str, ...]:
    return (APPROVED,) if approved_only else COUNTED


def aggregate(
    db: Db, actor: Actor, template_code: str, term: str, approved_only: bool = False
) -> Aggregate:
    """The cell-by-cell sum of one type over the subtree, and who contributed."""
    require(actor, functions.REPORT_LOOKUP_AGG)
    template = active_template(db, checked_type(db, template_code))
    term = checked_term(db, term)
    approved_only = params.flag(approved_only, "Chỉ tính báo cáo đã phê duyệt")
    states = counted_states(approved_only)
    summed = [
        (tab.key, row, col)
        for tab in template.tabs
        for row, col in tab.cells()
        if tab.cell_type(row, col) == "int"
    ]
    values: dict[str, dict[tuple[str, str], Any]] = {}
    for tab, row, col, total in db.reports.aggregate(
        actor.unit_path, actor.unit_id, template_code, term, list(states), summed
    ):
        values.setdefault(tab, {})[(row, col)] = int(total)
    people = db.reports.contributors(
        actor.unit_path,
        actor.unit_id,
        template_code,
        term,
        list(template.levels),
        template.deadline,
    )
    counted = people.filter(pl.col("state").is_in(list(states))).height
    return Aggregate(template, values, people, states, people.height, counted)


def aggregate_excel(
    db: Db, actor: Actor, template_code: str, term: str, approved_only: bool = False
) -> bytes:
    agg = aggregate(db, actor, template_code, term, approved_only)
    unit = db.units.get(actor.unit_id)
    states = ", ".join(FLOW.label(s) for s in agg.counted_states)
    return report_excel.report_workbook(
        agg.template,
        agg.values,
        [
            f"TỔNG HỢP {agg.template.name.upper()}",
            f"Đơn vị: {unit.name} (các đơn vị cấp dưới)",
            f"Số đơn vị được tính: {agg.counted}/{agg.expected} (trạng thái: {states})",
            f"Thời gian tổng hợp: {clock.now():%H:%M:%S %d/%m/%Y}",
        ],
    )


def queue_excel(db: Db, actor: Actor, unit_id: int | None, template: str, state: str) -> bytes:
    require(actor, functions.REPORT_APPROVE)
    unit_id, template = _unit(unit_id), checked_type(db, template, empty=True)
    frame, _ = db.reports.queue(actor.unit_id, unit_id, template, _state(state), EXPORT_LIMIT, 0)
    rows = (
        (
            r["unit_name"],
            r["term_name"],
            r["template_name"],
            f"{r['updated_at']:%H:%M:%S %d/%m/%Y}",
            FLOW.label(r["state"]),
        )
        for r in frame.iter_rows(named=True)
    )
    unit = db.units.get(actor.unit_id)
    return excel.list_workbook(
        "Danh sách báo cáo các cấp Đảng bộ cấp dưới",
        f"Đơn vị: {unit.name}",
        ("Tên cơ sở Đảng", "Nhiệm kỳ", "Tên báo cáo", "Ngày cập nhật", "Trạng thái"),
        rows,
        (40, 28, 60, 20, 18),
        clock.now(),
    )
