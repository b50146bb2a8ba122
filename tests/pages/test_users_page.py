"""Quản lý người dùng through AppTest: scoped list, add with the manual's messages."""

from __future__ import annotations

import pytest

from core import auth, lockout
from core.errors import LoginRefused
from tests.pages.conftest import CENTRAL_ADMIN, HANOI_ADMIN, open_page


def test_hanoi_admin_lists_only_accounts_of_its_subtree(app):
    at = open_page(app(HANOI_ADMIN), "pages/users.py")
    table = at.dataframe[0].value
    assert len(table) == 10
    assert not any("Hồ Chí Minh" in u or "Trung ương" in u for u in table["Đơn vị"])
    assert any(c.value.startswith("Tổng số") for c in at.caption)


def test_filter_by_cccd_finds_the_one_account(app):
    at = open_page(app(CENTRAL_ADMIN), "pages/users.py")
    {t.label: t for t in at.text_input}["Số căn cước công dân"].input("001192045678").run()
    table = at.dataframe[0].value
    assert list(table["Họ và tên"]) == ["Hoàng Thị Lan"]


def test_adding_an_existing_active_cccd_shows_the_manual_message(app):
    at = open_page(app(HANOI_ADMIN), "pages/users.py")
    at = at.button[[b.label for b in at.button].index("Thêm mới")].click().run()
    fields = {t.label: t for t in at.text_input}
    fields["Số căn cước công dân *"].input("001090034567")
    fields["Họ và tên *"].input("Phạm Đức Long")
    fields["Chức vụ *"].input("Chuyên viên")
    {s.label: s for s in at.selectbox}["Vai trò *"].select("CHUYEN_VIEN")
    at = at.button[[b.label for b in at.button].index("Lưu")].click().run()
    assert "Công dân Phạm Đức Long đã được tạo tài khoản đang hoạt động trong hệ thống" in [
        e.value for e in at.error
    ]


def test_adding_a_user_shows_the_one_time_password_once(app, demo_store):
    at = open_page(app(HANOI_ADMIN), "pages/users.py")
    at = at.button[[b.label for b in at.button].index("Thêm mới")].click().run()
    fields = {t.label: t for t in at.text_input}
    fields["Số căn cước công dân *"].input("001199123456")
    fields["Họ và tên *"].input("Đỗ Thị Mai")
    fields["Chức vụ *"].input("Chuyên viên")
    {s.label: s for s in at.selectbox}["Vai trò *"].select("CHUYEN_VIEN")
    at = at.button[[b.label for b in at.button].index("Lưu")].click().run()
    assert not at.error
    assert any("Mật khẩu đăng nhập lần đầu" in i.value for i in at.info)
    assert demo_store.db().users.active_by_cccd("001199123456").full_name == "Đỗ Thị Mai"


def test_central_admin_defines_a_role_from_the_roles_tab(app, demo_store):
    at = open_page(app(CENTRAL_ADMIN), "pages/users.py")
    assert [t.label for t in at.tabs] == ["Người dùng", "Vai trò"]
    fields = {t.label: t for t in at.text_input}
    fields["Mã vai trò *"].input("THU_KY")
    fields["Tên vai trò *"].input("Thư ký đại hội")
    {m.label: m for m in at.multiselect}["Danh sách chức năng *"].set_value(
        ["DASHBOARD", "CALENDAR_SUMMARY"]
    )
    at = at.button[[b.label for b in at.button].index("Lưu")].click().run()
    assert "Lưu vai trò thành công" in [t.value for t in at.toast]
    assert demo_store.db().users.functions_of_role("THU_KY") == {"DASHBOARD", "CALENDAR_SUMMARY"}


def test_provincial_admin_has_no_roles_tab(app):
    at = open_page(app(HANOI_ADMIN), "pages/users.py")
    assert not at.tabs


def test_an_admin_unlocks_a_locked_account_from_its_detail(app, demo_store):
    db = demo_store.db()
    user = db.users.active_by_cccd("001090034567")
    for _ in range(lockout.MAX_PER_CLIENT):
        with pytest.raises(LoginRefused):
            auth.authenticate(db, user.cccd, "sai-mat-khau-1", client="10.0.0.9")
    assert lockout.locked_until(db, user.id, "10.0.0.9") is not None
    at = open_page(app(HANOI_ADMIN), "pages/users.py")
    {t.label: t for t in at.text_input}["Số căn cước công dân"].input(user.cccd).run()
    at.session_state["users_selected"] = user.id
    at = at.run()
    at = at.button[[b.label for b in at.button].index("Mở khoá tài khoản")].click().run()
    at = at.button[[b.label for b in at.button].index("Xác nhận")].click().run()
    assert [e.value for e in at.error] == []
    assert lockout.locked_until(db, user.id, "10.0.0.9") is None
