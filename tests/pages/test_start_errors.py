"""A database file that cannot be opened (corrupt, a folder, unreadable) shows the start-up
error page: one Vietnamese sentence under its own navigation, never a traceback nor the pages/
listing, and nobody is offered a sign-in form."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.conftest import ROOT

CANNOT_OPEN = "Không mở được cơ sở dữ liệu"


def start(monkeypatch: pytest.MonkeyPatch, path: Path) -> AppTest:
    monkeypatch.setenv("DHD_DB_PATH", str(path))
    monkeypatch.setenv("DHD_MODE", "demo")
    return AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()


def assert_start_error_page(at: AppTest, path: Path) -> None:
    assert not at.exception
    assert [t.value for t in at.title] == ["Không thể khởi động"]
    assert [e.value for e in at.error] == [
        f"{CANNOT_OPEN} {path}: tệp bị hỏng, không phải tệp DuckDB hoặc không đọc ghi được; "
        "hãy kiểm tra DHD_DB_PATH và quyền truy cập tệp."
    ]
    assert not at.text_input
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("pages/dashboard.py")  # the pages/ folder is not listed


def test_a_corrupt_database_file_shows_the_start_up_error_page(monkeypatch, tmp_path):
    path = tmp_path / "hong.duckdb"
    path.write_bytes(os.urandom(64 * 1024))
    assert_start_error_page(start(monkeypatch, path), path)


def test_a_folder_in_place_of_the_database_file_shows_the_start_up_error_page(
    monkeypatch, tmp_path
):
    path = tmp_path / "thu_muc.duckdb"
    path.mkdir()
    assert_start_error_page(start(monkeypatch, path), path)


def test_an_unreadable_database_file_shows_the_start_up_error_page(monkeypatch, tmp_path):
    path = tmp_path / "chi_doc.duckdb"

    def denied(*_args, **_kwargs):
        raise duckdb.IOException(f'IO Error: Cannot open file "{path}": Permission denied')

    monkeypatch.setattr(duckdb, "connect", denied)
    assert_start_error_page(start(monkeypatch, path), path)


def test_users_never_see_error_details():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
