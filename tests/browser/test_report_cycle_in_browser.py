"""The congress report cycle in headless Chromium: a grassroots unit creates a report, fills
it from the offline form, saves a tab and sends it; its commune-level parent approves it and
sees it counted in the lookup."""

from __future__ import annotations

import random

import pytest

from core import report_excel, templates
from core.report_types import TEMPLATE_DIR
from core.report_values import valid_values
from tests.browser.conftest import open_page, sign_in, wait_idle

pytestmark = pytest.mark.browser
GRASSROOTS, COMMUNE = "001095056789", "001192045678"
TYPE = "Phân tích chất lượng cấp ủy cơ sở"
UNIT = "Chi bộ Tổ dân phố số 1 phường Ba Đình"


def filled_form(tmp_path) -> str:
    template = templates.load_file(TEMPLATE_DIR / "pt_cl_cap_uy_co_so.yaml")
    rng = random.Random(7)
    values = {tab.key: valid_values(tab, rng) for tab in template.tabs}
    path = tmp_path / "bao_cao_da_dien.xlsx"
    path.write_bytes(report_excel.report_workbook(template, values, [template.name.upper()]))
    return str(path)


def toast(page, text: str) -> None:
    page.get_by_text(text).first.wait_for()
    wait_idle(page)


def click(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).first.click()
    wait_idle(page)


def send(page) -> None:
    click(page, "Gửi báo cáo")
    page.get_by_text("Bạn có muốn gửi báo cáo không?").wait_for()
    click(page, "Xác nhận")
    toast(page, "Gửi báo cáo thành công")


def open_in_queue(page) -> None:
    """As the commune user: select the grassroots unit's report in the approval queue."""
    open_page(page, "Phê duyệt báo cáo")
    grid = page.locator('[data-testid="stDataFrame"]').first
    cells = page.locator('[data-testid="stDataFrame"] table td')
    cells.filter(has_text=UNIT).first.wait_for(state="attached")
    row = next(i for i, text in enumerate(cells.all_text_contents()) if text == UNIT) // 6
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 15, box["y"] + 35 * (row + 1) + 17)
    wait_idle(page)
    page.get_by_role("heading", name=f"{TYPE} — {UNIT}").wait_for()


def switch_user(page, cccd: str) -> None:
    click(page, "Đăng xuất")
    sign_in(page, cccd)


def test_the_whole_report_cycle_between_a_grassroots_unit_and_its_parent(page, tmp_path):
    sign_in(page, GRASSROOTS)
    open_page(page, "Tạo lập báo cáo")
    click(page, "Thêm mới")
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Loại báo cáo *").click()
    page.get_by_role("option", name=TYPE).click()
    dialog.get_by_label("Ban tổ chức *").fill("Ban Tổ chức Đảng ủy phường Ba Đình")
    dialog.get_by_role("button", name="Lưu").click()
    toast(page, "Thêm mới báo cáo thành công")
    page.get_by_role("heading", name=TYPE).wait_for()

    page.get_by_text("Excel: tải báo cáo, mẫu trống, nhập từ tệp").click()
    page.locator("input[type=file]").set_input_files(filled_form(tmp_path))
    wait_idle(page)
    click(page, "Nhập số liệu từ tệp")
    toast(page, "Đã nhập số liệu từ tệp Excel")
    click(page, "Lưu")
    toast(page, "Đã lưu 1. Tuổi đời")
    send(page)

    switch_user(page, COMMUNE)
    open_in_queue(page)
    click(page, "Từ chối")
    page.get_by_role("dialog").get_by_label("Lý do *").fill("Đề nghị rà soát số liệu tab Tuổi đời")
    click(page, "Xác nhận")
    toast(page, "Từ chối phê duyệt báo cáo thành công")

    switch_user(page, GRASSROOTS)
    open_page(page, "Tạo lập báo cáo")
    page.get_by_text("Đề nghị rà soát số liệu tab Tuổi đời").first.wait_for()
    click(page, "Mở báo cáo để chỉnh sửa")
    page.get_by_text("Cấp trên yêu cầu chỉnh sửa:").wait_for()
    click(page, "Lưu")
    toast(page, "Đã lưu 1. Tuổi đời")
    send(page)
    page.get_by_text("Excel: tải báo cáo, mẫu trống, nhập từ tệp").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải báo cáo (Excel)").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    switch_user(page, COMMUNE)
    open_in_queue(page)
    click(page, "Phê duyệt")
    page.get_by_text("Bạn có muốn phê duyệt báo cáo không?").wait_for()
    click(page, "Xác nhận")
    toast(page, "Phê duyệt báo cáo thành công")

    open_page(page, "Tra cứu báo cáo")
    page.locator(".st-key-sub_PT_CL_CAP_UY_CO_SO button").click()
    wait_idle(page)
    page.get_by_role("heading", name=f"Tổng hợp: {TYPE}").wait_for()
    people = page.locator('[data-testid="stDataFrame"] table td')
    people.filter(has_text=UNIT).first.wait_for(state="attached")
    texts = people.all_text_contents()
    assert texts[texts.index(UNIT) + 2] == "Đã phê duyệt"
