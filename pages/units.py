"""Quản lý đơn vị: the tree level by level, search, detail, and every edit in a dialog."""

from __future__ import annotations

import polars as pl
import streamlit as st

from core import functions, hierarchy, restructure
from core.formats import number
from core.markup import markdown_literal
from pages.components import dialogs, session, unit_form, versions
from pages.components.pickers import unit_picker

actor = session.require_page(functions.UNIT_MANAGE)
db = session.db()
store = session.store()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
catalogs = hierarchy.catalogs(db)
LEVELS = {r["code"]: r["name"] for r in catalogs["levels"]}
EXPANDED, SELECTED = "units_expanded", "units_selected"
st.session_state.setdefault(EXPANDED, [])


def select(unit_id: int) -> None:
    st.session_state[SELECTED] = unit_id


def toggle(unit_id: int) -> None:
    opened = st.session_state[EXPANDED]
    st.session_state[EXPANDED] = (
        [i for i in opened if i != unit_id] if unit_id in opened else [*opened, unit_id]
    )


def confirm(question: str, action, success: str) -> None:
    st.markdown(question)
    dialogs.confirm_buttons(action, success, dialogs.attempt)


@st.dialog("Thêm mới đơn vị", width="large", on_dismiss=dialogs.close)
def add_dialog(parent_id: int) -> None:
    parent = hierarchy.get_unit(db, actor, parent_id)
    st.caption(f"Đơn vị cấp trên: **{markdown_literal(parent.name)}**")
    defaults = hierarchy.child_defaults(db, parent)
    draft = unit_form.show(catalogs, "add_unit", defaults, dialogs.finish)
    if draft and session.attempt(
        lambda: hierarchy.add_unit(db, actor, parent.id, draft), "Thêm mới đơn vị thành công"
    ):
        if parent.id not in st.session_state[EXPANDED]:
            toggle(parent.id)
        dialogs.finish()


@st.dialog("Cập nhật đơn vị", width="large", on_dismiss=dialogs.close)
def update_dialog(unit_id: int) -> None:
    unit = hierarchy.get_unit(db, actor, unit_id)
    version = dialogs.opened_version(unit.version)
    versions.stale_notice(dialogs.VERSION)
    locked = hierarchy.locked_fields(actor, unit)
    draft = unit_form.show(catalogs, dialogs.draft_key("update_unit"), unit, dialogs.finish, locked)
    if draft and dialogs.attempt(
        lambda: hierarchy.update_unit(db, actor, unit.id, draft, version),
        "Cập nhật đơn vị thành công",
    ):
        dialogs.finish()


@st.dialog("Xoá đơn vị", on_dismiss=dialogs.close)
def delete_dialog(unit_id: int) -> None:
    unit = hierarchy.get_unit(db, actor, unit_id)
    version = dialogs.opened_version(unit.version)

    def act() -> None:
        hierarchy.delete_unit(db, actor, unit.id, version)
        st.session_state.pop(SELECTED, None)

    confirm(
        f"Bạn chắc chắn muốn xoá đơn vị **{markdown_literal(unit.name)}** không?",
        act,
        "Xoá đơn vị thành công",
    )


@st.dialog("Thay đổi trạng thái hoạt động", on_dismiss=dialogs.close)
def active_dialog(unit_id: int) -> None:
    unit = hierarchy.get_unit(db, actor, unit_id)
    version = dialogs.opened_version(unit.version)
    verb = "kích hoạt lại" if not unit.active else "ngừng hoạt động"
    confirm(
        f"Bạn chắc chắn muốn {verb} đơn vị **{markdown_literal(unit.name)}** không?",
        lambda: hierarchy.set_active(db, actor, unit.id, not unit.active, version),
        f"Đã {verb} đơn vị",
    )


@st.dialog("Di chuyển đơn vị", width="large", on_dismiss=dialogs.close)
def move_dialog(unit_id: int) -> None:
    unit = hierarchy.get_unit(db, actor, unit_id)
    version = dialogs.opened_version(unit.version)
    st.write(
        f"Chuyển **{markdown_literal(unit.name)}** cùng toàn bộ đơn vị cấp dưới sang đơn vị "
        "cấp trên mới."
    )
    target = unit_picker(db, actor, "Đơn vị cấp trên mới *", "move", exclude={unit.id})
    if target is not None:
        confirm(
            "Xác nhận di chuyển?",
            lambda: restructure.move_unit(db, actor, unit.id, target, version),
            "Di chuyển đơn vị thành công",
        )


@st.dialog("Sáp nhập đơn vị", width="large", on_dismiss=dialogs.close)
def merge_dialog(target_id: int) -> None:
    target = hierarchy.get_unit(db, actor, target_id)
    st.write(
        f"Các đơn vị được chọn sẽ sáp nhập vào **{markdown_literal(target.name)}**: đơn vị "
        "cấp dưới, công "
        "việc đang mở và tài khoản chuyển sang đơn vị này; đơn vị cũ ngừng hoạt động và "
        "được lưu trong lịch sử."
    )
    text = st.text_input("Tìm đơn vị sáp nhập", placeholder="Nhập tên hoặc mã đơn vị")
    matches = session.attempt(lambda: hierarchy.find_units(db, actor, text)) or []
    found = [u for u in matches if u.id not in (target.id, actor.unit_id)]
    chosen = st.multiselect(
        "Đơn vị sáp nhập *",
        [u.id for u in found],
        placeholder="Chọn các đơn vị sáp nhập",
        format_func={u.id: f"{u.name} ({u.code})" for u in found}.get,
    )
    if chosen:
        confirm(
            f"Sáp nhập {len(chosen)} đơn vị vào **{markdown_literal(target.name)}**?",
            lambda: restructure.merge_units(db, actor, chosen, target.id),
            "Sáp nhập đơn vị thành công",
        )


