"""The dashboard through AppTest for a central, a provincial and a grassroots user."""

from __future__ import annotations

import base64
import json

import numpy as np

from tests.pages.conftest import CENTRAL_ADMIN, GRASSROOTS_STAFF, HANOI_ADMIN, open_page


def charts(at) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def values(array) -> list:
    """A plotly array, which plotly 7 may send as a base64 typed array."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def map_locations(at) -> list:
    maps = [c for c in charts(at) if c["data"] and c["data"][0].get("type") == "choroplethmap"]
    return [loc for trace in maps[0]["data"] for loc in values(trace["locations"])] if maps else []


def test_the_central_admin_sees_the_counts_and_a_map_of_the_34_provinces(app):
    at = open_page(app(CENTRAL_ADMIN), "pages/dashboard.py")
    assert not at.exception
    labels = {m.label for m in at.metric}
    assert {"Báo cáo phải nộp", "Đã gửi", "Đã phê duyệt", "Chưa gửi"} <= labels
    assert len(set(map_locations(at))) == 34


def test_drilling_into_hanoi_shows_its_communes_ranked(app, demo_store):
    at = open_page(app(CENTRAL_ADMIN), "pages/dashboard.py")
    picker = next(s for s in at.selectbox if s.label == "Xem chi tiết địa bàn")
    at = picker.set_value(demo_store.db().units.by_code("01000000").id).run()
    titles = [c["layout"].get("title", {}).get("text") for c in charts(at)]
    assert "Tỷ lệ hoàn thành của các đơn vị cấp dưới" in titles
    assert any("Hà Nội" in c.value for c in at.caption)


def test_the_hanoi_admin_sees_its_own_communes_only(app):
    at = open_page(app(HANOI_ADMIN), "pages/dashboard.py")
    assert [s.value for s in at.subheader][0] == "Đảng bộ Thành phố Hà Nội"
    ranked = next(
        c
        for c in charts(at)
        if c["layout"].get("title", {}).get("text") == "Tỷ lệ hoàn thành của các đơn vị cấp dưới"
    )
    names = [n for trace in ranked["data"] for n in values(trace["y"])]
    assert names and not any("Hồ Chí Minh" in n or "Sài Gòn" in n for n in names)


def test_the_indicator_explorer_shows_values_and_a_total(app):
    at = open_page(app(HANOI_ADMIN), "pages/dashboard.py")
    at = next(b for b in at.button if b.label == "Xem kết quả").click().run()
    assert any(m.label.startswith("Tổng:") for m in at.metric)
    assert at.dataframe[-1].value.columns.tolist() == ["Đơn vị", "Mã", "Giá trị"]


def test_a_grassroots_user_is_told_there_is_nothing_below(app):
    at = open_page(app(GRASSROOTS_STAFF), "pages/dashboard.py")
    assert not at.exception
    assert "Đơn vị của bạn chưa có đơn vị cấp dưới phải nộp báo cáo." in [i.value for i in at.info]
