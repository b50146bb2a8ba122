"""A hostile unit name on the maps is shown as text: the plotly hover labels and ticks and the
Leaflet tooltip carry it escaped, so no tag the name holds ever becomes live markup."""

from __future__ import annotations

import json
import re

import polars as pl

from pages.components import maps

HOSTILE = "Đảng bộ <img src=x onerror=alert(1)>"
ESCAPED = "Đảng bộ &lt;img src=x onerror=alert(1)&gt;"
SHAPES = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "id": HOSTILE,
            "properties": {"name": HOSTILE, "ten": HOSTILE, "unit_id": 7},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[105.0, 21.0], [105.1, 21.0], [105.1, 21.1], [105.0, 21.0]]],
            },
        }
    ],
}


def frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "child_id": [7],
            "name": [HOSTILE],
            "percent": [80.0],
            "sent": [4],
            "approved": [2],
            "expected": [5],
            "band": ["Từ 75%"],
        }
    )


def test_the_choropleth_hover_names_are_escaped() -> None:
    trace = maps.choropleth_figure(frame(), SHAPES).data[0]
    assert list(trace.hovertext) == [ESCAPED]


def test_the_ranked_bars_name_ticks_are_escaped() -> None:
    figure = maps.ranked_figure(frame(), "Tỷ lệ")
    assert [name for trace in figure.data for name in trace.y] == [ESCAPED]


def test_the_leaflet_page_has_no_live_tag_from_a_unit_name() -> None:
    html = maps.leaflet_map(frame(), SHAPES).get_root().render()
    assert "<img" not in html
    tooltips = [json.loads(m) for m in re.findall(r'"nhan": ("(?:[^"\\]|\\.)*")', html)]
    assert tooltips == [f"{ESCAPED}: 80.0%"]


def test_the_leaflet_page_carries_no_other_property_of_the_file() -> None:
    html = maps.leaflet_map(frame(), SHAPES).get_root().render()
    assert '"ten"' not in html and '"name"' not in html
