"""Every exported cell that carries user text is a text cell: a unit named like a formula is
written as the characters it was given, never as a formula Excel would run."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from core import calendar_queries, excel, functions, report_types, reports
from core.calendar_queries import Filter
from core.store import Db
from tests.calendar_factories import leader, set_congress
from tests.factories import NOW, Tree, actor_at

FORMULA = '=HYPERLINK("http://x","y")'
TEMPLATE = """
code: MAU_THU
name: Mẫu thử
term: NK_2025_2030
levels: [CO_SO]
tabs:
  - key: so_lieu
    title: Số liệu
    columns:
      - {key: tong, label: Tổng số}
      - {key: ghi_chu, label: Ghi chú, type: text}
    rows:
      - {key: dong, label: Số đảng viên}
"""


def rename(db: Db, unit, name: str) -> None:
    db.units.update(unit.id, {"name": name}, db.units.get(unit.id).version, NOW)


def formulas(data: bytes) -> list[str]:
    """Sheets of the workbook that hold a formula element."""
    with zipfile.ZipFile(BytesIO(data)) as z:
        return [n for n in z.namelist() if n.startswith("xl/worksheets/") and b"<f>" in z.read(n)]


def text_cells(data: bytes, value: str) -> list[str]:
    """The data types of the cells whose value is or contains ``value``."""
    book = load_workbook(BytesIO(data))
    return [
        c.data_type
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and value in c.value
    ]


@pytest.mark.parametrize("text", [FORMULA, "+1+2", "-1-2", "@SUM(A1)", "=1+1"])
def test_every_text_of_a_list_workbook_is_a_string_cell(text: str) -> None:
    data = excel.list_workbook("Danh sách", text, [text], [[text, 5]], [20], datetime(2025, 8, 1))
    assert formulas(data) == []
    assert text_cells(data, text) == ["s"] * 3  # subtitle, header, row


def test_a_unit_named_like_a_formula_is_text_in_the_calendar_list(db: Db, tree: Tree) -> None:
    rename(db, tree.hn, FORMULA)
    set_congress(db, tree.ba_dinh, date(2025, 8, 10))
    hn = db.units.get(tree.hn.id)
    data = calendar_queries.excel_list(db, leader(hn), Filter(), on=date(2025, 8, 1))
    assert formulas(data) == []
    sheet = load_workbook(BytesIO(data)).active
    assert sheet["A2"].data_type == "s" and sheet["A2"].value.startswith(FORMULA)
    assert text_cells(data, FORMULA) == ["s", "s"]  # the subtitle and the unit's own row


def test_a_unit_named_like_a_formula_is_text_in_its_report_workbook(
    db: Db, tree: Tree, tmp_path: Path
) -> None:
    (tmp_path / "mau.yaml").write_text(TEMPLATE, encoding="utf-8")
    report_types.sync_templates(db, tmp_path)
    rename(db, tree.ba_dinh_cs1, FORMULA)
    owner = actor_at(db.units.get(tree.ba_dinh_cs1.id), *(f.code for f in functions.CATALOG))
    info = reports.ReportInfo("MAU_THU", "NK_2025_2030", date(2025, 3, 2), FORMULA, FORMULA)
    report_id = reports.create(db, owner, info)
    reports.save_tab(db, owner, report_id, "so_lieu", {("dong", "ghi_chu"): FORMULA}, 1)
    data = reports.excel(db, owner, report_id)
    assert formulas(data) == []
    assert text_cells(data, FORMULA) == ["s", "s"]  # "Đơn vị: …" and the text cell
