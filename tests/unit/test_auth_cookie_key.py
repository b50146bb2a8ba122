"""core.cookie_key: a demo without a configured key gets a random one of its own, kept beside
the database; production still needs its own key."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from core import cookie_key, settings
from core.errors import ConfigError


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DHD_MODE", raising=False)
    monkeypatch.delenv("DHD_COOKIE_KEY", raising=False)


def db_in(folder: Path) -> str:
    return str(folder / "dhd.duckdb")


def test_a_demo_without_a_key_generates_a_long_random_one(demo, tmp_path: Path) -> None:
    key = cookie_key.resolve(None, db_in(tmp_path))
    assert len(key) >= 32 and key != settings.DEMO_COOKIE_KEY


def test_the_generated_key_is_kept_beside_the_database_readable_by_the_owner_only(
    demo, tmp_path: Path
) -> None:
    key = cookie_key.resolve(None, db_in(tmp_path))
    kept = tmp_path / cookie_key.FILE_NAME
    assert kept.read_text().strip() == key
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600


def test_the_kept_key_is_reused_after_a_restart(demo, tmp_path: Path) -> None:
    assert cookie_key.resolve(None, db_in(tmp_path)) == cookie_key.resolve(None, db_in(tmp_path))


def test_two_installations_get_different_keys(demo, tmp_path: Path) -> None:
    one = cookie_key.resolve(None, db_in(tmp_path / "a"))
    assert one != cookie_key.resolve(None, db_in(tmp_path / "b"))


def test_a_configured_key_wins_in_demo_and_no_file_is_written(
    demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DHD_COOKIE_KEY", "khoa-cau-hinh")
    assert cookie_key.resolve(None, db_in(tmp_path)) == "khoa-cau-hinh"
    assert not (tmp_path / cookie_key.FILE_NAME).exists()


def test_a_damaged_key_file_stops_with_a_message_naming_it(demo, tmp_path: Path) -> None:
    (tmp_path / cookie_key.FILE_NAME).write_text("ngan\n")
    with pytest.raises(ConfigError, match=cookie_key.FILE_NAME):
        cookie_key.resolve(None, db_in(tmp_path))


def test_production_without_a_key_still_refuses_to_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DHD_MODE", "production")
    monkeypatch.delenv("DHD_COOKIE_KEY", raising=False)
    with pytest.raises(ConfigError, match="DHD_COOKIE_KEY"):
        cookie_key.resolve(None, db_in(tmp_path))
    assert not (tmp_path / cookie_key.FILE_NAME).exists()
