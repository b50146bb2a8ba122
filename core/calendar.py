"""Lịch tổ chức Đại hội: each unit's congress date, and the rules the Party's sequence imposes.

Decisions beyond the manual (calendar.md asks us to decide):
- A unit's congress must come strictly before the earliest congress among its ancestors.
  A date that breaks this is refused, unless an admin above the unit marked it as a pilot
  congress (đại hội điểm): then it is saved with a warning and listed first in the aggregate.
- A parent may still move its own date before some of its subordinates' dates: refusing it
  would let one late commune block a province. It is saved with a warning naming them, and
  they are listed first in the aggregate until they move.
- The congress counts as held from the day after its date (Vietnam time). On the day itself
  it is still "Chưa tổ chức": the manual's "đã tổ chức" means the date has passed.
- A date before today, or a change to a congress already held, needs a reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import polars as pl

from core import access, audit, clock, functions, params
from core.errors import Conflict, NotFound, PermissionDenied, StaleVersion, ValidationError
from core.formats import day
from core.model import Actor, AuditEntry, Unit
from core.store import Db
from core.text import clean

HELD, PLANNED, NONE = "HELD", "PLANNED", "NONE"
STATUS_LABELS = {HELD: "Đã tổ chức", PLANNED: "Chưa tổ chức", NONE: "Chưa đăng ký lịch"}
WEEKDAYS = ("Thứ 2", "Thứ 3", "Thứ 4", "Thứ 5", "Thứ 6", "Thứ 7", "Chủ nhật")
ENTITY = "congress"
DATE_FIELD = "Ngày tổ chức Đại hội"
REASON_FIELD = "Lý do"
EARLIEST_BEFORE_TERM = timedelta(days=366)
_NAMED = 3


@dataclass(frozen=True)
class Term:
    code: str
    name: str
    start_date: date
    end_date: date

    @property
    def first_day(self) -> date:
        """Grassroots congresses of a term may open in the last months of the year before."""
        return self.start_date - EARLIEST_BEFORE_TERM


@dataclass(frozen=True)
class Window:
    level_name: str
    start: date
    end: date


@dataclass(frozen=True)
class Bound:
    """The ancestor congress a unit's own must precede."""

    unit_name: str
    held_on: date


@dataclass(frozen=True)
class Congress:
    id: int
    term_code: str
    unit_id: int
    held_on: date | None
    start_time: time | None
    venue: str | None
    pilot: bool
    reason: str | None
    version: int


@dataclass(frozen=True)
class CongressDraft:
    held_on: date | None
    start_time: time | None = None
    venue: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Own:
    """What "Lịch tổ chức Đại hội" shows: the unit, its congress, what bounds the date and
    the history of changes, ready to show."""

    unit: Unit
    term: Term
    congress: Congress | None
    status: str
    bound: Bound | None
    window: Window | None
    history: pl.DataFrame


@dataclass(frozen=True)
class Saved:
    congress: Congress
    warnings: tuple[str, ...]


def vn_date(value: date) -> str:
    """The manual's way: "Chủ nhật, Ngày 15/01/2025"."""
    return f"{WEEKDAYS[value.weekday()]}, Ngày {value:%d/%m/%Y}"


def status(held_on: date | None, today: date) -> str:
    if held_on is None:
        return NONE
    return HELD if held_on < today else PLANNED


def today() -> date:
    return clock.now().date()


def current_term(db: Db) -> Term:
    rows = db.reports.terms()
    if not rows:
        raise NotFound("Chưa có nhiệm kỳ Đại hội nào đang hoạt động")
    return Term(**rows[0])


def window_of(db: Db, term: Term, level_code: str) -> Window | None:
    row = db.calendar.window(term.code, level_code)
    return Window(row["level_name"], row["start_date"], row["end_date"]) if row else None


def bound_of(db: Db, term: Term, unit: Unit) -> Bound | None:
    row = db.calendar.earliest_ancestor(term.code, unit.ancestor_ids)
    return Bound(row["name"], row["held_on"]) if row else None


def _congress(row: dict | None) -> Congress | None:
    if row is None:
        return None
    return Congress(**{k: row[k] for k in Congress.__dataclass_fields__})


