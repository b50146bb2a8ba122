"""The scope proof of quality.md ("Security targets"): hypothesis builds random trees, actors and
items, and every read returns nothing outside the actor's subtree while every write outside it
(or without the function it needs) is refused and changes nothing.

A world is a fresh in-memory database: a root (TW) with one to ten units at depths 1-4 below it
(TINH > XA > CO_SO > CHI_BO, the catalog's order), a few deactivated; accounts at random units;
reports in random states; congress dates. The actor sits at a random unit with a random set of
functions and a random account type. Figures are checked against counts made here in Python
from the world itself, so a row leaking in from outside the subtree changes a number.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from core import (
    calendar,
    calendar_queries,
    dashboard,
    functions,
    hierarchy,
    report_queries,
    reports,
    restructure,
    users,
)
from core.calendar import CongressDraft
from core.calendar_queries import Filter
from core.errors import DomainError, PermissionDenied
from core.model import ADMIN, USER, Actor, Unit, UnitDraft
from core.report_flow import APPROVED, CHANGES, COUNTED, DRAFT, FLOW, PENDING
from core.reports import READERS, ReportInfo
from core.store import Db, Store
from core.workflow import position
from tests.factories import NOW, actor_at, make_unit, make_user
from tests.strategies import (
    GOOD_CELLS,
    OTHER_CODE,
    TAB,
    TEMPLATE_CODE,
    TERM,
    install_templates,
    snapshot,
)

LEVELS = ("TW", "TINH", "XA", "CO_SO", "CHI_BO")  # ranks 0, 1, 3, 4, 5 of the catalog
CODES = tuple(f.code for f in functions.CATALOG)
ROLES = ("QUAN_TRI", "QUAN_LY_BC", "CHUYEN_VIEN", "PHAN_TICH")
STATES = (DRAFT, PENDING, APPROVED, CHANGES)
ACTIONS = ("send", "approve", "reject", "cancel_approval")
TEMPLATES = (TEMPLATE_CODE, OTHER_CODE)  # both owed by every level below the root
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


def read(actor: Actor, needed: tuple[str, ...], call: Callable[[], Any]) -> Any:
    """The read's answer, or None once it is checked that an actor without any of the
    ``needed`` functions is refused."""
    if needed and not may(actor, *needed):
        with pytest.raises(PermissionDenied):
            call()
        return None
    return call()


# -- the Python-side model of what an actor may see ------------------------------------------


@dataclass(frozen=True)
class Seen:
    """What the actor's scope holds, worked out from the world without the services."""

    units: dict[int, Unit]  # every unit of the subtree, the actor's own included
    below: list[Unit]  # active units of the strict subtree
    counted: list[int]  # units of ``below`` with a sent or approved report
    counted_any: int  # such reports in the strict subtree, inactive units included


def seen_by(world: World, actor: Actor) -> Seen:
    units = {u.id: u for u in world.units() if inside(u, actor)}
    below = [u for u in units.values() if u.active and u.id != actor.unit_id]
    states = {}
    for report_id in world.report_ids:
        rec = world.db.reports.get(report_id)
        if rec is not None:
            states[rec["unit_id"]] = rec["state"]
    counted = [u.id for u in below if states.get(u.id) in COUNTED]
    counted_any = sum(
        1 for uid, s in states.items() if uid in units and uid != actor.unit_id and s in COUNTED
    )
    return Seen(units, below, counted, counted_any)


# -- reads -----------------------------------------------------------------------------------------


