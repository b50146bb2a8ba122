"""Cell values: what is typed into a tab turned into typed values, and the tab's rules applied.

The template model and its YAML format live in `core.templates`; this module holds the value
side that entry, Excel upload and the aggregates share — `coerce` reads one cell the Vietnamese
way ("1.234" groups thousands, "12,5" is a decimal comma, dd/mm/yyyy dates), `check_tab`
coerces a whole tab and reports every broken cell and rule as a `CellError` — kept apart so
that parsing a template and checking what was typed into it can each be read on their own.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from core.templates import _DATE, Tab

MAX_INT = 10_000_000
_GROUPED = re.compile(r"^-?\d{1,3}([.,\s]\d{3})+$")
_PLAIN = re.compile(r"^-?\d+([.,]\d+)?$")

MAX_TEXT = 1000
_REFUSED = ("Cc", "Cs")  # controls and lone surrogates; invisible marks may stay in notes


# -- values ----------------------------------------------------------------------------------

Cell = tuple[str, str]
Values = dict[Cell, Any]


@dataclass(frozen=True)
class CellError:
    row: str
    column: str
    message: str


def coerce(tab: Tab, cell: Cell, raw: Any) -> Any:
    """Turn what was typed into the cell's value; raise ValueError with the reason."""
    kind = tab.cell_type(*cell)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if kind == "text":
        return _text(raw)
    if kind == "date":
        if isinstance(raw, datetime):
            if raw.time() != datetime.min.time():
                raise ValueError("phải là ngày, không kèm giờ")
            return raw.date()
        if isinstance(raw, date):
            return raw
        match = _DATE.match(str(raw).strip())
        try:
            if not match:
                raise ValueError
            return date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError:
            raise ValueError("phải là ngày dạng dd/mm/yyyy") from None
    number = _number(raw, kind)
    if number < 0:
        raise ValueError("không được âm")
    if kind == "percent":
        if number > 100:
            raise ValueError("tỷ lệ không được vượt quá 100%")
        return round(number, 2)
    if not number.is_integer():
        raise ValueError("phải là số nguyên")
    if number > MAX_INT:
        raise ValueError("quá lớn")
    return int(number)


def _text(raw: Any) -> str | None:
    """A text cell keeps its line breaks (Alt+Enter in Excel) and is stored as NFC; control
    characters and lone surrogates, which no workbook or database should carry, are refused."""
    text = unicodedata.normalize("NFC", str(raw)).strip()
    if any(unicodedata.category(ch) in _REFUSED and ch not in "\n\t" for ch in text):
        raise ValueError("chứa ký tự không hợp lệ")
    if len(text) > MAX_TEXT:
        raise ValueError(f"không được dài quá {MAX_TEXT} ký tự")
    return text or None


def _number(raw: Any, kind: str) -> float:
    """A number typed the Vietnamese way: in whole-number cells "1.234" (or "1,234") groups
    thousands; "12,5" is a decimal comma; "1e3", "1_000" or "0x10" are not numbers."""
    if isinstance(raw, bool):
        raise ValueError("phải là một số")
    if isinstance(raw, int):
        if abs(raw) > MAX_INT:
            raise ValueError("quá lớn")
        return float(raw)
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise ValueError("phải là một số")
        return raw
    text = str(raw).strip().replace("\u00a0", " ")
    if kind == "int" and _GROUPED.match(text):
        text = re.sub(r"[.,\s]", "", text)
    if not _PLAIN.match(text) or len(text) > 20:
        raise ValueError("phải là một số")
    return float(text.replace(",", "."))


def check_tab(tab: Tab, raw: dict[Cell, Any]) -> tuple[Values, list[CellError]]:
    """Coerce every cell and apply the tab's rules; the values count only if errors is empty."""
    values: Values = {}
    errors: list[CellError] = []
    for cell in tab.cells():
        try:
            values[cell] = coerce(tab, cell, raw.get(cell))
        except ValueError as exc:
            errors.append(CellError(*cell, str(exc)))
    for cell in raw:
        if cell in tab.not_applicable and raw[cell] not in (None, "", "---"):
            errors.append(CellError(*cell, "ô này không áp dụng (---)"))
    for cell in sorted(tab.required):
        if values.get(cell) is None and not any(
            e.row == cell[0] and e.column == cell[1] for e in errors
        ):
            errors.append(CellError(*cell, "bắt buộc nhập"))
    errors.extend(_rule_errors(tab, values))
    return values, errors


def _num(values: Values, cell: Cell) -> float | None:
    v = values.get(cell)
    return v if isinstance(v, int | float) else None


def column_names(tab: Tab) -> dict[str, str]:
    """Column names for messages: a leaf label used twice ("Tổng số" under two groups) is
    qualified by its group, so the message names the right column."""
    counts: dict[str, int] = {}
    for c in tab.columns:
        counts[c.label] = counts.get(c.label, 0) + 1
    return {
        c.key: " › ".join([*c.path[-1:], c.label]) if counts[c.label] > 1 else c.label
        for c in tab.columns
    }


def _rule_errors(tab: Tab, values: Values) -> list[CellError]:
    errors: list[CellError] = []
    row_names = {r.key: r.label.lstrip("- ").strip() for r in tab.rows}
    col_names = column_names(tab)
    numeric_cols = [c.key for c in tab.columns]
    if tab.sub_rows_le_total:
        for row in tab.rows:
            if row.parent is None:
                continue
            for col in numeric_cols:
                if tab.cell_type(row.key, col) == "percent":
                    continue
                a, b = _num(values, (row.key, col)), _num(values, (row.parent, col))
                if a is not None and b is not None and a > b:
                    errors.append(
                        CellError(
                            row.key,
                            col,
                            f"không được lớn hơn dòng “{row_names[row.parent]}” ({_n(b)})",
                        )
                    )
    for rule in tab.rules:
        if rule.kind in ("le", "sum"):
            lines = [
                (r.key, (r.key, rule.target), [(r.key, p) for p in rule.parts]) for r in tab.rows
            ]
        else:
            lines = [
                (c, (rule.target, c), [(p, c) for p in rule.parts])
                for c in numeric_cols
                if tab.cell_type(rule.target, c) != "percent"
            ]
        labels = col_names if rule.kind in ("le", "sum") else row_names
        for _, target, parts in lines:
            t = _num(values, target)
            ps = [_num(values, p) for p in parts]
            if rule.kind in ("le", "row_le"):
                if t is not None and ps[0] is not None and t > ps[0]:
                    other = rule.parts[0]
                    errors.append(
                        CellError(*target, f"không được lớn hơn “{labels[other]}” ({_n(ps[0])})")
                    )
            elif t is not None and all(p is not None for p in ps) and abs(t - sum(ps)) > 1e-9:
                names = ", ".join(labels[p] for p in rule.parts)
                errors.append(CellError(*target, f"phải bằng tổng {names} ({_n(sum(ps))})"))
    return errors


def _n(value: float) -> str:
    return f"{value:,.0f}".replace(",", ".") if float(value).is_integer() else f"{value:g}"
