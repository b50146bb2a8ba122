"""The one-way dependency rule: pages -> core services -> core store.

`core` never imports streamlit, only `core/store/` imports duckdb, and no page (nor app.py)
speaks SQL. The detectors are tested on samples first, so that an empty result means clean
code, not a blind check.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORE = ROOT / "core"
STORE = CORE / "store"
SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE)\s+(?:[A-Za-z_][A-Za-z0-9_]*|\*)")


def imported_roots(source: str) -> set[str]:
    """Top-level names of every module a Python source imports, wherever the import is."""
    roots = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def sql_in(source: str) -> list[str]:
    return [m.group(0) for m in SQL.finditer(source)]


def core_files() -> list[Path]:
    files = sorted(CORE.rglob("*.py"))
    assert len(files) >= 10, "core/ should hold the domain modules"
    return files


def page_files() -> list[Path]:
    """app.py and every page, whichever of them exist yet."""
    pages = sorted((ROOT / "pages").rglob("*.py")) if (ROOT / "pages").is_dir() else []
    return [p for p in [ROOT / "app.py", *pages] if p.is_file()]


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


# -- the detectors ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "import streamlit as st",
        "import streamlit.components.v1 as components",
        "from streamlit import session_state",
        "def page():\n    from streamlit.runtime import exists\n",
    ],
)
def test_import_detector_finds_streamlit_in_any_form(source: str) -> None:
    assert "streamlit" in imported_roots(source)


def test_import_detector_ignores_relative_imports_and_text() -> None:
    assert imported_roots("from . import duckdb\ntext = 'import streamlit'\n") == set()


@pytest.mark.parametrize(
    "source",
    [
        'rows = db.execute("SELECT id FROM unit")',
        "q = '''\n    INSERT INTO audit_log VALUES (1)'''",
        'db.execute(f"UPDATE unit SET name = ?")',
        'db.execute("DELETE FROM unit")',
        'db.execute("SELECT * FROM unit")',
    ],
)
def test_sql_detector_finds_statements(source: str) -> None:
    assert sql_in(source)


@pytest.mark.parametrize(
    "source",
    [
        'st.button("Cập nhật")',
        "# select a unit, then update the session\n",
        'label = "SELECT"',
    ],
)
def test_sql_detector_ignores_ordinary_words(source: str) -> None:
    assert sql_in(source) == []


# -- the rules --------------------------------------------------------------------------------


def test_core_never_imports_streamlit() -> None:
    offenders = [
        rel(p) for p in core_files() if "streamlit" in imported_roots(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_only_the_store_imports_duckdb() -> None:
    offenders = [
        rel(p)
        for p in core_files()
        if STORE not in p.parents and "duckdb" in imported_roots(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_store_is_where_duckdb_is_used() -> None:
    users = [
        rel(p) for p in core_files() if "duckdb" in imported_roots(p.read_text(encoding="utf-8"))
    ]
    assert users and all(u.startswith("core/store/") for u in users)


def test_no_page_and_not_app_py_contains_sql() -> None:
    offenders = {rel(p): sql_in(p.read_text(encoding="utf-8")) for p in page_files()}
    assert {path: found for path, found in offenders.items() if found} == {}


def test_no_page_imports_duckdb() -> None:
    offenders = [
        rel(p) for p in page_files() if "duckdb" in imported_roots(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