def check_unit_reads(world: World, actor: Actor, seen: Seen) -> None:
    db, manage = world.db, (functions.UNIT_MANAGE,)
    rows = read(actor, manage, lambda: hierarchy.tree_rows(db, actor, set(world.unit_ids)))
    if rows is not None:
        assert {r.unit.id for r in rows} == set(seen.units)
    found = read(actor, manage, lambda: hierarchy.search(db, actor, "Đơn vị"))
    if found is not None:
        assert {u.id for u in found} == set(seen.units)
    for unit in world.units():
        if inside(unit, actor) and may(actor, *manage):
            assert hierarchy.detail(db, actor, unit.id).unit.id == unit.id
            continue
        with pytest.raises(PermissionDenied):
            hierarchy.detail(db, actor, unit.id)
        if may(actor, *manage):
            found = hierarchy.search(db, actor, unit.name)
            assert all(inside(u, actor) for u in found) and unit.id not in {u.id for u in found}
    active = {i for i, u in seen.units.items() if u.active}
    assert {i for i, _ in hierarchy.unit_options(db, actor)} == active
    for unit_id in world.unit_ids:
        picked = hierarchy.find_units(db, actor, "", include=unit_id)
        assert all(inside(u, actor) for u in picked)


def check_user_reads(world: World, actor: Actor, seen: Seen) -> None:
    db, manage = world.db, (functions.USER_MANAGE,)
    answer = read(actor, manage, lambda: users.search(db, actor, users.UserFilter(), 1, 100))
    if answer is None:
        return
    expected = {u.id for u in (db.users.get(i) for i in world.user_ids) if u.unit_id in seen.units}
    assert set(answer[0]["id"]) == expected and answer[1] == len(expected)
    for unit in world.units():
        if not inside(unit, actor):
            assert users.search(db, actor, users.UserFilter(unit_id=unit.id))[1] == 0
    for user_id in world.user_ids:
        user = db.users.get(user_id)
        if user.unit_id in seen.units:
            assert users.detail(db, actor, user_id).user.id == user_id
        else:
            with pytest.raises(PermissionDenied):
                users.detail(db, actor, user_id)


def check_report_reads(world: World, actor: Actor, seen: Seen) -> None:
    db = world.db
    own = read(actor, (functions.REPORT_CREATE,), lambda: report_queries.own_list(db, actor))
    if own is not None:
        assert {db.reports.get(i)["unit_id"] for i in own[0]["id"]} <= {actor.unit_id}
    for unit_id in (None, *world.unit_ids):
        queue = read(
            actor,
            (functions.REPORT_APPROVE,),
            lambda u=unit_id: report_queries.queue(db, actor, u, size=50),
        )
        if queue is not None:
            owners = [world.unit(db.reports.get(i)["unit_id"]) for i in queue[0]["id"]]
            assert all(o.parent_id == actor.unit_id for o in owners)
    progress = read(
        actor,
        (functions.REPORT_LOOKUP,),
        lambda: report_queries.subordinate_progress(db, actor, TERM),
    )
    if progress is not None:
        by_code = {p.template.code: p for p in progress}
        if seen.below:
            assert set(by_code) == set(TEMPLATES)
            assert by_code[TEMPLATE_CODE].expected == len(seen.below)
            assert by_code[TEMPLATE_CODE].sent == len(seen.counted)
            assert by_code[OTHER_CODE].sent == 0
        else:
            assert by_code == {}
    agg = read(
        actor,
        (functions.REPORT_LOOKUP_AGG,),
        lambda: report_queries.aggregate(db, actor, TEMPLATE_CODE, TERM),
    )
    if agg is not None:
        assert set(agg.contributors["unit_id"]) == {u.id for u in seen.below}
        assert agg.counted == len(seen.counted)
        total = agg.values.get(TAB, {}).get(("tong", "so"), 0)
        good = GOOD_CELLS[("tong", "so")]
        assert good * len(seen.counted) <= total <= good * seen.counted_any
    for report_id in world.report_ids:
        rec = db.reports.get(report_id)
        if not may(actor, *READERS) or not inside(world.unit(rec["unit_id"]), actor):
            with pytest.raises(PermissionDenied):
                reports.detail(db, actor, report_id)
        else:
            assert reports.detail(db, actor, report_id).record["id"] == report_id