def tree_table() -> None:
    rows = hierarchy.tree_rows(db, actor, set(st.session_state[EXPANDED]))
    frame = pl.DataFrame(
        {
            "Đơn vị": [
                "\u2003\u2003" * (r.unit.depth - rows[0].unit.depth)
                + ("▾ " if r.expanded and r.has_children else "▸ " if r.has_children else "• ")
                + r.unit.name
                for r in rows
            ],
            "Mã": [r.unit.code for r in rows],
            "Cấp": [LEVELS.get(r.unit.level_code, r.unit.level_code) for r in rows],
            "Trạng thái": ["Hoạt động" if r.unit.active else "Ngừng hoạt động" for r in rows],
        }
    )
    event = st.dataframe(
        frame,
        on_select="rerun",
        selection_mode="single-row",
        hide_index=True,
        width="stretch",
        height=560,
        column_config={"Đơn vị": st.column_config.TextColumn(width="large")},
        key=f"tree_{hash(tuple(st.session_state[EXPANDED]))}",
    )
    picked = event.selection.rows
    if picked:
        row = rows[picked[0]]
        if st.session_state.get(SELECTED) != row.unit.id:
            select(row.unit.id)
            if row.has_children and not row.expanded:
                toggle(row.unit.id)
            st.rerun()


def action(column, label: str, dialog: str, unit_id: int, icon: str) -> None:
    column.button(
        label,
        icon=icon,
        width="stretch",
        on_click=dialogs.open_dialog,
        args=(dialog, unit_id),
        key=f"{dialog}_{unit_id}",
    )


def detail_panel(unit_id: int) -> None:
    d = session.attempt(lambda: hierarchy.detail(db, actor, unit_id))
    if not d:
        st.session_state.pop(SELECTED, None)
        return
    u = d.unit
    st.subheader(markdown_literal(u.name))
    st.caption(markdown_literal(" › ".join(d.path_names)))
    if not u.active:
        st.warning(
            "Đơn vị đã ngừng hoạt động"
            + (
                f"; đã sáp nhập vào **{markdown_literal(d.successor_name)}**"
                if d.successor_name
                else ""
            )
        )
    info = {
        "Mã": u.code,
        "Cấp": d.level_name,
        "Loại": d.type_name,
        "Đơn vị cấp trên": d.parent_name or "—",
        "Tỉnh/Thành phố": u.province or "—",
        "Huyện (trước 01/07/2025)": u.district or "—",
        "Xã/Phường": u.commune or "—",
        "Địa chỉ chi tiết": u.address or "—",
        "Mô tả chi tiết": u.description or "—",
        "Số đơn vị cấp dưới": number(d.children),
        "Số tài khoản": number(d.users),
    }
    values = [markdown_literal(v) for v in info.values()]  # st.table renders markdown
    st.table(pl.DataFrame({"Thông tin": list(info), "Giá trị": values}))
    a, b = st.columns(2)
    if u.active:
        action(a, "Thêm đơn vị cấp dưới", "add", u.id, ":material/add:")
    action(b, "Cập nhật", "update", u.id, ":material/edit:")
    if u.id != actor.unit_id:
        a, b = st.columns(2)
        action(a, "Xóa", "delete", u.id, ":material/delete:")
        action(
            b,
            "Kích hoạt lại" if not u.active else "Ngừng hoạt động",
            "active",
            u.id,
            ":material/block:",
        )
        if u.active:
            a, b = st.columns(2)
            action(a, "Di chuyển", "move", u.id, ":material/drive_file_move:")
            action(b, "Sáp nhập vào đây", "merge", u.id, ":material/merge:")
    if d.children:
        st.button(
            "Thu gọn cấp dưới" if u.id in st.session_state[EXPANDED] else "Mở cấp dưới",
            icon=":material/unfold_more:",
            width="stretch",
            on_click=toggle,
            args=(u.id,),
        )


st.title("Quản lý đơn vị")
top_left, top_mid, top_right = st.columns([4, 1, 1])
query = top_left.text_input(
    "Tìm kiếm đơn vị", placeholder="Nhập tên hoặc mã đơn vị", label_visibility="collapsed"
)
top_mid.download_button(
    "Tải Excel",
    lambda: hierarchy.export_xlsx(store.db(), actor),
    file_name="danh_sach_don_vi.xlsx",
    icon=":material/download:",
    width="stretch",
    mime=XLSX,
    on_click="ignore",
)
top_right.button(
    "Thêm mới",
    type="primary",
    icon=":material/add:",
    width="stretch",
    on_click=dialogs.open_dialog,
    args=("add", st.session_state.get(SELECTED, actor.unit_id)),
)

left, right = st.columns([11, 9], gap="medium")
with left:
    if query.strip():
        found = session.attempt(lambda: hierarchy.search(db, actor, query)) or []
        if not found:
            st.info("Không tìm thấy đơn vị phù hợp")
        for unit in found:
            st.button(
                markdown_literal(f"{unit.name} · {unit.code}"),
                key=f"found_{unit.id}",
                on_click=select,
                args=(unit.id,),
                width="stretch",
            )
    else:
        tree_table()
with right:
    if st.session_state.get(SELECTED):
        detail_panel(st.session_state[SELECTED])
    else:
        st.info("Chọn một đơn vị trong cây để xem chi tiết")

dialogs.show(
    {
        "add": add_dialog,
        "update": update_dialog,
        "delete": delete_dialog,
        "active": active_dialog,
        "move": move_dialog,
        "merge": merge_dialog,
    }
)
