"""In headless Chromium: a reload keeps the sign-in (the login cookie carries the session), and
"Đăng xuất" in one tab signs out every tab of the browser."""

from __future__ import annotations

import pytest

from tests.browser.conftest import CHROMIUM_ARGS, sign_in, wait_idle

pytestmark = pytest.mark.browser

HANOI_STAFF = "001090034567"


@pytest.fixture
def tabs(server: str, chromium_path: str):
    """Open a tab of one browser (one cookie jar) on the app; call again for another tab."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="vi-VN")
        context.set_default_timeout(60_000)

        def open_tab():
            tab = context.new_page()
            tab.goto(server)
            return tab

        yield open_tab
        browser.close()


def wait_for_cookie(page) -> None:
    """The cookie is written by a small component right after the sign-in."""
    for _ in range(60):
        if any(c["name"] == "dhd_auth" for c in page.context.cookies()):
            return
        page.wait_for_timeout(250)
    pytest.fail("the login cookie was never set")


def signed_in(page) -> None:
    page.get_by_role("button", name="Đăng xuất").wait_for()
    wait_idle(page)


def shows_the_sign_in_form(page) -> None:
    page.get_by_label("Số căn cước công dân").first.wait_for()
    assert page.get_by_role("button", name="Đăng xuất").count() == 0


def test_a_reload_keeps_the_user_signed_in(tabs):
    page = tabs()
    sign_in(page, HANOI_STAFF)
    wait_for_cookie(page)
    page.reload()
    signed_in(page)
    assert page.get_by_label("Số căn cước công dân").count() == 0


def test_a_page_address_opens_that_page_for_a_signed_in_browser(tabs, server):
    page = tabs()
    sign_in(page, HANOI_STAFF)
    wait_for_cookie(page)
    page.goto(f"{server}/password")
    page.get_by_role("heading", name="Đổi mật khẩu").first.wait_for()
    wait_idle(page)
    assert page.get_by_text("Page not found").count() == 0


def test_signing_out_in_one_tab_signs_out_the_other_tab(tabs):
    page = tabs()
    sign_in(page, HANOI_STAFF)
    wait_for_cookie(page)
    other = tabs()
    signed_in(other)

    page.get_by_role("button", name="Đăng xuất").click()
    shows_the_sign_in_form(page)

    other.get_by_role("link", name="Tra cứu báo cáo", exact=True).click()
    shows_the_sign_in_form(other)
    other.reload()
    shows_the_sign_in_form(other)
    page.reload()
    shows_the_sign_in_form(page)
