"""Every form that saves with a version keeps the version it was opened with: when someone
else saved in between, the save is refused with the reload message and what was typed stays
on screen; "Tải lại" takes the new version, and the next save goes through."""

from __future__ import annotations

import itertools
import random
from datetime import timedelta

import pytest

from core import calendar, clock, hierarchy, reports, users
from core.access import load_actor
from core.calendar import CongressDraft
from core.errors import StaleVersion
from core.markup import markdown_literal
from core.model import Actor, Unit, UnitDraft, UserDraft
from core.report_values import valid_values
from core.store import Db
from pages.components.report_view import column_titles
from tests.pages.conftest import (
    COMMUNE_STAFF,
    GRASSROOTS_STAFF,
    HANOI_ADMIN,
    open_page,
    user_id,
)

STALE = str(StaleVersion())
TYPE = "PT_CL_CAP_UY_CO_SO"
_serial = itertools.count(1)


def click(at, label: str):
    return at.button[[b.label for b in at.button].index(label)].click().run()


def field(at, label: str):
    return {t.label: t for t in at.text_input}[label]


def errors(at) -> list[str]:
    return [e.value for e in at.error]


def toasts(at) -> list[str]:
    return [t.value for t in at.toast]


def actor_of(demo_store, cccd: str) -> Actor:
    return load_actor(demo_store.db(), user_id(demo_store, cccd))


def open_dialog(app, cccd: str, script: str, dialog: str, target: int):
    at = app(cccd)
    at.session_state["_dialog"] = (dialog, target)
    return open_page(at, script)


# -- units ------------------------------------------------------------------------------------


def unit_form(name: str, address: str = "Số 1 phố Thử Nghiệm") -> UnitDraft:
    return UnitDraft(name, "XA", "DIA_BAN", "Thành phố Hà Nội", address=address)


@pytest.fixture
def hanoi_admin(demo_store) -> Actor:
    return actor_of(demo_store, HANOI_ADMIN)


@pytest.fixture
def new_unit(demo_store, hanoi_admin: Actor) -> Unit:
    name = f"Đảng bộ Phường Phiên Bản {next(_serial)}"
    return hierarchy.add_unit(demo_store.db(), hanoi_admin, hanoi_admin.unit_id, unit_form(name))


def someone_else_renames(db: Db, actor: Actor, unit: Unit) -> None:
    current = db.units.get(unit.id)
    hierarchy.update_unit(
        db, actor, unit.id, unit_form(current.name, "Số 2 phố Người Khác"), current.version
    )


def test_a_unit_edit_after_someone_else_saved_is_refused_and_keeps_the_typing(
    app, demo_store, hanoi_admin, new_unit
):
    at = open_dialog(app, HANOI_ADMIN, "pages/units.py", "update", new_unit.id)
    someone_else_renames(demo_store.db(), hanoi_admin, new_unit)
    field(at, "Địa chỉ chi tiết *").input("Số 3 phố Của Tôi")
    at = click(at, "Lưu")
    assert STALE in errors(at)
    assert field(at, "Địa chỉ chi tiết *").value == "Số 3 phố Của Tôi"
    assert demo_store.db().units.get(new_unit.id).address == "Số 2 phố Người Khác"


def test_after_reload_the_unit_edit_shows_the_new_data_and_saves(
    app, demo_store, hanoi_admin, new_unit
):
    at = open_dialog(app, HANOI_ADMIN, "pages/units.py", "update", new_unit.id)
    someone_else_renames(demo_store.db(), hanoi_admin, new_unit)
    field(at, "Địa chỉ chi tiết *").input("Số 3 phố Của Tôi")
    at = click(click(at, "Lưu"), "Tải lại")
    assert field(at, "Địa chỉ chi tiết *").value == "Số 2 phố Người Khác"
    assert STALE not in errors(at)
    field(at, "Địa chỉ chi tiết *").input("Số 4 phố Của Tôi")
    at = click(at, "Lưu")
    assert "Cập nhật đơn vị thành công" in toasts(at)
    assert demo_store.db().units.get(new_unit.id).address == "Số 4 phố Của Tôi"


