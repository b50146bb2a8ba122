"""Lịch tổ chức Đại hội: the unit's own congress date, chosen and updated in a dialog."""

from __future__ import annotations

import streamlit as st

from core import calendar, functions
from core.calendar import STATUS_LABELS, CongressDraft, vn_date
from core.formats import day
from core.markup import markdown_literal
from pages.components import dialogs, session, versions

actor = session.require_page(functions.CALENDAR_CHOOSE)
db = session.db()
WARNINGS = "calendar_warnings"
BADGES = {"HELD": "green", "PLANNED": "orange", "NONE": "gray"}
view = session.attempt(lambda: calendar.own(db, actor))
if not view:
    st.stop()
congress = view.congress if view.congress and view.congress.held_on else None


@st.dialog("Lịch tổ chức Đại hội", on_dismiss=dialogs.close)
def choose_dialog(_: int | None) -> None:
    held_on = st.date_input(
        "Ngày tổ chức Đại hội *",
        value=congress.held_on if congress else None,
        min_value=view.term.first_day,
        max_value=view.term.end_date,
        format="DD/MM/YYYY",
        help="Dùng các nút ‹ › để chuyển tháng, chọn tháng và năm ở đầu lịch.",
        key=dialogs.draft_key("held_on"),
    )
    if held_on:
        st.caption(vn_date(held_on))
    start_time = st.time_input(
        "Giờ khai mạc",
        value=congress.start_time if congress else None,
        step=900,
        key=dialogs.draft_key("start_time"),
    )
    venue = st.text_input(
        "Địa điểm",
        value=(congress.venue or "") if congress else "",
        key=dialogs.draft_key("venue"),
    )
    reason = st.text_area(
        "Lý do",
        help="Bắt buộc khi chọn một ngày đã qua hoặc thay đổi lịch của Đại hội đã tổ chức.",
        key=dialogs.draft_key("reason"),
    )
    draft = CongressDraft(held_on, start_time, venue, reason)
    version = dialogs.opened_version(view.congress.version if view.congress else None)
    success = (
        "Cập nhật lịch tổ chức Đại hội thành công"
        if congress
        else "Chọn lịch tổ chức Đại hội thành công"
    )
    versions.stale_notice(dialogs.VERSION)
    cancel, ok = st.columns(2)
    if cancel.button("Huỷ", width="stretch"):
        dialogs.finish()
    if ok.button("Xác nhận", type="primary", width="stretch"):
        saved = dialogs.attempt(lambda: calendar.choose(db, actor, draft, version), success)
        if saved:
            st.session_state[WARNINGS] = saved.warnings
            dialogs.finish()


st.title("Lịch tổ chức Đại hội")
st.caption(markdown_literal(f"{view.unit.name} — {view.term.name}"))
for warning in st.session_state.pop(WARNINGS, ()):
    st.warning(markdown_literal(warning), icon=":material/warning:")

with st.container(border=True):
    if congress:
        st.markdown(f"### {vn_date(congress.held_on)}")
        facts = (
            ("Giờ khai mạc", congress.start_time.strftime("%H:%M") if congress.start_time else "—"),
            ("Trạng thái", f":{BADGES[view.status]}-badge[{STATUS_LABELS[view.status]}]"),
            ("Địa điểm", markdown_literal(congress.venue or "—")),
        )
        for column, (label, value) in zip(st.columns([1, 1, 3]), facts, strict=True):
            column.caption(label)
            column.markdown(value)
        st.button(
            "Cập nhật",
            icon=":material/edit_calendar:",
            on_click=dialogs.open_dialog,
            args=("choose", None),
        )
    else:
        st.info("Đơn vị chưa đăng ký lịch tổ chức Đại hội.", icon=":material/event_busy:")
        st.button(
            "Chọn lịch tổ chức Đại hội",
            type="primary",
            icon=":material/calendar_month:",
            on_click=dialogs.open_dialog,
            args=("choose", None),
        )
    if view.congress and view.congress.pilot:
        st.info("Đơn vị được cấp trên đánh dấu là **Đại hội điểm**.", icon=":material/flag:")

rules = []
if view.bound:
    rules.append(
        f"Đại hội phải tổ chức trước Đại hội của **{markdown_literal(view.bound.unit_name)}** "
        f"({vn_date(view.bound.held_on)})."
    )
if view.window:
    rules.append(
        f"Khung thời gian của cấp {view.window.level_name}: "
        f"{day(view.window.start)} – {day(view.window.end)}."
    )
if rules:
    st.caption(" ".join(rules))

st.subheader("Lịch sử thay đổi")
if view.history.is_empty():
    st.caption("Chưa có thay đổi nào.")
else:
    st.dataframe(view.history, hide_index=True, width="stretch")

dialogs.show({"choose": choose_dialog})