def check_dashboard_reads(world: World, actor: Actor, seen: Seen) -> None:
    db, needed = world.db, (functions.DASHBOARD,)
    counts = read(actor, needed, lambda: dashboard.counts(db, actor, TERM))
    if counts is None:
        return
    totals, _, by_type = counts
    assert totals.expected == len(TEMPLATES) * len(seen.below)
    assert totals.sent == len(seen.counted)
    assert set(by_type["template_code"]) <= set(TEMPLATES)
    for unit in world.units():
        if not inside(unit, actor):
            with pytest.raises(PermissionDenied):
                dashboard.completion(db, actor, TERM, unit.id)
            continue
        frame = dashboard.completion(db, actor, TERM, unit.id)
        for row in frame.iter_rows(named=True):
            child = seen.units[row["child_id"]]
            assert child.parent_id == unit.id and child.active
            area = [u for u in seen.below if u.path.startswith(child.path)]
            assert row["expected"] == len(TEMPLATES) * len(area)
            assert row["sent"] == len([u for u in area if u.id in seen.counted])
    for level in LEVELS[1:]:
        frame, total = dashboard.indicator(db, actor, TERM, level, TEMPLATE_CODE, TAB, "tong", "so")
        at_level = {u.name for u in seen.below if u.level_code == level}
        assert set(frame["unit_name"]) == at_level
        counted = [u for u in seen.below if u.level_code == level and u.id in seen.counted]
        assert total == GOOD_CELLS[("tong", "so")] * len(counted)


def check_calendar_reads(world: World, actor: Actor, seen: Seen) -> None:
    db = world.db
    own = read(actor, (functions.CALENDAR_CHOOSE,), lambda: calendar.own(db, actor, on=ON))
    if own is not None:
        assert own.unit.id == actor.unit_id
        assert own.congress is None or own.congress.unit_id == actor.unit_id
    needed = (functions.CALENDAR_SUMMARY,)
    answer = read(actor, needed, lambda: calendar_queries.summary(db, actor, Filter(), 1, 100, ON))
    if answer is None:
        return
    active = {i for i, u in seen.units.items() if u.active}
    assert set(answer[0]["unit_id"]) == active and answer[1] == len(active)
    counts = calendar_queries.counts(db, actor, Filter(), ON)
    assert (int(counts["Tổng số"][-1]) if counts.height else 0) == len(active)
    sheet = load_workbook(io.BytesIO(calendar_queries.excel_list(db, actor, Filter(), ON))).active
    names = [row[1] for row in sheet.iter_rows(min_row=5, values_only=True) if row[0]]
    assert sorted(names) == sorted(seen.units[i].name for i in active)


@PROOF
@given(spec=specs(), data=st.data())
def test_no_read_returns_anything_outside_the_actors_subtree(
    spec: Spec, data: st.DataObject
) -> None:
    with built(spec) as world:
        actor = data.draw(actors(world.units()))
        before = snapshot(world.db)
        seen = seen_by(world, actor)
        check_unit_reads(world, actor, seen)
        check_user_reads(world, actor, seen)
        check_report_reads(world, actor, seen)
        check_dashboard_reads(world, actor, seen)
        check_calendar_reads(world, actor, seen)
        assert snapshot(world.db) == before, "a read changed the database"


# -- writes ----------------------------------------------------------------------------------------

OUTSIDE = {
    "unit": "SELECT * FROM unit WHERE NOT starts_with(path, $scope)",
    "app_user": "SELECT a.* FROM app_user a JOIN unit u ON u.id = a.unit_id "
    "WHERE NOT starts_with(u.path, $scope)",
    "work_item": "SELECT i.* FROM work_item i JOIN unit u ON u.id = i.unit_id "
    "WHERE NOT starts_with(u.path, $scope)",
    "report": "SELECT r.* FROM report r JOIN unit u ON u.id = r.unit_id "
    "WHERE NOT starts_with(u.path, $scope)",
    "report_cell": "SELECT c.* FROM report_cell c JOIN report r ON r.id = c.report_id "
    "JOIN unit u ON u.id = r.unit_id WHERE NOT starts_with(u.path, $scope)",
    "congress": "SELECT c.* FROM congress c JOIN unit u ON u.id = c.unit_id "
    "WHERE NOT starts_with(u.path, $scope)",
}


