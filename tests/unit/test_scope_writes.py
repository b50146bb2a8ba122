"""The write half of the scope proof of quality.md ("Security targets"): on random worlds
(`tests/scope_world.py`), no write touches a row outside the actor's subtree, and every write
outside it (or without the function it needs) is refused and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st

from core import calendar, functions, hierarchy, reports, restructure, users
from core.calendar import CongressDraft
from core.errors import DomainError
from core.model import ADMIN, USER, Actor, Unit, UnitDraft
from core.report_flow import FLOW
from core.reports import READERS
from core.store import Db
from core.workflow import position
from tests.scope_world import (
    LEVELS,
    ON,
    PROOF,
    ROLES,
    Spec,
    World,
    actors,
    built,
    inside,
    may,
    specs,
)
from tests.strategies import GOOD_CELLS, TAB, TERM, snapshot

ACTIONS = ("send", "approve", "reject", "cancel_approval")


# -- writes ----------------------------------------------------------------------------------------

OUTSIDE = {
    "unit": "SELECT * FROM unit WHERE NOT starts_with(path, $scope)",
    "app_user": "SELECT a.* FROM app_user a JOIN unit u ON u.id = a.unit_id "
    "WHERE NOT starts_with(u.path, $scope)",
    "work_item": "SELECT i.* FROM work_item i JOIN unit u ON u.id = i.unit_id "
    "WHERE NOT starts_with(u.path, $scope)",
    "report": "SELECT r.* FROM report r JOIN work_item i ON i.id = r.id "
    "JOIN unit u ON u.id = i.unit_id WHERE NOT starts_with(u.path, $scope)",
    "report_cell": "SELECT c.* FROM report_cell c JOIN work_item i ON i.id = c.report_id "
    "JOIN unit u ON u.id = i.unit_id WHERE NOT starts_with(u.path, $scope)",
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
