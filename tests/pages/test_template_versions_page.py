"""Mẫu báo cáo shows each type's version and the history of its versions."""

from __future__ import annotations

from tests.pages.conftest import CENTRAL_ADMIN, open_page


def test_the_template_page_shows_the_version_and_its_history(app):
    at = open_page(app(CENTRAL_ADMIN), "pages/report_templates.py")
    assert not at.exception
    assert "Phiên bản" in at.dataframe[0].value.columns
    assert any(e.label.startswith("Lịch sử phiên bản (") for e in at.expander)
    history = at.dataframe[1].value
    assert list(history["Phiên bản"]) == [1] and list(history["Nguồn"]) == ["Tệp đi kèm ứng dụng"]
