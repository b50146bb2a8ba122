"""Report templates: the declared shape of a report type, and the rules its cells obey.

A template is data (a YAML file in `data/templates/`, or one an admin imports), never code.
It declares the tabs of the form; in each tab a tree of columns (group headers with leaves)
and a tree of rows (indicators with sub-rows); the value type of each cell; the cells that do
not apply ("---"); and validation rules. `parse` turns the YAML into frozen records and refuses
a broken file with a message naming the file and the problem; `core.cells.check_tab` applies
the rules to the values typed into one tab.

File format (YAML)::

    code: PT_CL_CAP_UY_CO_SO            # unique, A-Z 0-9 _
    name: Phân tích chất lượng cấp ủy cơ sở
    term: NK_2025_2030                  # a term code of the `term` table
    levels: [CO_SO]                     # unit levels that must submit it
    deadline: 2025-06-30                # optional: sends after it count as late
    tabs:
      - key: tuoi_doi                   # unique in the template, a-z 0-9 _
        title: 1. Tuổi đời
        columns:                        # tree; only leaves hold values
          - {key: tong_so, label: Tổng số}
          - label: Cấp ủy viên
            children:
              - {key: btv, label: Ủy viên BTV, type: int}   # int (default) | percent | text | date
        rows:                           # tree; every row holds values
          - key: duoc_bau
            label: Số lượng cấp ủy viên được bầu
            children:
              - {key: nu, label: "- Nữ"}
        not_applicable: [[nu, btv]]     # [row, column] pairs shown as "---"
        required: all                   # all | [[row, column], …] | omitted
        sub_rows_le_total: true         # default true: a sub-row never exceeds its total row
        rules:
          - {le: btv, of: tong_so}                  # column btv ≤ column tong_so, every row
          - {row_le: nu, of: duoc_bau}              # row nu ≤ row duoc_bau, every column
          - {sum: tong_so, of: [a, b, c]}           # column tong_so = a + b + c, every row
          - {row_sum: duoc_bau, of: [x, y]}         # row duoc_bau = x + y, every column

Percent cells are left out of the sub-row and row rules: the share of women among first-time
members may well exceed the share among all members, and shares do not add up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from core.errors import NotFound

CELL_TYPES = ("int", "percent", "text", "date")
NUMERIC = ("int", "percent")
_CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,59}$")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


class TemplateError(ValueError):
    """A template file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    type: str
    path: tuple[str, ...]  # labels of the group headers above it, outermost first


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    depth: int
    parent: str | None
    type: str | None  # overrides the column type for the whole row


@dataclass(frozen=True)
class Rule:
    kind: str  # le | row_le | sum | row_sum
    target: str
    parts: tuple[str, ...]


@dataclass(frozen=True)
class Tab:
    key: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    header_depth: int
    not_applicable: frozenset[tuple[str, str]]
    required: frozenset[tuple[str, str]]
    rules: tuple[Rule, ...]
    sub_rows_le_total: bool = True

    def cells(self) -> list[tuple[str, str]]:
        """Every (row, column) that holds a value, in reading order."""
        return [
            (r.key, c.key)
            for r in self.rows
            for c in self.columns
            if (r.key, c.key) not in self.not_applicable
        ]

    def cell_type(self, row_key: str, col_key: str) -> str:
        row = next(r for r in self.rows if r.key == row_key)
        col = next(c for c in self.columns if c.key == col_key)
        return row.type or col.type

    def header_rows(self) -> list[list[tuple[str, int, int]]]:
        """The grouped header as rows of (label, first leaf index, span), for merged cells."""
        out: list[list[tuple[str, int, int]]] = [[] for _ in range(self.header_depth)]
        for level in range(self.header_depth):
            i = 0
            while i < len(self.columns):
                col = self.columns[i]
                if level < len(col.path):
                    label, j = col.path[level], i
                    while (
                        j < len(self.columns)
                        and len(self.columns[j].path) > level
                        and self.columns[j].path[: level + 1] == col.path[: level + 1]
                    ):
                        j += 1
                    out[level].append((label, i, j - i))
                    i = j
                else:
                    if level == len(col.path):
                        out[level].append((col.label, i, 1))
                    i += 1
        return out


