"""Ranh giới bản đồ: the boundaries each level's maps use and how well they match the units;
the central Admin imports a GeoJSON with a preview of the matching before saving it."""

from __future__ import annotations

import math

import plotly.express as px
import streamlit as st

from core import functions, geo
from core.formats import moment, number
from core.geojson import for_drawing
from core.markup import html_text, markdown_literal
from pages.components import session

actor = session.require_page(functions.UNIT_MANAGE)
db = session.db()
ORIGIN = {"imported": "Tệp đã nhập", "default": "Tệp mặc định", None: "Chưa có ranh giới"}


def status(rows: list[geo.LevelStatus]) -> None:
    st.subheader("Ranh giới đang áp dụng")
    st.dataframe(
        {
            "Cấp": [r.level_name for r in rows],
            "Đơn vị trong phạm vi": [number(r.unit_count) for r in rows],
            "Nguồn": [ORIGIN[r.origin] for r in rows],
            "Tệp": [r.source or "" for r in rows],
            "Ngày nhập": [moment(r.imported_at) if r.imported_at else "" for r in rows],
            "Đã khớp": [number(len(r.boundaries.by_unit)) if r.boundaries else "" for r in rows],
            "Đơn vị chưa có vùng": [
                number(len(r.boundaries.unmatched_units)) if r.boundaries else "" for r in rows
            ],
        },
        hide_index=True,
        width="stretch",
    )
    for row in rows:
        if row.boundaries is not None:
            with st.expander(markdown_literal(f"{row.level_name}: {row.source}")):
                matching(row.boundaries)


def matching(found: geo.Boundaries) -> None:
    """Counts, then what did not match on either side, so the admin knows what to fix."""
    features = len(found.geojson["features"])
    st.markdown(
        f"**{number(len(found.by_unit))}** đơn vị đã khớp với một vùng; "
        f"{number(len(found.unmatched_features))} trong {number(features)} vùng chưa khớp; "
        f"{number(len(found.unmatched_units))} đơn vị chưa có vùng."
    )
    left, right = st.columns(2)
    with left:
        st.caption("Vùng trong tệp chưa khớp đơn vị nào trong phạm vi của bạn")
        st.dataframe({"Vùng": list(found.unmatched_features)}, hide_index=True, width="stretch")
    with right:
        st.caption("Đơn vị chưa có vùng trên bản đồ")
        st.dataframe(
            {"Đơn vị": [name for _, name in found.unmatched_units]},
            hide_index=True,
            width="stretch",
        )


def preview_map(found: geo.Boundaries) -> None:
    """The matched features only, drawn offline (MapLibre with no tiles)."""
    shapes = [f for f in found.geojson["features"] if f["properties"]["unit_id"] is not None]
    if not shapes:
        st.warning("Không có vùng nào khớp với đơn vị để vẽ bản đồ.")
        return
    lon, lat = bounds(shapes)
    fig = px.choropleth_map(
        {
            "unit_id": [f["properties"]["unit_id"] for f in shapes],
            "Vùng": [html_text(f["properties"]["ten"]) for f in shapes],
            "Trạng thái": ["Đã khớp"] * len(shapes),
        },
        geojson=for_drawing(found.geojson, [f["properties"]["unit_id"] for f in shapes]),
        locations="unit_id",
        featureidkey="properties.unit_id",
        color="Trạng thái",
        hover_name="Vùng",
        hover_data={"unit_id": False, "Trạng thái": False},
        map_style="white-bg",
        center={"lon": (lon[0] + lon[1]) / 2, "lat": (lat[0] + lat[1]) / 2},
        zoom=zoom(lon, lat),
        opacity=0.8,
    )
    fig.update_layout(height=420, margin={"l": 0, "r": 0, "t": 0, "b": 0}, showlegend=False)
    st.plotly_chart(fig, config={"displaylogo": False, "scrollZoom": True})
    st.caption(geo.ATTRIBUTION)


def bounds(shapes: list[dict]) -> tuple[tuple[float, float], tuple[float, float]]:
    """(min, max) longitude and latitude of the shapes, to centre the preview on them."""
    xs, ys = [], []
    for f in shapes:
        geom = f["geometry"]
        polygons = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        for polygon in polygons:
            xs += [p[0] for p in polygon[0]]
            ys += [p[1] for p in polygon[0]]
    return (min(xs), max(xs)), (min(ys), max(ys))


def zoom(lon: tuple[float, float], lat: tuple[float, float]) -> float:
    """The web-map zoom that fits the span in about 450 px (each level doubles the scale)."""
    span = max(lon[1] - lon[0], (lat[1] - lat[0]) * 1.15, 0.01)
    return max(0.0, min(12.0, math.log2(450 / span)))


def importer(rows: list[geo.LevelStatus]) -> None:
    st.subheader("Nhập ranh giới mới")
    st.caption(
        "Tệp GeoJSON (FeatureCollection gồm các vùng Polygon/MultiPolygon, toạ độ WGS84, "
        "tối đa 30 MB), mỗi vùng có tên (thuộc tính name, ten…) hoặc mã đơn vị (unit_code, "
        "code). Tệp mới thay thế ranh giới đang áp dụng cho cấp đã chọn."
    )
    names = {r.level_code: r.level_name for r in rows}
    level = st.selectbox("Cấp đơn vị", list(names), format_func=names.get)
    upload = st.file_uploader("Tệp ranh giới (.geojson, .json)", type=["geojson", "json"])
    if upload is None or level is None:
        return
    data = upload.getvalue()
    report = session.attempt(lambda: geo.preview_import(db, actor, level, data, upload.name))
    if not report:
        return
    st.success(
        f"Tệp hợp lệ: {number(report.feature_count)} vùng, "
        f"{number(report.matched)} vùng khớp với đơn vị cấp {names[level]}"
    )
    matching(report.boundaries)
    preview_map(report.boundaries)
    if st.button("Lưu ranh giới", type="primary") and session.attempt(
        lambda: geo.import_boundaries(db, actor, level, data, upload.name),
        "Lưu ranh giới thành công",
    ):
        st.rerun()


st.title("Ranh giới bản đồ")
levels = geo.level_status(db, actor)
status(levels)
st.caption(geo.ATTRIBUTION)
if geo.can_import(actor):
    importer(levels)
else:
    st.caption(
        "Chỉ Admin của đơn vị Trung ương được nhập ranh giới bản đồ; ranh giới đã nhập "
        "được dùng cho bản đồ của mọi đơn vị."
    )