def outside_rows(db: Db, actor: Actor) -> dict[str, list[tuple]]:
    """Every row that belongs to a unit outside the actor's subtree."""
    return {
        table: sorted(db.execute(sql, {"scope": actor.unit_path}), key=repr)
        for table, sql in OUTSIDE.items()
    }


def check_write(
    world: World, actor: Actor, name: str, call: Callable[[], Any], must_refuse: bool
) -> None:
    """A write never touches a row outside the subtree; refused, it touches nothing at all."""
    db = world.db
    before, before_outside = snapshot(db), outside_rows(db, actor)
    try:
        call()
    except DomainError as err:
        event(f"{name}: refused{' as it must be' if must_refuse else ''}")
        assert snapshot(db) == before, f"refused ({err}) but something changed"
    else:
        event(f"{name}: done")
        assert not must_refuse, f"{name} went through outside the scope or without its function"
    assert outside_rows(db, actor) == before_outside


def unit_form(unit: Unit, **changes: Any) -> UnitDraft:
    values = {
        "name": unit.name,
        "level_code": unit.level_code,
        "type_code": unit.type_code,
        "province": unit.province,
        "address": unit.address,
        "code": unit.code,
    }
    return UnitDraft(**{**values, **changes})


Write = Callable[[World, Actor, st.DataObject], tuple[Callable[[], Any], bool]]


@dataclass(frozen=True)
class Target:
    """A unit or account picked from the world, which earlier writes may have removed."""

    id: int
    row: Any  # Unit | User | None
    version: int


def near_or_anywhere(data: st.DataObject, near: list[int], anywhere: list[int]) -> int:
    """Half the time an id of the actor's own part of the tree, so that writes also succeed."""
    return data.draw(st.sampled_from(near or anywhere) | st.sampled_from(anywhere))


def any_unit(world: World, actor: Actor, data: st.DataObject) -> Target:
    near = [u.id for u in world.units() if inside(u, actor) and u.id != actor.unit_id]
    unit = world.unit(near_or_anywhere(data, near or [actor.unit_id], world.unit_ids))
    return Target(unit.id, unit, unit.version) if unit else Target(-1, None, 1)


def update_unit(world: World, actor: Actor, data: st.DataObject) -> tuple[Callable, bool]:
    unit = any_unit(world, actor, data)
    refuse = not may(actor, functions.UNIT_MANAGE) or not inside(unit.row, actor)
    form = unit_form(unit.row, name=f"{unit.row.name} (đổi tên)") if unit.row else None
    return lambda: hierarchy.update_unit(world.db, actor, unit.id, form, unit.version), refuse


def _strictly_below(actor: Actor, unit: Target) -> bool:
    return inside(unit.row, actor) and unit.id != actor.unit_id


def set_active(world: World, actor: Actor, data: st.DataObject) -> tuple[Callable, bool]:
    unit = any_unit(world, actor, data)
    refuse = not may(actor, functions.UNIT_MANAGE) or not _strictly_below(actor, unit)
    active = not unit.row.active if unit.row else False
    return lambda: hierarchy.set_active(world.db, actor, unit.id, active, unit.version), refuse


def delete_unit(world: World, actor: Actor, data: st.DataObject) -> tuple[Callable, bool]:
    unit = any_unit(world, actor, data)
    refuse = not may(actor, functions.UNIT_MANAGE) or not _strictly_below(actor, unit)
    return lambda: hierarchy.delete_unit(world.db, actor, unit.id, unit.version), refuse


