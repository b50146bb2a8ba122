"""How big an uploaded form may be, judged from the zip before any XML is parsed.

openpyxl reads the whole shared-string table when it opens a workbook, even in read-only
mode, and a few megabytes of zip can hold millions of strings: twenty seconds of CPU for a
file that could never be a filled form. A form of a template has a known shape (its sheets,
rows and columns), so everything it may contain is bounded by that shape with a margin for
what Excel adds when a person saves it. This module reads only the zip directory and the
first bytes of a few members, and says why a file exceeds its template's bounds.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass

from core.cells import MAX_TEXT
from core.templates import Template

MAX_TITLE_ROWS = 100  # the identity sheet may place the header at most this low (report_excel)
_ROW_MARGIN, _COL_MARGIN, _SHEET_MARGIN = 50, 10, 3
_KB = 1024
_OVERLAP = 64  # longer than any pattern counted below
_SHEET = re.compile(r"xl/worksheets/[^/]+\.xml")
_STRINGS = "xl/sharedStrings.xml"
_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension\s+ref="\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?"'
)
_UNIQUE = re.compile(rb'uniqueCount="(\d+)"')
_STRING_ITEM = re.compile(rb"<(?:\w+:)?si[\s>/]")
_SHEET_ENTRY = re.compile(rb"<(?:\w+:)?sheet\s")
_TOO_BIG = "Tệp Excel có nội dung quá lớn."


@dataclass(frozen=True)
class Bounds:
    """The most a form of one template may hold, margins included."""

    sheets: int
    rows: int
    cols: int
    strings: int
    string_bytes: int
    sheet_bytes: int
    member_bytes: int
    members: int
    total_bytes: int


def bounds_for(template: Template) -> Bounds:
    """Bounds from the template's shape: a filled form has at most one string per cell."""
    rows = max(t.header_depth + len(t.rows) for t in template.tabs) + MAX_TITLE_ROWS + _ROW_MARGIN
    cols = max(len(t.columns) + 1 for t in template.tabs) + _COL_MARGIN
    cells = sum((t.header_depth + len(t.rows)) * (len(t.columns) + 1) for t in template.tabs)
    text_cells = sum(1 for t in template.tabs for r, c in t.cells() if t.cell_type(r, c) == "text")
    sheets = len(template.tabs) + 1 + _SHEET_MARGIN  # the tabs and the identity sheet
    sheet_bytes = 256 * _KB + rows * cols * 256  # ~100 bytes per styled cell in practice
    string_bytes = 512 * _KB + cells * 200 + text_cells * MAX_TEXT * 4  # UTF-8: ≤ 4 bytes
    members, member_bytes = 30 + 4 * sheets, 4 * 1024 * _KB  # styles, theme, rels, docProps
    return Bounds(
        sheets=sheets,
        rows=rows,
        cols=cols,
        strings=2 * cells + 200,
        string_bytes=string_bytes,
        sheet_bytes=sheet_bytes,
        member_bytes=member_bytes,
        members=members,
        total_bytes=sheets * sheet_bytes + string_bytes + members * member_bytes,
    )


def problem(archive: zipfile.ZipFile, bounds: Bounds) -> str | None:
    """Why the archive cannot be a form within ``bounds``, or None; reads little of it."""
    infos = archive.infolist()
    if len(infos) > bounds.members:
        return f"Tệp Excel có quá nhiều thành phần ({len(infos)}), không phải biểu mẫu hệ thống."
    if sum(i.file_size for i in infos) > bounds.total_bytes:
        return _TOO_BIG
    sheets = [i for i in infos if _SHEET.fullmatch(i.filename)]
    for info in infos:
        limit = bounds.sheet_bytes if info in sheets else bounds.member_bytes
        if info.filename != _STRINGS and info.file_size > limit:
            return _TOO_BIG
    count = max(len(sheets), _count(archive, "xl/workbook.xml", _SHEET_ENTRY, bounds))
    if count > bounds.sheets:
        return f"Tệp Excel có {count} trang tính, nhiều hơn biểu mẫu cho phép ({bounds.sheets})."
    for info in sheets:
        found = _dimension_problem(_head(archive, info.filename), bounds)
        if found:
            return found
    return _strings_problem(archive, bounds)


def _head(archive: zipfile.ZipFile, name: str, size: int = 4 * _KB) -> bytes:
    with archive.open(name) as member:
        return member.read(size)


def _dimension_problem(head: bytes, bounds: Bounds) -> str | None:
    """The sheet's declared used range; its byte size is what really bounds the parse."""
    found = _DIMENSION.search(head)
    if not found:
        return None
    last_col, last_row = found.group(3) or found.group(1), found.group(4) or found.group(2)
    rows, cols = int(last_row), _column_number(last_col.decode())
    if rows > bounds.rows or cols > bounds.cols:
        return (
            f"Trang tính có vùng dữ liệu quá lớn ({rows} dòng, {cols} cột); "
            f"biểu mẫu có tối đa {bounds.rows} dòng và {bounds.cols} cột."
        )
    return None


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - ord("A") + 1
    return number


def _strings_problem(archive: zipfile.ZipFile, bounds: Bounds) -> str | None:
    """The declared count first, then the real one (a count attribute may lie), then the size;
    the whole archive was bounded by `MAX_UNZIPPED` before, so counting reads little."""
    if _STRINGS not in archive.namelist():
        return None
    declared = _UNIQUE.search(_head(archive, _STRINGS, 1 * _KB))
    count = int(declared.group(1)) if declared else 0
    if count <= bounds.strings:
        count = _count(archive, _STRINGS, _STRING_ITEM, bounds)
    if count > bounds.strings:
        return (
            f"Tệp Excel chứa quá nhiều chuỗi văn bản ({count}); "
            f"biểu mẫu này cần tối đa {bounds.strings}."
        )
    return _TOO_BIG if archive.getinfo(_STRINGS).file_size > bounds.string_bytes else None


def _count(archive: zipfile.ZipFile, name: str, pattern: re.Pattern, bounds: Bounds) -> int:
    """Occurrences of ``pattern`` in a member, read in chunks (sizes were bounded above)."""
    if name not in archive.namelist():
        return 0
    total, carry = 0, b""
    with archive.open(name) as member:
        while chunk := member.read(256 * _KB):
            text = carry + chunk
            cut = max(len(text) - _OVERLAP, 0)  # a match starting before the cut is whole
            total += sum(1 for m in pattern.finditer(text) if m.start() < cut)
            carry = text[cut:]
    return total + len(pattern.findall(carry))
