"""The dashboard map draws offline in headless Chromium: one shape per province."""

from __future__ import annotations

import pytest

from tests.browser.conftest import open_page, sign_in, wait_idle

pytestmark = pytest.mark.browser


def test_the_central_admin_sees_one_shape_per_province_and_drills_into_hanoi(page, tmp_path):
    sign_in(page, "001080012345")
    open_page(page, "Dashboard")
    page.locator(".js-plotly-plot .maplibregl-canvas").first.wait_for()
    page.wait_for_timeout(1500)
    drawn = page.evaluate(
        r"""() => {
            const plot = [...document.querySelectorAll('.js-plotly-plot')]
                .find(p => p.data && p.data[0] && p.data[0].type === 'choroplethmap');
            const indexed = o => Object.keys(o).filter(k => /^\d+$/.test(k)).map(k => o[k]);
            const ids = t => t.locations._inputArray
                ? indexed(t.locations._inputArray) : Array.from(t.locations);
            return plot ? new Set(plot.data.flatMap(ids)).size : 0;
        }"""
    )
    assert drawn == 34
    page.screenshot(path=str(tmp_path / "dashboard_map.png"), full_page=True)
    page.get_by_text("Bản đồ tiến độ gửi báo cáo").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "dashboard_map_view.png"))
    picker = page.get_by_label("Xem chi tiết địa bàn")
    picker.click()
    page.keyboard.type("Thành phố Hà Nội")
    page.keyboard.press("Enter")
    wait_idle(page)
    page.get_by_text("Tỷ lệ hoàn thành của các đơn vị cấp dưới").first.wait_for()
    page.get_by_text("Địa bàn: Ban Chấp hành Trung ương Đảng › Đảng bộ Thành phố Hà Nội").wait_for()


def test_clicking_hanoi_on_the_map_drills_into_its_subtree(page):
    sign_in(page, "001080012345")
    open_page(page, "Dashboard")
    page.locator(".js-plotly-plot .maplibregl-canvas").first.wait_for()
    page.get_by_text("Bản đồ tiến độ gửi báo cáo").scroll_into_view_if_needed()
    wait_idle(page)
    page.wait_for_timeout(1000)  # let MapLibre settle its camera before projecting
    x, y = page.evaluate(
        r"""() => {
            const plot = [...document.querySelectorAll('.js-plotly-plot')]
                .find(p => p.data && p.data[0] && p.data[0].type === 'choroplethmap');
            const map = plot._fullLayout.map._subplot.map;
            const point = map.project([105.70, 21.05]);  // inside Hà Nội
            const box = map.getCanvas().getBoundingClientRect();
            return [box.left + point.x, box.top + point.y];
        }"""
    )
    page.mouse.click(x, y)
    wait_idle(page)
    page.get_by_text("Địa bàn: Ban Chấp hành Trung ương Đảng › Đảng bộ Thành phố Hà Nội").wait_for()
