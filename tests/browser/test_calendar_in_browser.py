"""The congress calendar in headless Chromium: a commune picks its date in the date picker,
is refused a date after Hà Nội's congress, and the Hà Nội admin finds the date in the
aggregate and its Excel list."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.browser.conftest import open_page, sign_in, wait_idle

pytestmark = pytest.mark.browser
COMMUNE, HANOI_ADMIN = "001192045678", "001185023456"
UNIT = "Đảng bộ Phường Ba Đình"
CHOSEN = "Thứ 6, Ngày 15/08/2025"
MONTHS = {f"Tháng {m}": m for m in range(1, 13)}


def click(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).first.click()
    wait_idle(page)


def pick(page, year: int, month: int, day: int) -> None:
    """Open the picker and walk month by month, as a person would, to the day."""
    dialog = page.get_by_role("dialog").first
    dialog.get_by_role("button", name="Choose date").click()
    shown_month = page.get_by_role("button", name="Tháng", exact=True)
    shown_year = page.get_by_role("button", name="Năm", exact=True)
    for _ in range(48):
        current = (int(shown_year.inner_text()), MONTHS[shown_month.inner_text().strip()])
        if current == (year, month):
            break
        step = "Previous month" if current > (year, month) else "Next month"
        page.get_by_role("button", name=step).click()
    page.locator('[role="gridcell"]:not([aria-disabled="true"])').filter(
        has_text=re.compile(rf"^{day}$")
    ).first.click()


def confirm(page, reason: str) -> None:
    page.get_by_role("dialog").get_by_role("textbox", name="Lý do").fill(reason)
    click(page, "Xác nhận")


def test_a_commune_picks_its_date_and_hanoi_sees_it_in_the_aggregate(page, tmp_path):
    sign_in(page, COMMUNE)
    open_page(page, "Lịch tổ chức Đại hội")
    click(page, "Chọn lịch tổ chức Đại hội")
    pick(page, 2025, 8, 15)
    page.get_by_role("dialog").get_by_text(CHOSEN).wait_for()
    confirm(page, "Ghi nhận lịch Đại hội đã tổ chức")
    page.get_by_text("Chọn lịch tổ chức Đại hội thành công").wait_for()
    page.get_by_role("heading", name=CHOSEN).wait_for()

    click(page, "Cập nhật")
    pick(page, 2025, 12, 15)
    confirm(page, "Lùi lịch")
    page.get_by_text("không trước Đại hội của Đảng bộ Thành phố Hà Nội").wait_for()
    page.screenshot(path=str(tmp_path / "calendar_refused.png"))
    click(page, "Huỷ")
    page.get_by_role("heading", name=CHOSEN).wait_for()

    click(page, "Đăng xuất")
    sign_in(page, HANOI_ADMIN)
    open_page(page, "Tổng hợp lịch tổ chức Đại hội")
    page.get_by_label("Tìm kiếm theo khu vực").fill("dang bo phuong ba dinh")
    page.keyboard.press("Enter")
    wait_idle(page)
    cells = page.locator('[data-testid="stDataFrame"] table td')
    cells.filter(has_text=CHOSEN).first.wait_for(state="attached")
    page.screenshot(path=str(tmp_path / "calendar_summary.png"), full_page=True)
    with page.expect_download() as download:
        click(page, "Tải danh sách (Excel)")
    sheet = load_workbook(BytesIO(download.value.path().read_bytes())).active
    rows = {r[1]: r for r in sheet.iter_rows(min_row=5, values_only=True)}
    assert rows[UNIT][4:6] == (CHOSEN, "Đã tổ chức")

    box = page.locator('[data-testid="stDataFrame"]').first.bounding_box()
    page.mouse.click(box["x"] + 15, box["y"] + 35 + 17)
    wait_idle(page)
    click(page, "Đánh dấu Đại hội điểm")
    page.get_by_text(f"Đánh dấu là Đại hội điểm: {UNIT}?").wait_for()
    click(page, "Xác nhận")
    page.get_by_text("Đánh dấu Đại hội điểm thành công").wait_for()
    cells.filter(has_text="Đại hội điểm").first.wait_for(state="attached")
