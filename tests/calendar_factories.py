"""Factories for congress dates: put a date on a unit straight through the repository."""

from __future__ import annotations

from datetime import date

from core import functions
from core.model import USER, Actor, Unit
from core.store import Db
from tests.factories import NOW, actor_at

TERM = "NK_2025_2030"
SUMMARY = (functions.CALENDAR_CHOOSE, functions.CALENDAR_SUMMARY)


def set_congress(db: Db, unit: Unit, held_on: date | None, *, pilot: bool = False) -> int:
    """Give ``unit`` a congress on ``held_on`` (no rules, no audit)."""
    return db.calendar.insert(TERM, unit.id, {"held_on": held_on, "pilot": pilot}, NOW, 1)


def staff(unit: Unit) -> Actor:
    """An ordinary user of ``unit`` who may choose its congress date."""
    return actor_at(unit, functions.CALENDAR_CHOOSE, account_type=USER, full_name="Đỗ Thu Trang")


def leader(unit: Unit) -> Actor:
    """An admin of ``unit`` who sees the aggregate and may mark pilot congresses below it."""
    return actor_at(unit, *SUMMARY)
