"""Dashboard: report completion by area (map), level and type, and the indicator explorer."""

from __future__ import annotations

import plotly.express as px
import polars as pl
import streamlit as st

from core import dashboard, functions, geo, hierarchy, report_types
from core.formats import number
from core.markup import html_text, markdown_literal
from core.model import Actor
from pages.components import maps, session

actor = session.require_page(functions.DASHBOARD)
db = session.db()
DRILL = "dashboard_area"
TERMS = {t["code"]: t["name"] for t in report_types.terms(db)}


@st.cache_data(ttl=600, show_spinner=False, max_entries=256)
def completion(
    key: tuple, unit_id: int | None, term: str, approved: bool, _who: Actor
) -> pl.DataFrame:
    """Cached per actor's unit, area and figures version (`dashboard.cache_key`); ``_who`` is
    not part of the key: everyone of one unit sees the same figures."""
    return dashboard.completion(session.store().db(), _who, term, unit_id, approved)


@st.cache_data(ttl=600, show_spinner=False, max_entries=64)
def counts(key: tuple, term: str, _who: Actor):
    return dashboard.counts(session.store().db(), _who, term)


def header() -> str:
    path = hierarchy.path_of(db, actor)
    st.title("Dashboard")
    left, right = st.columns([3, 1])
    left.subheader(markdown_literal(path[-1]))
    left.caption("Đường dẫn: " + markdown_literal(" › ".join(path)))
    units = hierarchy.counts_by_level(db, actor)
    below = units.filter(units["rank"] > units["rank"].min()) if units.height else units
    if below.height:
        with st.expander("Cơ cấu đơn vị cấp dưới"):
            for col, row in zip(st.columns(below.height), below.iter_rows(named=True), strict=True):
                col.metric(
                    row["level_name"],
                    number(row["active_units"]),
                    help=f"{number(row['inactive_units'])} đơn vị đã ngừng hoạt động",
                )
    return right.selectbox("Nhiệm kỳ", list(TERMS), format_func=TERMS.get)


def tiles_and_charts(term: str, key: tuple) -> None:
    totals, by_level, by_type = counts(key, term, actor)
    st.markdown("#### Số lượng báo cáo của các đơn vị cấp dưới")
    if totals.expected == 0:
        st.info("Đơn vị của bạn chưa có đơn vị cấp dưới phải nộp báo cáo.")
        return
    a, b, c, d = st.columns(4)
    a.metric("Báo cáo phải nộp", number(totals.expected))
    b.metric(
        "Đã gửi",
        number(totals.sent),
        f"{100 * totals.sent / totals.expected:.1f}%",
        delta_color="off",
    )
    c.metric(
        "Đã phê duyệt",
        number(totals.approved),
        f"{100 * totals.approved / totals.expected:.1f}%",
        delta_color="off",
    )
    d.metric("Chưa gửi", number(totals.missing))
    left, right = st.columns(2)
    with left:
        stacked(by_level, "level_name", "Theo cấp")
    with right:
        stacked(by_type, "template_name", "Theo loại báo cáo")


def stacked(frame: pl.DataFrame, by: str, title: str) -> None:
    frame = frame.with_columns(pl.col(by).map_elements(wrap, return_dtype=pl.String))
    long = frame.with_columns(
        (pl.col("sent") - pl.col("approved")).alias("Chờ phê duyệt"),
        (pl.col("expected") - pl.col("sent")).alias("Chưa gửi"),
        pl.col("approved").alias("Đã phê duyệt"),
    ).unpivot(
        ["Đã phê duyệt", "Chờ phê duyệt", "Chưa gửi"],
        index=by,
        variable_name="Tình trạng",
        value_name="Số báo cáo",
    )
    fig = px.bar(
        long.to_pandas(),
        y=by,
        x="Số báo cáo",
        color="Tình trạng",
        orientation="h",
        title=title,
        color_discrete_map={
            "Đã phê duyệt": "#59a14f",
            "Chờ phê duyệt": "#f1ce63",
            "Chưa gửi": "#c8102e",
        },
    )
    fig.update_layout(
        height=170 + 52 * frame.height,
        yaxis_title=None,
        legend_title=None,
        separators=",.",
        margin={"l": 0, "r": 0, "t": 40, "b": 0},
        legend={"orientation": "h", "yanchor": "top", "y": -0.18, "x": 0},
    )
    st.plotly_chart(fig, config={"displayModeBar": False})


def wrap(text: str, width: int = 34) -> str:
    """Break long report names onto lines so the bars keep their room."""
    lines, line = [], ""
    for word in html_text(text).split():
        if line and len(line) + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "<br>".join([*lines, line])


