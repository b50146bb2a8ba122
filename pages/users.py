"""Quản lý người dùng: search, list, detail, add, update, delete; roles for the root's admins."""

from __future__ import annotations

import streamlit as st

from core import functions, lockout, users
from core.formats import number
from core.markup import markdown_literal
from core.model import ACCOUNT_TYPES, UserDraft
from pages.components import dialogs, session, versions
from pages.components.pickers import unit_picker

actor = session.require_page(functions.USER_MANAGE)
db = session.db()
store = session.store()
ROLES = {r["code"]: r for r in users.roles(db)}
ROLE_NAMES = {code: r["name"] for code, r in ROLES.items()} | {"": "Tất cả"}
PAGE_SIZE_LABELS = {n: f"{n} / trang" for n in users.PAGE_SIZES}
FUNCTION_NAMES = {f.code: f"{f.group} › {f.name}" for f in functions.CATALOG}
SELECTED, PAGE = "users_selected", "users_page"


def role_functions(role_code: str | None) -> None:
    role = ROLES.get(role_code or "")
    st.markdown("**Danh sách chức năng**")
    if role is None:
        st.caption("Chọn vai trò để xem các chức năng tương ứng")
        return
    for group, names in functions.grouped(set(role["functions"] or [])).items():
        st.markdown(f"- {group}" + "".join(f"\n    - {n}" for n in names if n != group))


@st.dialog("Thêm mới người dùng", width="large", on_dismiss=dialogs.close)
def add_dialog(_: int | None) -> None:
    left, right = st.columns(2)
    with left:
        cccd = st.text_input("Số căn cước công dân *", max_chars=12)
        name = st.text_input("Họ và tên *")
        unit_id = unit_picker(db, actor, "Đơn vị *", "new_user_unit", default_id=actor.unit_id)
        kind = st.selectbox(
            "Loại tài khoản *", list(ACCOUNT_TYPES), format_func=ACCOUNT_TYPES.get, index=1
        )
        position = st.text_input("Chức vụ *", placeholder="Ví dụ: Cán bộ, Chuyên viên")
        role = st.selectbox(
            "Vai trò *",
            list(ROLES),
            format_func=ROLE_NAMES.get,
            index=None,
            placeholder="Chọn vai trò",
        )
    with right:
        role_functions(role)
    save, cancel, _ = st.columns([1, 1, 6])
    if cancel.button("Hủy", width="stretch"):
        dialogs.finish()
    if save.button("Lưu", type="primary", width="stretch"):
        draft = UserDraft(cccd, name, unit_id or 0, kind, position, role or "")
        created = session.attempt(
            lambda: users.create(db, actor, draft), "Thêm mới người dùng thành công"
        )
        if created:
            st.success(f"Đã tạo tài khoản cho {markdown_literal(created.user.full_name)}.")
            st.info(
                f"Mật khẩu đăng nhập lần đầu: **{markdown_literal(created.initial_password)}** — "
                "chỉ hiển thị "
                "một lần, hãy chuyển cho người dùng; họ sẽ được yêu cầu đổi mật khẩu."
            )


def _detail(user_id: int) -> users.UserDetail | None:
    found = session.attempt(lambda: users.detail(db, actor, user_id))
    if not found:
        dialogs.close()
    return found or None


@st.dialog("Cập nhật người dùng", width="large", on_dismiss=dialogs.close)
def update_dialog(user_id: int) -> None:
    detail = _detail(user_id)
    if detail is None:
        return
    u = detail.user
    version = dialogs.opened_version(u.version)
    versions.stale_notice(dialogs.VERSION)
    left, right = st.columns(2)
    with left:
        st.text_input("Số căn cước công dân", u.cccd, disabled=True)
        st.text_input("Họ và tên", u.full_name, disabled=True)
        unit_id = unit_picker(
            db, actor, "Đơn vị *", dialogs.draft_key("edit_user_unit"), default_id=u.unit_id
        )
        kinds = list(ACCOUNT_TYPES)
        kind = st.selectbox(
            "Loại tài khoản *",
            kinds,
            format_func=ACCOUNT_TYPES.get,
            index=kinds.index(u.account_type),
            key=dialogs.draft_key("edit_user_kind"),
        )
        position = st.text_input("Chức vụ *", u.position, key=dialogs.draft_key("edit_user_pos"))
        codes = list(ROLES)
        role = st.selectbox(
            "Vai trò *",
            codes,
            format_func=ROLE_NAMES.get,
            index=codes.index(u.role_code) if u.role_code in codes else None,
            key=dialogs.draft_key("edit_user_role"),
        )
    with right:
        role_functions(role)
    cancel, save = st.columns(2)
    if cancel.button("Hủy", width="stretch"):
        dialogs.finish()
    if save.button("Lưu", type="primary", width="stretch") and dialogs.attempt(
        lambda: users.update(db, actor, u.id, unit_id or 0, kind, position, role or "", version),
        "Cập nhật người dùng thành công!",
    ):
        dialogs.finish()


