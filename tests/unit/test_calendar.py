"""Choosing a congress date: the order rule across levels, pilots, windows, past dates,
weekday formatting, status around midnight, versions and the audit trail."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from core import calendar, clock
from core.calendar import HELD, NONE, PLANNED, CongressDraft, status, vn_date
from core.errors import Conflict, PermissionDenied, StaleVersion, ValidationError
from core.model import USER
from tests.calendar_factories import TERM, leader, set_congress, staff
from tests.factories import actor_at, audit_rows

BEFORE_ROUND = date(2025, 1, 2)  # "today" for plans made at the start of the round


def choose(db, unit, held_on, *, reason=None, on=BEFORE_ROUND, version=None, **extra):
    draft = CongressDraft(held_on, reason=reason, **extra)
    return calendar.choose(db, staff(unit), draft, version, on=on)


def row(db, unit):
    return db.calendar.get(TERM, unit.id)


# -- formatting and status ------------------------------------------------------------------


def test_every_day_of_a_week_is_written_the_vietnamese_way():
    monday = date(2025, 1, 13)
    written = [vn_date(monday + timedelta(days=i)) for i in range(7)]
    assert written == [
        "Thứ 2, Ngày 13/01/2025",
        "Thứ 3, Ngày 14/01/2025",
        "Thứ 4, Ngày 15/01/2025",
        "Thứ 5, Ngày 16/01/2025",
        "Thứ 6, Ngày 17/01/2025",
        "Thứ 7, Ngày 18/01/2025",
        "Chủ nhật, Ngày 19/01/2025",
    ]


def test_the_manuals_dates_get_the_manuals_weekdays():
    assert vn_date(date(2024, 12, 27)) == "Thứ 6, Ngày 27/12/2024"
    assert vn_date(date(2025, 1, 9)) == "Thứ 5, Ngày 09/01/2025"


def test_a_congress_counts_as_held_only_once_its_day_has_passed():
    day = date(2025, 5, 10)
    assert status(day, day - timedelta(days=1)) == PLANNED
    assert status(day, day) == PLANNED
    assert status(day, day + timedelta(days=1)) == HELD
    assert status(None, day) == NONE


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (datetime(2025, 5, 10, 23, 59, 59), PLANNED),
        (datetime(2025, 5, 11, 0, 0, 0), HELD),
    ],
)
def test_status_turns_at_midnight_vietnam_time(db, tree, monkeypatch, moment, expected):
    set_congress(db, tree.ba_dinh_cs1, date(2025, 5, 10))
    monkeypatch.setattr(clock, "now", lambda: moment)
    assert calendar.own(db, staff(tree.ba_dinh_cs1)).status == expected


# -- the order rule ---------------------------------------------------------------------------


@pytest.fixture
def dated(db, tree):
    """National 19/01/2026, Hà Nội 15/10/2025, Ba Đình 10/08/2025; grassroots not yet."""
    set_congress(db, tree.root, date(2026, 1, 19))
    set_congress(db, tree.hn, date(2025, 10, 15))
    set_congress(db, tree.ba_dinh, date(2025, 8, 10))
    return tree


def test_a_grassroots_date_before_its_communes_is_accepted(db, dated):
    saved = choose(db, dated.ba_dinh_cs1, date(2025, 5, 10))
    assert saved.congress.held_on == date(2025, 5, 10)
    assert saved.warnings == ()


def test_a_date_on_the_parents_day_is_refused_naming_the_parent(db, dated):
    with pytest.raises(ValidationError) as refused:
        choose(db, dated.ba_dinh_cs1, date(2025, 8, 10))
    assert refused.value.field == "Ngày tổ chức Đại hội"
    assert "Đảng bộ Phường Ba Đình" in refused.value.message
    assert "Chủ nhật, Ngày 10/08/2025" in refused.value.message
    assert row(db, dated.ba_dinh_cs1) is None
    assert audit_rows(db, "congress") == []


def test_without_a_parent_date_the_grandparent_bounds_the_date(db, dated):
    with pytest.raises(ValidationError) as refused:
        choose(db, dated.hoan_kiem_cs1, date(2025, 11, 1))
    assert "Đảng bộ Thành phố Hà Nội" in refused.value.message


def test_the_earliest_ancestor_bounds_even_when_a_nearer_one_is_later(db, tree):
    set_congress(db, tree.hn, date(2025, 9, 1))
    set_congress(db, tree.ba_dinh, date(2025, 9, 20), pilot=True)
    with pytest.raises(ValidationError, match="Thành phố Hà Nội"):
        choose(db, tree.ba_dinh_cs1, date(2025, 9, 10))


def test_a_pilot_congress_may_break_the_order_with_a_warning(db, dated):
    calendar.set_pilot(db, leader(dated.hn), dated.ba_dinh_cs1.id, True)
    saved = choose(db, dated.ba_dinh_cs1, date(2025, 8, 12), version=1)
    assert saved.congress.pilot
    assert any(w.startswith("Đại hội điểm") for w in saved.warnings)


def test_a_parent_moving_before_its_subordinates_is_saved_with_a_warning_naming_them(db, dated):
    choose(db, dated.ba_dinh_cs1, date(2025, 5, 10))
    saved = choose(db, dated.ba_dinh, date(2025, 5, 1), version=1)
    assert saved.congress.held_on == date(2025, 5, 1)
    assert any("Chi bộ Tổ dân phố số 1" in w for w in saved.warnings)


# -- windows, term range and reasons --------------------------------------------------------


def test_a_date_inside_the_levels_window_brings_no_warning(db, tree):
    assert choose(db, tree.ba_dinh_cs1, date(2025, 6, 30)).warnings == ()


def test_a_date_outside_the_levels_window_is_saved_with_a_warning(db, tree):
    saved = choose(db, tree.ba_dinh_cs1, date(2025, 7, 15))
    assert saved.congress.held_on == date(2025, 7, 15)
    assert saved.warnings == (
        "Ngày 15/07/2025 nằm ngoài khung thời gian của cấp Cơ sở (01/04/2025 – 30/06/2025).",
    )


@pytest.mark.parametrize("held_on", [date(2023, 12, 31), date(2031, 1, 1)])
def test_a_date_outside_the_term_is_refused(db, tree, held_on):
    with pytest.raises(ValidationError, match="Đại hội nhiệm kỳ 2025 - 2030"):
        choose(db, tree.ba_dinh_cs1, held_on)


def test_a_missing_date_is_refused_naming_the_field(db, tree):
    with pytest.raises(ValidationError) as refused:
        choose(db, tree.ba_dinh_cs1, None)
    assert (refused.value.field, refused.value.message) == (
        "Ngày tổ chức Đại hội",
        "chưa chọn ngày",
    )


def test_a_past_date_needs_a_reason(db, tree):
    with pytest.raises(ValidationError) as refused:
        choose(db, tree.ba_dinh_cs1, date(2025, 5, 10), on=date(2025, 6, 1))
    assert refused.value.field == "Lý do"
    saved = choose(
        db, tree.ba_dinh_cs1, date(2025, 5, 10), on=date(2025, 6, 1), reason="Ghi nhận bổ sung"
    )
    assert saved.congress.reason == "Ghi nhận bổ sung"


def test_moving_a_congress_already_held_needs_a_reason(db, tree):
    choose(db, tree.ba_dinh_cs1, date(2025, 5, 10))
    with pytest.raises(ValidationError, match="đã tổ chức ngày 10/05/2025"):
        choose(db, tree.ba_dinh_cs1, date(2025, 6, 20), on=date(2025, 6, 1), version=1)


def test_time_and_venue_are_kept_and_the_venue_cleaned(db, tree):
    saved = choose(
        db, tree.ba_dinh_cs1, date(2025, 5, 10), start_time=time(7, 30, 12), venue="  Nhà  văn hóa "
    )
    assert (saved.congress.start_time, saved.congress.venue) == (time(7, 30), "Nhà văn hóa")


def test_an_overlong_venue_is_refused_naming_the_field(db, tree):
    with pytest.raises(ValidationError) as refused:
        choose(db, tree.ba_dinh_cs1, date(2025, 5, 10), venue="x" * 301)
    assert refused.value.field == "Địa điểm"


# -- updates, versions, audit -----------------------------------------------------------------


def test_updating_keeps_one_row_and_audits_each_change(db, tree):
    choose(db, tree.ba_dinh_cs1, date(2025, 5, 10))
    choose(db, tree.ba_dinh_cs1, date(2025, 5, 17), version=1)
    assert row(db, tree.ba_dinh_cs1)["held_on"] == date(2025, 5, 17)
    changes = calendar.own(db, staff(tree.ba_dinh_cs1)).history
    assert changes["Thao tác"].to_list() == ["Chọn lịch", "Cập nhật lịch"]
    assert changes["Ngày cũ"].to_list() == ["", "10/05/2025"]
    assert changes["Ngày mới"].to_list() == ["10/05/2025", "17/05/2025"]


def test_a_form_read_before_someone_elses_change_is_refused(db, tree):
    choose(db, tree.ba_dinh_cs1, date(2025, 5, 10))
    with pytest.raises(StaleVersion):
        choose(db, tree.ba_dinh_cs1, date(2025, 5, 17))
    assert row(db, tree.ba_dinh_cs1)["held_on"] == date(2025, 5, 10)


def test_saving_the_same_date_again_is_refused(db, tree):
    choose(db, tree.ba_dinh_cs1, date(2025, 5, 10))
    with pytest.raises(Conflict, match="không thay đổi"):
        choose(db, tree.ba_dinh_cs1, date(2025, 5, 10), version=1)


# -- who may do what --------------------------------------------------------------------------


def test_choosing_needs_the_calendar_function(db, tree):
    outsider = actor_at(tree.ba_dinh_cs1, "DASHBOARD", account_type=USER)
    with pytest.raises(PermissionDenied):
        calendar.choose(db, outsider, CongressDraft(date(2025, 5, 10)), None, on=BEFORE_ROUND)


def test_only_an_admin_above_the_unit_marks_a_pilot(db, tree):
    as_user = actor_at(tree.hn, "CALENDAR_SUMMARY", account_type=USER)
    with pytest.raises(PermissionDenied):
        calendar.set_pilot(db, as_user, tree.ba_dinh_cs1.id, True)
    with pytest.raises(PermissionDenied):
        calendar.set_pilot(db, leader(tree.ba_dinh_cs1), tree.ba_dinh_cs1.id, True)
    with pytest.raises(PermissionDenied):
        calendar.set_pilot(db, leader(tree.hcm), tree.ba_dinh_cs1.id, True)
    assert row(db, tree.ba_dinh_cs1) is None


def test_marking_a_pilot_is_audited_and_can_be_undone(db, tree):
    calendar.set_pilot(db, leader(tree.hn), tree.ba_dinh_cs1.id, True)
    calendar.set_pilot(db, leader(tree.hn), tree.ba_dinh_cs1.id, False)
    assert [r["action"] for r in audit_rows(db, "congress")] == ["mark_pilot", "unmark_pilot"]
    assert row(db, tree.ba_dinh_cs1)["pilot"] is False
    with pytest.raises(Conflict):
        calendar.set_pilot(db, leader(tree.hn), tree.ba_dinh_cs1.id, False)
