"""Tổng hợp lịch tổ chức Đại hội: the actor's unit and every subordinate, filtered and paged in
SQL, with the month view, the weekly load, the counts and the Excel list."""

from __future__ import annotations

import calendar as months
from dataclasses import dataclass
from datetime import date

import polars as pl

from core import access, clock, excel, functions, params
from core.calendar import NONE, STATUS_LABELS, current_term, today, vn_date
from core.errors import ValidationError
from core.model import Actor
from core.store import Db
from core.store.calendar import Where
from core.text import search_text

PAGE_SIZES = (10, 20, 50, 100)
EXPORT_LIMIT = 100_000
DAY_NAMES = 3
HEADERS = (
    "Tên tổ chức Đảng",
    "Cấp",
    "Khu vực",
    "Thời gian tổ chức Đại hội",
    "Trạng thái",
    "Lưu ý",
    "Giờ khai mạc",
    "Địa điểm",
)
OUT_OF_ORDER = "Trái thứ tự"
NOT_BEFORE_PARENT = "Không trước Đại hội cấp trên"
PILOT = "Đại hội điểm"


@dataclass(frozen=True)
class Filter:
    level: str | None = None
    status: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""


def _where(db: Db, actor: Actor, flt: Filter, on: date | None) -> Where:
    """The filter's widget values checked (codes, dates, text), as the store's Where."""
    access.require(actor, functions.CALENDAR_SUMMARY)
    if not isinstance(flt, Filter):
        raise ValidationError("Bộ lọc", "không hợp lệ")
    levels = [r["code"] for r in db.catalogs.levels()]
    level = params.optional_code(flt.level, "Cấp", levels)
    status = params.optional_code(flt.status, "Trạng thái", STATUS_LABELS)
    date_from = params.day(flt.date_from, "Từ ngày")
    date_to = params.day(flt.date_to, "Đến ngày")
    if date_from and date_to and date_from > date_to:
        raise ValidationError("Đến ngày", "phải sau hoặc trùng Từ ngày")
    return Where(
        scope_path=actor.unit_path,
        term_code=current_term(db).code,
        today=params.day(on, "Ngày") or today(),
        level=level,
        status=status,
        date_from=date_from,
        date_to=date_to,
        text=search_text(params.text(flt.text, "Tìm kiếm theo khu vực")),
    )


def title(db: Db, actor: Actor) -> str:
    """The aggregate's subtitle: whose subtree, which term."""
    access.require(actor, functions.CALENDAR_SUMMARY)
    unit = db.units.get(actor.unit_id)
    return f"{unit.name if unit else ''} — {current_term(db).name}"


def note(out_of_order: bool, pilot: bool, status_code: str) -> str:
    """Why a row is listed first: the leader's to-do."""
    parts = []
    if out_of_order:
        parts.append(NOT_BEFORE_PARENT)
    if pilot:
        parts.append(PILOT)
    if status_code == NONE:
        parts.append("Cần đăng ký lịch")
    return "; ".join(parts)


def _rows(frame: pl.DataFrame) -> list[tuple]:
    return [
        (
            r["name"],
            r["level_name"],
            r["area"] or "",
            vn_date(r["held_on"]) if r["held_on"] else "",
            STATUS_LABELS[r["status"]],
            note(r["out_of_order"], r["pilot"], r["status"]),
            r["start_time"].strftime("%H:%M") if r["start_time"] else "",
            r["venue"] or "",
        )
        for r in frame.iter_rows(named=True)
    ]


def summary(
    db: Db, actor: Actor, flt: Filter, page: int, size: int, on: date | None = None
) -> tuple[pl.DataFrame, int]:
    """One page of the list (rule breakers and units with no date first), ready to show,
    with ``unit_id`` kept for actions, and the total count."""
    where = _where(db, actor, flt, on)
    size, offset = params.page(page, size, PAGE_SIZES)
    frame, total = db.calendar.page(where, size, offset)
    shown = pl.DataFrame(_rows(frame), schema=dict.fromkeys(HEADERS, pl.String), orient="row")
    numbers = pl.Series("STT", range(offset + 1, offset + 1 + frame.height), dtype=pl.Int64)
    return shown.with_columns(frame["unit_id"], frame["pilot"]).insert_column(0, numbers), total


