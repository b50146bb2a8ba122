"""Report forms in Excel: the official layout to download, and a filled form read back.

Staff download a report or a blank form, fill it offline and upload it again. The sheets follow
the paper forms: title lines, a grouped header in merged cells, "Chỉ tiêu" with indented
sub-rows, "---" where a cell does not apply. A hidden sheet "_mau" carries the template code, a
fingerprint of the layout and the first header row, so that an upload is matched to the
template it was made from before any cell is trusted. Reading never raises: every problem is an
`UploadError` naming the sheet and the cell, and the values count only when there is none.
"""

from __future__ import annotations

import hashlib
import json
import re
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date, datetime, time
from io import BytesIO
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from core import excel, xlsx_bounds
from core.cells import CellError, Values, check_tab
from core.templates import Tab, Template

ID_SHEET = "_mau"
NOT_APPLICABLE = "---"
MAX_UNZIPPED = 50 * 1024 * 1024  # a real form unzips to well under 1 MB; this stops zip bombs
_FORMATS = {"int": "#,##0", "percent": "0.00", "date": "dd/mm/yyyy", "text": "@"}
_WIDTHS = {"int": 12, "percent": 10, "date": 12, "text": 30}
_FIRST_EXCEL_DAY = date(1900, 3, 1)  # earlier serials are ambiguous (the 1900 leap-year bug)
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_SIDE = Side(style="thin", color="000000")
_BOX = Border(left=_SIDE, right=_SIDE, top=_SIDE, bottom=_SIDE)
_HEAD_FILL = PatternFill("solid", fgColor="DCE6F1")
_HEAD_ALIGN = Alignment(horizontal="center", vertical="center", wrap_text=True)
_CENTRE = Alignment(horizontal="center", vertical="center")
_BOLD = Font(bold=True)


@dataclass(frozen=True)
class UploadError:
    """One refusal of an uploaded form: sheet and cell ("" when about the whole file)."""

    sheet: str
    address: str
    message: str


# -- identity of a form -----------------------------------------------------------------------


def sheet_names(template: Template) -> dict[str, str]:
    """Tab key -> a valid, unique Excel sheet name made from the tab title (≤ 31 characters)."""
    used = {ID_SHEET.lower(), "history"}  # "History" is reserved by Excel
    names: dict[str, str] = {}
    for i, tab in enumerate(template.tabs, start=1):
        title = " ".join(_BAD_SHEET_CHARS.sub(" ", excel.NOT_XML.sub("", tab.title)).split())
        base = title[:31].strip(" '") or f"Tab {i}"
        name, n = base, 1
        while name.lower() in used:
            n += 1
            suffix = f" ({n})"
            name = base[: 31 - len(suffix)].rstrip(" '") + suffix
        used.add(name.lower())
        names[tab.key] = name
    return names


def fingerprint(template: Template) -> str:
    """A hash of the layout (tab, row and column keys, "---" cells): a stale form won't match."""
    layout = [
        [t.key, [r.key for r in t.rows], [c.key for c in t.columns], sorted(t.not_applicable)]
        for t in template.tabs
    ]
    return hashlib.sha256(json.dumps(layout).encode()).hexdigest()[:32]


# -- writing ----------------------------------------------------------------------------------


def report_workbook(
    template: Template, values_by_tab: dict[str, Values], title_lines: list[str]
) -> bytes:
    """The report in the official layout, one sheet per tab; it can be uploaded back as is."""
    wb = Workbook()
    wb.remove(wb.active)
    names = sheet_names(template)
    first_header = len(title_lines) + 2 if title_lines else 1
    for tab in template.tabs:
        ws = wb.create_sheet(names[tab.key])
        _write_titles(ws, title_lines, len(tab.columns) + 1)
        _write_header(ws, tab, first_header)
        _write_body(ws, tab, values_by_tab.get(tab.key, {}), first_header + tab.header_depth)
        _set_widths(ws, tab)
        ws.freeze_panes = ws.cell(first_header + tab.header_depth, 2).coordinate
        ws.page_setup.orientation = "landscape"
    ident = wb.create_sheet(ID_SHEET)
    ident.append(["ma_mau", template.code])
    ident.append(["dau_van_tay", fingerprint(template)])
    ident.append(["dong_dau_bang", first_header])
    ident.sheet_state = "hidden"
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def blank_form(template: Template, title_lines: list[str]) -> bytes:
    """The form with empty value cells, unprotected so that people can type into it."""
    return report_workbook(template, {}, title_lines)


def _write_titles(ws: Worksheet, lines: list[str], width: int) -> None:
    for i, line in enumerate(lines, start=1):
        cell = ws.cell(i, 1)
        excel.put_text(cell, line)
        cell.font, cell.alignment = Font(bold=True, size=14 if i == 1 else 12), _HEAD_ALIGN
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=width)


