"""Tổng hợp lịch tổ chức Đại hội against a small tree whose answers are read off by hand.

Hà Nội 15/10/2025; Ba Đình 10/08/2025 with its grassroots units 1 on 10/05/2025 and 2 on
20/08/2025 (after its commune: out of order); Hoàn Kiếm and its unit 1 without a date. In
Hồ Chí Minh City, outside Hà Nội's scope, Sài Gòn 12/08/2025. "Today" is 01/08/2025.
"""

from __future__ import annotations

from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook

from core import calendar_queries
from core.calendar_queries import Filter
from core.errors import PermissionDenied, ValidationError
from tests.calendar_factories import leader, set_congress, staff

TODAY = date(2025, 8, 1)


@pytest.fixture
def world(db, tree):
    set_congress(db, tree.hn, date(2025, 10, 15))
    set_congress(db, tree.ba_dinh, date(2025, 8, 10))
    set_congress(db, tree.ba_dinh_cs1, date(2025, 5, 10))
    set_congress(db, tree.ba_dinh_cs2, date(2025, 8, 20))
    set_congress(db, tree.sai_gon, date(2025, 8, 12))
    return tree


EVERYTHING = Filter()


def names(db, tree, flt=EVERYTHING, size=50, page=1):
    frame, _ = calendar_queries.summary(db, leader(tree.hn), flt, page, size, on=TODAY)
    return frame["Tên tổ chức Đảng"].to_list()


def test_the_list_holds_the_unit_and_its_subtree_only(db, world):
    assert sorted(names(db, world)) == sorted(
        [
            world.hn.name,
            world.ba_dinh.name,
            world.hoan_kiem.name,
            world.ba_dinh_cs1.name,
            world.ba_dinh_cs2.name,
            world.hoan_kiem_cs1.name,
        ]
    )


def test_out_of_order_units_come_first_then_units_without_a_date_then_by_date(db, world):
    assert names(db, world) == [
        world.ba_dinh_cs2.name,
        world.hoan_kiem.name,
        world.hoan_kiem_cs1.name,
        world.ba_dinh_cs1.name,
        world.ba_dinh.name,
        world.hn.name,
    ]


def test_each_row_shows_the_manuals_columns_with_date_status_and_note(db, world):
    frame, total = calendar_queries.summary(db, leader(world.hn), Filter(), 1, 10, on=TODAY)
    first = frame.row(0, named=True)
    assert total == 6
    assert first["STT"] == 1
    assert first["Cấp"] == "Cơ sở"
    assert first["Khu vực"] == "Thành phố Hà Nội"
    assert first["Thời gian tổ chức Đại hội"] == "Thứ 4, Ngày 20/08/2025"
    assert first["Trạng thái"] == "Chưa tổ chức"
    assert first["Lưu ý"] == "Không trước Đại hội cấp trên"
    held = frame.filter(frame["unit_id"] == world.ba_dinh_cs1.id).row(0, named=True)
    assert held["Trạng thái"] == "Đã tổ chức"


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("HELD", {"ba_dinh_cs1"}),
        ("PLANNED", {"hn", "ba_dinh", "ba_dinh_cs2"}),
        ("NONE", {"hoan_kiem", "hoan_kiem_cs1"}),
    ],
)
def test_the_status_filter_uses_today(db, world, status, expected):
    wanted = {getattr(world, key).name for key in expected}
    assert set(names(db, world, Filter(status=status))) == wanted


def test_the_level_filter(db, world):
    assert set(names(db, world, Filter(level="XA"))) == {world.ba_dinh.name, world.hoan_kiem.name}


def test_the_date_range_is_inclusive_and_drops_units_without_a_date(db, world):
    flt = Filter(date_from=date(2025, 8, 10), date_to=date(2025, 8, 20))
    assert set(names(db, world, flt)) == {world.ba_dinh.name, world.ba_dinh_cs2.name}


