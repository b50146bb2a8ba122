"""Two people on the same item in two browser sessions: the second saver is refused with the
reload message and keeps what they typed; "Tải lại" shows the other's save, and then their
own save goes through. One browser, two contexts (two Streamlit sessions) on the shared server.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from core import report_excel, templates
from core.errors import StaleVersion
from core.report_types import TEMPLATE_DIR
from core.report_values import valid_values
from tests.browser.conftest import CHROMIUM_ARGS, open_page, sign_in, wait_idle

pytestmark = pytest.mark.browser
STALE = str(StaleVersion())
HANOI_ADMIN, GRASSROOTS = "001185023456", "001095056789"
UNIT_CODE, UNIT = "01002000", "Đảng bộ Phường Ngọc Hà"
REPORT_FILE, REPORT = "tien_do_dai_hoi_co_so.yaml", "Báo cáo tiến độ đại hội đảng bộ, chi bộ cơ sở"


@pytest.fixture(scope="module")
def browser(server: str, chromium_path: str) -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def open_sessions(browser, server: str) -> list:
    """Two separate sessions (own cookies, own Streamlit session) on the app."""
    pages = []
    for _ in range(2):
        context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="vi-VN")
        tab = context.new_page()
        tab.set_default_timeout(120_000)
        tab.goto(server)
        # one after the other: the first session on a new database builds the demo data
        tab.get_by_label("Số căn cước công dân").first.wait_for()
        pages.append(tab)
    return pages


def close_sessions(pages: list, folder: Path) -> None:
    for i, tab in enumerate(pages):
        tab.screenshot(path=str(folder / f"session_{i}.png"))
        tab.context.close()


@pytest.fixture
def admins(browser, server: str, tmp_path: Path) -> Iterator[list]:
    pages = open_sessions(browser, server)
    yield pages
    close_sessions(pages, tmp_path)


@pytest.fixture(scope="module")
def on_report(browser, server: str, tmp_path_factory) -> Iterator[list]:
    """Two sessions of the grassroots unit on its draft report, every tab filled from a file
    (so that a tab can be saved)."""
    folder = tmp_path_factory.mktemp("two_sessions")
    pages = open_sessions(browser, server)
    first, second = pages
    open_report(first)
    first.get_by_text("Excel: tải báo cáo, mẫu trống, nhập từ tệp").click()
    first.locator("input[type=file]").set_input_files(filled_form(folder))
    wait_idle(first)
    click(first, "Nhập số liệu từ tệp")
    seen(first, "Đã nhập số liệu từ tệp Excel")
    open_report(second)
    yield pages
    close_sessions(pages, folder)


def click(page, name: str, scope=None) -> None:
    (scope or page).get_by_role("button", name=name, exact=True).first.click()
    wait_idle(page)


def seen(page, text: str) -> None:
    page.get_by_text(text).first.wait_for()
    wait_idle(page)


def stale_and_kept(page, field, typed: str) -> None:
    seen(page, STALE)
    assert field.input_value() == typed


# -- a unit's edit form -----------------------------------------------------------------------


def open_unit_form(page) -> object:
    sign_in(page, HANOI_ADMIN)
    open_page(page, "Quản lý đơn vị")
    page.get_by_placeholder("Nhập tên hoặc mã đơn vị").fill(UNIT_CODE)
    page.keyboard.press("Enter")
    wait_idle(page)
    click(page, f"{UNIT} · {UNIT_CODE}")
    page.get_by_role("heading", name=UNIT).wait_for()
    click(page, "Cập nhật")
    return page.get_by_role("dialog").get_by_label("Địa chỉ chi tiết *")


def test_two_admins_edit_one_unit_and_the_second_is_told_to_reload(admins):
    first, second = admins
    mine, theirs = open_unit_form(first), open_unit_form(second)
    theirs.fill("Số 2 phố Người Khác")
    click(second, "Lưu", second.get_by_role("dialog"))
    seen(second, "Cập nhật đơn vị thành công")

    mine.fill("Số 3 phố Của Tôi")
    click(first, "Lưu", first.get_by_role("dialog"))
    stale_and_kept(first, mine, "Số 3 phố Của Tôi")
    click(first, "Tải lại", first.get_by_role("dialog"))
    mine = first.get_by_role("dialog").get_by_label("Địa chỉ chi tiết *")
    assert mine.input_value() == "Số 2 phố Người Khác"
    mine.fill("Số 4 phố Của Tôi")
    click(first, "Lưu", first.get_by_role("dialog"))
    seen(first, "Cập nhật đơn vị thành công")
    assert first.get_by_text("Số 4 phố Của Tôi").count() >= 1


# -- a report: its general information and a tab grid ----------------------------------------


def filled_form(folder: Path) -> str:
    template = templates.load_file(TEMPLATE_DIR / REPORT_FILE)
    values = {tab.key: valid_values(tab, random.Random(11)) for tab in template.tabs}
    path = folder / "tien_do.xlsx"
    path.write_bytes(report_excel.report_workbook(template, values, [template.name.upper()]))
    return str(path)


def open_report(page) -> None:
    """Create the report, or (once it exists) be sent to it by the same dialog."""
    sign_in(page, GRASSROOTS)
    open_page(page, "Tạo lập báo cáo")
    click(page, "Thêm mới")
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Loại báo cáo *").click()
    page.get_by_role("option", name=REPORT).click()
    dialog.get_by_label("Ban tổ chức *").fill("Ban Tổ chức Đảng ủy phường Ba Đình")
    dialog.get_by_role("button", name="Lưu").click()
    page.get_by_role("heading", name=REPORT).wait_for()
    wait_idle(page)


def organizer_field(page):
    click(page, "Chỉnh sửa")
    return page.get_by_role("dialog").get_by_label("Ban tổ chức *")


def save_info(page) -> None:
    click(page, "Lưu", page.get_by_role("dialog"))


def test_two_sessions_edit_one_reports_general_information(on_report):
    first, second = on_report
    mine, theirs = organizer_field(first), organizer_field(second)
    theirs.fill("Ban Tổ chức người khác")
    save_info(second)
    seen(second, "Cập nhật thông tin chung thành công")

    mine.fill("Ban Tổ chức của tôi")
    save_info(first)
    stale_and_kept(first, mine, "Ban Tổ chức của tôi")
    click(first, "Tải lại", first.get_by_role("dialog"))
    mine = first.get_by_role("dialog").get_by_label("Ban tổ chức *")
    assert mine.input_value() == "Ban Tổ chức người khác"
    mine.fill("Ban Tổ chức của tôi")
    save_info(first)
    seen(first, "Cập nhật thông tin chung thành công")


def grid_cells(page) -> list[str]:
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.wait_for()
    return grid.locator("table td").all_text_contents()


def type_in_a_cell(page, text: str) -> None:
    """Select a row's label cell, step right into its first figure, open its editor with a
    first key, replace what it holds and commit; once more if a redraw swallowed the keys."""
    page.get_by_role("dialog").wait_for(state="detached")
    grid = page.locator('[data-testid="stDataFrame"]').first
    for _ in range(3):
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 40, box["y"] + 35 * 2 + 17)
        page.keyboard.press("ArrowRight")
        page.keyboard.press("0")
        page.wait_for_timeout(500)
        page.keyboard.press("ControlOrMeta+A")
        page.keyboard.type(text, delay=50)
        page.keyboard.press("Enter")
        wait_idle(page)
        if text in grid_cells(page):
            return
        page.keyboard.press("Escape")
    raise AssertionError(f"could not type {text} into the grid")


def test_two_sessions_on_one_report_tab_and_the_grid_keeps_the_typing(on_report):
    first, second = on_report
    type_in_a_cell(first, "4321")
    theirs = organizer_field(second)
    theirs.fill("Ban Tổ chức sửa lúc tôi nhập bảng")
    save_info(second)
    seen(second, "Cập nhật thông tin chung thành công")

    click(first, "Lưu")
    seen(first, STALE)
    assert "4321" in grid_cells(first)
    click(first, "Tải lại")
    assert "4321" not in grid_cells(first)
    click(first, "Lưu")
    first.get_by_text("Đã lưu").first.wait_for()