@dataclass(frozen=True)
class Template:
    code: str
    name: str
    term: str
    levels: tuple[str, ...]
    tabs: tuple[Tab, ...]
    source: str = ""
    deadline: date | None = None
    version: int = 1  # set by core.report_types from the store; a file does not carry it
    raw: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def tab(self, key: str) -> Tab:
        for t in self.tabs:
            if t.key == key:
                return t
        raise NotFound(f"Mẫu “{self.name}” không có tab “{key}”")


# -- parsing ---------------------------------------------------------------------------------


def load_file(path: Path) -> Template:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise TemplateError(f"{path.name}: không đọc được tệp ({exc})") from None
    return parse(text, path.name)


def load_dir(folder: Path) -> list[Template]:
    templates = [load_file(p) for p in sorted(folder.glob("*.y*ml"))]
    seen: dict[str, str] = {}
    for t in templates:
        if t.code in seen:
            raise TemplateError(f"{t.source}: mã mẫu {t.code} trùng với {seen[t.code]}")
        seen[t.code] = t.source
    return templates


def parse(text: str, source: str) -> Template:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise TemplateError(f"{source}: không phải YAML hợp lệ ({exc})") from None
    try:
        return _template(data, source)
    except TemplateError:
        raise
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise TemplateError(f"{source}: cấu trúc không hợp lệ ({exc})") from None


def _fail(source: str, where: str, problem: str) -> TemplateError:
    return TemplateError(f"{source}: {where}: {problem}")


def _template(data: Any, source: str) -> Template:
    if not isinstance(data, dict):
        raise _fail(source, "tệp", "phải là một bảng khoá: giá trị")
    for key in ("code", "name", "term", "levels", "tabs"):
        if key not in data:
            raise _fail(source, "tệp", f"thiếu khoá '{key}'")
    code = str(data["code"])
    for key in ("name", "term"):
        if data[key] is None or not str(data[key]).strip():
            raise _fail(source, key, "không được để trống")
    if not _CODE.match(code):
        raise _fail(source, "code", f"'{code}' phải gồm chữ in hoa, số, dấu gạch dưới")
    levels = data["levels"]
    if not isinstance(levels, list) or not levels or not all(isinstance(x, str) for x in levels):
        raise _fail(source, "levels", "phải là danh sách mã cấp đơn vị, ít nhất một")
    if not isinstance(data["tabs"], list) or not data["tabs"]:
        raise _fail(source, "tabs", "phải có ít nhất một tab")
    tabs = tuple(_tab(t, source, i) for i, t in enumerate(data["tabs"], start=1))
    keys = [t.key for t in tabs]
    if len(set(keys)) != len(keys):
        raise _fail(source, "tabs", "khoá tab bị trùng")
    return Template(
        code,
        str(data["name"]).strip(),
        str(data["term"]),
        tuple(levels),
        tabs,
        source,
        _deadline(data.get("deadline"), source),
        raw=data,
    )


def _deadline(value: Any, source: str) -> date | None:
    """The optional "hạn nộp" of the type: a YAML date (2025-06-30) or dd/mm/yyyy."""
    if value is None or isinstance(value, date):
        return value
    match = _DATE.match(str(value).strip())
    try:
        if not match:
            raise ValueError
        return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        raise _fail(source, "deadline", f"'{value}' phải là ngày dạng dd/mm/yyyy") from None


def _tab(data: Any, source: str, index: int) -> Tab:
    where = f"tab {index}"
    if not isinstance(data, dict):
        raise _fail(source, where, "phải là một bảng khoá: giá trị")
    key = str(data.get("key", ""))
    if not _KEY.match(key):
        raise _fail(source, where, f"khoá tab '{key}' không hợp lệ")
    where = f"tab '{key}'"
    columns: list[Column] = []
    _columns(data.get("columns"), (), columns, source, where)
    rows: list[Row] = []
    _rows(data.get("rows"), 0, None, rows, source, where)
    col_keys = {c.key for c in columns}
    row_keys = {r.key for r in rows}
    if len(col_keys) != len(columns):
        raise _fail(source, where, "khoá cột bị trùng")
    if len(row_keys) != len(rows):
        raise _fail(source, where, "khoá dòng bị trùng")
    na = _pairs(
        data.get("not_applicable", []), row_keys, col_keys, source, f"{where}, not_applicable"
    )
    required_raw = data.get("required")
    if required_raw == "all":
        required = frozenset((r.key, c.key) for r in rows for c in columns) - na
    else:
        required = _pairs(required_raw or [], row_keys, col_keys, source, f"{where}, required")
    both = required & na
    if both:
        raise _fail(source, where, f"ô {sorted(both)[0]} vừa bắt buộc vừa không áp dụng")
    rules = tuple(_rule(r, row_keys, col_keys, source, where) for r in data.get("rules") or [])
    depth = max(len(c.path) for c in columns) + 1
    return Tab(
        key,
        str(data.get("title", key)),
        tuple(columns),
        tuple(rows),
        depth,
        na,
        required,
        rules,
        bool(data.get("sub_rows_le_total", True)),
    )


