"""Phê duyệt báo cáo: what the direct subordinates sent up, with approve / reject / cancel."""

from __future__ import annotations

import streamlit as st

from core import functions, report_queries, report_types, reports
from core.formats import moment, number
from core.markup import markdown_literal
from core.report_flow import CONFIRM, FLOW, PENDING, SUCCESS
from pages.components import dialogs, report_view, session

actor = session.require_page(functions.REPORT_APPROVE)
db = session.db()
store = session.store()
VIEW, PAGE = "approval_view", "approval_page"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UNITS = dict(report_queries.subordinate_options(db, actor))
UNIT_LABELS = {None: "Tất cả cơ sở Đảng", **UNITS}
TEMPLATES = {code: t.name for code, t in report_types.all_templates(db).items()}
STATES = {"": "Tất cả trạng thái", **{k: v for k, v in FLOW.state_labels.items() if k != "DRAFT"}}


@st.dialog("Xác nhận", on_dismiss=dialogs.close)
def act_dialog(report_id: int) -> None:
    action, version = st.session_state["approval_action"]
    st.write(CONFIRM[action])
    reason = None
    if action in ("reject", "cancel_approval"):
        reason = st.text_area("Lý do *", placeholder="Nêu rõ nội dung cần chỉnh sửa")
    dialogs.confirm_buttons(
        lambda: reports.transition(db, actor, report_id, action, reason, version),
        SUCCESS[action],
        session.attempt,
    )


@st.dialog("Phê duyệt các báo cáo đã chọn", on_dismiss=dialogs.close)
def bulk_dialog(_: int | None) -> None:
    chosen = st.session_state.get("approval_chosen", [])
    st.write(f"Bạn có muốn phê duyệt {len(chosen)} báo cáo đã chọn không?")
    cancel, ok = st.columns(2)
    if cancel.button("Huỷ", width="stretch"):
        dialogs.finish()
    if ok.button("Xác nhận", type="primary", width="stretch"):
        done, failures = reports.approve_many(db, actor, chosen)
        for failure in failures:
            st.error(markdown_literal(failure))
        if not failures:
            st.session_state["_toast"] = f"Phê duyệt {done} báo cáo thành công"
            dialogs.finish()
        st.success(f"Đã phê duyệt {done} báo cáo")


def ask(action: str, report_id: int, version: int) -> None:
    st.session_state["approval_action"] = (action, version)
    dialogs.open_dialog("act", report_id)


def queue_table() -> None:
    a, b, c = st.columns([3, 4, 2])
    unit = a.selectbox("Cơ sở Đảng", [None, *UNITS], format_func=UNIT_LABELS.get)
    kind = b.selectbox(
        "Tên báo cáo", ["", *TEMPLATES], format_func={"": "Tất cả báo cáo", **TEMPLATES}.get
    )
    state = c.selectbox(
        "Trạng thái", list(STATES), format_func=STATES.get, index=list(STATES).index(PENDING)
    )
    size = st.session_state.get("approval_size", 10)
    page = st.session_state.get(PAGE, 1)
    frame, total = report_queries.queue(db, actor, unit, kind, state, page, size)
    pages = max(1, -(-total // size))
    st.subheader("Danh sách báo cáo các cấp Đảng bộ cấp dưới")
    if total == 0:
        st.info(
            "Không có báo cáo nào chờ bạn xử lý"
            if state == PENDING
            else "Không có báo cáo phù hợp với điều kiện tìm kiếm"
        )
        return
    event = st.dataframe(
        {
            "STT": list(range((page - 1) * size + 1, (page - 1) * size + frame.height + 1)),
            "Tên cơ sở Đảng": frame["unit_name"].to_list(),
            "Nhiệm kỳ": frame["term_name"].to_list(),
            "Tên báo cáo": frame["template_name"].to_list(),
            "Ngày cập nhật": [moment(t) for t in frame["updated_at"]],
            "Trạng thái": [FLOW.label(s) for s in frame["state"]],
        },
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="multi-row",
        key=f"queue_{unit}_{kind}_{state}_{page}_{size}",
    )
    x, y, z, w = st.columns([3, 1, 1, 2])
    x.caption(f"Tổng số {number(total)} báo cáo")
    y.selectbox(
        "Số dòng",
        report_queries.PAGE_SIZES,
        key="approval_size",
        format_func=PAGE_LABELS.get,
        label_visibility="collapsed",
    )
    z.number_input("Trang", 1, pages, key=PAGE, label_visibility="collapsed")
    w.download_button(
        "Tải danh sách (Excel)",
        lambda: report_queries.queue_excel(store.db(), actor, unit, kind, state),
        file_name="bao_cao_cap_duoi.xlsx",
        mime=XLSX,
        on_click="ignore",
        width="stretch",
        icon=":material/download:",
    )
    picked = [int(frame["id"][i]) for i in event.selection.rows]
    pending = [
        i
        for i, s in zip(frame["id"], frame["state"], strict=True)
        if int(i) in picked and s == PENDING
    ]
    if len(picked) == 1:
        st.session_state[VIEW] = picked[0]
    if len(pending) > 1:
        st.session_state["approval_chosen"] = [int(i) for i in pending]
        st.button(
            f"Phê duyệt {len(pending)} báo cáo đã chọn",
            type="primary",
            on_click=dialogs.open_dialog,
            args=("bulk", None),
        )


def report_panel(report_id: int) -> None:
    view = session.attempt(lambda: reports.detail(db, actor, report_id))
    if not view:
        st.session_state.pop(VIEW, None)
        return
    rec = view.record
    with st.container(border=True):
        st.subheader(markdown_literal(f"{rec['template_name']} — {rec['unit_name']}"))
        report_view.reason_banner(rec)
        report_view.info_block(rec)
        cols = st.columns(4)
        for column, step in zip(cols, view.actions, strict=False):
            column.button(
                step.label,
                type="primary" if step.action == "approve" else "secondary",
                width="stretch",
                key=f"q_{step.action}_{rec['id']}",
                on_click=ask,
                args=(step.action, rec["id"], rec["version"]),
            )
        cols[-1].download_button(
            "Tải báo cáo",
            lambda: reports.excel(store.db(), actor, rec["id"]),
            file_name=f"bao_cao_{rec['id']}.xlsx",
            mime=XLSX,
            on_click="ignore",
            icon=":material/download:",
            width="stretch",
            key=f"dl_{rec['id']}",
        )
        report_view.show_all_tabs(view.template, view.values)
        with st.expander("Lịch sử xử lý"):
            report_view.history_table(view.history)


PAGE_LABELS = {n: f"{n} / trang" for n in report_queries.PAGE_SIZES}
st.title("Phê duyệt báo cáo")
queue_table()
if st.session_state.get(VIEW):
    report_panel(int(st.session_state[VIEW]))
dialogs.show({"act": act_dialog, "bulk": bulk_dialog})