@pytest.mark.parametrize("dialog", ["active", "delete"])
def test_a_unit_confirmation_after_someone_else_saved_is_refused_until_reloaded(
    app, demo_store, hanoi_admin, new_unit, dialog
):
    at = open_dialog(app, HANOI_ADMIN, "pages/units.py", dialog, new_unit.id)
    someone_else_renames(demo_store.db(), hanoi_admin, new_unit)
    at = click(at, "Xác nhận")
    assert STALE in errors(at)
    assert demo_store.db().units.get(new_unit.id).active
    at = click(click(at, "Tải lại"), "Xác nhận")
    assert not errors(at)
    after = demo_store.db().units.get(new_unit.id)
    assert after is None if dialog == "delete" else not after.active


def test_a_unit_move_after_someone_else_saved_is_refused(app, demo_store, hanoi_admin, new_unit):
    at = open_dialog(app, HANOI_ADMIN, "pages/units.py", "move", new_unit.id)
    someone_else_renames(demo_store.db(), hanoi_admin, new_unit)
    at = click(at, "Xác nhận")
    assert STALE in errors(at)
    assert demo_store.db().units.get(new_unit.id).parent_id == hanoi_admin.unit_id


# -- the own unit (#23) -----------------------------------------------------------------------


def test_the_own_unit_form_shows_the_parent_facing_fields_disabled(app, hanoi_admin):
    at = open_dialog(app, HANOI_ADMIN, "pages/units.py", "update", hanoi_admin.unit_id)
    disabled = {w.label for w in [*at.text_input, *at.selectbox] if w.disabled}
    assert {"Mã", "Cấp *", "Chọn loại *", "Chọn tỉnh *", "Chọn huyện", "Chọn xã"} <= disabled
    assert "Tên *" not in disabled and "Địa chỉ chi tiết *" not in disabled


def test_the_own_unit_form_saves_a_harmless_change(app, demo_store, hanoi_admin):
    at = open_dialog(app, HANOI_ADMIN, "pages/units.py", "update", hanoi_admin.unit_id)
    before = demo_store.db().units.get(hanoi_admin.unit_id)
    at.text_area[0].input("Trụ sở Thành ủy Hà Nội")
    at = click(at, "Lưu")
    assert "Cập nhật đơn vị thành công" in toasts(at)
    after = demo_store.db().units.get(hanoi_admin.unit_id)
    assert after.description == "Trụ sở Thành ủy Hà Nội"
    assert (after.code, after.level_code, after.province) == (
        before.code,
        before.level_code,
        before.province,
    )


# -- reports ----------------------------------------------------------------------------------


@pytest.fixture
def staff(demo_store) -> Actor:
    return actor_of(demo_store, GRASSROOTS_STAFF)


@pytest.fixture
def draft_report(demo_store, staff: Actor) -> int:
    """The grassroots unit's draft of TYPE, its first tab filled with valid figures."""
    db = demo_store.db()
    info = reports.ReportInfo(TYPE, "NK_2025_2030", clock.now().date(), "Vũ Minh Tuấn", "Ban TC")
    report_id = db.reports.find(staff.unit_id, TYPE, info.term_code) or reports.create(
        db, staff, info
    )
    view = reports.detail(db, staff, report_id)
    tab = view.template.tabs[0]
    values = valid_values(tab, random.Random(3))
    reports.save_tab(db, staff, report_id, tab.key, values, view.record["version"])
    return report_id


def someone_else_edits_the_report(db: Db, staff: Actor, report_id: int) -> None:
    rec = db.reports.get(report_id)
    info = reports.ReportInfo(
        TYPE, rec["term_code"], rec["report_date"], rec["creator_name"], "Ban Tổ chức người khác"
    )
    reports.update_info(db, staff, report_id, info, db.items.get(report_id).version)


def open_report(app, report_id: int):
    at = app(GRASSROOTS_STAFF)
    at.session_state["report_open"] = report_id
    return open_page(at, "pages/report_entry.py")


def info_save(at):
    return (
        next(b for b in at.button if "thong_tin_chung" in (b.key or "") and b.label == "Lưu")
        .click()
        .run()
    )


