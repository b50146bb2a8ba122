"""Dashboard figures against a tree whose answers are worked out by hand.

Four grassroots units must send one report type: Ba Đình 1 has sent it (pending), Ba Đình 2
had it approved, Hoàn Kiếm 1 holds a draft, Sài Gòn 1 has nothing.
"""

from __future__ import annotations

import pytest

from core import dashboard
from core.errors import PermissionDenied
from core.report_flow import APPROVED, PENDING
from tests.factories import NOW, actor_at, make_unit
from tests.unit.test_reports import ALL, GOOD, TERM, new_report, tpl  # noqa: F401


@pytest.fixture
def world(db, tree, tpl):  # noqa: F811
    new_report(db, tree.ba_dinh_cs1, state=PENDING)
    new_report(db, tree.ba_dinh_cs2, values={**GOOD, ("bau", "tong"): 20}, state=APPROVED)
    new_report(db, tree.hoan_kiem_cs1)
    return tree


def row(frame, name):
    return frame.filter(frame["name"] == name).row(0, named=True)


def test_the_map_of_the_root_shows_each_province_over_its_whole_subtree(db, world):
    frame = dashboard.completion(db, actor_at(world.root, *ALL), TERM)
    hn, hcm = row(frame, world.hn.name), row(frame, world.hcm.name)
    assert (hn["expected"], hn["sent"], hn["approved"], hn["percent"]) == (3, 2, 1, 66.7)
    assert (hcm["expected"], hcm["sent"], hcm["percent"]) == (1, 0, 0.0)
    assert (hn["band"], hcm["band"]) == ("50% - 75%", "Dưới 25%")


def test_the_approved_view_counts_only_approved_reports(db, world):
    frame = dashboard.completion(db, actor_at(world.root, *ALL), TERM, approved_only=True)
    assert row(frame, world.hn.name)["percent"] == 33.3


def test_drilling_into_a_province_shows_its_communes(db, world):
    frame = dashboard.completion(db, actor_at(world.root, *ALL), TERM, world.hn.id)
    assert {r["name"]: r["percent"] for r in frame.iter_rows(named=True)} == {
        world.ba_dinh.name: 100.0,
        world.hoan_kiem.name: 0.0,
    }
    assert row(frame, world.ba_dinh.name)["band"] == "Từ 75%"


def test_an_area_without_units_that_must_report_has_no_percentage(db, world):
    empty = make_unit(db, world.hn, "Đảng bộ Phường Mới", "XA")
    frame = dashboard.completion(db, actor_at(world.root, *ALL), TERM, world.hn.id)
    assert row(frame, empty.name)["percent"] is None
    assert row(frame, empty.name)["band"] == "Chưa có đơn vị phải nộp"


def test_inactive_units_are_not_expected(db, world):
    gone = make_unit(db, world.sai_gon, "Chi bộ Giải Thể", "CO_SO")
    db.units.bump(gone.id, gone.version, NOW, active=False)
    frame = dashboard.completion(db, actor_at(world.root, *ALL), TERM)
    assert row(frame, world.hcm.name)["expected"] == 1


def test_counts_by_level_and_type_add_up(db, world):
    totals, by_level, by_type = dashboard.counts(db, actor_at(world.root, *ALL), TERM)
    assert (totals.expected, totals.sent, totals.approved, totals.missing) == (4, 2, 1, 2)
    assert by_level["expected"].to_list() == [4]
    assert by_type.select("expected", "sent", "approved").row(0) == (4, 2, 1)


def test_a_province_sees_only_its_own_counts(db, world):
    totals, _, _ = dashboard.counts(db, actor_at(world.hcm, *ALL), TERM)
    assert (totals.expected, totals.sent) == (1, 0)


def test_the_indicator_lists_each_unit_of_the_level_with_its_sent_value(db, world):
    frame, total = dashboard.indicator(
        db, actor_at(world.hn, *ALL), TERM, "CO_SO", "PT_CL_THU", "tuoi_doi", "bau", "tong"
    )
    values = dict(zip(frame["unit_name"], frame["value"], strict=True))
    assert values == {
        world.ba_dinh_cs2.name: 20,
        world.ba_dinh_cs1.name: 10,
        world.hoan_kiem_cs1.name: None,
    }
    assert total == 30


def test_drilling_outside_the_scope_is_refused(db, world):
    with pytest.raises(PermissionDenied):
        dashboard.completion(db, actor_at(world.hn, *ALL), TERM, world.hcm.id)


def test_the_stamp_changes_when_a_report_changes(db, world):
    before = dashboard.stamp(db)
    new_report(db, world.sai_gon_cs1)
    assert dashboard.stamp(db) != before
