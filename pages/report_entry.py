"""Tạo lập báo cáo: my unit's reports, the general information, entry tab by tab, send."""

from __future__ import annotations

import streamlit as st

from core import clock, functions, report_queries, report_types, reports
from core.errors import DomainError, StaleVersion
from core.formats import moment, number
from core.markup import markdown_literal
from core.report_flow import CONFIRM, FLOW, SUCCESS
from pages.components import dialogs, report_view, session, versions

actor = session.require_page(functions.REPORT_CREATE)
db = session.db()
store = session.store()
OPEN, TAB, ERRORS = "report_open", "report_tab", "report_errors"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TERMS = {t["code"]: t["name"] for t in report_types.terms(db)}
REQUIRED = {t.code: t.name for t in report_types.required_templates(db, actor)}
STATES = {"": "Tất cả trạng thái", **FLOW.state_labels}


def version_key(report_id: int) -> str:
    """The tabs, the upload and the send or delete of one open report share the version the
    report had when it was opened; the information dialog keeps its own from its opening."""
    return f"report_{report_id}"


def open_report(report_id: int | None) -> None:
    for opened in {st.session_state.get(OPEN), report_id} - {None}:
        versions.forget(version_key(int(opened)))
    st.session_state[OPEN] = report_id
    st.session_state.pop(TAB, None)
    st.session_state.pop(ERRORS, None)


@st.dialog("Thêm mới báo cáo", width="large", on_dismiss=dialogs.close)
def add_dialog(_: int | None) -> None:
    with st.form("bao_cao_moi"):
        code = st.selectbox(
            "Loại báo cáo *",
            list(REQUIRED),
            format_func=REQUIRED.get,
            index=None,
            placeholder="Chọn loại báo cáo",
        )
        term = st.selectbox("Nhiệm kỳ *", list(TERMS), format_func=TERMS.get)
        when = st.date_input("Ngày tạo báo cáo *", value=clock.now().date(), format="DD/MM/YYYY")
        creator = st.text_input("Người tạo báo cáo *", value=actor.full_name)
        organizer = st.text_input("Ban tổ chức *")
        provincial = st.text_input("Ban tổ chức Tỉnh (Thành) ủy")
        save, cancel, _ = st.columns([1, 1, 5])
        if cancel.form_submit_button("Huỷ", width="stretch"):
            dialogs.finish()
        if not save.form_submit_button("Lưu", type="primary", width="stretch"):
            return
    info = reports.ReportInfo(code or "", term, when, creator, organizer, provincial)
    try:
        report_id = reports.create(db, actor, info)
    except reports.AlreadyCreated as exc:
        st.session_state["_toast"] = str(exc)
        open_report(exc.report_id)
        dialogs.finish()
        return
    except DomainError as exc:
        st.error(markdown_literal(exc))
        return
    st.session_state["_toast"] = "Thêm mới báo cáo thành công"
    open_report(report_id)
    dialogs.finish()


@st.dialog("Xác nhận", on_dismiss=dialogs.close)
def confirm_dialog(report_id: int) -> None:
    action, seen = st.session_state["report_action"]
    key = version_key(report_id)
    version = versions.opened_version(key, seen)
    st.write(CONFIRM[action])
    if action == "delete":

        def act() -> None:
            reports.delete(db, actor, report_id, version)
            open_report(None)
    else:

        def act() -> None:
            reports.transition(db, actor, report_id, action, expected_version=version)

    dialogs.confirm_buttons(
        act, SUCCESS[action], lambda a, ok: versions.attempt(key, a, ok), version_key=key
    )


@st.dialog("Chỉnh sửa thông tin chung", width="large", on_dismiss=dialogs.close)
def info_dialog(report_id: int) -> None:
    rec = reports.detail(db, actor, report_id).record
    version = dialogs.opened_version(rec["version"])
    versions.stale_notice(dialogs.VERSION)
    form = dialogs.draft_key("thong_tin_chung")
    with st.form(form):
        when = st.date_input(
            "Ngày tạo báo cáo *",
            value=rec["report_date"],
            format="DD/MM/YYYY",
            key=f"{form}_date",
        )
        creator = st.text_input(
            "Người tạo báo cáo *", value=rec["creator_name"], key=f"{form}_creator"
        )
        organizer = st.text_input("Ban tổ chức *", value=rec["organizer"], key=f"{form}_org")
        provincial = st.text_input(
            "Ban tổ chức Tỉnh (Thành) ủy",
            value=rec["provincial_organizer"] or "",
            key=f"{form}_provincial",
        )
        save, cancel, _ = st.columns([1, 1, 5])
        if cancel.form_submit_button("Huỷ", width="stretch"):
            dialogs.finish()
        if not save.form_submit_button("Lưu", type="primary", width="stretch"):
            return
    info = reports.ReportInfo(
        rec["template_code"], rec["term_code"], when, creator, organizer, provincial
    )
    if dialogs.attempt(
        lambda: reports.update_info(db, actor, report_id, info, version),
        "Cập nhật thông tin chung thành công",
    ):
        versions.saved_over(version_key(report_id), version)
        dialogs.finish()


