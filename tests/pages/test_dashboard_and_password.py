"""Dashboard counts and Đổi mật khẩu through AppTest."""

from __future__ import annotations

from core import auth, users
from core.access import load_actor
from core.markup import markdown_literal
from core.model import UserDraft
from tests.pages.conftest import GRASSROOTS_STAFF, HANOI_ADMIN, open_page, user_id


def test_dashboard_shows_the_unit_its_path_and_counts_by_level(app, demo_store):
    at = open_page(app(HANOI_ADMIN), "pages/dashboard.py")
    assert [s.value for s in at.subheader] == ["Đảng bộ Thành phố Hà Nội"]
    metrics = {m.label: m.value for m in at.metric}
    communes = demo_store.db().scalar(
        "SELECT count(*) FROM unit WHERE level_code = 'XA' AND code LIKE '01%'"
    )
    assert metrics["Xã/Phường/Đặc khu"] == str(communes)


def test_dashboard_of_a_unit_without_subordinates_says_so(app):
    at = open_page(app(GRASSROOTS_STAFF), "pages/dashboard.py")
    assert "Đơn vị của bạn chưa có đơn vị cấp dưới phải nộp báo cáo." in [i.value for i in at.info]


def test_changing_the_password_with_a_wrong_current_one_names_the_field(app):
    at = open_page(app(GRASSROOTS_STAFF), "pages/password.py")
    for field, value in zip(
        at.text_input, ["sai-mat-khau", "MatKhauMoi2026", "MatKhauMoi2026"], strict=True
    ):
        field.input(value)
    at = at.button[0].click().run()
    assert markdown_literal("Mật khẩu hiện tại: không đúng") in [e.value for e in at.error]


def test_changing_the_one_time_password_lets_the_new_one_sign_in(app, demo_store):
    db = demo_store.db()
    admin = load_actor(db, user_id(demo_store, HANOI_ADMIN))
    unit = db.units.by_code("01001001")
    created = users.create(
        db,
        admin,
        UserDraft("001096654321", "Ngô Văn Hải", unit.id, "ADMIN", "Bí thư chi bộ", "CHUYEN_VIEN"),
    )
    at = app("001096654321").run()
    assert any("Đổi mật khẩu" in w.value for w in at.sidebar.warning)
    at = at.switch_page("pages/password.py").run()
    for field, value in zip(
        at.text_input, [created.initial_password, "MatKhauMoi2026", "MatKhauMoi2026"], strict=True
    ):
        field.input(value)
    at = at.button[0].click().run()
    assert "Đổi mật khẩu thành công" in [t.value for t in at.toast]
    assert auth.authenticate(db, "001096654321", "MatKhauMoi2026") == created.user.id
