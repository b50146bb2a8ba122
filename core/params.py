"""Checks for the non-text parameters that reach core from widgets: ids, page numbers and
sizes, codes from a fixed list, flags, dates.

A page passes what its selectboxes and number inputs hold, and a tampered request can put
anything there: None, a float, a string in an integer slot, a number past what DuckDB can
bind, a code nobody defined. Each entry point checks its parameters with these functions
before it touches the store, so the person sees one Vietnamese sentence naming the field
(`ValidationError`) and the store never raises a raw conversion or binder error.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime
from typing import Any

from core.errors import ValidationError

MAX_ID = 2**62  # ids come from sequences; anything larger was not issued
MAX_PAGE = 1_000_000
PAGE = "Trang"
PAGE_SIZE = "Số dòng mỗi trang"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def ident(value: Any, field: str) -> int:
    """A row id: a positive integer (a bool or a float is not one)."""
    if not _is_int(value) or not 1 <= value <= MAX_ID:
        raise ValidationError(field, "không hợp lệ")
    return value


def optional_ident(value: Any, field: str) -> int | None:
    return None if value is None else ident(value, field)


def idents(values: Any, field: str) -> list[int]:
    """A list of row ids, such as the rows ticked in a table."""
    if not isinstance(values, list | tuple | set | frozenset):
        raise ValidationError(field, "không hợp lệ")
    return [ident(v, field) for v in values]


def version(value: Any) -> int:
    """The version a form was opened with."""
    if not _is_int(value) or not 1 <= value <= MAX_ID:
        raise ValidationError("Phiên bản dữ liệu", "không hợp lệ, vui lòng tải lại trang")
    return value


def optional_version(value: Any) -> int | None:
    return None if value is None else version(value)


def page(value: Any, size: Any, sizes: Collection[int]) -> tuple[int, int]:
    """(limit, offset) of a page: a number from 1 and a size among the offered ones."""
    if not _is_int(value) or not 1 <= value <= MAX_PAGE:
        raise ValidationError(PAGE, f"phải là số nguyên từ 1 đến {MAX_PAGE:,}".replace(",", "."))
    if not _is_int(size) or size not in sizes:
        raise ValidationError(PAGE_SIZE, "chỉ được chọn " + ", ".join(map(str, sorted(sizes))))
    return size, (value - 1) * size


def code(value: Any, field: str, known: Iterable[str], *, empty: bool = False) -> str:
    """A code among ``known`` ("" too when ``empty``: the filter "Tất cả")."""
    if empty and value in ("", None):
        return ""
    if not isinstance(value, str) or value not in set(known):
        raise ValidationError(field, "không có trong danh sách")
    return value


def optional_code(value: Any, field: str, known: Iterable[str]) -> str | None:
    """A code among ``known``, or None (no filter); "" counts as no filter."""
    return code(value, field, known, empty=True) or None


def flag(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(field, "không hợp lệ")
    return value


def day(value: Any, field: str) -> date | None:
    """A calendar date or None; a datetime is not a date here (its time would be lost)."""
    if value is None:
        return None
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValidationError(field, "không phải là ngày hợp lệ")
    return value


def text(value: Any, field: str) -> str:
    """Free text that must at least be text (None means empty)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(field, "không hợp lệ")
    return value
