"""Two processes: a second app process pointed at a database file another process holds gets a
clear error at start, and the first process's data is left whole."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.errors import ConfigError
from core.store import Store, migrate
from tests.store.crash_writer import MARKER_KIND, ROOT, child

IN_USE = "đang được một tiến trình khác sử dụng"
START_TIMEOUT = 60


def wait_for(proc: subprocess.Popen, word: str) -> None:
    line = proc.stdout.readline()
    if line.strip() != word:
        proc.kill()
        raise AssertionError(f"tiến trình giữ tệp không sẵn sàng: {line!r} {proc.stderr.read()}")


@pytest.fixture
def held(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen]]:
    """A fresh database file opened and held by another process, as the running app holds it."""
    path = tmp_path / "held.duckdb"
    proc = child("hold", str(path))
    wait_for(proc, "ready")
    yield path, proc
    if proc.poll() is None:
        proc.kill()
        proc.wait(timeout=10)


def release(proc: subprocess.Popen) -> None:
    """Let the holder write its second marker and close the file."""
    proc.stdin.write("xong\n")
    proc.stdin.flush()
    wait_for(proc, "done")
    proc.wait(timeout=START_TIMEOUT)


def test_opening_a_held_file_raises_a_config_error_naming_the_file(held) -> None:
    path, _ = held
    with pytest.raises(ConfigError) as refused:
        Store.open(path)
    assert str(path) in str(refused.value)
    assert IN_USE in str(refused.value)


def test_the_app_started_on_a_held_file_shows_the_message_without_a_traceback(
    held, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = held
    monkeypatch.setenv("DHD_DB_PATH", str(path))
    monkeypatch.setenv("DHD_MODE", "demo")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=START_TIMEOUT).run()
    assert not at.exception
    messages = [e.value for e in at.error]
    assert any(str(path) in m and IN_USE in m for m in messages), messages
    assert not at.text_input  # no sign-in form on a database the app could not open


def test_the_refused_second_process_leaves_the_first_ones_data_whole(held) -> None:
    path, proc = held
    with pytest.raises(ConfigError):
        Store.open(path)
    release(proc)

    store = Store.open(path)
    try:
        db = store.db()
        marked = db.execute("SELECT title FROM work_item WHERE kind = ? ORDER BY id", [MARKER_KIND])
        titles = [r[0] for r in marked]
        migrations = db.scalar("SELECT count(*) FROM schema_migrations")
    finally:
        store.close()
    assert titles == ["trước", "sau"]
    assert migrations == len(migrate.migration_files())
