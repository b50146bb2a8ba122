"""A small report type and helpers to put its reports in any state, for tests that need real
reports (merges, visibility, uniqueness) without going through every screen."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from core import functions, report_types, reports
from core.model import Unit
from core.report_flow import APPROVED, DRAFT
from core.store import Db
from tests.factories import NOW, actor_at

CODE = "PT_CL_THU"
TERM = "NK_2025_2030"
ALL = tuple(f.code for f in functions.CATALOG)
TEMPLATE = f"""
code: {CODE}
name: Phân tích chất lượng cấp ủy cơ sở (thử)
term: {TERM}
levels: [CO_SO]
tabs:
  - key: tuoi_doi
    title: 1. Tuổi đời
    columns:
      - {{key: tong, label: Tổng số}}
      - {{key: btv, label: Ủy viên BTV}}
    rows:
      - {{key: bau, label: Số lượng cấp ủy viên được bầu}}
    required: [[bau, tong]]
    rules:
      - {{le: btv, of: tong}}
"""
GOOD = {("bau", "tong"): 10, ("bau", "btv"): 4}


def install_template(db: Db, folder: Path) -> str:
    (folder / "thu.yaml").write_text(TEMPLATE, encoding="utf-8")
    report_types.sync_templates(db, folder)
    return CODE


def info() -> reports.ReportInfo:
    return reports.ReportInfo(CODE, TERM, date(2025, 3, 2), "Nguyễn Thị Hà", "Ban Tổ chức")


def make_report(db: Db, unit: Unit, state: str = DRAFT, tong: int = 10) -> int:
    """A filled report of ``unit`` put straight into ``state`` (the flow is tested elsewhere)."""
    owner = actor_at(unit, *ALL)
    report_id = reports.create(db, owner, info())
    reports.save_tab(db, owner, report_id, "tuoi_doi", {**GOOD, ("bau", "tong"): tong}, 1)
    if state != DRAFT:
        version = db.items.get(report_id).version
        db.items.set_state(report_id, state, state != APPROVED, version, NOW)
    return report_id
