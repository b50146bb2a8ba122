"""The report pages through AppTest: creation, tab errors, approval with reasons, lookup,
template import."""

from __future__ import annotations

from core import clock, reports
from core.access import load_actor
from core.markup import markdown_literal
from core.report_flow import CHANGES, PENDING
from tests.pages.conftest import (
    CENTRAL_ADMIN,
    COMMUNE_STAFF,
    GRASSROOTS_STAFF,
    HANOI_ADMIN,
    open_page,
    user_id,
)

TYPE = "TIEN_DO_DAI_HOI_CO_SO"


def click(at, label: str):
    return at.button[[b.label for b in at.button].index(label)].click().run()


def create_through_dialog(at, code: str):
    at = click(at, "Thêm mới")
    {s.label: s for s in at.selectbox}["Loại báo cáo *"].select(code)
    {t.label: t for t in at.text_input}["Ban tổ chức *"].input("Ban Tổ chức Đảng ủy")
    return click(at, "Lưu")


def test_creating_a_report_opens_it_and_a_second_one_points_back(app, demo_store):
    at = create_through_dialog(open_page(app(GRASSROOTS_STAFF), "pages/report_entry.py"), TYPE)
    assert not at.exception
    assert "Thêm mới báo cáo thành công" in [t.value for t in at.toast]
    assert any(s.value.startswith("Báo cáo tiến độ") for s in at.subheader)
    at = click(at, "← Danh sách báo cáo")
    at = create_through_dialog(at, TYPE)
    assert "Đơn vị của bạn đã tạo loại báo cáo này" in [t.value for t in at.toast]
    assert any(s.value.startswith("Báo cáo tiến độ") for s in at.subheader)


def test_saving_an_empty_tab_lists_the_cells_and_saves_nothing(app, demo_store):
    db = demo_store.db()
    actor = load_actor(db, user_id(demo_store, GRASSROOTS_STAFF))
    info = reports.ReportInfo(
        TYPE, "NK_2025_2030", clock.now().date(), "Vũ Minh Tuấn", "Ban Tổ chức"
    )
    report_id = db.reports.find(actor.unit_id, TYPE, info.term_code) or reports.create(
        db, actor, info
    )
    at = app(GRASSROOTS_STAFF)
    at.session_state["report_open"] = report_id
    at = open_page(at, "pages/report_entry.py")
    at = click(at, "Lưu")
    assert any("ô chưa hợp lệ" in e.value for e in at.error)
    assert at.dataframe[0].value["Lỗi"].str.contains("bắt buộc nhập").any()
    assert not reports.values_of(db, report_id)


def pending_from_ba_dinh(db) -> int:
    return db.scalar(
        "SELECT r.id FROM report r JOIN work_item i ON i.id = r.id JOIN unit u ON"
        " u.id = i.unit_id JOIN unit p ON p.id = u.parent_id WHERE p.code = '01001000'"
        " AND i.state = 'PENDING' ORDER BY r.id LIMIT 1"
    )


def test_rejecting_needs_a_reason_and_the_owner_sees_it(app, demo_store):
    db = demo_store.db()
    report_id = pending_from_ba_dinh(db)
    at = app(COMMUNE_STAFF)
    at.session_state["approval_view"] = report_id
    at = open_page(at, "pages/report_approval.py")
    at = click(at, "Từ chối")
    assert "Bạn có muốn từ chối phê duyệt báo cáo không?" in [m.value for m in at.markdown]
    at = click(at, "Xác nhận")
    assert markdown_literal("Lý do: không được để trống") in [e.value for e in at.error]
    assert db.items.get(report_id).state == PENDING
    at.text_area[0].input("Số đại biểu chưa khớp biên bản")
    at = click(at, "Xác nhận")
    assert "Từ chối phê duyệt báo cáo thành công" in [t.value for t in at.toast]
    assert db.items.get(report_id).state == CHANGES
    assert db.reports.get(report_id)["last_reason"] == "Số đại biểu chưa khớp biên bản"


def test_the_queue_opens_on_what_waits_and_lists_only_direct_subordinates(app, demo_store):
    at = open_page(app(COMMUNE_STAFF), "pages/report_approval.py")
    table = at.dataframe[0].value
    assert set(table["Trạng thái"]) == {"Chờ phê duyệt"}
    assert all(
        name.endswith("Ba Đình") or "phường Ba Đình" in name for name in table["Tên cơ sở Đảng"]
    )


def test_the_lookup_aggregate_states_what_it_counts(app):
    at = open_page(app(HANOI_ADMIN), "pages/report_lookup.py")
    at = at.button(key="sub_PT_CL_CAP_UY_CO_SO").click().run()
    assert [s.value for s in at.subheader][0] == "Tổng hợp: Phân tích chất lượng cấp ủy cơ sở"
    assert any("“Chờ phê duyệt” và “Đã phê duyệt”" in i.value for i in at.info)
    at.toggle[0].set_value(True).run()
    assert any("“Đã phê duyệt” của" in i.value for i in at.info)


def test_only_the_central_admin_can_import_a_template(app):
    at = open_page(app(HANOI_ADMIN), "pages/report_templates.py")
    assert "Chỉ Admin của đơn vị Trung ương được nhập mẫu báo cáo mới." in [
        c.value for c in at.caption
    ]
    at = open_page(app(CENTRAL_ADMIN), "pages/report_templates.py")
    assert "Nhập mẫu báo cáo mới" in [s.value for s in at.subheader]


def test_the_general_information_is_edited_in_a_dialog(app, demo_store):
    db = demo_store.db()
    actor = load_actor(db, user_id(demo_store, GRASSROOTS_STAFF))
    info = reports.ReportInfo(
        "KQ_BAU_CAP_UY_CO_SO", "NK_2025_2030", clock.now().date(), "Vũ Minh Tuấn", "Ban Tổ chức"
    )
    report_id = db.reports.find(actor.unit_id, info.template_code, info.term_code) or (
        reports.create(db, actor, info)
    )
    at = app(GRASSROOTS_STAFF)
    at.session_state["report_open"] = report_id
    at = click(open_page(at, "pages/report_entry.py"), "Chỉnh sửa")
    {t.label: t for t in at.text_input}["Ban tổ chức *"].input("Ban Tổ chức Đảng ủy phường")
    at = (
        next(b for b in at.button if "thong_tin_chung" in (b.key or "") and b.label == "Lưu")
        .click()
        .run()
    )
    assert "Cập nhật thông tin chung thành công" in [t.value for t in at.toast]
    assert db.reports.get(report_id)["organizer"] == "Ban Tổ chức Đảng ủy phường"
