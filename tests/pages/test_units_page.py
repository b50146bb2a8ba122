"""Quản lý đơn vị through AppTest: scope of the tree, search, add and delete with dialogs."""

from __future__ import annotations

import re

from core import demo
from core.markup import markdown_literal
from tests.pages.conftest import CENTRAL_ADMIN, HANOI_ADMIN, open_page

PROVINCES = {
    "An Giang",
    "Bắc Ninh",
    "Cao Bằng",
    "Cà Mau",
    "Gia Lai",
    "Hà Tĩnh",
    "Hưng Yên",
    "Khánh Hòa",
    "Lai Châu",
    "Lào Cai",
    "Lâm Đồng",
    "Lạng Sơn",
    "Nghệ An",
    "Ninh Bình",
    "Phú Thọ",
    "Quảng Ngãi",
    "Quảng Ninh",
    "Quảng Trị",
    "Sơn La",
    "Cần Thơ",
    "Hồ Chí Minh",
    "Huế",
    "Hà Nội",
    "Hải Phòng",
    "Đà Nẵng",
    "Thanh Hóa",
    "Thái Nguyên",
    "Tuyên Quang",
    "Tây Ninh",
    "Vĩnh Long",
    "Điện Biên",
    "Đắk Lắk",
    "Đồng Nai",
    "Đồng Tháp",
}


def tree_names(at) -> list[str]:
    return [n.replace("\u2003", "").lstrip("▾▸• ") for n in at.dataframe[0].value["Đơn vị"]]


def click(at, label: str):
    return at.button[[b.label for b in at.button].index(label)].click().run()


def test_central_admin_sees_the_34_provinces_by_their_real_names(app):
    names = tree_names(open_page(app(CENTRAL_ADMIN), "pages/units.py"))
    assert names[0] == "Ban Chấp hành Trung ương Đảng"
    provinces = names[1:]
    assert len(provinces) == 34
    assert {re.sub(r"^Đảng bộ (Thành phố|Tỉnh) ", "", n) for n in provinces} == PROVINCES


def test_hanoi_admin_sees_only_its_own_subtree(app):
    names = tree_names(open_page(app(HANOI_ADMIN), "pages/units.py"))
    assert names[0] == "Đảng bộ Thành phố Hà Nội"
    assert "Đảng bộ Phường Ba Đình" in names
    assert not any("Hồ Chí Minh" in n or "Trung ương" in n for n in names)


def test_search_finds_units_without_accents_inside_the_scope_only(app):
    at = open_page(app(HANOI_ADMIN), "pages/units.py")
    at.text_input[0].input("phuong sai gon").run()
    assert "Không tìm thấy đơn vị phù hợp" in [i.value for i in at.info]
    at.text_input[0].input("ba dinh").run()
    assert any(b.label.startswith("Đảng bộ Phường Ba Đình") for b in at.button)


def test_adding_a_unit_through_the_dialog_saves_it_and_toasts(app, demo_store):
    at = open_page(app(HANOI_ADMIN), "pages/units.py")
    at = click(at, "Thêm mới")
    form = {s.label: s for s in at.selectbox}
    form["Cấp *"].select("XA")
    form["Chọn loại *"].select("DIA_BAN")
    form["Chọn tỉnh *"].select("Thành phố Hà Nội")
    fields = {t.label: t for t in at.text_input}
    fields["Tên *"].input("Đảng bộ Phường Thử Nghiệm")
    fields["Địa chỉ chi tiết *"].input("Số 1 phố Thử Nghiệm")
    at = at.button[[b.label for b in at.button].index("Lưu")].click().run()
    assert not at.exception and not at.error
    assert "Thêm mới đơn vị thành công" in [t.value for t in at.toast]
    assert "Đảng bộ Phường Thử Nghiệm" in tree_names(at)


def test_adding_a_unit_without_its_address_names_the_field_and_saves_nothing(app, demo_store):
    before = demo_store.db().scalar("SELECT count(*) FROM unit")
    at = click(open_page(app(HANOI_ADMIN), "pages/units.py"), "Thêm mới")
    form = {s.label: s for s in at.selectbox}
    form["Cấp *"].select("XA")
    form["Chọn loại *"].select("DIA_BAN")
    form["Chọn tỉnh *"].select("Thành phố Hà Nội")
    {t.label: t for t in at.text_input}["Tên *"].input("Đảng bộ Xã Thiếu Địa Chỉ")
    at = at.button[[b.label for b in at.button].index("Lưu")].click().run()
    assert markdown_literal("Địa chỉ chi tiết: không được để trống") in [e.value for e in at.error]
    assert demo_store.db().scalar("SELECT count(*) FROM unit") == before


def test_deleting_a_unit_that_has_children_is_refused_with_a_message(app):
    at = open_page(app(HANOI_ADMIN), "pages/units.py")
    at.text_input[0].input("01001000").run()
    at = click(at, "Đảng bộ Phường Ba Đình · 01001000")
    at = click(at, "Xóa")
    assert "Bạn chắc chắn muốn xoá đơn vị **Đảng bộ Phường Ba Đình** không?" in [
        m.value for m in at.markdown
    ]
    at = click(at, "Xác nhận")
    assert any("còn đơn vị cấp dưới" in e.value for e in at.error)


def test_demo_accounts_units_exist_in_the_tree():
    assert {a.unit_code for a in demo.ACCOUNTS} >= {"TW", "01000000", "01001000", "01001001"}
