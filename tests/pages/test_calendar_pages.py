"""The calendar pages through AppTest: choosing and updating a date in the dialog, the order
rule's refusal, and the aggregate with its filters, tabs and download."""

from __future__ import annotations

from datetime import date, timedelta

from core.calendar import vn_date
from core.markup import markdown_literal
from tests.pages.conftest import COMMUNE_STAFF, HANOI_ADMIN, open_page

TERM = "NK_2025_2030"
CHOOSE = "Chọn lịch tổ chức Đại hội"


def click(at, label: str):
    return at.button[[b.label for b in at.button].index(label)].click().run()


def field(widgets, label: str):
    return {w.label: w for w in widgets}[label]


def fill_dialog(at, held_on, reason: str = ""):
    field(at.date_input, "Ngày tổ chức Đại hội *").set_value(held_on)
    field(at.text_area, "Lý do").input(reason)
    return click(at, "Xác nhận")


def hanoi_date(demo_store):
    db = demo_store.db()
    return db.calendar.get(TERM, db.units.by_code("01000000").id)["held_on"]


def test_a_commune_chooses_its_date_after_the_rule_refuses_one_after_hanoi(app, demo_store):
    parent = hanoi_date(demo_store)
    at = open_page(app(COMMUNE_STAFF), "pages/calendar_choose.py")
    assert "Đơn vị chưa đăng ký lịch tổ chức Đại hội." in [i.value for i in at.info]
    at = click(at, CHOOSE)
    at = fill_dialog(at, parent + timedelta(days=1), "Ghi nhận lịch đã tổ chức")
    assert any("không trước Đại hội của Đảng bộ Thành phố Hà Nội" in e.value for e in at.error)
    at = fill_dialog(at, parent - timedelta(days=40), "")
    assert any(e.value.startswith(markdown_literal("Lý do: bắt buộc")) for e in at.error)
    chosen = parent - timedelta(days=40)
    at = fill_dialog(at, chosen, "Ghi nhận lịch đã tổ chức")
    assert not at.exception
    assert "Chọn lịch tổ chức Đại hội thành công" in [t.value for t in at.toast]
    assert f"### {vn_date(chosen)}" in [m.value for m in at.markdown]
    assert at.dataframe[0].value["Thao tác"].to_list() == ["Chọn lịch"]


def test_a_commune_updates_its_date_and_sees_the_change_in_the_history(app, demo_store):
    db = demo_store.db()
    unit = db.units.by_code("01001000")
    row = db.calendar.get(TERM, unit.id)
    at = open_page(app(COMMUNE_STAFF), "pages/calendar_choose.py")
    if row is None or row["held_on"] is None:
        at = fill_dialog(click(at, CHOOSE), hanoi_date(demo_store) - timedelta(days=50), "Bổ sung")
    at = click(at, "Cập nhật")
    new = hanoi_date(demo_store) - timedelta(days=45)
    at = fill_dialog(at, new, "Điều chỉnh theo kế hoạch của Thành ủy")
    assert "Cập nhật lịch tổ chức Đại hội thành công" in [t.value for t in at.toast]
    assert at.dataframe[0].value["Thao tác"].to_list()[-1] == "Cập nhật lịch"
    assert at.dataframe[0].value["Ngày mới"].to_list()[-1] == new.strftime("%d/%m/%Y")


def test_the_aggregate_opens_with_counts_and_the_rule_breakers_first(app):
    at = open_page(app(HANOI_ADMIN), "pages/calendar_summary.py")
    assert not at.exception and not at.error
    metrics = {m.label: m.value for m in at.metric}
    assert set(metrics) == {
        "Đã tổ chức",
        "Chưa tổ chức",
        "Chưa đăng ký lịch",
        "Trái thứ tự",
        "Tổng số",
    }
    listed = at.dataframe[0].value
    assert listed["Lưu ý"][0].startswith("Không trước Đại hội cấp trên")
    assert len(at.get("plotly_chart")) == 1
    assert at.get("download_button")


def test_the_status_filter_narrows_the_list(app):
    at = open_page(app(HANOI_ADMIN), "pages/calendar_summary.py")
    field(at.selectbox, "Chọn trạng thái").select("NONE").run()
    listed = at.dataframe[0].value
    assert set(listed["Trạng thái"].to_list()) == {"Chưa đăng ký lịch"}


def test_the_area_search_finds_a_commune_without_accents(app):
    at = open_page(app(HANOI_ADMIN), "pages/calendar_summary.py")
    field(at.text_input, "Tìm kiếm theo khu vực").input("phuong ba dinh").run()
    listed = at.dataframe[0].value
    assert len(listed) > 0
    assert all("Ba Đình" in area for area in listed["Khu vực"].to_list())


def test_a_backwards_date_range_shows_the_fields_message(app):
    at = open_page(app(HANOI_ADMIN), "pages/calendar_summary.py")
    field(at.date_input, "Từ ngày").set_value(date(2025, 9, 1)).run()
    field(at.date_input, "Đến ngày").set_value(date(2025, 8, 31)).run()
    assert markdown_literal("Đến ngày: phải sau hoặc trùng Từ ngày") in [e.value for e in at.error]
    assert not at.dataframe