def counts(db: Db, actor: Actor, flt: Filter, on: date | None = None) -> pl.DataFrame:
    """Units per level (rows) and status (columns), with totals and out-of-order counts; the
    status filter is ignored so the figures show what each status would list."""
    raw = db.calendar.counts(_where(db, actor, flt, on))
    labels = list(STATUS_LABELS.values())
    if raw.height == 0:
        return pl.DataFrame(schema={"Cấp": pl.String, **dict.fromkeys(labels, pl.Int64)})
    wide = raw.with_columns(pl.col("status").replace_strict(STATUS_LABELS)).pivot(
        on="status", index=["level_rank", "level_name"], values="n", aggregate_function="sum"
    )
    for label in labels:
        if label not in wide.columns:
            wide = wide.with_columns(pl.lit(0, dtype=pl.Int64).alias(label))
    breaks = raw.group_by("level_name").agg(pl.col("out_of_order").sum().alias(OUT_OF_ORDER))
    table = (
        wide.join(breaks, on="level_name")
        .sort("level_rank")
        .select(
            pl.col("level_name").alias("Cấp"),
            *[pl.col(x).fill_null(0) for x in labels],
            OUT_OF_ORDER,
        )
        .with_columns(pl.sum_horizontal(labels).alias("Tổng số"))
    )
    total = table.select(pl.lit("Tổng cộng").alias("Cấp"), pl.exclude("Cấp").sum())
    return pl.concat([table, total])


def month(
    db: Db, actor: Actor, flt: Filter, year: int, month_no: int, on: date | None = None
) -> list[list[tuple[date, int, list[str]] | None]]:
    """The month as weeks (Monday first) of (day, count, first names) or None outside it."""
    where = _where(db, actor, flt, on)
    year, month_no = _month(year, month_no)
    last = months.monthrange(year, month_no)[1]
    frame = db.calendar.days(where, date(year, month_no, 1), date(year, month_no, last), DAY_NAMES)
    found = {r["held_on"]: (r["n"], list(r["names"])) for r in frame.iter_rows(named=True)}
    return [
        [(d, *found.get(d, (0, []))) if d.month == month_no else None for d in week]
        for week in months.Calendar(firstweekday=0).monthdatescalendar(year, month_no)
    ]


def _month(year: object, month_no: object) -> tuple[int, int]:
    """A month a person can open: a year of the calendar's range and a month 1-12."""
    if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2200:
        raise ValidationError("Năm", "không hợp lệ")
    if not isinstance(month_no, int) or isinstance(month_no, bool) or not 1 <= month_no <= 12:
        raise ValidationError("Tháng", "phải từ 1 đến 12")
    return year, month_no


def months_with_congresses(
    db: Db, actor: Actor, flt: Filter, on: date | None = None
) -> list[tuple[int, int, int]]:
    """(year, month, count) of the months the filtered list has congresses in."""
    return [tuple(r) for r in db.calendar.months(_where(db, actor, flt, on))]


def default_month(found: list[tuple[int, int, int]], on: date) -> int:
    """Index of the month to open on: this month, else the next one with congresses, else
    the last one (once a round is over, its final month)."""
    keys = [(y, m) for y, m, _ in found]
    here = (on.year, on.month)
    later = [i for i, k in enumerate(keys) if k >= here]
    return later[0] if later else max(len(keys) - 1, 0)


def weekly(db: Db, actor: Actor, flt: Filter, on: date | None = None) -> pl.DataFrame:
    """Congresses per week (its Monday) and status label: the load peaks."""
    frame = db.calendar.weeks(_where(db, actor, flt, on))
    return frame.with_columns(pl.col("status").replace_strict(STATUS_LABELS).alias("status"))


def excel_list(db: Db, actor: Actor, flt: Filter, on: date | None = None) -> bytes:
    """The filtered list in full, in the aggregate's order, as the official-style workbook."""
    where = _where(db, actor, flt, on)
    frame = db.calendar.export(where, EXPORT_LIMIT)
    unit = db.units.get(actor.unit_id)
    return excel.list_workbook(
        "TỔNG HỢP LỊCH TỔ CHỨC ĐẠI HỘI",
        f"{unit.name if unit else ''} — {current_term(db).name}",
        HEADERS,
        _rows(frame),
        [42, 20, 48, 30, 18, 32, 12, 36],
        clock.now(),
    )
