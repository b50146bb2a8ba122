"""Every page renders for every role that has it, and refuses every role that does not."""

from __future__ import annotations

import pytest

from tests.pages.conftest import (
    ANALYST,
    CENTRAL_ADMIN,
    COMMUNE_STAFF,
    GRASSROOTS_STAFF,
    HANOI_ADMIN,
    HANOI_STAFF,
    open_page,
)

PAGES = {
    "pages/dashboard.py": "Dashboard",
    "pages/report_entry.py": "Tạo lập báo cáo",
    "pages/report_lookup.py": "Tra cứu báo cáo",
    "pages/report_approval.py": "Phê duyệt báo cáo",
    "pages/report_templates.py": "Mẫu báo cáo",
    "pages/map_boundaries.py": "Ranh giới bản đồ",
    "pages/units.py": "Quản lý đơn vị",
    "pages/users.py": "Quản lý người dùng",
    "pages/calendar_choose.py": "Lịch tổ chức Đại hội",
    "pages/calendar_summary.py": "Tổng hợp lịch tổ chức Đại hội",
    "pages/password.py": "Đổi mật khẩu",
}
REPORTING = {"pages/report_entry.py", "pages/report_lookup.py", "pages/report_approval.py"}
CALENDAR = {"pages/calendar_choose.py", "pages/calendar_summary.py"}
BASIC = {"pages/dashboard.py", "pages/password.py"}
ALLOWED = {
    CENTRAL_ADMIN: set(PAGES),
    HANOI_ADMIN: set(PAGES),
    HANOI_STAFF: BASIC | REPORTING | CALENDAR,
    COMMUNE_STAFF: BASIC | REPORTING | CALENDAR,
    GRASSROOTS_STAFF: BASIC
    | {"pages/report_entry.py", "pages/report_lookup.py", "pages/calendar_choose.py"},
    ANALYST: BASIC | {"pages/report_lookup.py", "pages/calendar_summary.py"},
}
CASES = [(who, page) for who, pages in ALLOWED.items() for page in sorted(pages)]
REFUSED = [(who, page) for who, pages in ALLOWED.items() for page in PAGES if page not in pages]


@pytest.mark.parametrize(("cccd", "page"), CASES)
def test_page_renders_for_a_role_that_has_it(app, cccd, page):
    at = open_page(app(cccd), page)
    assert not at.exception
    assert [t.value for t in at.title] == [PAGES[page]]
    assert not at.error


@pytest.mark.parametrize(("cccd", "page"), REFUSED)
def test_page_opened_directly_without_the_function_shows_a_refusal_and_no_data(app, cccd, page):
    at = app(cccd, script=page).run()
    assert not at.exception
    assert "Bạn không có quyền thực hiện chức năng này" in [e.value for e in at.error]
    assert not at.dataframe and not at.title


@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_opened_without_signing_in_shows_a_refusal(app, page):
    at = app(script=page).run()
    assert not at.exception
    assert any("đăng nhập" in e.value for e in at.error)
    assert not at.dataframe
