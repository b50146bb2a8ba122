"""An uploaded form is bounded by its template's shape before openpyxl parses a value, and it is
parsed before the write transaction opens (issue #10, item 11).

The files are built with `zipfile` and raw XML from a real blank form, so that making a table
of two hundred thousand strings costs milliseconds, not the parse it is meant to prevent.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest

from core import report_excel, reports, xlsx_bounds
from core.model import Actor
from core.report_types import all_templates
from core.store import Db
from tests.strategies import GOOD_CELLS, TAB, TEMPLATE_CODE
from tests.unit import test_hostile_uploads as hostile

owner, report_id = hostile.owner, hostile.report_id  # the same fixtures
filled, refused, rezipped = hostile.filled, hostile.refused, hostile.rezipped

SST = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def strings_table(count: int, declared: int | None = None) -> bytes:
    n = count if declared is None else declared
    items = b"".join(b"<si><t>s%d</t></si>" % i for i in range(count))
    return SST + b' count="%d" uniqueCount="%d">' % (n, n) + items + b"</sst>"


def with_member(name: str, body: bytes) -> Callable[[dict[str, bytes]], None]:
    return lambda files: files.update({name: body})


@pytest.fixture
def no_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_excel, "load_workbook", hostile.never_parse)


def test_a_table_of_200000_strings_is_refused_fast_without_parsing(
    db: Db, owner: Actor, report_id: int, no_parse: None
) -> None:
    bomb = rezipped(filled(db, owner), with_member("xl/sharedStrings.xml", strings_table(200_000)))
    started = time.perf_counter()
    message = refused(db, owner, report_id, bomb)
    assert time.perf_counter() - started < 2.0
    assert "quá nhiều chuỗi văn bản (200000)" in message


def test_a_strings_table_that_understates_its_count_is_counted(
    db: Db, owner: Actor, report_id: int, no_parse: None
) -> None:
    lying = strings_table(200_000, declared=3)
    bomb = rezipped(filled(db, owner), with_member("xl/sharedStrings.xml", lying))
    assert "quá nhiều chuỗi văn bản (200000)" in refused(db, owner, report_id, bomb)


def test_a_sheet_declaring_a_huge_used_range_is_refused(
    db: Db, owner: Actor, report_id: int, no_parse: None
) -> None:
    sheet = "xl/worksheets/sheet1.xml"

    def widen(files: dict[str, bytes]) -> None:
        body = files[sheet]
        start = body.index(b"<dimension")
        end = body.index(b"/>", start) + 2
        files[sheet] = body[:start] + b'<dimension ref="A1:XFD1048576"/>' + body[end:]

    assert "vùng dữ liệu quá lớn" in refused(
        db, owner, report_id, rezipped(filled(db, owner), widen)
    )


def test_a_workbook_with_hundreds_of_sheets_is_refused(
    db: Db, owner: Actor, report_id: int, no_parse: None
) -> None:
    def add_sheets(files: dict[str, bytes]) -> None:
        for i in range(100, 140):
            files[f"xl/worksheets/sheet{i}.xml"] = b"<worksheet/>"

    assert "trang tính" in refused(db, owner, report_id, rezipped(filled(db, owner), add_sheets))


def test_a_workbook_of_thousands_of_members_is_refused(
    db: Db, owner: Actor, report_id: int, no_parse: None
) -> None:
    def add_members(files: dict[str, bytes]) -> None:
        for i in range(2000):
            files[f"xl/media/m{i}.bin"] = b"x"

    message = refused(db, owner, report_id, rezipped(filled(db, owner), add_members))
    assert "quá nhiều thành phần" in message


def test_bounds_follow_the_template_and_admit_its_own_form(db: Db, owner: Actor) -> None:
    template = all_templates(db)[TEMPLATE_CODE]
    bounds = xlsx_bounds.bounds_for(template)
    tab = template.tab(TAB)
    assert bounds.sheets == len(template.tabs) + 4
    assert bounds.cols >= len(tab.columns) + 1 and bounds.rows >= len(tab.rows)
    values, errors = report_excel.read_form(template, filled(db, owner))
    assert not errors and values[TAB] == GOOD_CELLS


def test_the_upload_is_parsed_before_the_transaction_opens(
    db: Db, owner: Actor, report_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A spy on `db.atomic` records whether a transaction was open while openpyxl parsed."""
    open_during_parse: list[bool] = []
    in_tx = [False]
    atomic, load = db.atomic, report_excel.load_workbook

    def spying_atomic(fn: Callable[[Db], Any]) -> Any:
        in_tx[0] = True
        try:
            return atomic(fn)
        finally:
            in_tx[0] = False

    def spying_load(*args: Any, **kwargs: Any) -> Any:
        open_during_parse.append(in_tx[0])
        return load(*args, **kwargs)

    monkeypatch.setattr(db, "atomic", spying_atomic)
    monkeypatch.setattr(report_excel, "load_workbook", spying_load)
    data = filled(db, owner, **{"/".join(next(iter(GOOD_CELLS))): 7})
    version = db.items.get(report_id).version
    reports.upload(db, owner, report_id, data, version)
    assert open_during_parse == [False]
    assert db.items.get(report_id).version == version + 1
    assert reports.detail(db, owner, report_id).values[TAB][next(iter(GOOD_CELLS))] == 7