def test_report_information_after_someone_else_saved_is_refused_and_kept(
    app, demo_store, staff, draft_report
):
    at = click(open_report(app, draft_report), "Chỉnh sửa")
    someone_else_edits_the_report(demo_store.db(), staff, draft_report)
    field(at, "Ban tổ chức *").input("Ban Tổ chức của tôi")
    at = info_save(at)
    assert STALE in errors(at)
    assert field(at, "Ban tổ chức *").value == "Ban Tổ chức của tôi"
    assert demo_store.db().reports.get(draft_report)["organizer"] == "Ban Tổ chức người khác"
    at = click(at, "Tải lại")
    assert field(at, "Ban tổ chức *").value == "Ban Tổ chức người khác"
    field(at, "Ban tổ chức *").input("Ban Tổ chức của tôi")
    at = info_save(at)
    assert "Cập nhật thông tin chung thành công" in toasts(at)
    assert demo_store.db().reports.get(draft_report)["organizer"] == "Ban Tổ chức của tôi"


def test_my_own_information_save_does_not_make_my_tab_stale(app, demo_store, draft_report):
    at = click(open_report(app, draft_report), "Chỉnh sửa")
    field(at, "Ban tổ chức *").input("Ban Tổ chức của tôi")
    at = click(info_save(at), "Lưu")
    assert not errors(at)
    assert any(t.startswith("Đã lưu") for t in toasts(at))


def test_a_tab_opened_before_someone_elses_save_stays_stale_after_my_information_save(
    app, demo_store, staff, draft_report
):
    at = open_report(app, draft_report)
    someone_else_edits_the_report(demo_store.db(), staff, draft_report)
    at = click(at, "Chỉnh sửa")
    field(at, "Ban tổ chức *").input("Ban Tổ chức của tôi")
    at = click(info_save(at), "Lưu")
    assert STALE in errors(at)


def first_cell_title(demo_store, staff: Actor, report_id: int) -> tuple[int, str]:
    """The row index and column title of an editable cell of the first tab."""
    tab = reports.detail(demo_store.db(), staff, report_id).template.tabs[0]
    for i, row in enumerate(tab.rows):
        for col in tab.columns:
            if (row.key, col.key) not in tab.not_applicable:
                return i, column_titles(tab)[col.key]
    raise AssertionError("the tab has no editable cell")


def test_a_tab_save_after_someone_else_saved_is_refused_and_keeps_the_grid(
    app, demo_store, staff, draft_report
):
    at = open_report(app, draft_report)
    grid = at.data_editor[0].key
    row, title = first_cell_title(demo_store, staff, draft_report)
    typed = {"edited_rows": {row: {title: "999999"}}, "added_rows": [], "deleted_rows": []}
    someone_else_edits_the_report(demo_store.db(), staff, draft_report)
    at.session_state[grid] = typed
    at = click(at, "Lưu")
    assert STALE in errors(at)
    assert at.data_editor[0].key == grid
    assert at.session_state[grid]["edited_rows"] == typed["edited_rows"]
    saved = reports.values_of(demo_store.db(), draft_report)
    assert "999999" not in {str(v) for tab in saved.values() for v in tab.values()}


