"""The completion map: plotly's MapLibre choropleth (draws offline, no tiles) and a Leaflet
view with a tile layer for when the network allows."""

from __future__ import annotations

import logging

import plotly.express as px
import polars as pl
import streamlit as st
from streamlit.components.v1 import html

from core.dashboard import BANDS, NO_DATA
from core.geojson import for_drawing
from core.markup import html_text

COLOURS = {label: colour for _, label, colour in BANDS} | {NO_DATA[0]: NO_DATA[1]}
ORDER = [label for _, label, _ in BANDS] + [NO_DATA[0]]
HOVER = {"percent": ":.1f", "sent": True, "approved": True, "expected": True, "child_id": False}
log = logging.getLogger(__name__)
LABELS = {
    "percent": "Tỷ lệ (%)",
    "sent": "Đã gửi",
    "approved": "Đã phê duyệt",
    "expected": "Phải nộp",
    "band": "Mức hoàn thành",
}


def escaped_names(frame: pl.DataFrame, column: str = "name") -> pl.DataFrame:
    """Unit names as plotly text: its hover labels and ticks render a subset of HTML."""
    return frame.with_columns(pl.Series(column, [html_text(n) for n in frame[column]]))


def choropleth_figure(frame: pl.DataFrame, geojson: dict):
    """The choropleth of the areas in ``frame``, carrying only their shapes and unit ids."""
    fig = px.choropleth_map(
        escaped_names(frame).to_pandas(),
        geojson=for_drawing(geojson, frame["child_id"].to_list()),
        locations="child_id",
        featureidkey="properties.unit_id",
        color="band",
        color_discrete_map=COLOURS,
        category_orders={"band": ORDER},
        hover_name="name",
        hover_data=HOVER,
        labels=LABELS,
        map_style="white-bg",
        center={"lat": 15.8, "lon": 108.0},
        zoom=4.3,
        opacity=0.9,
    )
    fig.update_layout(
        height=620,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        legend={
            "title": "Mức hoàn thành",
            "yanchor": "top",
            "y": 0.98,
            "xanchor": "left",
            "x": 0.01,
            "bgcolor": "rgba(255,255,255,0.8)",
        },
    )
    fig.update_traces(marker_line_width=0.6, marker_line_color="#555")
    return fig


def choropleth(frame: pl.DataFrame, geojson: dict, key: str) -> int | None:
    """Draw the map; return the unit id of the area clicked, if any."""
    event = st.plotly_chart(
        choropleth_figure(frame, geojson),
        key=key,
        on_select="rerun",
        selection_mode="points",
        config={"scrollZoom": True, "displaylogo": False},
    )
    points = event.selection.points if event and event.selection else []
    return int(points[0]["location"]) if points and points[0].get("location") else None


def ranked_figure(frame: pl.DataFrame, title: str):
    """Areas as a ranked bar chart: for levels without boundaries, and for unmatched areas."""
    ranked = escaped_names(frame.sort("percent", nulls_last=True, descending=False))
    fig = px.bar(
        ranked.to_pandas(),
        x="percent",
        y="name",
        orientation="h",
        color="band",
        color_discrete_map=COLOURS,
        category_orders={"band": ORDER},
        hover_data={"sent": True, "expected": True},
        labels=LABELS,
        title=title,
        range_x=[0, 100],
    )
    fig.update_layout(
        height=max(260, 26 * ranked.height + 90),
        showlegend=False,
        yaxis_title=None,
        xaxis_title="Tỷ lệ (%)",
    )
    return fig


def ranked_bars(frame: pl.DataFrame, title: str) -> None:
    st.plotly_chart(ranked_figure(frame, title), config={"displayModeBar": False})


def leaflet(frame: pl.DataFrame, geojson: dict) -> None:
    """The same figures over OpenStreetMap tiles; without a network the tiles stay grey and
    the areas still draw, and any failure here leaves the rest of the page alone."""
    st.caption(
        "Bản đồ nền tải thư viện Leaflet và lớp nền OpenStreetMap qua Internet; nếu "
        "khung dưới đây trống, máy không có mạng — hãy dùng tab “Bản đồ”, "
        "vẽ được khi không có mạng."
    )
    try:
        # The map's own page in a frame: it returns nothing to the app, so it needs no
        # component route (the server-started `st.App` serves none).
        html(leaflet_map(frame, geojson).get_root().render(), height=560)
    except Exception as exc:  # the tile view is optional; never break the dashboard
        log.warning("Không vẽ được bản đồ nền", exc_info=exc)
        st.warning("Không hiển thị được bản đồ nền.")


def leaflet_map(frame: pl.DataFrame, geojson: dict):
    """The Leaflet map of the drawn areas, coloured by band, each with its tooltip."""
    import folium  # imported only when the tab is open: it costs a page run

    colours = {r["child_id"]: COLOURS[r["band"]] for r in frame.iter_rows(named=True)}
    world = folium.Map(
        location=[15.8, 107.5], zoom_start=5, tiles="OpenStreetMap", attr="© OpenStreetMap"
    )
    folium.GeoJson(
        leaflet_shapes(frame, geojson),
        style_function=lambda f: {
            "fillColor": colours.get(f["properties"].get("unit_id"), NO_DATA[1]),
            "color": "#555",
            "weight": 0.6,
            "fillOpacity": 0.8,
        },
        tooltip=folium.GeoJsonTooltip(fields=["nhan"], labels=False),
    ).add_to(world)
    return world


def leaflet_shapes(frame: pl.DataFrame, geojson: dict) -> dict:
    """The drawn areas with their tooltip, escaped: Leaflet puts it in the page as HTML."""
    text = {
        r["child_id"]: html_text(f"{r['name']}: {r['percent'] or 0:.1f}%")
        for r in frame.iter_rows(named=True)
    }
    return for_drawing(geojson, frame["child_id"].to_list(), text)
