"""Tampered widget values (issue #10, item 20): every core entry point that takes a code, an id,
a flag, a date or a page number from a widget answers a wrong type or an unknown value with a
domain error (a `ValidationError` naming the field, `NotFound`, `PermissionDenied`…), never a
raw DuckDB, type or lookup error, and a refusal saves nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import (
    calendar,
    calendar_queries,
    dashboard,
    hierarchy,
    report_queries,
    reports,
    restructure,
    users,
)
from core.calendar_queries import Filter
from core.errors import DomainError, ValidationError
from core.model import Actor
from core.reports import ReportInfo
from core.store import Db
from core.users import UserFilter
from tests.calendar_factories import leader
from tests.factories import Tree, actor_at, make_user
from tests.strategies import ALL, GOOD_CELLS, ON, TAB, TEMPLATE_CODE, TERM, install_templates

TAMPERED = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.integers(min_value=-3, max_value=40),  # small numbers hit real ids, pages and sizes
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(["", "1", "-1", "1e9", "NaN", "TW", "XA", "DRAFT", "'; DROP TABLE unit;--"]),
    st.text(max_size=30),
    st.lists(st.integers(min_value=-5, max_value=2**40), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.dates(),
    st.datetimes(),
)


@dataclass(frozen=True)
class World:
    tree: Tree
    owner: Actor  # staff of the grassroots unit that owns the report
    parent: Actor  # admin of the commune above it
    province: Actor  # admin of Hà Nội
    report_id: int
    user_id: int


@pytest.fixture
def world(db: Db, tree: Tree) -> World:
    install_templates(db)
    owner = actor_at(tree.ba_dinh_cs1, *ALL)
    info = ReportInfo(TEMPLATE_CODE, TERM, date(2025, 3, 2), "Nguyễn Thị Hà", "Ban Tổ chức")
    report_id = reports.create(db, owner, info)
    reports.save_tab(db, owner, report_id, TAB, GOOD_CELLS, 1)
    province = actor_at(tree.hn, *ALL)
    user = make_user(db, tree.ba_dinh)
    return World(tree, owner, actor_at(tree.ba_dinh, *ALL), province, report_id, user.id)


Call = Callable[[Db, World, Any], object]
CALLS: dict[str, Call] = {
    # report lists, progress and aggregates
    "own_list page": lambda db, w, v: report_queries.own_list(db, w.owner, page=v),
    "own_list size": lambda db, w, v: report_queries.own_list(db, w.owner, size=v),
    "own_list term": lambda db, w, v: report_queries.own_list(db, w.owner, term=v),
    "own_list template": lambda db, w, v: report_queries.own_list(db, w.owner, template=v),
    "own_list state": lambda db, w, v: report_queries.own_list(db, w.owner, state=v),
    "queue unit": lambda db, w, v: report_queries.queue(db, w.parent, unit_id=v),
    "queue template": lambda db, w, v: report_queries.queue(db, w.parent, template=v),
    "queue state": lambda db, w, v: report_queries.queue(db, w.parent, state=v),
    "queue page": lambda db, w, v: report_queries.queue(db, w.parent, page=v),
    "queue size": lambda db, w, v: report_queries.queue(db, w.parent, size=v),
    "queue_excel unit": lambda db, w, v: report_queries.queue_excel(db, w.parent, v, "", ""),
    "my_progress term": lambda db, w, v: report_queries.my_progress(db, w.owner, v),
    "progress term": lambda db, w, v: report_queries.subordinate_progress(db, w.parent, v),
    "aggregate type": lambda db, w, v: report_queries.aggregate(db, w.parent, v, TERM),
    "aggregate term": lambda db, w, v: report_queries.aggregate(db, w.parent, TEMPLATE_CODE, v),
    "aggregate flag": lambda db, w, v: report_queries.aggregate(
        db, w.parent, TEMPLATE_CODE, TERM, v
    ),
    # one report
    "detail id": lambda db, w, v: reports.detail(db, w.owner, v),
    "excel id": lambda db, w, v: reports.excel(db, w.owner, v),
    "transition id": lambda db, w, v: reports.transition(db, w.owner, v, "send"),
    "transition action": lambda db, w, v: reports.transition(db, w.owner, w.report_id, v),
    "transition version": lambda db, w, v: reports.transition(
        db, w.owner, w.report_id, "send", None, v
    ),
    "approve_many ids": lambda db, w, v: reports.approve_many(db, w.parent, v),
    "blank_form type": lambda db, w, v: reports.blank_form(db, w.owner, v),
    "blank_form version": lambda db, w, v: reports.blank_form(db, w.owner, TEMPLATE_CODE, v),
    "upload version": lambda db, w, v: reports.upload(db, w.owner, w.report_id, b"PK", v),
    "create type": lambda db, w, v: reports.create(
        db, w.owner, ReportInfo(v, TERM, date(2025, 3, 2), "Hà", "Ban")
    ),
    "create date": lambda db, w, v: reports.create(
        db, w.owner, ReportInfo(TEMPLATE_CODE, TERM, v, "Hà", "Ban")
    ),
    # the dashboard
    "completion term": lambda db, w, v: dashboard.completion(db, w.province, v),
    "completion area": lambda db, w, v: dashboard.completion(db, w.province, TERM, v),
    "completion flag": lambda db, w, v: dashboard.completion(db, w.province, TERM, None, v),
    "counts term": lambda db, w, v: dashboard.counts(db, w.province, v),
    "indicator level": lambda db, w, v: dashboard.indicator(
        db, w.province, TERM, v, TEMPLATE_CODE, TAB, "tong", "so"
    ),
    "indicator type": lambda db, w, v: dashboard.indicator(
        db, w.province, TERM, "CO_SO", v, TAB, "tong", "so"
    ),
    "indicator row": lambda db, w, v: dashboard.indicator(
        db, w.province, TERM, "CO_SO", TEMPLATE_CODE, TAB, v, "so"
    ),
    "indicator_templates": lambda db, w, v: dashboard.indicator_templates(db, v),
    # the calendar aggregate
    "summary page": lambda db, w, v: calendar_queries.summary(
        db, leader(w.tree.hn), Filter(), v, 10, ON
    ),
    "summary size": lambda db, w, v: calendar_queries.summary(
        db, leader(w.tree.hn), Filter(), 1, v, ON
    ),
    "summary level": lambda db, w, v: calendar_queries.counts(
        db, leader(w.tree.hn), Filter(level=v), ON
    ),
    "summary status": lambda db, w, v: calendar_queries.weekly(
        db, leader(w.tree.hn), Filter(status=v), ON
    ),
    "summary from": lambda db, w, v: calendar_queries.summary(
        db, leader(w.tree.hn), Filter(date_from=v), 1, 10, ON
    ),
    "summary text": lambda db, w, v: calendar_queries.excel_list(
        db, leader(w.tree.hn), Filter(text=v), ON
    ),
    "summary today": lambda db, w, v: calendar_queries.summary(
        db, leader(w.tree.hn), Filter(), 1, 10, v
    ),
    "month year": lambda db, w, v: calendar_queries.month(
        db, leader(w.tree.hn), Filter(), v, 8, ON
    ),
    "month number": lambda db, w, v: calendar_queries.month(
        db, leader(w.tree.hn), Filter(), 2025, v, ON
    ),
    "set_pilot unit": lambda db, w, v: calendar.set_pilot(db, leader(w.tree.hn), v, True),
    "set_pilot flag": lambda db, w, v: calendar.set_pilot(
        db, leader(w.tree.hn), w.tree.ba_dinh.id, v
    ),
    # accounts
    "users page": lambda db, w, v: users.search(db, w.province, UserFilter(), v),
    "users size": lambda db, w, v: users.search(db, w.province, UserFilter(), 1, v),
    "users unit": lambda db, w, v: users.search(db, w.province, UserFilter(unit_id=v)),
    "users role": lambda db, w, v: users.search(db, w.province, UserFilter(role_code=v)),
    "users cccd": lambda db, w, v: users.search(db, w.province, UserFilter(cccd=v)),
    "user detail": lambda db, w, v: users.detail(db, w.province, v),
    "user delete version": lambda db, w, v: users.delete(db, w.province, w.user_id, v),
    # the tree
    "get_unit": lambda db, w, v: hierarchy.get_unit(db, w.province, v),
    "unit detail": lambda db, w, v: hierarchy.detail(db, w.province, v),
    "path_of_unit": lambda db, w, v: hierarchy.path_of_unit(db, w.province, v),
    "units_of": lambda db, w, v: hierarchy.units_of(db, w.province, v),
    "set_active flag": lambda db, w, v: hierarchy.set_active(
        db, w.province, w.tree.hoan_kiem_cs1.id, v, db.units.get(w.tree.hoan_kiem_cs1.id).version
    ),
    "set_active unit": lambda db, w, v: hierarchy.set_active(db, w.province, v, False, 1),
    "move unit": lambda db, w, v: restructure.move_unit(db, w.province, v, w.tree.ba_dinh.id, 1),
    "move parent": lambda db, w, v: restructure.move_unit(
        db, w.province, w.tree.hoan_kiem_cs1.id, v, 1
    ),
    "merge sources": lambda db, w, v: restructure.merge_units(db, w.province, v, w.tree.ba_dinh.id),
    "merge target": lambda db, w, v: restructure.merge_units(
        db, w.province, [w.tree.hoan_kiem.id], v
    ),
}


@pytest.mark.parametrize("name", list(CALLS), ids=list(CALLS))
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(value=TAMPERED)
def test_a_tampered_value_gets_only_a_domain_error(db: Db, world: World, name: str, value: Any):
    try:
        CALLS[name](db, world, value)
    except ValidationError as err:
        assert err.field.strip() and err.message.strip()
    except DomainError as err:
        assert str(err).strip()


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda db, w: report_queries.queue(db, w.parent, page=-1), "Trang"),
        (lambda db, w: report_queries.queue(db, w.parent, page=10**30), "Trang"),
        (lambda db, w: report_queries.queue(db, w.parent, size=7), "Số dòng mỗi trang"),
        (lambda db, w: report_queries.queue(db, w.parent, page="2"), "Trang"),
        (lambda db, w: report_queries.own_list(db, w.owner, state="XOA"), "Trạng thái"),
        (lambda db, w: report_queries.own_list(db, w.owner, term="NK_1900"), "Nhiệm kỳ"),
        (lambda db, w: report_queries.aggregate(db, w.parent, "KHONG_CO", TERM), "Loại báo cáo"),
        (lambda db, w: users.search(db, w.province, UserFilter(role_code="ROOT")), "Vai trò"),
        (lambda db, w: users.search(db, w.province, UserFilter(unit_id=1.5)), "Đơn vị"),
        (lambda db, w: hierarchy.get_unit(db, w.province, "1; DROP TABLE unit"), "Đơn vị"),
        (lambda db, w: dashboard.indicator_templates(db, "HUYEN_CU"), "Chọn cấp cơ sở Đảng"),
        (lambda db, w: reports.detail(db, w.owner, 2**80), "Báo cáo"),
    ],
)
def test_a_wrong_value_is_refused_naming_its_field(db: Db, world: World, call, field: str):
    with pytest.raises(ValidationError) as refusal:
        call(db, world)
    assert refusal.value.field == field
