"""Two processes: a second app process pointed at a database file another process holds gets a
clear error at start, and the first process's data is left whole.

The app server opens its file when it starts, not when the first visitor arrives, so a second
server on the same file stops at once instead of reporting healthy."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
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


def serve(path: Path) -> tuple[subprocess.Popen, str]:
    """``streamlit run app.py`` on ``path`` (demo mode), on a free port of 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1"]
        + ["--server.port", str(port), "--server.headless", "true"],
        cwd=ROOT,
        env={**os.environ, "DHD_DB_PATH": str(path), "DHD_MODE": "demo"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return proc, f"http://127.0.0.1:{port}/_stcore/health"


def healthy(proc: subprocess.Popen, url: str) -> bool:
    """Poll the health endpoint until it answers or the process ends."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return True
        except OSError:
            time.sleep(0.3)
    return False


def stop(proc: subprocess.Popen) -> str:
    if proc.poll() is None:
        proc.terminate()
    out, _ = proc.communicate(timeout=START_TIMEOUT)
    return out


def test_a_second_app_server_on_a_held_file_exits_at_start_without_serving(held) -> None:
    path, _ = held
    proc, url = serve(path)
    try:
        assert not healthy(proc, url)
        proc.wait(timeout=START_TIMEOUT)
    finally:
        out = stop(proc)
    assert proc.returncode != 0
    assert "Không thể khởi động" in out and IN_USE in out and str(path) in out


def test_the_app_server_holds_its_file_from_start_before_any_visitor(tmp_path: Path) -> None:
    path = tmp_path / "served.duckdb"
    proc, url = serve(path)
    try:
        assert healthy(proc, url)
        with pytest.raises(ConfigError, match=IN_USE):
            Store.open(path)
    finally:
        stop(proc)
