"""A real app server on 127.0.0.1 with a fresh demo database, and headless Chromium.

Locally the browser tests skip when Debian's chromium is absent; in CI (CI=true) they fail
instead, so a missing install step cannot pass unnoticed.
"""

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

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("CI needs Debian's chromium at /usr/bin/chromium for the browser tests")
        pytest.skip("chromium is not installed")
    return CHROMIUM


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Iterator[str]:
    port = _free_port()
    env = {
        **os.environ,
        "DHD_DB_PATH": str(tmp_path_factory.mktemp("e2e") / "demo.duckdb"),
        "DHD_MODE": "demo",
        "DHD_DEMO_SCALE": "S",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail(f"the app did not start: {proc.stdout.read().decode()[-2000:]}")
    yield url
    proc.terminate()
    proc.wait(timeout=20)


@pytest.fixture
def page(server: str, chromium_path: str, tmp_path: Path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="vi-VN")
        tab.set_default_timeout(60_000)
        tab.goto(server)
        yield tab
        tab.screenshot(path=str(tmp_path / "last.png"))
        browser.close()


def wait_idle(page) -> None:
    """Wait until Streamlit has finished the current script run: a click during a run can be
    dropped when the run redraws the element."""
    page.wait_for_timeout(300)
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for()


def sign_in(page, cccd: str, password: str = "Daihoi@2025") -> None:
    from playwright.sync_api import expect

    field = page.get_by_label("Số căn cước công dân")
    field.first.wait_for()
    wait_idle(page)
    expect(field).to_have_count(1)  # after a sign-out the old form may still be fading out
    page.get_by_label("Số căn cước công dân").fill(cccd)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("button", name="Đăng xuất").wait_for()
    wait_idle(page)


def open_page(page, name: str) -> None:
    """Follow a navigation link and wait for the page's heading (a click dropped by a
    redraw is repeated, at most three times)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(3):
        page.get_by_role("link", name=name, exact=True).click()
        try:
            page.get_by_role("heading", name=name, exact=True).wait_for(timeout=15_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    wait_idle(page)