def add_unit(world: World, actor: Actor, data: st.DataObject) -> tuple[Callable, bool]:
    parent = any_unit(world, actor, data)
    refuse = not may(actor, functions.UNIT_MANAGE) or not inside(parent.row, actor)
    rank = LEVELS.index(parent.row.level_code) if parent.row else 0
    level = LEVELS[min(rank + 1, len(LEVELS) - 1)]
    form = UnitDraft("Đơn vị mới", level, "DIA_BAN", "Thành phố Hà Nội", address="Số 2")
    return lambda: hierarchy.add_unit(world.db, actor, parent.id, form), refuse


def move_unit(world: World, actor: Actor, data: st.DataObject) -> tuple[Callable, bool]:
    unit, parent = any_unit(world, actor, data), any_unit(world, actor, data)
    refuse = (
        not may(actor, functions.UNIT_MANAGE)
        or not _strictly_below(actor, unit)
        or not inside(parent.row, actor)
    )
    return (
        lambda: restructure.move_unit(world.db, actor, unit.id, parent.id, unit.version),
        refuse,
    )


def merge_units(world: World, actor: Actor, data: st.DataObject) -> tuple[Callable, bool]:
    sources = [any_unit(world, actor, data) for _ in range(data.draw(st.integers(1, 3)))]
    target = any_unit(world, actor, data)
    refuse = (
        not may(actor, functions.UNIT_MANAGE)
        or not inside(target.row, actor)
        or not all(_strictly_below(actor, s) for s in sources if s.id != target.id)
    )
    ids = [s.id for s in sources]
    return lambda: restructure.merge_units(world.db, actor, ids, target.id), refuse


def _may_manage_users(actor: Actor) -> bool:
    return actor.is_admin and may(actor, functions.USER_MANAGE)


def any_user(world: World, actor: Actor, data: st.DataObject) -> Target:
    if not world.user_ids:
        return Target(-1, None, 1)
    near = [i for i in world.user_ids if inside(world.unit(world.db.users.get(i).unit_id), actor)]
    user = world.db.users.get(near_or_anywhere(data, near, world.user_ids))
    return Target(user.id, user if user.active else None, user.version)


def _user_in_scope(world: World, actor: Actor, user: Target) -> bool:
    return user.row is not None and inside(world.unit(user.row.unit_id), actor)


def update_user(world: World, actor: Actor, data: st.DataObject) -> tuple[Callable, bool]:
    user, unit = any_user(world, actor, data), any_unit(world, actor, data)
    account, role = data.draw(st.sampled_from((ADMIN, USER))), data.draw(st.sampled_from(ROLES))
    refuse = (
        not _may_manage_users(actor)
        or not _user_in_scope(world, actor, user)
        or not inside(unit.row, actor)
    )
    return (
        lambda: users.update(
            world.db, actor, user.id, unit.id, account, "Cán bộ", role, user.version
        ),
        refuse,
    )


def delete_user(world: World, actor: Actor, data: st.DataObject) -> tuple[Callable, bool]:
    user = any_user(world, actor, data)
    refuse = not _may_manage_users(actor) or not _user_in_scope(world, actor, user)
    return lambda: users.delete(world.db, actor, user.id, user.version), refuse


def reset_password(world: World, actor: Actor, data: st.DataObject) -> tuple[Callable, bool]:
    user = any_user(world, actor, data)
    refuse = not _may_manage_users(actor) or not _user_in_scope(world, actor, user)
    return lambda: users.reset_password(world.db, actor, user.id, user.version), refuse


def any_report(world: World, actor: Actor, data: st.DataObject) -> dict[str, Any] | None:
    if not world.report_ids:
        return None
    near = [
        i
        for i in world.report_ids
        if (rec := world.db.reports.get(i))
        and actor.unit_id in (rec["unit_id"], world.unit(rec["unit_id"]).parent_id)
    ]
    return world.db.reports.get(near_or_anywhere(data, near, world.report_ids))