@st.dialog("Xoá người dùng", on_dismiss=dialogs.close)
def delete_dialog(user_id: int) -> None:
    detail = _detail(user_id)
    if detail is None:
        return
    version = dialogs.opened_version(detail.user.version)
    name = markdown_literal(detail.user.full_name)
    st.write(f"Bạn chắc chắn muốn xoá tài khoản của **{name}** không?")

    def act() -> None:
        users.delete(db, actor, detail.user.id, version)
        st.session_state.pop(SELECTED, None)

    dialogs.confirm_buttons(act, "Xoá tài khoản thành công", dialogs.attempt)


@st.dialog("Mở khoá tài khoản", on_dismiss=dialogs.close)
def unlock_dialog(user_id: int) -> None:
    detail = _detail(user_id)
    if detail is None:
        return
    name = markdown_literal(detail.user.full_name)
    st.write(f"Mở khoá đăng nhập cho **{name}**? Các lần nhập sai mật khẩu trước đó được xoá.")
    dialogs.confirm_buttons(
        lambda: lockout.unlock(db, actor, detail.user.id),
        "Mở khoá tài khoản thành công",
        session.attempt,
    )


@st.dialog("Cấp lại mật khẩu", on_dismiss=dialogs.close)
def reset_dialog(user_id: int) -> None:
    detail = _detail(user_id)
    if detail is None:
        return
    version = dialogs.opened_version(detail.user.version)
    st.write(
        f"Cấp mật khẩu mới cho **{markdown_literal(detail.user.full_name)}**? "
        "Mật khẩu cũ sẽ không dùng được nữa."
    )
    versions.stale_notice(dialogs.VERSION)
    if st.button("Xác nhận", type="primary"):
        password = dialogs.attempt(lambda: users.reset_password(db, actor, detail.user.id, version))
        if password:
            st.info(f"Mật khẩu mới: **{markdown_literal(password)}** — chỉ hiển thị một lần.")


def detail_panel(user_id: int) -> None:
    d = session.attempt(lambda: users.detail(db, actor, user_id))
    if not d:
        st.session_state.pop(SELECTED, None)
        return
    u = d.user
    st.subheader("Thông tin người dùng")
    info, funcs = st.columns(2)
    info.markdown(
        f"**Số căn cước công dân:** {u.cccd}  \n"
        f"**Họ và tên:** {markdown_literal(u.full_name)}  \n"
        f"**Đơn vị:** {markdown_literal(d.unit_name)}  \n"
        f"**Loại tài khoản:** {ACCOUNT_TYPES[u.account_type]}  \n"
        f"**Chức vụ:** {markdown_literal(u.position or '')}  \n"
        f"**Vai trò:** {markdown_literal(d.role_name or '')}"
    )
    with funcs:
        role_functions(u.role_code)
    for column, (label, name, icon) in zip(
        st.columns(4),
        (
            ("Cập nhật", "update", ":material/edit:"),
            ("Xoá", "delete", ":material/delete:"),
            ("Cấp lại mật khẩu", "reset", ":material/lock_reset:"),
            ("Mở khoá tài khoản", "unlock", ":material/lock_open:"),
        ),
        strict=True,
    ):
        column.button(
            label,
            icon=icon,
            width="stretch",
            key=f"{name}_{u.id}",
            on_click=dialogs.open_dialog,
            args=(name, u.id),
        )