def test_after_reload_the_tab_drops_the_draft_and_saves(app, demo_store, staff, draft_report):
    at = open_report(app, draft_report)
    grid = at.data_editor[0].key
    row, title = first_cell_title(demo_store, staff, draft_report)
    someone_else_edits_the_report(demo_store.db(), staff, draft_report)
    at.session_state[grid] = {
        "edited_rows": {row: {title: "999999"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at = click(click(at, "Lưu"), "Tải lại")
    assert at.data_editor[0].key != grid
    at = click(at, "Lưu")
    assert not errors(at)
    assert any(t.startswith("Đã lưu") for t in toasts(at))


def test_deleting_a_report_after_someone_else_saved_is_refused_until_reloaded(
    app, demo_store, staff, draft_report
):
    at = click(open_report(app, draft_report), "Xoá")
    someone_else_edits_the_report(demo_store.db(), staff, draft_report)
    at = click(at, "Xác nhận")
    assert STALE in errors(at)
    assert demo_store.db().reports.get(draft_report) is not None
    at = click(click(at, "Tải lại"), "Xác nhận")
    assert not errors(at)
    assert demo_store.db().reports.get(draft_report) is None


# -- accounts ---------------------------------------------------------------------------------


@pytest.fixture
def account(demo_store, hanoi_admin: Actor) -> users.User:
    cccd = f"001091{990000 + next(_serial):06d}"
    draft = UserDraft(
        cccd, "Nguyễn Văn Phiên", hanoi_admin.unit_id, "USER", "Cán bộ", "CHUYEN_VIEN"
    )
    return users.create(demo_store.db(), hanoi_admin, draft).user


def someone_else_updates(db: Db, admin: Actor, account) -> None:
    current = db.users.get(account.id)
    users.update(
        db, admin, account.id, current.unit_id, "USER", "Người khác sửa", "CHUYEN_VIEN",
        current.version,
    )  # fmt: skip


def test_an_account_update_after_someone_else_saved_is_refused_and_kept(
    app, demo_store, hanoi_admin, account
):
    at = open_dialog(app, HANOI_ADMIN, "pages/users.py", "update", account.id)
    someone_else_updates(demo_store.db(), hanoi_admin, account)
    field(at, "Chức vụ *").input("Tôi sửa")
    at = click(at, "Lưu")
    assert STALE in errors(at)
    assert field(at, "Chức vụ *").value == "Tôi sửa"
    assert demo_store.db().users.get(account.id).position == "Người khác sửa"
    at = click(at, "Tải lại")
    assert field(at, "Chức vụ *").value == "Người khác sửa"
    field(at, "Chức vụ *").input("Tôi sửa")
    at = click(at, "Lưu")
    assert markdown_literal("Cập nhật người dùng thành công!") in toasts(at)
    assert demo_store.db().users.get(account.id).position == "Tôi sửa"


@pytest.mark.parametrize("dialog", ["reset", "delete"])
def test_an_account_action_after_someone_else_saved_is_refused_until_reloaded(
    app, demo_store, hanoi_admin, account, dialog
):
    at = open_dialog(app, HANOI_ADMIN, "pages/users.py", dialog, account.id)
    someone_else_updates(demo_store.db(), hanoi_admin, account)
    at = click(at, "Xác nhận")
    assert STALE in errors(at)
    assert demo_store.db().users.get(account.id).active
    at = click(click(at, "Tải lại"), "Xác nhận")
    assert not errors(at)
    if dialog == "reset":
        assert any("Mật khẩu mới" in i.value for i in at.info)
    else:
        assert not demo_store.db().users.get(account.id).active


# -- the congress date ------------------------------------------------------------------------


def test_the_congress_dialog_after_someone_else_saved_is_refused_and_kept(app, demo_store):
    db = demo_store.db()
    commune = actor_of(demo_store, COMMUNE_STAFF)
    hanoi = db.calendar.get("NK_2025_2030", db.units.by_code("01000000").id)["held_on"]
    own = calendar.own(db, commune)
    if own.congress is None or own.congress.held_on is None:
        draft = CongressDraft(hanoi - timedelta(days=50), None, "Hội trường A", "Bổ sung")
        calendar.choose(db, commune, draft, own.congress.version if own.congress else None)
    at = open_dialog(app, COMMUNE_STAFF, "pages/calendar_choose.py", "choose", None)
    current = calendar.own(db, commune).congress
    other = CongressDraft(current.held_on, None, "Hội trường người khác", "Người khác sửa")
    calendar.choose(db, commune, other, current.version)
    {t.label: t for t in at.text_input}["Địa điểm"].input("Hội trường của tôi")
    {t.label: t for t in at.text_area}["Lý do"].input("Tôi sửa")
    at = click(at, "Xác nhận")
    assert STALE in errors(at)
    assert field(at, "Địa điểm").value == "Hội trường của tôi"
    assert calendar.own(db, commune).congress.venue == "Hội trường người khác"
    at = click(at, "Tải lại")
    assert field(at, "Địa điểm").value == "Hội trường người khác"
    field(at, "Địa điểm").input("Hội trường của tôi")
    {t.label: t for t in at.text_area}["Lý do"].input("Tôi sửa")
    at = click(at, "Xác nhận")
    assert not errors(at)
    assert calendar.own(db, commune).congress.venue == "Hội trường của tôi"
