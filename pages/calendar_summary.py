"""Tổng hợp lịch tổ chức Đại hội: my unit and every subordinate, with filters, the month view,
the weekly load, counts by level and the Excel list."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from core import calendar, calendar_queries, functions, hierarchy
from core.calendar import STATUS_LABELS
from core.calendar_queries import OUT_OF_ORDER, PAGE_SIZES, Filter
from core.formats import number
from core.markup import markdown_literal
from pages.components import dialogs, month_view, session

actor = session.require_page(functions.CALENDAR_SUMMARY)
db = session.db()
store = session.store()
PAGE, SIZE, PICKED = "cal_page", "cal_size", "cal_picked"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LEVELS = {
    "": "Tất cả các cấp",
    **{lv["code"]: lv["name"] for lv in hierarchy.catalogs(db)["levels"]},
}
PAGE_LABELS = {n: f"{n} / trang" for n in PAGE_SIZES}
STATUSES = {"": "Tất cả trạng thái", **STATUS_LABELS}
COLOURS = {"Đã tổ chức": "#2e7d32", "Chưa tổ chức": "#f9a825"}
today = calendar.today()


def reset_page() -> None:
    st.session_state[PAGE] = 1


@st.dialog("Đại hội điểm", on_dismiss=dialogs.close)
def pilot_dialog(unit_id: int | None) -> None:
    name, pilot = st.session_state[PICKED]
    question = "Bỏ đánh dấu Đại hội điểm của" if pilot else "Đánh dấu là Đại hội điểm:"
    st.write(f"{question} **{markdown_literal(name)}**?")
    if not pilot:
        st.caption(
            "Đại hội điểm được chọn ngày không trước Đại hội cấp trên; hệ thống vẫn ghi nhận "
            "cảnh báo và đưa đơn vị lên đầu danh sách tổng hợp."
        )
    dialogs.confirm_buttons(
        lambda: calendar.set_pilot(db, actor, unit_id, not pilot),
        "Bỏ đánh dấu Đại hội điểm thành công" if pilot else "Đánh dấu Đại hội điểm thành công",
        session.attempt,
    )


def filters() -> Filter:
    a, b, c, d, e = st.columns([2, 2, 1.4, 1.4, 3])
    level = a.selectbox("Chọn cấp", list(LEVELS), format_func=LEVELS.get, on_change=reset_page)
    status = b.selectbox(
        "Chọn trạng thái", list(STATUSES), format_func=STATUSES.get, on_change=reset_page
    )
    date_from = c.date_input("Từ ngày", value=None, format="DD/MM/YYYY", on_change=reset_page)
    date_to = d.date_input("Đến ngày", value=None, format="DD/MM/YYYY", on_change=reset_page)
    text = e.text_input(
        "Tìm kiếm theo khu vực",
        placeholder="Tên phường, xã, tỉnh hoặc tên tổ chức Đảng",
        on_change=reset_page,
    )
    return Filter(level or None, status or None, date_from, date_to, text)


def tiles(table) -> None:
    if table.is_empty():
        return
    total = table.row(table.height - 1, named=True)
    labels = [*STATUS_LABELS.values(), OUT_OF_ORDER, "Tổng số"]
    for column, label in zip(st.columns(len(labels)), labels, strict=True):
        column.metric(label, number(total[label]), border=True)


def listing(flt: Filter) -> None:
    size = st.session_state.get(SIZE, PAGE_SIZES[0])
    page = st.session_state.get(PAGE, 1)
    frame, total = calendar_queries.summary(db, actor, flt, page, size)
    if total == 0:
        st.info("Không có đơn vị nào phù hợp với điều kiện tìm kiếm.")
        return
    st.caption(
        "Đơn vị có lịch không trước Đại hội cấp trên và đơn vị chưa đăng ký lịch được xếp "
        "lên đầu danh sách."
    )
    event = st.dataframe(
        frame.drop("unit_id", "pilot"),
        hide_index=True,
        width="stretch",
        on_select="rerun" if actor.is_admin else "ignore",
        selection_mode="single-row",
        key=f"cal_{flt}_{page}_{size}",
        column_config={"STT": st.column_config.NumberColumn(width="small")},
    )
    x, y, z, w = st.columns([3, 1, 1, 2])
    x.caption(f"Tổng số {number(total)} đơn vị")
    y.selectbox(
        "Số dòng",
        PAGE_SIZES,
        key=SIZE,
        format_func=PAGE_LABELS.get,
        label_visibility="collapsed",
        on_change=reset_page,
    )
    z.number_input("Trang", 1, max(1, -(-total // size)), key=PAGE, label_visibility="collapsed")
    w.download_button(
        "Tải danh sách (Excel)",
        lambda: calendar_queries.excel_list(store.db(), actor, flt),
        file_name="tong_hop_lich_dai_hoi.xlsx",
        mime=XLSX,
        on_click="ignore",
        width="stretch",
        icon=":material/download:",
    )
    rows = event.selection.rows if actor.is_admin else []
    if rows and int(frame["unit_id"][rows[0]]) != actor.unit_id:
        chosen = frame.row(rows[0], named=True)
        st.session_state[PICKED] = (chosen["Tên tổ chức Đảng"], chosen["pilot"])
        st.button(
            "Bỏ đánh dấu Đại hội điểm" if chosen["pilot"] else "Đánh dấu Đại hội điểm",
            icon=":material/flag:",
            on_click=dialogs.open_dialog,
            args=("pilot", chosen["unit_id"]),
        )


def month_tab(flt: Filter) -> None:
    found = calendar_queries.months_with_congresses(db, actor, flt)
    if not found:
        st.info("Không có Đại hội nào có lịch phù hợp với điều kiện tìm kiếm.")
        return
    labels = {f: f"Tháng {f[1]:02d}/{f[0]} — {number(f[2])} Đại hội" for f in found}
    chosen = st.selectbox(
        "Tháng", found, index=calendar_queries.default_month(found, today), format_func=labels.get
    )
    month_view.month_table(calendar_queries.month(db, actor, flt, chosen[0], chosen[1]), today)


def weekly_tab(flt: Filter) -> None:
    weeks = calendar_queries.weekly(db, actor, flt)
    if weeks.is_empty():
        st.info("Không có Đại hội nào có lịch phù hợp với điều kiện tìm kiếm.")
        return
    figure = px.bar(
        weeks,
        x="week",
        y="n",
        color="status",
        color_discrete_map=COLOURS,
        labels={"week": "Tuần (bắt đầu từ Thứ 2)", "n": "Số Đại hội", "status": "Trạng thái"},
    )
    figure.update_layout(bargap=0.1, height=380, margin={"t": 10}, legend_title_text="")
    figure.update_xaxes(tickformat="%d/%m/%Y")
    st.plotly_chart(figure, width="stretch")


st.title("Tổng hợp lịch tổ chức Đại hội")
st.caption(markdown_literal(calendar_queries.title(db, actor)))
flt = filters()
by_levels = session.attempt(lambda: calendar_queries.counts(db, actor, flt))
if by_levels is not None:
    tiles(by_levels)
    listed, monthly, by_week, by_level = st.tabs(
        ["Danh sách", "Lịch theo tháng", "Số Đại hội theo tuần", "Thống kê theo cấp"]
    )
    with listed:
        listing(flt)
    with monthly:
        month_tab(flt)
    with by_week:
        weekly_tab(flt)
    with by_level:
        st.dataframe(by_levels, hide_index=True, width="stretch")
dialogs.show({"pilot": pilot_dialog})
