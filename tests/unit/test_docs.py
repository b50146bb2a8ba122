"""The README stays in step with the code it documents."""

from __future__ import annotations

from pathlib import Path

from core import settings
from core.demo import ACCOUNTS, DEMO_PASSWORD

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands():
    block = README.split("```bash\n", 1)[1].split("```", 1)[0].strip().splitlines()
    assert block[0].endswith("streamlit run app.py")
    assert block[1].endswith("pytest")


def test_readme_lists_every_setting():
    for setting in settings.ALL:
        assert f"`{setting.name}`" in README


def test_readme_demo_table_lists_every_demo_account_with_its_password():
    section = README.split("## Demo accounts", 1)[1].split("\n## ", 1)[0]
    assert "| CCCD | Mật khẩu | Đơn vị | Vai trò |" in section
    rows = {
        line.split("|")[1].strip(): line for line in section.splitlines() if line.startswith("| 0")
    }
    assert set(rows) == {a.cccd for a in ACCOUNTS}
    assert all(f"| {DEMO_PASSWORD} |" in line for line in rows.values())
