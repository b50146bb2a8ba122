"""Main flow in headless Chromium: sign in, open Quản lý đơn vị, look at a unit, sign out."""

from __future__ import annotations

import pytest

from tests.browser.conftest import open_page, sign_in, wait_idle

pytestmark = pytest.mark.browser


def grid_cells(page, expect: str | None = None) -> list[str]:
    """The visible cells of the tree grid (its accessibility table; the grid draws a canvas)."""
    page.locator('[data-testid="stDataFrame"]').first.wait_for()
    cells = page.locator('[data-testid="stDataFrame"] table td')
    target = cells.filter(has_text=expect) if expect else cells
    target.first.wait_for(state="attached")
    return [c.replace("\u2003", "").lstrip("▾▸• ") for c in cells.all_text_contents()]


def test_central_admin_signs_in_and_opens_the_unit_tree(page):
    sign_in(page, "001080012345")
    open_page(page, "Quản lý đơn vị")
    cells = grid_cells(page, expect="Đảng bộ Tỉnh Cao Bằng")
    assert "Ban Chấp hành Trung ương Đảng" in cells
    assert "Đảng bộ Thành phố Hà Nội" in cells
    assert "Đảng bộ Tỉnh Cao Bằng" in cells


def test_selecting_a_province_shows_its_detail_and_opens_its_communes(page):
    sign_in(page, "001080012345")
    open_page(page, "Quản lý đơn vị")
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid_cells(page, expect="Đảng bộ Thành phố Hà Nội")
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 15, box["y"] + 35 * 2 + 17)  # the row of Hà Nội
    page.get_by_role("heading", name="Đảng bộ Thành phố Hà Nội").wait_for()
    assert "Đảng bộ Phường Ba Đình" in grid_cells(page, expect="Đảng bộ Phường Ba Đình")


def test_hanoi_admin_sees_its_own_subtree_and_signs_out(page):
    sign_in(page, "001185023456")
    open_page(page, "Quản lý đơn vị")
    cells = grid_cells(page, expect="Đảng bộ Phường Ba Đình")
    assert "Đảng bộ Thành phố Hà Nội" in cells
    assert not any("Trung ương" in c or "Hồ Chí Minh" in c for c in cells)
    wait_idle(page)
    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_role("button", name="Đăng nhập").wait_for()


def test_after_signing_out_neither_a_reload_nor_a_direct_url_shows_data(page, server):
    sign_in(page, "001185023456")
    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_role("button", name="Đăng nhập").wait_for()
    page.reload()
    page.get_by_role("button", name="Đăng nhập").wait_for()
    wait_idle(page)
    assert page.get_by_role("button", name="Đăng xuất").count() == 0
    page.goto(f"{server}/units")
    page.get_by_role("button", name="Đăng nhập").wait_for()
    wait_idle(page)
    assert page.get_by_text("Đảng bộ Phường Ba Đình").count() == 0