def own(db: Db, actor: Actor, on: date | None = None) -> Own:
    access.require(actor, functions.CALENDAR_CHOOSE)
    unit = access.require_in_scope(actor, db.units.get(actor.unit_id))
    term = current_term(db)
    congress = _congress(db.calendar.get(term.code, unit.id))
    held_on = congress.held_on if congress else None
    return Own(
        unit=unit,
        term=term,
        congress=congress,
        status=status(held_on, on or today()),
        bound=bound_of(db, term, unit),
        window=window_of(db, term, unit.level_code),
        history=_history(db, congress),
    )


def judge(
    draft: CongressDraft,
    *,
    today: date,
    term: Term,
    previous: date | None,
    bound: Bound | None,
    pilot: bool,
    window: Window | None,
) -> tuple[str, ...]:
    """Refuse a date that breaks a rule (ValidationError naming the field) or return the
    warnings it is saved with."""
    held_on = draft.held_on
    if held_on is None:
        raise ValidationError(DATE_FIELD, "chưa chọn ngày")
    if not term.first_day <= held_on <= term.end_date:
        raise ValidationError(
            DATE_FIELD,
            f"phải nằm trong khoảng {day(term.first_day)} – {day(term.end_date)} của {term.name}",
        )
    if not draft.reason:
        if held_on < today:
            raise ValidationError(
                REASON_FIELD,
                f"bắt buộc khi chọn ngày đã qua ({day(held_on)}); nêu rõ vì sao ghi nhận lịch này",
            )
        if previous is not None and previous < today and previous != held_on:
            raise ValidationError(
                REASON_FIELD,
                f"bắt buộc khi thay đổi lịch của Đại hội đã tổ chức ngày {day(previous)}",
            )
    warnings = []
    if bound is not None and held_on >= bound.held_on:
        breach = (
            f"ngày {day(held_on)} không trước Đại hội của {bound.unit_name} "
            f"({vn_date(bound.held_on)}): Đại hội cấp dưới phải tổ chức trước cấp trên"
        )
        if not pilot:
            raise ValidationError(
                DATE_FIELD, breach + "; nếu là Đại hội điểm, đề nghị cấp trên đánh dấu"
            )
        warnings.append(f"Đại hội điểm: {breach}.")
    if window is not None and not window.start <= held_on <= window.end:
        warnings.append(
            f"Ngày {day(held_on)} nằm ngoài khung thời gian của cấp {window.level_name} "
            f"({day(window.start)} – {day(window.end)})."
        )
    return tuple(warnings)


def _clean_draft(draft: CongressDraft) -> CongressDraft:
    if draft.start_time is not None and not isinstance(draft.start_time, time):
        raise ValidationError("Giờ khai mạc", "không hợp lệ")
    if draft.held_on is not None and (
        not isinstance(draft.held_on, date) or isinstance(draft.held_on, datetime)
    ):
        raise ValidationError(DATE_FIELD, "phải là một ngày (không kèm giờ)")
    return CongressDraft(
        held_on=draft.held_on,
        start_time=draft.start_time.replace(second=0, microsecond=0) if draft.start_time else None,
        venue=clean(draft.venue, "Địa điểm", required=False, max_len=300),
        reason=clean(draft.reason, REASON_FIELD, required=False, max_len=500),
    )


def choose(
    db: Db,
    actor: Actor,
    draft: CongressDraft,
    expected_version: int | None,
    on: date | None = None,
) -> Saved:
    """Chọn or Cập nhật the actor's own unit's congress; ``expected_version`` is the version
    read when the form opened (None if the unit had no row)."""
    access.require(actor, functions.CALENDAR_CHOOSE)
    draft = _clean_draft(draft)
    on = on or today()

    def tx(db: Db) -> Saved:
        unit = access.require_in_scope(actor, db.units.get(actor.unit_id))
        term = current_term(db)
        existing = _congress(db.calendar.get(term.code, unit.id))
        if (existing.version if existing else None) != expected_version:
            raise StaleVersion()
        previous = existing.held_on if existing else None
        if existing and (previous, existing.start_time, existing.venue) == (
            draft.held_on,
            draft.start_time,
            draft.venue,
        ):
            raise Conflict("Lịch tổ chức Đại hội không thay đổi")
        warnings = judge(
            draft,
            today=on,
            term=term,
            previous=previous,
            bound=bound_of(db, term, unit),
            pilot=bool(existing and existing.pilot),
            window=window_of(db, term, unit.level_code),
        )
        warnings += _later_below(db, term, unit, draft.held_on)
        fields = {
            "held_on": draft.held_on,
            "start_time": draft.start_time,
            "venue": draft.venue,
            "reason": draft.reason,
        }
        now = clock.now()
        congress_id = _save(db, actor, term, unit, existing, fields, now)
        action = "choose" if previous is None else "update"
        detail = {
            "from": previous.isoformat() if previous else None,
            "to": draft.held_on.isoformat(),
            "time": draft.start_time.strftime("%H:%M") if draft.start_time else None,
            "venue": draft.venue,
            "warnings": list(warnings),
        }
        entry = AuditEntry(ENTITY, congress_id, action, reason=draft.reason, detail=detail)
        audit.record(db, actor, entry, now)
        saved = _congress(db.calendar.get(term.code, unit.id))
        assert saved is not None
        return Saved(saved, warnings)

    return db.atomic(tx)


