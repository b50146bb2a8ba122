"""Excel exports laid out like the official lists: title rows, bold frozen header, widths."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from core.formats import moment

_THIN = Side(style="thin", color="999999")
_HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
# Characters an XML 1.0 document cannot hold (controls other than tab and line breaks).
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def list_workbook(
    title: str,
    subtitle: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    widths: Sequence[int],
    generated_at: datetime,
) -> bytes:
    """One sheet: title, subtitle and time in the first rows, then the table with STT."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    columns = ["STT", *headers]
    for i, width in enumerate([6, *widths], start=1):
        ws.column_dimensions[_letter(i)].width = width
    ws.freeze_panes = "A5"
    ws.append([_cell(ws, title, Font(bold=True, size=14))])
    ws.append([_cell(ws, subtitle, Font(italic=True))])
    ws.append([_cell(ws, f"Thời gian xuất: {moment(generated_at)}", Font(size=9))])
    ws.append([_cell(ws, h, Font(bold=True), _HEADER_FILL, header=True) for h in columns])
    for n, row in enumerate(rows, start=1):
        ws.append([n, *(_safe(ws, v) for v in row)])
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _cell(
    ws,
    value: object,
    font: Font | None = None,
    fill: PatternFill | None = None,
    header: bool = False,
) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws)
    put(cell, value)
    if font:
        cell.font = font
    if fill:
        cell.fill = fill
    if header:
        cell.border = Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    return cell


def _safe(ws, value: object) -> object:
    """A table value: text goes through `put_text`; numbers, dates and blanks as they are."""
    return _cell(ws, value) if isinstance(value, str) else value


def put(cell: Any, value: object) -> None:
    """Write a value into a cell, text always as text (see `put_text`)."""
    if isinstance(value, str):
        put_text(cell, value)
    else:
        cell.value = value


def put_text(cell: Any, text: str) -> None:
    """Every cell that carries user text is written through here, by every workbook writer.

    openpyxl turns a string starting with "=" into a formula, and Excel reads "+", "-" and "@"
    as the start of one too: a unit named ``=HYPERLINK(...)`` would run in the reader's Excel.
    The cell is typed as a string, and characters XML cannot hold are dropped so that a stray
    control character never makes the save fail.
    """
    cell.value = NOT_XML.sub("", text)
    cell.data_type = "s"


def _letter(index: int) -> str:
    letters = ""
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