def transition(world: World, actor: Actor, data: st.DataObject) -> tuple[Callable, bool]:
    rec = any_report(world, actor, data)
    legal = [t.action for t in FLOW.transitions if rec and t.state == rec["state"]]
    action = data.draw(st.sampled_from(legal or ["send"]) | st.sampled_from(ACTIONS))
    if rec is None:
        return lambda: reports.transition(world.db, actor, -1, action, "Lý do"), True
    owner = world.unit(rec["unit_id"])
    step = FLOW.find(rec["state"], action)
    refuse = (
        not may(actor, *READERS)
        or not inside(owner, actor)
        or step is None
        or step.function not in actor.functions
        or position(actor, owner) not in step.by
    )
    return lambda: reports.transition(world.db, actor, rec["id"], action, "Bổ sung"), refuse


def save_tab(world: World, actor: Actor, data: st.DataObject) -> tuple[Callable, bool]:
    rec = any_report(world, actor, data)
    if rec is None:
        return lambda: reports.save_tab(world.db, actor, -1, TAB, GOOD_CELLS, 1), True
    refuse = not may(actor, functions.REPORT_CREATE) or rec["unit_id"] != actor.unit_id
    changed = {**GOOD_CELLS, ("tong", "so"): 12}
    return (
        lambda: reports.save_tab(world.db, actor, rec["id"], TAB, changed, rec["version"]),
        refuse,
    )


def delete_report(world: World, actor: Actor, data: st.DataObject) -> tuple[Callable, bool]:
    rec = any_report(world, actor, data)
    if rec is None:
        return lambda: reports.delete(world.db, actor, -1, 1), True
    refuse = not may(actor, functions.REPORT_CREATE) or rec["unit_id"] != actor.unit_id
    return lambda: reports.delete(world.db, actor, rec["id"], rec["version"]), refuse


def set_pilot(world: World, actor: Actor, data: st.DataObject) -> tuple[Callable, bool]:
    unit = any_unit(world, actor, data)
    refuse = (
        not may(actor, functions.CALENDAR_SUMMARY)
        or not actor.is_admin
        or not _strictly_below(actor, unit)
    )
    pilot = data.draw(st.booleans())
    return lambda: calendar.set_pilot(world.db, actor, unit.id, pilot), refuse


def choose(world: World, actor: Actor, data: st.DataObject) -> tuple[Callable, bool]:
    row = world.db.calendar.get(TERM, actor.unit_id)
    draft = CongressDraft(data.draw(st.dates(date(2025, 6, 1), date(2026, 1, 31))), reason="Lý do")
    refuse = not may(actor, functions.CALENDAR_CHOOSE)

    def call() -> Any:
        others = [r for r in snapshot(world.db)["congress"] if r[2] != actor.unit_id]
        try:
            return calendar.choose(world.db, actor, draft, row["version"] if row else None, on=ON)
        finally:
            assert [r for r in snapshot(world.db)["congress"] if r[2] != actor.unit_id] == others

    return call, refuse


WRITES: tuple[Write, ...] = (
    update_unit,
    set_active,
    delete_unit,
    add_unit,
    move_unit,
    merge_units,
    update_user,
    delete_user,
    reset_password,
    transition,
    save_tab,
    delete_report,
    set_pilot,
    choose,
)


@settings(PROOF, max_examples=60)
@given(spec=specs(), data=st.data())
def test_no_write_reaches_outside_the_subtree_and_refused_writes_change_nothing(
    spec: Spec, data: st.DataObject
) -> None:
    with built(spec) as world:
        owners = [world.unit(world.db.reports.get(i)["unit_id"]) for i in world.report_ids]
        parents = [world.unit(o.parent_id) for o in owners]
        actor = data.draw(actors(world.units(), owners + parents))
        for write in data.draw(st.permutations(WRITES)):
            call, must_refuse = write(world, actor, data)
            check_write(world, actor, write.__name__, call, must_refuse)