def user_list() -> None:
    with st.container(border=True):
        a, b, c, d = st.columns(4)
        cccd = a.text_input("Số căn cước công dân", key="f_cccd")
        name = b.text_input("Họ và tên", key="f_name")
        with c:
            unit_q = st.text_input("Đơn vị", key="f_unit", placeholder="Tên hoặc mã đơn vị")
        role = d.selectbox("Vai trò", ["", *ROLES], key="f_role", format_func=ROLE_NAMES.get)
    unit_id = None
    if unit_q.strip():
        from core.hierarchy import find_units

        matches = session.attempt(lambda: find_units(db, actor, unit_q, limit=1)) or []
        unit_id = matches[0].id if matches else -1
    size = st.session_state.get("users_size", 10)
    page = st.session_state.get(PAGE, 1)
    frame, total = users.search(
        db, actor, users.UserFilter(cccd, name, unit_id, role or ""), page, size
    )
    pages = max(1, -(-total // size))
    if page > pages:
        st.session_state[PAGE] = page = 1
        frame, total = users.search(
            db, actor, users.UserFilter(cccd, name, unit_id, role or ""), page, size
        )
    if total == 0:
        st.info("Không có tài khoản nào phù hợp với điều kiện tìm kiếm")
        return
    view = frame.select(
        (frame.with_row_index("STT", offset=(page - 1) * size + 1)["STT"]),
        frame["cccd"].alias("Số căn cước công dân"),
        frame["full_name"].alias("Họ và tên"),
        frame["unit_name"].alias("Đơn vị"),
        frame["account_type"].replace_strict(ACCOUNT_TYPES).alias("Loại tài khoản"),
        frame["position"].alias("Chức vụ"),
        frame["role_name"].alias("Vai trò"),
    )
    event = st.dataframe(
        view,
        on_select="rerun",
        selection_mode="single-row",
        hide_index=True,
        width="stretch",
        key=f"users_{page}_{size}_{cccd}_{name}_{role}",
    )
    if event.selection.rows:
        st.session_state[SELECTED] = frame["id"][event.selection.rows[0]]
    a, x, b, c = st.columns([2, 1, 1, 1])
    a.caption(f"Tổng số {number(total)} tài khoản")
    flt = users.UserFilter(cccd, name, unit_id, role or "")
    x.download_button(
        "Tải Excel",
        lambda: users.export_xlsx(store.db(), actor, flt),
        file_name="danh_sach_nguoi_dung.xlsx",
        icon=":material/download:",
        on_click="ignore",
        width="stretch",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    b.selectbox(
        "Số dòng",
        users.PAGE_SIZES,
        key="users_size",
        format_func=PAGE_SIZE_LABELS.get,
        label_visibility="collapsed",
    )
    c.number_input("Trang", 1, pages, key=PAGE, label_visibility="collapsed")


def roles_tab() -> None:
    st.dataframe(
        {
            "Mã vai trò": list(ROLES),
            "Tên vai trò": [r["name"] for r in ROLES.values()],
            "Chức năng": [
                ", ".join(functions.BY_CODE[f].name for f in r["functions"] or [])
                for r in ROLES.values()
            ],
        },
        hide_index=True,
        width="stretch",
    )
    st.subheader("Thêm mới / cập nhật vai trò")
    codes = ["", *ROLES]
    base = st.selectbox(
        "Dựa trên vai trò",
        codes,
        format_func=ROLE_NAMES.get,
        help="Chọn một vai trò để sửa, hoặc để trống để tạo vai trò mới",
    )
    role = ROLES.get(base, {})
    with st.form(f"role_{base}"):
        code = st.text_input("Mã vai trò *", value=role.get("code", ""))
        name = st.text_input("Tên vai trò *", value=role.get("name", ""))
        description = st.text_input("Mô tả", value=role.get("description") or "")
        chosen = st.multiselect(
            "Danh sách chức năng *",
            list(functions.BY_CODE),
            default=role.get("functions") or [],
            format_func=FUNCTION_NAMES.get,
        )
        if st.form_submit_button("Lưu", type="primary") and session.attempt(
            lambda: users.save_role(db, actor, code, name, description, chosen),
            "Lưu vai trò thành công",
        ):
            st.rerun()


def users_tab() -> None:
    st.button(
        "Thêm mới",
        type="primary",
        icon=":material/person_add:",
        on_click=dialogs.open_dialog,
        args=("add", None),
    )
    user_list()
    if st.session_state.get(SELECTED):
        with st.container(border=True):
            detail_panel(int(st.session_state[SELECTED]))
    else:
        st.caption("Chọn một tài khoản trong danh sách để xem chi tiết")


st.title("Quản lý người dùng")
if users.can_define_roles(actor):
    people, role_defs = st.tabs(["Người dùng", "Vai trò"])
    with people:
        users_tab()
    with role_defs:
        roles_tab()
else:
    users_tab()

dialogs.show(
    {
        "add": add_dialog,
        "update": update_dialog,
        "delete": delete_dialog,
        "reset": reset_dialog,
        "unlock": unlock_dialog,
    }
)