def _write_header(ws: Worksheet, tab: Tab, top: int) -> None:
    """Groups span their leaves; a leaf above the last header level spans down to it."""
    bottom = top + tab.header_depth - 1
    _head_cell(ws, top, 1, "Chỉ tiêu", bottom, 1)
    for level, entries in enumerate(tab.header_rows()):
        for label, first, span in entries:
            is_leaf = level == len(tab.columns[first].path)
            col = first + 2
            _head_cell(
                ws, top + level, col, label, bottom if is_leaf else top + level, col + span - 1
            )


def _head_cell(ws: Worksheet, row: int, col: int, label: str, end_row: int, end_col: int) -> None:
    cell = ws.cell(row, col)
    excel.put_text(cell, label)
    cell.font, cell.fill, cell.alignment, cell.border = _BOLD, _HEAD_FILL, _HEAD_ALIGN, _BOX
    if (end_row, end_col) != (row, col):
        ws.merge_cells(start_row=row, start_column=col, end_row=end_row, end_column=end_col)


def _write_body(ws: Worksheet, tab: Tab, values: Values, top: int) -> None:
    indents = {
        d: Alignment(horizontal="left", vertical="center", wrap_text=True, indent=2 * d)
        for d in {r.depth for r in tab.rows}
    }
    for i, row in enumerate(tab.rows):
        label = ws.cell(top + i, 1)
        excel.put_text(label, row.label)
        label.alignment, label.border = indents[row.depth], _BOX
        if row.depth == 0:
            label.font = _BOLD
        for j, col in enumerate(tab.columns, start=2):
            cell = ws.cell(top + i, j)
            cell.border = _BOX
            if (row.key, col.key) in tab.not_applicable:
                cell.value, cell.alignment = NOT_APPLICABLE, _CENTRE
                continue
            kind = row.type or col.type
            cell.number_format = _FORMATS[kind]
            _put_value(cell, values.get((row.key, col.key)), kind)


def _put_value(cell: Any, value: object, kind: str) -> None:
    """A date Excel cannot hold (before 1900-03-01) goes as dd/mm/yyyy text: it reads back."""
    if isinstance(value, str):
        excel.put_text(cell, value)
    elif kind == "date" and isinstance(value, date) and value < _FIRST_EXCEL_DAY:
        excel.put_text(cell, f"{value.day:02d}/{value.month:02d}/{value.year:04d}")
    else:
        cell.value = value


def _set_widths(ws: Worksheet, tab: Tab) -> None:
    longest = max(len(r.label) + 2 * r.depth for r in tab.rows)
    ws.column_dimensions["A"].width = min(max(longest + 2, 24), 60)
    for j, col in enumerate(tab.columns, start=2):
        ws.column_dimensions[get_column_letter(j)].width = max(
            _WIDTHS[col.type], min(len(col.label) + 2, 20)
        )


# -- reading ----------------------------------------------------------------------------------


def read_form(
    template: Template, data: bytes, max_bytes: int = 10 * 1024 * 1024
) -> tuple[dict[str, Values], list[UploadError]]:
    """Values of a filled form by tab (empty cells omitted); empty dict unless errors is empty."""
    problem = _container_problem(template, data, max_bytes)
    if problem:
        return {}, [UploadError("", "", problem)]
    with warnings.catch_warnings():  # openpyxl warns about features it drops; none matter here
        warnings.simplefilter("ignore")
        try:
            wb = load_workbook(BytesIO(data), read_only=True, data_only=False)
        except Exception:  # openpyxl raises many kinds on a broken file; all mean the same
            return {}, [UploadError("", "", "Tệp Excel bị hỏng hoặc không đọc được.")]
        try:
            return _read_workbook(template, wb)
        finally:
            wb.close()


def _container_problem(template: Template, data: bytes, max_bytes: int) -> str | None:
    """Refuse by size, content and the template's bounds before openpyxl sees the bytes."""
    if not data:
        return "Tệp rỗng, hãy chọn tệp Excel (.xlsx) đã điền."
    if len(data) > max_bytes:
        return f"Tệp quá lớn ({_size(len(data))}), tối đa {_size(max_bytes)}."
    if not data.startswith(b"PK\x03\x04"):
        return "Tệp không phải là tệp Excel (.xlsx)."
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
                return "Tệp Excel có nội dung quá lớn."
            return xlsx_bounds.problem(archive, xlsx_bounds.bounds_for(template))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error):
        return "Tệp Excel bị hỏng hoặc không đọc được."


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.1f} KB"


def _read_workbook(template: Template, wb: Any) -> tuple[dict[str, Values], list[UploadError]]:
    first_header, problem = _identify(template, wb)
    if problem:
        return {}, [UploadError(ID_SHEET if ID_SHEET in wb.sheetnames else "", "", problem)]
    names, result, errors = sheet_names(template), {}, []
    for tab in template.tabs:
        name = names[tab.key]
        if name not in wb.sheetnames:
            errors.append(UploadError(name, "", f"Thiếu trang tính “{name}”."))
            continue
        try:
            grid = _grid(wb[name], first_header, tab)
        except Exception:  # a sheet's XML is parsed lazily, so a broken one fails here
            errors.append(UploadError(name, "", "Trang tính bị hỏng, không đọc được."))
            continue
        result[tab.key], tab_errors = _read_tab(tab, grid, name, first_header)
        errors.extend(tab_errors)
    return ({}, errors) if errors else (result, [])


