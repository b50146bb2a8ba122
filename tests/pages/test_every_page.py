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
    "pages/units.py": "Quản lý đơn vị",
    "pages/users.py": "Quản lý người dùng",
    "pages/password.py": "Đổi mật khẩu",
}
ALLOWED = {
    CENTRAL_ADMIN: set(PAGES),
    HANOI_ADMIN: set(PAGES),
    HANOI_STAFF: {"pages/dashboard.py", "pages/password.py"},
    COMMUNE_STAFF: {"pages/dashboard.py", "pages/password.py"},
    GRASSROOTS_STAFF: {"pages/dashboard.py", "pages/password.py"},
    ANALYST: {"pages/dashboard.py", "pages/password.py"},
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