def test_a_range_that_ends_before_it_starts_is_refused_naming_the_field(db, world):
    with pytest.raises(ValidationError) as refused:
        names(db, world, Filter(date_from=date(2025, 9, 1), date_to=date(2025, 8, 1)))
    assert refused.value.field == "Đến ngày"


def test_the_search_finds_areas_and_names_ignoring_accents_and_case(db, world):
    assert len(names(db, world, Filter(text="THANH PHO HA NOI"))) == 6
    assert names(db, world, Filter(text="hoan kiem")) == [world.hoan_kiem.name]


def test_the_area_search_treats_sql_wildcards_as_text(db, world):
    assert names(db, world, Filter(text="%")) == []


def test_pages_are_cut_in_sql_and_count_the_whole_list(db, world):
    frame, total = calendar_queries.summary(db, leader(world.hn), Filter(), 2, 10, on=TODAY)
    assert (frame.height, total) == (0, 6)
    assert names(db, world, size=10) == names(db, world)[:10]


def test_counts_by_level_and_status_with_totals(db, world):
    table = calendar_queries.counts(db, leader(world.hn), Filter(), on=TODAY)
    rows = {r["Cấp"]: r for r in table.iter_rows(named=True)}
    assert rows["Cơ sở"] == {
        "Cấp": "Cơ sở",
        "Đã tổ chức": 1,
        "Chưa tổ chức": 1,
        "Chưa đăng ký lịch": 1,
        "Trái thứ tự": 1,
        "Tổng số": 3,
    }
    assert rows["Tổng cộng"]["Tổng số"] == 6
    assert table["Cấp"].to_list()[-1] == "Tổng cộng"


def test_the_month_is_laid_out_monday_first_with_counts_per_day(db, world):
    weeks = calendar_queries.month(db, leader(world.hn), Filter(), 2025, 8, on=TODAY)
    assert weeks[0][:4] == [None, None, None, None]  # 1 August 2025 was a Friday
    days = {c[0]: (c[1], c[2]) for week in weeks for c in week if c}
    assert len(days) == 31
    assert days[date(2025, 8, 10)] == (1, [world.ba_dinh.name])
    assert days[date(2025, 8, 11)] == (0, [])


def test_the_months_menu_opens_on_this_month_or_the_next_with_congresses(db, world):
    found = calendar_queries.months_with_congresses(db, leader(world.hn), Filter(), on=TODAY)
    assert found == [(2025, 5, 1), (2025, 8, 2), (2025, 10, 1)]
    assert calendar_queries.default_month(found, date(2025, 6, 3)) == 1
    assert calendar_queries.default_month(found, date(2026, 3, 1)) == 2


def test_weekly_counts_start_on_mondays(db, world):
    weeks = calendar_queries.weekly(db, leader(world.hn), Filter(), on=TODAY)
    assert weeks.filter(weeks["week"] == date(2025, 8, 4))["n"].to_list() == [1]  # 10/08 (CN)
    assert weeks.filter(weeks["week"] == date(2025, 8, 18))["n"].to_list() == [1]
    assert weeks["n"].sum() == 4


def test_the_excel_list_holds_the_filtered_rows_in_the_lists_order(db, world):
    data = calendar_queries.excel_list(db, leader(world.hn), Filter(level="CO_SO"), on=TODAY)
    sheet = load_workbook(BytesIO(data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "TỔNG HỢP LỊCH TỔ CHỨC ĐẠI HỘI"
    assert rows[3][:6] == (
        "STT",
        "Tên tổ chức Đảng",
        "Cấp",
        "Khu vực",
        "Thời gian tổ chức Đại hội",
        "Trạng thái",
    )
    body = rows[4:]
    assert [r[1] for r in body] == [
        world.ba_dinh_cs2.name,
        world.hoan_kiem_cs1.name,
        world.ba_dinh_cs1.name,
    ]
    assert body[2][4:6] == ("Thứ 7, Ngày 10/05/2025", "Đã tổ chức")


def test_the_aggregate_needs_its_function(db, world):
    with pytest.raises(PermissionDenied):
        calendar_queries.summary(db, staff(world.hn), Filter(), 1, 10)
