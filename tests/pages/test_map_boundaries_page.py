"""Ranh giới bản đồ through AppTest: the status for every admin, the import for the central one."""

from __future__ import annotations

import json

import pytest

from tests.pages.conftest import CENTRAL_ADMIN, HANOI_ADMIN, open_page

PAGE = "pages/map_boundaries.py"


def square(name: str, lon: float) -> dict:
    ring = [[lon, 21.0], [lon + 0.02, 21.0], [lon + 0.02, 21.02], [lon, 21.0]]
    return {
        "type": "Feature",
        "properties": {"name": name},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


COMMUNES = json.dumps(
    {
        "type": "FeatureCollection",
        "features": [square("Phường Ba Đình", 105.82), square("Vùng không có", 105.9)],
    }
).encode()


@pytest.fixture
def clean_xa(demo_store):
    """The demo database is shared by the session: take the imported set away afterwards."""
    yield
    db = demo_store.db()
    db.atomic(lambda d: d.boundaries.delete("XA"))


def upload(at, name: str, data: bytes):
    {s.label: s for s in at.selectbox}["Cấp đơn vị"].select("XA")
    at.file_uploader[0].set_value((name, data, "application/geo+json"))
    return at.run()


def test_the_central_admin_sees_the_default_provinces_and_the_uploader(app):
    at = open_page(app(CENTRAL_ADMIN), PAGE)
    assert not at.exception and not at.error
    assert [t.value for t in at.title] == ["Ranh giới bản đồ"]
    table = at.dataframe[0].value
    row = table[table["Cấp"] == "Tỉnh/Thành phố"].iloc[0]
    assert (row["Nguồn"], row["Tệp"], row["Đã khớp"]) == (
        "Tệp mặc định",
        "vn_provinces_34.geojson",
        "34",
    )
    assert len(at.file_uploader) == 1
    assert any("Talia Cao" in c.value for c in at.caption)


def test_the_central_admin_previews_then_saves_an_import(app, demo_store, clean_xa):
    at = upload(open_page(app(CENTRAL_ADMIN), PAGE), "xa.geojson", COMMUNES)
    assert not at.exception and not at.error
    assert any("2 vùng, 1 vùng khớp" in s.value for s in at.success)
    assert demo_store.db().boundaries.stamp("XA") is None
    assert any("Talia Cao" in c.value for c in at.caption)
    at = at.button[[b.label for b in at.button].index("Lưu ranh giới")].click().run()
    assert not at.exception
    assert "Lưu ranh giới thành công" in [t.value for t in at.toast]
    assert demo_store.db().boundaries.stamp("XA")["file_name"] == "xa.geojson"


def test_a_bad_file_is_refused_with_its_reason_and_nothing_to_save(app, demo_store):
    at = upload(open_page(app(CENTRAL_ADMIN), PAGE), "xa.geojson", b"{not json")
    assert not at.exception
    assert any("không phải JSON hợp lệ" in e.value for e in at.error)
    assert "Lưu ranh giới" not in [b.label for b in at.button]


def test_a_provincial_admin_sees_the_status_only(app):
    at = open_page(app(HANOI_ADMIN), PAGE)
    assert not at.exception and not at.error
    assert not at.file_uploader
    assert any("Chỉ Admin của đơn vị Trung ương" in c.value for c in at.caption)
    table = at.dataframe[0].value
    row = table[table["Cấp"] == "Tỉnh/Thành phố"].iloc[0]
    assert (row["Đơn vị trong phạm vi"], row["Đã khớp"]) == ("1", "1")