def _columns(items: Any, path: tuple[str, ...], out: list[Column], source: str, where: str) -> None:
    if not isinstance(items, list) or not items:
        raise _fail(source, where, "phải khai báo ít nhất một cột")
    for item in items:
        _known_keys(item, source, where)
        label = str(item.get("label", "")).strip()
        if not label:
            raise _fail(source, where, "cột thiếu nhãn (label)")
        if item.get("children"):
            _columns(item["children"], (*path, label), out, source, where)
            continue
        key, kind = str(item.get("key", "")), item.get("type", "int")
        if not _KEY.match(key):
            raise _fail(source, where, f"cột '{label}' có khoá '{key}' không hợp lệ")
        if kind not in CELL_TYPES:
            raise _fail(source, where, f"cột '{key}' có kiểu '{kind}' không hỗ trợ")
        out.append(Column(key, label, kind, path))


def _rows(
    items: Any, depth: int, parent: str | None, out: list[Row], source: str, where: str
) -> None:
    if not isinstance(items, list) or (depth == 0 and not items):
        raise _fail(source, where, "phải khai báo ít nhất một dòng chỉ tiêu")
    for item in items:
        _known_keys(item, source, where)
        key, label = str(item.get("key", "")), str(item.get("label", "")).strip()
        if not _KEY.match(key) or not label:
            raise _fail(source, where, f"dòng '{label or key}' thiếu khoá hoặc nhãn hợp lệ")
        kind = item.get("type")
        if kind is not None and kind not in CELL_TYPES:
            raise _fail(source, where, f"dòng '{key}' có kiểu '{kind}' không hỗ trợ")
        out.append(Row(key, label, depth, parent, kind))
        if item.get("children"):
            _rows(item["children"], depth + 1, key, out, source, where)


_ITEM_KEYS = {"key", "label", "type", "children"}


def _known_keys(item: Any, source: str, where: str) -> None:
    """Refuse unknown keys: an unquoted comma in a label would otherwise cut it silently."""
    if not isinstance(item, dict):
        raise _fail(source, where, f"{item!r} phải là một bảng khoá: giá trị")
    unknown = set(item) - _ITEM_KEYS
    if unknown:
        raise _fail(
            source,
            where,
            f"khoá không hỗ trợ {sorted(map(str, unknown))} ở "
            f"'{item.get('label', item.get('key'))}' (nhãn có dấu phẩy "
            "cần đặt trong ngoặc kép)",
        )


def _pairs(
    items: Any, rows: set[str], cols: set[str], source: str, where: str
) -> frozenset[tuple[str, str]]:
    pairs = set()
    for pair in items:
        if not isinstance(pair, list) or len(pair) != 2:
            raise _fail(source, where, f"{pair} phải là [dòng, cột]")
        r, c = pair
        if r not in rows or c not in cols:
            raise _fail(source, where, f"ô [{r}, {c}] không có trong tab")
        pairs.add((r, c))
    return frozenset(pairs)


def _rule(data: Any, rows: set[str], cols: set[str], source: str, where: str) -> Rule:
    if not isinstance(data, dict) or "of" not in data:
        raise _fail(source, where, f"quy tắc {data} không hợp lệ")
    for kind, keys in (("le", cols), ("row_le", rows), ("sum", cols), ("row_sum", rows)):
        if kind in data:
            target = data[kind]
            parts = tuple(data["of"]) if kind.endswith("sum") else (data["of"],)
            for k in (target, *parts):
                if k not in keys:
                    raise _fail(source, where, f"quy tắc {kind} nhắc tới '{k}' không có")
            return Rule(kind, target, parts)
    raise _fail(source, where, f"quy tắc {data} không thuộc loại le/row_le/sum/row_sum")
