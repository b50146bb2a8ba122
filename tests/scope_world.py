"""Random worlds for the scope proof of quality.md ("Security targets"), shared by
`tests/unit/test_scope_reads.py` and `tests/unit/test_scope_writes.py`.

A world is a fresh in-memory database: a root (TW) with one to ten units at depths 1-4 below it
(TINH > XA > CO_SO > CHI_BO, the catalog's order), a few deactivated; accounts at random units;
reports in random states; congress dates. The actor sits at a random unit with a random set of
functions and a random account type.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from core import functions, reports
from core.model import ADMIN, USER, Actor, Unit
from core.report_flow import APPROVED, CHANGES, DRAFT, PENDING
from core.reports import ReportInfo
from core.store import Db, Store
from tests.factories import NOW, actor_at, make_unit, make_user
from tests.strategies import GOOD_CELLS, TAB, TEMPLATE_CODE, TERM, install_templates

LEVELS = ("TW", "TINH", "XA", "CO_SO", "CHI_BO")  # ranks 0, 1, 3, 4, 5 of the catalog
CODES = tuple(f.code for f in functions.CATALOG)
ROLES = ("QUAN_TRI", "QUAN_LY_BC", "CHUYEN_VIEN", "PHAN_TICH")
STATES = (DRAFT, PENDING, APPROVED, CHANGES)
ON = date(2025, 6, 1)
PROOF = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


# -- worlds --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """The shape of a world, drawn by hypothesis; unit 0 is the root."""

    parents: tuple[int, ...]  # parent index of units 1..n
    inactive: frozenset[int]
    accounts: tuple[tuple[int, str, str], ...]  # (unit, account type, role)
    reports: tuple[tuple[int, str], ...]  # (unit, state), one per unit
    congresses: tuple[tuple[int, date, bool], ...]  # (unit, date, pilot)


@st.composite
def specs(draw: st.DrawFn) -> Spec:
    parents: list[int] = []
    depths = [0]
    for _ in range(draw(st.integers(1, 10))):
        parent = draw(st.sampled_from([i for i, d in enumerate(depths) if d < 4]))
        parents.append(parent)
        depths.append(depths[parent] + 1)
    n = len(parents)
    below, anywhere = st.integers(1, n), st.integers(0, n)
    accounts = st.tuples(anywhere, st.sampled_from((ADMIN, USER)), st.sampled_from(ROLES))
    report = st.tuples(below, st.sampled_from(STATES))
    congress = st.tuples(anywhere, st.dates(date(2025, 1, 1), date(2026, 1, 31)), st.booleans())
    return Spec(
        parents=tuple(parents),
        inactive=frozenset(draw(st.sets(below, max_size=2))),
        accounts=tuple(draw(st.lists(accounts, max_size=5))),
        reports=tuple(draw(st.lists(report, unique_by=lambda r: r[0], max_size=n))),
        congresses=tuple(draw(st.lists(congress, unique_by=lambda c: c[0], max_size=n + 1))),
    )


@st.composite
def actors(draw: st.DrawFn, units: list[Unit], favoured: list[Unit] | None = None) -> Actor:
    """Someone at a random unit (or one of ``favoured``): often with every function, else with
    a random few."""
    unit = draw(st.sampled_from(units) | st.sampled_from(favoured or units))
    everything = st.just(frozenset(CODES))
    granted = draw(everything | everything | st.frozensets(st.sampled_from(CODES)))
    return actor_at(unit, *granted, account_type=draw(st.sampled_from((ADMIN, USER))))


@dataclass
class World:
    db: Db
    unit_ids: list[int]
    user_ids: list[int] = field(default_factory=list)
    report_ids: list[int] = field(default_factory=list)

    def units(self) -> list[Unit]:
        """Every unit as it is now (writes move, rename and delete them)."""
        return [u for u in (self.db.units.get(i) for i in self.unit_ids) if u is not None]

    def unit(self, unit_id: int) -> Unit | None:
        return self.db.units.get(unit_id)


@contextmanager
def built(spec: Spec) -> Iterator[World]:
    """The world of ``spec`` in a fresh in-memory database, closed afterwards."""
    store = Store.open(":memory:")
    try:
        db = store.db()
        install_templates(db)
        units = [make_unit(db, None, "Đơn vị 0 cấp TW", "TW", type_code="DANG_MTTQ")]
        for i, parent in enumerate(spec.parents, start=1):
            level = LEVELS[units[parent].depth + 1]
            units.append(make_unit(db, units[parent], f"Đơn vị {i} cấp {level}", level))
        world = World(db, [u.id for u in units])
        info = ReportInfo(TEMPLATE_CODE, TERM, date(2025, 3, 2), "Nguyễn Thị Hà", "Ban Tổ chức")
        for index, state in spec.reports:
            owner = actor_at(units[index], *CODES)
            report_id = reports.create(db, owner, info)
            reports.save_tab(db, owner, report_id, TAB, GOOD_CELLS, 1)
            if state != DRAFT:
                db.items.set_state(report_id, state, state != APPROVED, 2, NOW)
            world.report_ids.append(report_id)
        for index, account_type, role in spec.accounts:
            world.user_ids.append(make_user(db, units[index], account_type, role).id)
        for index, held_on, pilot in spec.congresses:
            db.calendar.insert(TERM, units[index].id, {"held_on": held_on, "pilot": pilot}, NOW, 1)
        for index in spec.inactive:
            db.units.bump(units[index].id, units[index].version, NOW, active=False)
        yield world
    finally:
        store.close()


def inside(unit: Unit | None, actor: Actor) -> bool:
    return unit is not None and unit.path.startswith(actor.unit_path)


def may(actor: Actor, *needed: str) -> bool:
    return any(f in actor.functions for f in needed)
