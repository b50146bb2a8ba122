"""Store.open: a file that cannot serve as the database (not a DuckDB file, a folder, a path
under a file, unreadable) stops with one Vietnamese sentence naming the file, never a raw
DuckDB or OS error."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from core.errors import ConfigError
from core.store import Store

CANNOT_OPEN = "Không mở được cơ sở dữ liệu"


def corrupt(tmp_path: Path) -> Path:
    path = tmp_path / "hong.duckdb"
    path.write_bytes(os.urandom(64 * 1024))
    return path


def folder(tmp_path: Path) -> Path:
    path = tmp_path / "thu_muc.duckdb"
    path.mkdir()
    return path


def under_a_file(tmp_path: Path) -> Path:
    (tmp_path / "tep").write_text("x")
    return tmp_path / "tep" / "dhd.duckdb"


@pytest.mark.parametrize("make", [corrupt, folder, under_a_file])
def test_a_file_that_cannot_be_the_database_is_refused_with_one_sentence(
    tmp_path: Path, make
) -> None:
    path = make(tmp_path)
    with pytest.raises(ConfigError) as refused:
        Store.open(path)
    assert str(refused.value).startswith(f"{CANNOT_OPEN} {path}:")
    assert "DHD_DB_PATH" in str(refused.value)


def test_an_unreadable_file_is_refused_with_the_same_sentence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "chi_doc.duckdb"

    def denied(*_args, **_kwargs):
        raise duckdb.IOException(f'IO Error: Cannot open file "{path}": Permission denied')

    monkeypatch.setattr(duckdb, "connect", denied)
    with pytest.raises(ConfigError, match=CANNOT_OPEN):
        Store.open(path)


def test_a_corrupt_file_is_not_mistaken_for_a_file_in_use(tmp_path: Path) -> None:
    from core.errors import DatabaseInUse

    with pytest.raises(ConfigError) as refused:
        Store.open(corrupt(tmp_path))
    assert not isinstance(refused.value, DatabaseInUse)