def ask(action: str, report_id: int, version: int) -> None:
    st.session_state["report_action"] = (action, version)
    dialogs.open_dialog("confirm", report_id)


def returned_notice() -> None:
    for rec in report_queries.returned(db, actor):
        with st.container(border=True):
            st.markdown(
                f"**{markdown_literal(rec['template_name'])}** bị cấp trên yêu cầu chỉnh sửa "
                f"({moment(rec['updated_at'])}): {markdown_literal(rec['last_reason'])}"
            )
            st.button(
                "Mở báo cáo để chỉnh sửa",
                key=f"fix_{rec['id']}",
                on_click=open_report,
                args=(rec["id"],),
            )


def report_list() -> None:
    returned_notice()
    a, b, c, d = st.columns([2, 3, 2, 1])
    term = a.selectbox("Nhiệm kỳ", list(TERMS), format_func=TERMS.get)
    kind = b.selectbox(
        "Loại báo cáo", ["", *REQUIRED], format_func={"": "Tất cả loại báo cáo", **REQUIRED}.get
    )
    state = c.selectbox("Trạng thái", list(STATES), format_func=STATES.get)
    d.button(
        "Thêm mới",
        type="primary",
        icon=":material/add:",
        width="stretch",
        on_click=dialogs.open_dialog,
        args=("add", None),
    )
    frame, total = report_queries.own_list(db, actor, term, kind, state, 1, 50)
    st.subheader("Danh sách báo cáo các cấp Đảng bộ")
    if total == 0:
        st.info("Đơn vị chưa có báo cáo nào. Nhấn **Thêm mới** để tạo báo cáo.")
        return
    event = st.dataframe(
        {
            "STT": list(range(1, frame.height + 1)),
            "Nhiệm kỳ": frame["term_name"].to_list(),
            "Tên báo cáo": frame["template_name"].to_list(),
            "Thời gian cập nhật": [moment(t) for t in frame["updated_at"]],
            "Trạng thái": [FLOW.label(s) for s in frame["state"]],
        },
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key=f"own_{term}_{kind}_{state}",
    )
    st.caption(f"Tổng số {number(total)} báo cáo · chọn một dòng để mở")
    if event.selection.rows:
        open_report(int(frame["id"][event.selection.rows[0]]))
        st.rerun()


def entry(view: reports.ReportView, version: int) -> None:
    rec, template = view.record, view.template
    key = version_key(rec["id"])
    keys = [t.key for t in template.tabs]
    titles = {t.key: t.title for t in template.tabs}
    current = st.session_state.get(TAB) or keys[0]
    current = (
        st.segmented_control(
            "Tab",
            keys,
            format_func={k: markdown_literal(v) for k, v in titles.items()}.get,
            default=current,
            key=f"seg_{rec['id']}_{current}",
            label_visibility="collapsed",
        )
        or current
    )
    st.session_state[TAB] = current
    tab = template.tab(current)
    groups = [r.key for r in tab.rows if any(x.parent == r.key for x in tab.rows)]
    labels = {r.key: r.label for r in tab.rows}
    hidden = (
        set()
        if not groups
        else set(
            st.pills(
                "Thu gọn nhóm chỉ tiêu",
                groups,
                selection_mode="multi",
                format_func={k: markdown_literal(v) for k, v in labels.items()}.get,
                key=f"fold_{rec['id']}_{current}",
            )
            or []
        )
    )
    errors = st.session_state.get(ERRORS, {}).get(current)
    if errors:
        st.error(f"{len(errors)} ô chưa hợp lệ, số liệu của tab chưa được lưu:")
        report_view.errors_table(tab, errors)
    with st.expander("Xem theo mẫu biểu (tiêu đề nhóm cột)"):
        st.markdown(
            report_view.table_html(tab, view.values.get(current, {}), None, hidden),
            unsafe_allow_html=True,
        )
    versions.stale_notice(key, "entry")
    typed = report_view.editor(
        tab, view.values.get(current, {}), versions.draft_key(key, f"ed_{current}"), hidden
    )
    back, save, _ = st.columns([1, 1, 5])
    if back.button("Quay lại", width="stretch"):
        open_report(None)
        st.rerun()
    if save.button("Lưu", type="primary", width="stretch"):
        try:
            reports.save_tab(db, actor, rec["id"], current, typed, version)
        except reports.CellsInvalid as exc:
            st.session_state[ERRORS] = {current: exc.errors}
            st.rerun()
        except StaleVersion:
            versions.refused(key)
            return
        except DomainError as exc:
            st.error(markdown_literal(exc))
            return
        versions.forget(key)
        st.session_state[ERRORS] = {}
        st.session_state["_toast"] = f"Đã lưu {titles[current]}"
        nxt = keys.index(current) + 1
        st.session_state[TAB] = keys[nxt] if nxt < len(keys) else current
        st.rerun()
    if errors:
        st.markdown(report_view.table_html(tab, typed, errors, hidden), unsafe_allow_html=True)


