"""Dashboard (for now): the user's unit, its place in the tree, its subordinate units by level."""

from __future__ import annotations

import plotly.express as px
import streamlit as st

from core import functions, hierarchy
from core.formats import number
from pages.components import session

actor = session.require_page(functions.DASHBOARD)
db = session.db()

st.title("Dashboard")
path = hierarchy.path_of(db, actor)
st.subheader(path[-1])
st.caption("Đường dẫn: " + " › ".join(path))

counts = hierarchy.counts_by_level(db, actor)
below = counts.filter(counts["rank"] > counts["rank"].min()) if counts.height else counts
if below.height == 0:
    st.info("Đơn vị của bạn chưa có đơn vị cấp dưới.")
else:
    for col, row in zip(st.columns(below.height), below.iter_rows(named=True), strict=True):
        col.metric(
            row["level_name"],
            number(row["active_units"]),
            help=f"{number(row['inactive_units'])} đơn vị đã ngừng hoạt động",
        )
    fig = px.bar(
        below.to_pandas(),
        x="level_name",
        y="active_units",
        text="active_units",
        labels={"level_name": "Cấp", "active_units": "Số đơn vị đang hoạt động"},
        title="Số đơn vị cấp dưới theo cấp",
        color_discrete_sequence=["#C8102E"],
    )
    fig.update_traces(texttemplate="%{text:,}")
    fig.update_layout(separators=",.", height=380)
    st.plotly_chart(fig, config={"displayModeBar": False})
