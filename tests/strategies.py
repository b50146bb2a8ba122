"""Hypothesis strategies and helpers shared by the bad-input, hostile-upload and scope tests.

Hostile text is what people (and attackers) really type: SQL fragments, LIKE wildcards, quotes,
emoji, Vietnamese in decomposed form, control and invisible characters, blank runs and very long
strings. `folded` is the form accepted text must be stored in (NFC, runs of white space folded to
one space, trimmed), written here independently of `core.text.clean` so that it checks it.
`attempt` is the check every bad-input property makes of one call.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st

from core import functions, templates
from core.errors import DomainError, ValidationError
from core.store import Db

SQL = (
    "Robert'); DROP TABLE unit;--",
    "' OR '1'='1",
    '" OR ""="',
    "1; DELETE FROM app_user WHERE 1=1; --",
    "x' UNION SELECT password_hash FROM app_user --",
    "%' AND starts_with(path, '/') --",
    "$scope",
    "?",
    "\\'; ATTACH 'x.db'; --",
)
WILDCARDS = ("%", "_", "%%", "a%b", "_ _", "100%", "\\%", "[a-z]", "*")
ODD = (
    "",
    " ",
    "\t\n  \r\n",
    "\u00a0",
    "\u200b",
    "\u202eđảo ngược",
    "\x00",
    "Tên\x00ẩn",
    "\x1b[31mđỏ",
    "\ufeffBOM",
    "😀🎉🇻🇳",
    "👨‍👩‍👧‍👦 gia đình",
    unicodedata.normalize("NFD", "Đảng bộ Phường Ngọc Hà"),
    "  Đảng   bộ\tPhường\n Ba  Đình  ",
    "Ｆｕｌｌｗｉｄｔｈ",
    "ǅ ß ﬁ İ",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://x")',
    "../../etc/passwd",
)
HOSTILE = SQL + WILDCARDS + ODD


def folded(value: str | None) -> str | None:
    """What a form keeps of typed text: NFC, white space runs folded, trimmed; None if blank."""
    text = unicodedata.normalize("NFC", " ".join((value or "").split()))
    return text or None


def long_text(min_repeat: int = 200, max_repeat: int = 2500) -> st.SearchStrategy[str]:
    """Strings from a few hundred to ten thousand characters, cheap to generate."""
    return st.builds(
        lambda part, n: part * n,
        st.sampled_from(("a", "Đảng ", "😀", "x'", "%_", "ệ")),
        st.integers(min_repeat, max_repeat),
    )


def hostile_text() -> st.SearchStrategy[str]:
    """Any text a form field or a search box may receive."""
    return st.one_of(
        st.sampled_from(HOSTILE),
        st.text(max_size=40),
        st.text(alphabet=st.characters(categories=("Cc", "Cf", "Zs", "Zl", "Zp")), max_size=6),
        st.builds(lambda a, b: f"{a}{b}", st.sampled_from(HOSTILE), st.text(max_size=10)),
        long_text(),
    )


def hostile_optional_text() -> st.SearchStrategy[str | None]:
    return st.one_of(st.none(), hostile_text())


def mostly_good(
    good: dict[str, Any], breakers: dict[str, st.SearchStrategy[Any]], most: int = 3
) -> st.SearchStrategy[dict[str, Any]]:
    """A good form with up to ``most`` of its fields replaced by values from ``breakers``, so
    that both the refusals and the cleaning of accepted values are exercised."""
    return st.sets(st.sampled_from(sorted(breakers)), max_size=most).flatmap(
        lambda broken: st.fixed_dictionaries({f: breakers[f] for f in broken}).map(
            lambda bad: {**good, **bad}
        )
    )


def cell_values() -> st.SearchStrategy[Any]:
    """Anything a cell of a report tab may receive from the entry grid or an upload."""
    return st.one_of(
        st.none(),
        st.integers(),
        st.integers(-5, 10_000_000),
        st.floats(),  # NaN, infinities, negative zero, huge, tiny
        st.floats(0, 100),
        st.booleans(),
        st.dates(),
        st.datetimes(),
        st.text(max_size=30),
        st.sampled_from(
            (
                "1.234",
                "1,234",
                "12,5",
                "1 000",
                "-3",
                "1e3",
                "0x10",
                "1_000",
                "NaN",
                "inf",
                "---",
                "31/02/2025",
                "05/09/2025",
                "00/00/0000",
                "99999999999999999999",
                "=SUM(A1:A9)",
                *HOSTILE,
            )
        ),
        long_text(),
    )


# -- a small report template with one column of each cell type ----------------------------------

TEMPLATE_CODE = "MAU_KIEM_THU"
TEMPLATE_YAML = """
code: MAU_KIEM_THU
name: Mẫu kiểm thử dữ liệu xấu
term: NK_2025_2030
levels: [TINH, XA, CO_SO, CHI_BO]
tabs:
  - key: so_lieu
    title: 1. Số liệu
    columns:
      - {key: so, label: Số lượng}
      - label: Trong đó
        children:
          - {key: nu, label: Nữ}
      - {key: ty_le, label: Tỷ lệ (%), type: percent}
      - {key: ghi_chu, label: Ghi chú, type: text}
      - {key: ngay, label: Ngày, type: date}
    rows:
      - key: tong
        label: Tổng số
        children:
          - {key: moi, label: "- Kết nạp mới"}
    required: [[tong, so]]
    rules:
      - {le: nu, of: so}