def _identify(template: Template, wb: Any) -> tuple[int, str | None]:
    """The first header row, or why the file is not a form of this template."""
    wrong = f"Tệp không đúng mẫu báo cáo “{template.name}”"
    if ID_SHEET not in wb.sheetnames:
        return 0, f"{wrong}: hãy dùng biểu mẫu tải về từ hệ thống."
    try:
        rows = list(wb[ID_SHEET].iter_rows(min_row=1, max_row=3, max_col=2, values_only=True))
        code, stamp, first = (r[1] if len(r) > 1 else None for r in (rows + [()] * 3)[:3])
    except Exception:
        return 0, f"{wrong}: không đọc được thông tin nhận dạng mẫu."
    if code != template.code:
        return 0, f"{wrong}: tệp thuộc mẫu khác ({str(code)[:60]})."
    if stamp != fingerprint(template) or not isinstance(first, int) or not 1 <= first <= 100:
        return 0, f"{wrong}: biểu mẫu đã cũ hoặc bị sửa cấu trúc, hãy tải biểu mẫu mới."
    return first, None


def _grid(ws: Any, first_header: int, tab: Tab) -> list[tuple[Any, ...]]:
    """Cells of the header and body; rows the file lacks come back empty."""
    last = first_header + tab.header_depth + len(tab.rows) - 1
    rows = list(ws.iter_rows(min_row=first_header, max_row=last, max_col=len(tab.columns) + 1))
    return rows + [()] * (last - first_header + 1 - len(rows))


def _read_tab(
    tab: Tab, grid: list[tuple[Any, ...]], sheet: str, first_header: int
) -> tuple[Values, list[UploadError]]:
    """Check that no row or column moved, refuse formulas, then apply the template's rules."""
    errors = _structure_errors(tab, grid, sheet, first_header)
    if errors:
        return {}, errors
    raw: Values = {}
    formulas: list[CellError] = []
    for i, row in enumerate(tab.rows):
        cells = grid[tab.header_depth + i]
        for j, col in enumerate(tab.columns, start=1):
            cell = cells[j] if j < len(cells) else None
            value, kind = getattr(cell, "value", None), row.type or col.type
            if getattr(cell, "data_type", "") == "f" or (
                isinstance(value, str) and value.startswith("=") and kind != "text"
            ):
                formulas.append(CellError(row.key, col.key, "không được dùng công thức"))
            else:
                raw[(row.key, col.key)] = _normalise(value, kind)
    values, cell_errors = check_tab(tab, raw)
    seen = {(e.row, e.column) for e in formulas}
    cell_errors = formulas + [e for e in cell_errors if (e.row, e.column) not in seen]
    errors = [_cell_error(tab, sheet, first_header, e) for e in cell_errors]
    return {cell: v for cell, v in values.items() if v is not None}, errors


def _structure_errors(
    tab: Tab, grid: list[tuple[Any, ...]], sheet: str, first_header: int
) -> list[UploadError]:
    """Inserted, deleted or edited rows and columns would shift every value under another key."""
    expected = [(len(c.path), j, c.label, "cột") for j, c in enumerate(tab.columns, start=1)]
    expected += [(tab.header_depth + i, 0, r.label, "dòng") for i, r in enumerate(tab.rows)]
    return [
        UploadError(
            sheet,
            _address(first_header + i, j + 1),
            f"Ô này phải là {what} “{label}” của mẫu; không được thêm, xoá hay sửa {what}.",
        )
        for i, j, label, what in expected
        if _text(grid[i], j) != label
    ]


def _text(cells: tuple[Any, ...], j: int) -> str:
    value = getattr(cells[j], "value", None) if j < len(cells) else None
    return "" if value is None else str(value).strip()


def _normalise(value: Any, kind: str) -> Any:
    """Excel hands dates back as datetimes; a time of day in a date cell must not pass."""
    if isinstance(value, datetime):
        if value.time() != time(0):
            return value.strftime("%d/%m/%Y %H:%M")
        value = value.date()
    if isinstance(value, date) and kind == "text":
        return value.strftime("%d/%m/%Y")
    return value


def _cell_error(tab: Tab, sheet: str, first_header: int, error: CellError) -> UploadError:
    i = next(n for n, r in enumerate(tab.rows) if r.key == error.row)
    j = next(n for n, c in enumerate(tab.columns) if c.key == error.column)
    where = f"“{tab.rows[i].label.lstrip('- ').strip()}” – “{tab.columns[j].label}”"
    address = _address(first_header + tab.header_depth + i, j + 2)
    return UploadError(sheet, address, f"{where}: {error.message}")


def _address(row: int, col: int) -> str:
    return f"{get_column_letter(col)}{row}"