def _save(
    db: Db,
    actor: Actor,
    term: Term,
    unit: Unit,
    existing: Congress | None,
    fields: dict,
    now: datetime,
) -> int:
    """Write the unit's congress row (created on first use) against the version read."""
    if existing is None:
        return db.calendar.insert(term.code, unit.id, fields, now, actor.user_id)
    if not db.calendar.update(existing.id, fields, existing.version, now, actor.user_id):
        raise StaleVersion()
    return existing.id


def _later_below(db: Db, term: Term, unit: Unit, held_on: date) -> tuple[str, ...]:
    names, count = db.calendar.not_earlier_below(term.code, unit.path, unit.id, held_on, _NAMED)
    if not count:
        return ()
    more = f" và {count - len(names)} đơn vị khác" if count > len(names) else ""
    return (
        f"{count} đơn vị cấp dưới có lịch không trước ngày này ({', '.join(names)}{more}); "
        "các đơn vị này được đưa lên đầu danh sách tổng hợp để điều chỉnh.",
    )


def set_pilot(db: Db, actor: Actor, unit_id: int, pilot: bool) -> None:
    """Mark (or unmark) a subordinate unit's congress as a pilot: an admin decision above it."""
    access.require(actor, functions.CALENDAR_SUMMARY)
    if not actor.is_admin:
        raise PermissionDenied("Chỉ tài khoản Admin của cấp trên được đánh dấu Đại hội điểm")
    unit_id = params.ident(unit_id, "Đơn vị")
    pilot = params.flag(pilot, "Đại hội điểm")

    def tx(db: Db) -> None:
        unit = access.require_in_scope(actor, db.units.get(unit_id), strict=True)
        term = current_term(db)
        existing = _congress(db.calendar.get(term.code, unit.id))
        if bool(existing and existing.pilot) == pilot:
            raise Conflict(
                "Đơn vị đã được đánh dấu Đại hội điểm"
                if pilot
                else "Đơn vị chưa được đánh dấu Đại hội điểm"
            )
        now = clock.now()
        congress_id = _save(db, actor, term, unit, existing, {"pilot": pilot}, now)
        action = "mark_pilot" if pilot else "unmark_pilot"
        audit.record(db, actor, AuditEntry(ENTITY, congress_id, action), now)

    db.atomic(tx)


ACTIONS = {
    "choose": "Chọn lịch",
    "update": "Cập nhật lịch",
    "mark_pilot": "Đánh dấu Đại hội điểm",
    "unmark_pilot": "Bỏ đánh dấu Đại hội điểm",
}


def _history(db: Db, congress: Congress | None) -> pl.DataFrame:
    """Lịch sử thay đổi of a congress, oldest first."""
    columns = ["Thời gian", "Người thực hiện", "Thao tác", "Ngày cũ", "Ngày mới", "Lý do"]
    rows = audit.history(db, ENTITY, congress.id).to_dicts() if congress else []
    details = [json.loads(r["detail"]) if r["detail"] else {} for r in rows]
    return pl.DataFrame(
        {
            "Thời gian": [r["at_time"].strftime("%H:%M %d/%m/%Y") for r in rows],
            "Người thực hiện": [r["actor_name"] or "" for r in rows],
            "Thao tác": [ACTIONS.get(r["action"], r["action"]) for r in rows],
            "Ngày cũ": [_iso_day(d.get("from")) for d in details],
            "Ngày mới": [_iso_day(d.get("to")) for d in details],
            "Lý do": [r["reason"] or "" for r in rows],
        },
        schema=dict.fromkeys(columns, pl.String),
    )


def _iso_day(value: str | None) -> str:
    return day(date.fromisoformat(value)) if value else ""