"""
TAB = "so_lieu"
GOOD_CELLS: dict[tuple[str, str], Any] = {
    ("tong", "so"): 10,
    ("tong", "nu"): 4,
    ("tong", "ty_le"): 40.5,
    ("tong", "ghi_chu"): "Đạt yêu cầu",
    ("tong", "ngay"): date(2025, 5, 20),
    ("moi", "so"): 3,
    ("moi", "nu"): 1,
}
OTHER_CODE = "MAU_KHAC_KIEM_THU"
OTHER_YAML = TEMPLATE_YAML.replace(TEMPLATE_CODE, OTHER_CODE).replace(
    "Mẫu kiểm thử dữ liệu xấu", "Mẫu khác"
)
TERM = "NK_2025_2030"


def install_templates(db: Db) -> None:
    """Put the test templates in force, straight through the repository."""
    for text in (TEMPLATE_YAML, OTHER_YAML):
        t = templates.parse(text, "kiem_thu.yaml")
        source = f"{t.code.lower()}.yaml"
        db.reports.add_template_version(
            t.code, t.name, t.term, list(t.levels), text, source, "shipped", datetime(2025, 1, 1)
        )


# -- snapshots ---------------------------------------------------------------------------------

TABLES = (
    "app_meta",
    "unit",
    "app_user",
    "role",
    "role_function",
    "work_item",
    "report",
    "report_cell",
    "congress",
    "audit_log",
    "report_template",
)


def snapshot(db: Db, tables: tuple[str, ...] = TABLES) -> dict[str, list[tuple]]:
    """Every row of ``tables``, in a stable order: equal snapshots mean nothing changed."""
    return {t: sorted(db.execute(f"SELECT * FROM {t}"), key=repr) for t in tables}


# -- refusals ------------------------------------------------------------------------------------
#
# Each bad-input property says the same three things about one entry point: the call succeeds or
# raises a `DomainError` (never anything else, which a page would show as a traceback); a
# `ValidationError` names its field; a refusal saves nothing (every table, the audit trail
# included, is the same before and after). Text that is accepted is stored in its folded form
# (NFC, white space runs folded, trimmed).

T = TypeVar("T")
ALL = tuple(f.code for f in functions.CATALOG)
PROPERTY = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
ON = date(2025, 3, 1)  # "today" for the calendar rules
LONE_SURROGATE = "Ba Đình\ud800"


def attempt(db: Db, call: Callable[[], T], fields: set[str]) -> T | DomainError:
    """Run one action; on refusal check that it named a known field and saved nothing."""
    before = snapshot(db)
    try:
        outcome = call()
    except DomainError as err:
        event(f"refused: {type(err).__name__} {getattr(err, 'field', '')}")
        assert str(err).strip(), "a refusal must say why"
        if isinstance(err, ValidationError):
            assert err.field in fields, f"unknown field {err.field!r} in {err}"
            assert err.message.strip()
        assert snapshot(db) == before, f"refused ({err}) but something was saved"
        return err
    event("accepted")
    return outcome


def audited_once(db: Db, before: dict) -> None:
    """An accepted form writes exactly one audit row."""
    assert len(snapshot(db)["audit_log"]) == len(before["audit_log"]) + 1