def excel_tools(view: reports.ReportView, version: int) -> None:
    rec = view.record
    key = version_key(rec["id"])
    a, b = st.columns(2)
    a.download_button(
        "Tải báo cáo (Excel)",
        lambda: reports.excel(store.db(), actor, rec["id"]),
        file_name=f"bao_cao_{rec['id']}.xlsx",
        mime=XLSX,
        on_click="ignore",
        icon=":material/download:",
        width="stretch",
    )
    if view.editable:
        b.download_button(
            "Tải mẫu trống để nhập offline",
            lambda: reports.blank_form(
                store.db(), actor, rec["template_code"], view.template.version
            ),
            file_name=f"mau_{rec['template_code'].lower()}.xlsx",
            mime=XLSX,
            on_click="ignore",
            icon=":material/description:",
            width="stretch",
        )
        upload = st.file_uploader(
            "Tải lên mẫu đã điền (.xlsx)", type=["xlsx"], key=versions.draft_key(key, "upload")
        )
        if upload is not None and st.button("Nhập số liệu từ tệp", type="primary"):
            try:
                reports.upload(db, actor, rec["id"], upload.getvalue(), version)
            except reports.UploadRejected as exc:
                st.error(markdown_literal(exc))
                st.dataframe(
                    {
                        "Trang": [e.sheet for e in exc.errors],
                        "Ô": [e.address for e in exc.errors],
                        "Lỗi": [e.message for e in exc.errors],
                    },
                    hide_index=True,
                )
                return
            except StaleVersion:
                versions.refused(key)
                return
            except DomainError as exc:
                st.error(markdown_literal(exc))
                return
            versions.reload(key)  # the tabs now hold the file's figures: drop what was typed
            st.session_state["_toast"] = "Đã nhập số liệu từ tệp Excel"
            st.rerun()


def report_detail(report_id: int) -> None:
    view = session.attempt(lambda: reports.detail(db, actor, report_id))
    if not view:
        open_report(None)
        return
    rec = view.record
    version = versions.opened_version(version_key(rec["id"]), rec["version"])
    st.button("← Danh sách báo cáo", on_click=open_report, args=(None,))
    st.subheader(markdown_literal(rec["template_name"]))
    report_view.reason_banner(rec)
    with st.container(border=True):
        st.markdown("**Thông tin chung**")
        report_view.info_block(rec)
        if view.editable:
            st.button(
                "Chỉnh sửa",
                icon=":material/edit:",
                on_click=dialogs.open_dialog,
                args=("info", rec["id"]),
            )
    buttons = st.columns(4)
    for column, step in zip(buttons, view.actions, strict=False):
        column.button(
            step.label,
            type="primary",
            width="stretch",
            key=f"act_{step.action}",
            on_click=ask,
            args=(step.action, rec["id"], version),
        )
    if rec["state"] == "DRAFT" and view.editable:
        buttons[-1].button(
            "Xoá",
            icon=":material/delete:",
            width="stretch",
            on_click=ask,
            args=("delete", rec["id"], version),
        )
    st.markdown("**Chi tiết báo cáo các cấp Đảng bộ**")
    if view.editable:
        entry(view, version)
    else:
        report_view.show_all_tabs(view.template, view.values)
    with st.expander("Excel: tải báo cáo, mẫu trống, nhập từ tệp"):
        excel_tools(view, version)
    with st.expander("Lịch sử xử lý"):
        report_view.history_table(view.history)


st.title("Tạo lập báo cáo")
if not REQUIRED:
    st.info("Cấp đơn vị của bạn không phải nộp loại báo cáo nào trong nhiệm kỳ.")
elif st.session_state.get(OPEN):
    report_detail(int(st.session_state[OPEN]))
else:
    report_list()
dialogs.show({"add": add_dialog, "confirm": confirm_dialog, "info": info_dialog})
