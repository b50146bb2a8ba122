"""The read half of the scope proof of quality.md ("Security targets"): on random worlds
(`tests/scope_world.py`), every read returns nothing outside the actor's subtree, refuses an actor
without the function it needs, and changes nothing.

Figures are checked against counts made here in Python from the world itself, so a row leaking in
from outside the subtree changes a number.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import given
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
    users,
)
from core.calendar_queries import Filter
from core.errors import NotFound, PermissionDenied
from core.model import Actor, Unit
from core.report_flow import COUNTED, DRAFT
from core.reports import READERS
from tests.scope_world import LEVELS, ON, PROOF, Spec, World, actors, built, inside, may, specs
from tests.strategies import GOOD_CELLS, OTHER_CODE, TAB, TEMPLATE_CODE, TERM, snapshot

TEMPLATES = (TEMPLATE_CODE, OTHER_CODE)  # both owed by every level below the root


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
        shown = agg.contributors.filter(agg.contributors["report_id"].is_not_null())
        assert DRAFT not in set(shown["state"]), "a subordinate's draft reached the lookup"
        assert agg.counted == len(seen.counted)
        total = agg.values.get(TAB, {}).get(("tong", "so"), 0)
        good = GOOD_CELLS[("tong", "so")]
        assert good * len(seen.counted) <= total <= good * seen.counted_any
    for report_id in world.report_ids:
        check_one_report(world, actor, report_id)


def check_one_report(world: World, actor: Actor, report_id: int) -> None:
    """Out of scope: refused; a draft of another unit: as if it did not exist (the parent sees
    what was sent); otherwise the report and its workbook."""
    db, rec = world.db, world.db.reports.get(report_id)
    if not may(actor, *READERS) or not inside(world.unit(rec["unit_id"]), actor):
        with pytest.raises(PermissionDenied):
            reports.detail(db, actor, report_id)
    elif rec["state"] == DRAFT and rec["unit_id"] != actor.unit_id:
        for call in (reports.detail, reports.excel):
            with pytest.raises(NotFound, match="Không tìm thấy báo cáo"):
                call(db, actor, report_id)
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
