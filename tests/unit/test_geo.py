"""Boundaries as data: name keys, GeoJSON validation, matching features to units, importing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core import functions, geo, geojson, settings, startup
from core.errors import PermissionDenied, ValidationError
from core.model import USER
from core.store import Db
from tests.factories import Tree, actor_at, audit_rows, make_admin_actor, make_unit

DEFAULT = Path(settings.GEO_DIR.value()) / geo.DEFAULT_FILE
ALL = tuple(f.code for f in functions.CATALOG)
needs_default = pytest.mark.skipif(not DEFAULT.is_file(), reason="no default boundaries")


def square(props: dict, lon: float = 105.0, lat: float = 21.0) -> dict:
    ring = [[lon, lat], [lon + 0.1, lat], [lon + 0.1, lat + 0.1], [lon, lat]]
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def collection(*features: dict) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


@pytest.fixture
def provinces(db: Db) -> list:
    """The 34 provincial units of a tree built like the demo."""
    startup.setup(db, "demo", lambda _f, _m: None, "S")
    return db.boundaries.units_of_level(db.units.root().path, "TINH")


# -- names ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("names", "key"),
    [
        (
            ["TP Hà Nội", "Thành phố Hà Nội", "Đảng bộ Thành phố Hà Nội", "Ha Noi", "TP. Hà Nội"],
            "hanoi",
        ),
        (["Khánh Hoà", "Khánh Hòa", "Tỉnh Khánh Hòa", "KHÁNH HÒA"], "khanhhoa"),
        (["Thanh Hoá", "Thanh Hóa", "Đảng bộ Tỉnh Thanh Hóa"], "thanhhoa"),
        (["TP HCM", "Thành phố Hồ Chí Minh", "Hồ Chí Minh", "TP.HCM"], "hochiminh"),
        (["Thành phố trực thuộc trung ương Cần Thơ", "Cần Thơ"], "cantho"),
        (["Đảng bộ Phường Ba Đình", "Phường Ba Đình", "Ba Đình"], "badinh"),
        (["Xã Tân Lập", "Thị trấn Tân Lập", "Đặc khu Tân Lập"], "tanlap"),
        (["Phường 01", "Phường 1"], "1"),
        (["Đà Nẵng", "Da Nang", "Đà-Nẵng"], "danang"),
    ],
)
def test_ways_of_writing_a_name_give_one_key(names: list[str], key: str) -> None:
    assert {geojson.normalise(n) for n in names} == {key}


def test_commune_kinds_are_kept_at_the_provincial_level_and_a_bare_kind_is_kept() -> None:
    assert geojson.normalise("Xã Tân Lập", "TINH") == "xatanlap"
    assert geojson.normalise("Xã Tân Lập", "XA") == "tanlap"
    assert geojson.normalise("Thành phố") == "thanhpho"


# -- the default provinces --------------------------------------------------------------------


@needs_default
@pytest.mark.parametrize("prop", ["name", "short_name", "source_name"])
def test_every_default_feature_name_matches_exactly_its_provincial_unit(provinces, prop):
    shipped = json.loads(DEFAULT.read_bytes())["features"]
    features = [square({prop: f["properties"][prop]}) for f in shipped]
    found = geojson.match(features, provinces, prop=prop)
    assert len(provinces) == 34 and len(found.by_feature) == 34
    assert len(set(found.by_feature.values())) == 34
    assert found.unmatched_features == () and found.unmatched_units == ()
    by_id = {u.id: u for u in provinces}
    for f in shipped:
        unit = by_id[found.by_feature[f["properties"][prop]]]
        assert unit.province == f["properties"]["name"]


@needs_default
def test_the_default_file_is_the_provincial_map_with_every_unit_tagged(provinces, db):
    found = geo.boundaries(db, "TINH", provinces)
    assert found.source == geo.DEFAULT_FILE and not found.imported
    assert set(found.by_unit) == {u.id for u in provinces}
    tagged = [f["properties"]["unit_id"] for f in found.geojson["features"]]
    assert sorted(tagged) == sorted(u.id for u in provinces)
    assert all(f["properties"]["ten"] for f in found.geojson["features"])
    assert geo.boundaries(db, "XA", provinces) is None


@needs_default
def test_the_default_file_is_parsed_once_per_process(db, tree, monkeypatch):
    calls = []
    real = geojson.parse_geojson
    monkeypatch.setattr(geo, "_cache", {})
    monkeypatch.setattr(geo, "parse_geojson", lambda *a, **k: calls.append(1) or real(*a, **k))
    for _ in range(3):
        assert geo.boundaries(db, "TINH", [tree.hn, tree.hcm]) is not None
    assert len(calls) == 1


def test_a_missing_boundaries_folder_means_no_map_not_a_crash(db, tree, monkeypatch, tmp_path):
    monkeypatch.setenv("DHD_GEO_DIR", str(tmp_path / "nowhere"))
    assert geo.boundaries(db, "TINH", [tree.hn, tree.hcm]) is None
    (tmp_path / geo.DEFAULT_FILE).write_text("{broken", encoding="utf-8")
    monkeypatch.setenv("DHD_GEO_DIR", str(tmp_path))
    assert geo.boundaries(db, "TINH", [tree.hn, tree.hcm]) is None


# -- matching ---------------------------------------------------------------------------------


def test_a_code_wins_over_a_name(tree: Tree) -> None:
    features = [square({"name": "Hà Nội", "code": "HCM"}), square({"name": "Hồ Chí Minh"})]
    found = geojson.match(features, [tree.hn, tree.hcm])
    assert found.by_feature == {"Hà Nội": tree.hcm.id}
    assert found.unmatched_features == ("Hồ Chí Minh",)
    assert found.unmatched_units == ((tree.hn.id, tree.hn.name),)


def test_unmatched_features_and_units_are_reported_and_no_unit_gets_two(tree: Tree) -> None:
    features = [square({"name": "TP Hà Nội"}), square({"name": "Hà Nội"}), square({"name": "Huế"})]
    found = geojson.match(features, [tree.hn, tree.hcm])
    assert found.by_feature == {"TP Hà Nội": tree.hn.id}
    assert found.unmatched_features == ("Hà Nội", "Huế")
    assert found.unmatched_units == ((tree.hcm.id, tree.hcm.name),)


def test_an_ambiguous_name_is_not_guessed_unless_the_province_settles_it(db, tree) -> None:
    other = make_unit(db, tree.hcm, "Đảng bộ Phường Ba Đình", "XA", province=tree.hcm.province)
    communes = [tree.ba_dinh, other]
    assert geojson.match([square({"name": "Phường Ba Đình"})], communes).by_feature == {}
    found = geojson.match([square({"name": "Ba Đình", "ten_tinh": "TP HCM"})], communes)
    assert found.by_feature == {"Ba Đình": other.id}


# -- validation -------------------------------------------------------------------------------

GOOD = square({"name": "Hà Nội"})


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"{not json", "không phải JSON hợp lệ"),
        (b"\xff\xfe\x00", "không phải văn bản UTF-8"),
        (json.dumps({"type": "Feature"}).encode(), "không phải một FeatureCollection"),
        (json.dumps([1, 2]).encode(), "không phải một FeatureCollection"),
        (collection(), "không có vùng nào"),
        (collection(GOOD, square({"short": "x"})), "vùng thứ 2 không có tên"),
        (collection({**GOOD, "geometry": None}), "vùng thứ 1 không có hình"),
        (collection({**GOOD, "geometry": {"type": "Point", "coordinates": [1, 2]}}), "Point"),
        (collection(square({"name": "X"}, lon=500_000.0, lat=2_300_000.0)), "toạ độ không hợp lệ"),
        (collection({**GOOD, "geometry": {"type": "Polygon", "coordinates": "abc"}}), "toạ độ"),
        (collection(GOOD, "feature"), "phần tử thứ 2 không phải một Feature"),
        (b"[" * 100_000 + b"]" * 100_000, "lồng nhau quá sâu"),
    ],
)
def test_bad_files_are_refused_naming_the_problem(data: bytes, says: str) -> None:
    with pytest.raises(ValidationError) as refused:
        geojson.parse_geojson(data, "thu.geojson")
    assert refused.value.field == "Tệp GeoJSON" and says in str(refused.value)


def test_a_file_over_30_mb_is_refused_before_it_is_read() -> None:
    with pytest.raises(ValidationError, match="lớn hơn 30 MB"):
        geojson.parse_geojson(b" " * (geojson.MAX_BYTES + 1), "lon.geojson")


def test_a_good_file_keeps_its_properties_and_names_by_the_first_shared_key() -> None:
    parsed = geojson.parse_geojson(collection(square({"ten": "Hà Nội", "NAME_1": "Ha Noi"})), "x")
    assert parsed["features"][0]["properties"] == {"ten": "Hà Nội", "NAME_1": "Ha Noi"}
    assert geojson.name_property(parsed) == "ten"


# -- importing --------------------------------------------------------------------------------

COMMUNES = collection(
    square({"name": "Phường Ba Đình"}),
    square({"name": "Phường Hoàn Kiếm", "unit_code": "HN-HK"}),
    square({"name": "Phường Sài Gòn"}),
    square({"name": "Xã Không Có"}),
)


def test_only_the_central_admin_with_unit_manage_may_import(db: Db, tree: Tree) -> None:
    refused = [
        actor_at(tree.hn, *ALL),
        actor_at(tree.root, *ALL, account_type=USER),
        actor_at(tree.root, functions.DASHBOARD),
    ]
    for actor in refused:
        assert not geo.can_import(actor)
        with pytest.raises(PermissionDenied):
            geo.import_boundaries(db, actor, "XA", COMMUNES, "xa.geojson")
        with pytest.raises(PermissionDenied):
            geo.preview_import(db, actor, "XA", COMMUNES, "xa.geojson")
    assert db.boundaries.stamp("XA") is None and not audit_rows(db, geo.ENTITY)


def test_an_import_is_stored_matched_and_audited(db: Db, tree: Tree) -> None:
    admin = make_admin_actor(db, tree.root)
    preview = geo.preview_import(db, admin, "XA", COMMUNES, "xa.geojson")
    assert db.boundaries.stamp("XA") is None
    report = geo.import_boundaries(db, admin, "XA", COMMUNES, "xa.geojson")
    assert (report.matched, report.feature_count) == (3, 4) == (preview.matched, 4)
    assert report.unmatched_features == ("Xã Không Có",)
    assert report.unmatched_units == ()
    assert db.boundaries.matches("XA")["Phường Hoàn Kiếm"] == tree.hoan_kiem.id
    (row,) = audit_rows(db, geo.ENTITY)
    assert row["action"] == "import" and row["actor_user_id"] == admin.user_id
    assert json.loads(row["detail"])["matched"] == 3


def test_an_import_replaces_the_default_and_its_matches_survive_a_rename(db, tree) -> None:
    admin = make_admin_actor(db, tree.root)
    data = collection(square({"name": "Thủ đô"}), square({"name": "Hồ Chí Minh"}))
    report = geo.import_boundaries(db, admin, "TINH", data, "tinh.geojson")
    assert report.unmatched_features == ("Thủ đô",)
    db.execute(
        "UPDATE unit SET name = 'Đảng bộ Sài Gòn', province = NULL WHERE id = ?", [tree.hcm.id]
    )
    found = geo.boundaries(db, "TINH", [db.units.get(tree.hn.id), db.units.get(tree.hcm.id)])
    assert found.imported and found.source == "tinh.geojson"
    assert len(found.geojson["features"]) == 2
    assert found.by_unit == {tree.hcm.id: "Hồ Chí Minh"}
    geo.import_boundaries(db, admin, "TINH", collection(square({"name": "Hà Nội"})), "v2.json")
    assert geo.boundaries(db, "TINH", [tree.hn]).by_unit == {tree.hn.id: "Hà Nội"}
    assert len(audit_rows(db, geo.ENTITY)) == 2


@pytest.mark.parametrize(
    ("level", "filename", "field"),
    [("TW", "x.geojson", "Cấp"), ("KHONG_CO", "x.geojson", "Cấp"), ("XA", "x.csv", "Tệp GeoJSON")],
)
def test_a_bad_level_or_file_name_is_refused(db, tree, level, filename, field) -> None:
    admin = make_admin_actor(db, tree.root)
    with pytest.raises(ValidationError) as refused:
        geo.import_boundaries(db, admin, level, COMMUNES, filename)
    assert refused.value.field == field


def test_level_status_shows_what_is_in_force_for_each_level(db: Db, tree: Tree) -> None:
    admin = make_admin_actor(db, tree.root)
    geo.import_boundaries(db, admin, "XA", COMMUNES, "xa.geojson")
    rows = {r.level_code: r for r in geo.level_status(db, admin)}
    assert "TW" not in rows
    assert (rows["XA"].origin, rows["XA"].source, rows["XA"].unit_count) == (
        "imported",
        "xa.geojson",
        3,
    )
    assert rows["HUYEN"].origin is None and rows["HUYEN"].boundaries is None
    hanoi = {r.level_code: r for r in geo.level_status(db, make_admin_actor(db, tree.hn))}
    assert hanoi["XA"].unit_count == 2 and len(hanoi["XA"].boundaries.by_unit) == 2
