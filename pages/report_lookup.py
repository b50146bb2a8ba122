"""Tra cứu báo cáo: my unit's progress, my subordinates' progress, and the aggregates."""

from __future__ import annotations

import streamlit as st

from core import functions, report_queries, report_types, reports
from core.formats import day, moment, number
from core.markup import markdown_literal
from core.report_flow import FLOW
from pages.components import report_view, session

actor = session.require_page(functions.REPORT_LOOKUP)
db = session.db()
store = session.store()
AGG, UNIT_REPORT = "lookup_aggregate", "lookup_unit_report"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TERMS = {t["code"]: t["name"] for t in report_types.terms(db)}


def show(key: str, value) -> None:
    st.session_state[key] = value
    if key == AGG:
        st.session_state.pop(UNIT_REPORT, None)


def card(column, title: str, percent: int, caption: str, key: str, on_click, args) -> None:
    with column.container(border=True):
        st.markdown(f"**{markdown_literal(title)}**")
        st.progress(percent / 100, text=f"{percent}%")
        st.caption(caption)
        st.button("Xem", key=key, on_click=on_click, args=args, width="stretch")


def in_rows(items: list, per_row: int = 3):
    """Pair each item with a column, three to a row."""
    for start in range(0, len(items), per_row):
        yield from zip(st.columns(per_row), items[start : start + per_row], strict=False)


def progress_lists(term: str) -> None:
    st.subheader("Danh sách báo cáo các cấp Đảng bộ")
    mine = report_queries.my_progress(db, actor, term)
    if not mine:
        st.caption("Cấp đơn vị của bạn không phải nộp báo cáo nào.")
    for col, p in in_rows(mine):
        state = FLOW.label(p.state) if p.state else "Chưa tạo"
        card(
            col,
            p.template.name,
            p.percent,
            f"Trạng thái: {state}",
            f"mine_{p.template.code}",
            show,
            (UNIT_REPORT, p.report_id),
        )
    st.subheader("Danh sách báo cáo các cấp Đảng bộ cấp dưới")
    theirs = report_queries.subordinate_progress(db, actor, term)
    if not theirs:
        st.caption("Không có đơn vị cấp dưới nào phải nộp báo cáo.")
    for col, p in in_rows(theirs):
        timing = (
            f" · {number(p.on_time)} đúng hạn, {number(p.late)} trễ hạn "
            f"(hạn {day(p.template.deadline)})"
            if p.template.deadline
            else ""
        )
        card(
            col,
            p.template.name,
            p.percent,
            f"{number(p.sent)}/{number(p.expected)} đơn vị đã gửi{timing}",
            f"sub_{p.template.code}",
            show,
            (AGG, p.template.code),
        )


def aggregate_view(code: str, term: str) -> None:
    st.button("← Quay lại", on_click=show, args=(AGG, None))
    if functions.REPORT_LOOKUP_AGG not in actor.functions:
        st.error("Bạn không có quyền xem báo cáo tổng hợp")
        return
    approved_only = st.toggle("Chỉ tính báo cáo đã phê duyệt", key="lookup_approved_only")
    agg = session.attempt(lambda: report_queries.aggregate(db, actor, code, term, approved_only))
    if not agg:
        return
    st.subheader(f"Tổng hợp: {markdown_literal(agg.template.name)}")
    states = " và ".join(f"“{FLOW.label(s)}”" for s in agg.counted_states)
    st.info(
        f"Số liệu tổng hợp cộng từng ô các báo cáo ở trạng thái {states} của "
        f"{number(agg.counted)}/{number(agg.expected)} đơn vị cấp dưới phải nộp. Ô tỷ lệ (%), "
        "ngày và văn bản không cộng dồn."
    )
    st.download_button(
        "Tải file excel",
        lambda: report_queries.aggregate_excel(store.db(), actor, code, term, approved_only),
        file_name=f"tong_hop_{code.lower()}.xlsx",
        mime=XLSX,
        on_click="ignore",
        icon=":material/download:",
    )
    report_view.show_all_tabs(agg.template, agg.values)
    st.markdown("**Danh sách đơn vị**")
    people = agg.contributors
    event = st.dataframe(
        {
            "Đơn vị": people["unit_name"].to_list(),
            "Mã": people["code"].to_list(),
            "Trạng thái": [FLOW.label(s) if s else "Chưa tạo" for s in people["state"]],
            "Thời gian gửi": [moment(t) if t else "" for t in people["sent_at"]],
            "Đúng hạn": [
                ""
                if t is None or agg.template.deadline is None
                else ("Đúng hạn" if ok else "Trễ hạn")
                for t, ok in zip(people["sent_at"], people["on_time"], strict=True)
            ],
        },
        hide_index=True,
        width="stretch",
        on_select="rerun",
        selection_mode="single-row",
        key=f"people_{code}_{approved_only}",
    )
    if event.selection.rows:
        chosen = people["report_id"][event.selection.rows[0]]
        if chosen is None:
            st.caption("Đơn vị này chưa tạo báo cáo.")
        else:
            unit_report(int(chosen))


def unit_report(report_id: int) -> None:
    view = session.attempt(lambda: reports.detail(db, actor, report_id))
    if not view:
        return
    with st.container(border=True):
        st.subheader(
            markdown_literal(f"{view.record['template_name']} — {view.record['unit_name']}")
        )
        report_view.info_block(view.record)
        report_view.show_all_tabs(view.template, view.values)


st.title("Tra cứu báo cáo")
term = st.selectbox("Nhiệm kỳ", list(TERMS), format_func=TERMS.get)
if st.session_state.get(AGG):
    aggregate_view(st.session_state[AGG], term)
elif st.session_state.get(UNIT_REPORT):
    st.button("← Quay lại", on_click=show, args=(UNIT_REPORT, None))
    unit_report(int(st.session_state[UNIT_REPORT]))
else:
    progress_lists(term)
