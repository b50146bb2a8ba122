"""GeoJSON bounds: what a file may hold, and what a map sends to the browser.

A feature name that is not Unicode, properties nested past any real GIS export, or more
features than any level has are refused at upload with a message naming the problem; a map is
given only the areas it draws, each with its unit id and label, never the file's properties.
"""

from __future__ import annotations

import json

import polars as pl
import pytest

from core import geo, geojson
from core.errors import ValidationError
from core.store import Db
from pages.components import maps
from tests.factories import Tree, make_admin_actor

HOSTILE = "Đảng bộ <img src=x onerror=alert(1)>"


def square(props: dict, lon: float = 105.0, lat: float = 21.0) -> dict:
    ring = [[lon, lat], [lon + 0.1, lat], [lon + 0.1, lat + 0.1], [lon, lat]]
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def collection(*features: dict) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def nested(depth: int) -> dict:
    """A properties value ``depth`` objects deep."""
    value: dict = {}
    for _ in range(depth - 1):
        value = {"a": value}
    return value


def refusal(data: bytes) -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        geojson.parse_geojson(data, "thu.geojson")
    assert refused.value.field == "Tệp GeoJSON"
    return refused.value


def test_a_lone_surrogate_in_a_feature_name_is_refused_naming_the_feature() -> None:
    data = collection(square({"name": "Hà Nội"}), square({"name": "Ba Đình"})).replace(
        b"Ba \\u0110\\u00ecnh", b"Ba \\ud800nh"
    )
    assert b"\\ud800" in data
    assert "vùng thứ 2" in str(refusal(data))


def test_a_lone_surrogate_is_refused_at_import_and_nothing_is_saved(db: Db, tree: Tree) -> None:
    admin = make_admin_actor(db, tree.root)
    data = collection(square({"name": "Phường Ba \\udfff Đình"})).replace(b"\\\\udfff", b"\\udfff")
    with pytest.raises(ValidationError, match="ký tự không hợp lệ"):
        geo.import_boundaries(db, admin, "XA", data, "xa.geojson")
    assert db.boundaries.stamp("XA") is None


def test_properties_nested_900_deep_are_refused_before_parsing() -> None:
    data = collection(square({"name": "Hà Nội", "x": nested(900)}))
    assert "lồng nhau quá sâu" in str(refusal(data))


def test_nesting_up_to_the_bound_is_accepted_and_one_more_level_is_not() -> None:
    # collection > features > feature > properties > x: the value may nest MAX_DEPTH - 4 deep.
    room = geojson.MAX_DEPTH - 4
    geojson.parse_geojson(collection(square({"name": "Hà Nội", "x": nested(room)})), "x")
    refusal(collection(square({"name": "Hà Nội", "x": nested(room + 1)})))


def test_brackets_inside_names_do_not_count_as_nesting() -> None:
    parsed = geojson.parse_geojson(collection(square({"name": "[[[[{{{{" * 10 + '"\\'})), "x")
    assert parsed["features"][0]["properties"]["name"].startswith("[[[[")


def test_more_features_than_the_bound_are_refused_with_the_counts() -> None:
    many = [square({"name": f"Vùng {i}"}) for i in range(geojson.MAX_FEATURES + 1)]
    message = str(refusal(collection(*many)))
    assert "20.001 vùng" in message and "tối đa 20.000" in message


def test_a_file_over_the_size_bound_is_refused_before_it_is_parsed() -> None:
    assert "lớn hơn 30 MB" in str(refusal(b"[" * (geojson.MAX_BYTES + 1)))


# -- what the browser gets ---------------------------------------------------------------------

SHAPES = {
    "type": "FeatureCollection",
    "features": [
        {**square({"name": "A", "secret": "x" * 50, "unit_id": 1, "ten": "A"}), "id": "A"},
        {**square({"name": "B", "unit_id": 2, "ten": "B"}), "id": "B"},
        {**square({"name": "C", "unit_id": None, "ten": "C"}), "id": "C"},
    ],
}


def frame(name: str = HOSTILE) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "child_id": [1],
            "name": [name],
            "percent": [50.0],
            "sent": [1],
            "approved": [0],
            "expected": [2],
            "band": ["50% - 75%"],
        }
    )


def test_for_drawing_keeps_only_the_drawn_areas_with_their_unit_id_and_label() -> None:
    drawn = geojson.for_drawing(SHAPES, [1], {1: "nhãn"})
    assert [f["id"] for f in drawn["features"]] == [1]
    assert drawn["features"][0]["properties"] == {"unit_id": 1, "nhan": "nhãn"}
    assert drawn["features"][0]["geometry"] == SHAPES["features"][0]["geometry"]


def test_the_choropleth_carries_only_the_drawn_features_and_their_unit_ids() -> None:
    figure = maps.choropleth_figure(frame(), SHAPES)
    features = figure.data[0].geojson["features"]
    assert [f["properties"] for f in features] == [{"unit_id": 1}]


def test_the_leaflet_shapes_carry_only_unit_id_and_tooltip() -> None:
    shapes = maps.leaflet_shapes(frame("Hà Nội"), SHAPES)
    assert [f["properties"] for f in shapes["features"]] == [
        {"unit_id": 1, "nhan": "Hà Nội: 50.0%"}
    ]


def test_a_geometry_type_that_is_not_plain_text_is_not_echoed_in_the_message() -> None:
    feature = {**square({"name": "Hà Nội"}), "geometry": {"type": "x" * 5000, "coordinates": [1]}}
    message = str(refusal(collection(feature)))
    assert "xxxxx" not in message and "có hình không hợp lệ" in message