def map_section(term: str, key: tuple) -> None:
    st.markdown("#### Bản đồ tiến độ gửi báo cáo")
    unit = dashboard.area(db, actor, st.session_state.get(DRILL))
    mode = st.segmented_control(
        "Hiển thị", ["Tỷ lệ đã gửi", "Tỷ lệ đã phê duyệt"], default="Tỷ lệ đã gửi", key="map_mode"
    )
    frame = completion(key, unit.id, term, mode == "Tỷ lệ đã phê duyệt", actor)
    crumbs = st.columns([4, 1])
    crumbs[0].caption(
        f"Địa bàn: {markdown_literal(' › '.join(hierarchy.path_of_unit(db, actor, unit.id)))}"
    )
    if unit.id != actor.unit_id:
        crumbs[1].button(
            "↑ Về cấp trên", on_click=drill_to, args=(unit.parent_id,), width="stretch"
        )
    if frame.height == 0:
        st.info("Địa bàn này không có đơn vị cấp dưới.")
        return
    children = {r["child_id"]: r["name"] for r in frame.iter_rows(named=True)}
    shapes = geo.boundaries(
        db, frame["level_code"][0], hierarchy.units_of(db, actor, list(children))
    )
    drawn = frame.filter(pl.col("child_id").is_in(list(shapes.by_unit))) if shapes else frame[:0]
    missing = frame.filter(~pl.col("child_id").is_in(drawn["child_id"].to_list()))
    if drawn.height:
        # Only the open tab is drawn: the Leaflet view costs a page run ~50 ms even hidden.
        offline, tiles = st.tabs(
            ["Bản đồ", "Bản đồ nền (OpenStreetMap)"], key="map_tab", on_change="rerun"
        )
        clicked = None
        if offline.open:
            with offline:
                left, right = st.columns([3, 1]) if missing.height else (st.container(), None)
                with left:
                    clicked = maps.choropleth(drawn, shapes.geojson, key=f"map_{unit.id}")
                if right is not None:
                    with right:
                        maps.ranked_bars(missing, "Đơn vị chưa có ranh giới")
                st.caption(geo.ATTRIBUTION)
        if tiles.open:
            with tiles:
                maps.leaflet(drawn, shapes.geojson)
        if clicked in children and clicked != st.session_state.get(DRILL):
            drill_to(clicked)
            st.rerun()
    else:
        maps.ranked_bars(frame, "Tỷ lệ hoàn thành của các đơn vị cấp dưới")
    choice = st.selectbox(
        "Xem chi tiết địa bàn",
        [None, *children],
        format_func={None: "Chọn địa bàn…", **children}.get,
        key=f"drill_{unit.id}",
    )
    if choice is not None:
        drill_to(choice)
        st.rerun()


def drill_to(unit_id: int | None) -> None:
    st.session_state[DRILL] = unit_id


def explorer(term: str) -> None:
    st.markdown("#### Xem kết quả theo chỉ tiêu")
    levels = dashboard.indicator_levels(db, actor)
    if not levels:
        st.caption("Không có đơn vị cấp dưới phải nộp báo cáo.")
        return
    a, b = st.columns(2)
    level = a.selectbox("Chọn cấp cơ sở Đảng", list(levels), format_func=levels.get)
    kinds = {t.code: t for t in dashboard.indicator_templates(db, level)}
    code = b.selectbox(
        "Loại báo cáo", list(kinds), format_func={c: t.name for c, t in kinds.items()}.get
    )
    template = kinds[code]
    cells = {
        f"{tab.key}|{r.key}|{c.key}": f"{tab.title} › {r.label.lstrip('- ')} › "
        f"{' › '.join([*c.path, c.label])}"
        for tab in template.tabs
        for r in tab.rows
        for c in tab.columns
        if (r.key, c.key) not in tab.not_applicable and tab.cell_type(r.key, c.key) == "int"
    }
    chosen = st.selectbox("Chọn chỉ tiêu", list(cells), format_func=cells.get)
    if st.button("Xem kết quả", type="primary"):
        st.session_state["indicator"] = (level, code, chosen)
    if st.session_state.get("indicator") != (level, code, chosen):
        return
    tab, row, col = chosen.split("|")
    frame, total = dashboard.indicator(db, actor, term, level, code, tab, row, col)
    st.metric(f"Tổng: {markdown_literal(cells[chosen])}", number(total))
    shown = frame.filter(pl.col("value").is_not_null())
    st.caption(f"{number(shown.height)}/{number(frame.height)} đơn vị có số liệu (báo cáo đã gửi)")
    left, right = st.columns([2, 3])
    left.dataframe(
        {
            "Đơn vị": frame["unit_name"].to_list(),
            "Mã": frame["code"].to_list(),
            "Giá trị": frame["value"].to_list(),
        },
        hide_index=True,
        width="stretch",
        height=420,
    )
    with right:
        top = shown.head(30)
        fig = px.bar(
            maps.escaped_names(top, "unit_name").to_pandas(),
            x="value",
            y="unit_name",
            orientation="h",
            labels={"value": "Giá trị", "unit_name": ""},
            color_discrete_sequence=["#C8102E"],
        )
        fig.update_layout(
            height=max(240, 22 * top.height + 60),
            separators=",.",
            yaxis={"autorange": "reversed"},
            margin={"t": 10},
        )
        st.plotly_chart(fig, config={"displayModeBar": False})


term = header()
key = dashboard.cache_key(db, actor)
tiles_and_charts(term, key)
map_section(term, key)
explorer(term)
