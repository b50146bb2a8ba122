"""Report forms in Excel: the official layout, the round trip, and every refusal of an upload."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable
from dataclasses import FrozenInstanceError
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook
from openpyxl.workbook.workbook import Workbook as Book

from core import report_excel
from core.cells import MAX_INT
from core.report_excel import (
    ID_SHEET,
    UploadError,
    blank_form,
    fingerprint,
    read_form,
    report_workbook,
    sheet_names,
)
from core.templates import Template, parse

YAML = """
code: MAU_THU
name: Mẫu thử nghiệm
term: NK_2025_2030
levels: [CO_SO]
tabs:
  - key: ket_qua
    title: "1. Kết quả: bầu cử/cấp ủy [chính thức] * nhiệm kỳ 2025-2030"
    columns:
      - {key: tong_so, label: Tổng số}
      - label: Chia theo
        children:
          - label: Giới tính
            children:
              - {key: nam, label: Nam}
              - {key: nu, label: Nữ}
          - {key: dtts, label: Dân tộc thiểu số}
      - {key: ty_le, label: Tỷ lệ nữ (%), type: percent}
      - {key: ghi_chu, label: Ghi chú, type: text}
    rows:
      - key: tong
        label: Tổng số cấp ủy viên
        children:
          - {key: lan_dau, label: "- Tham gia lần đầu"}
          - {key: nu_row, label: "- Nữ"}
      - {key: ngay, label: Ngày bầu, type: date}
    not_applicable: [[nu_row, nam], [ngay, nam], [ngay, nu], [ngay, dtts], [ngay, ty_le],
                     [ngay, ghi_chu]]
    required: [[tong, tong_so]]
    rules:
      - {sum: tong_so, of: [nam, nu]}
      - {le: dtts, of: tong_so}
  - key: phu
    title: "1. Kết quả: bầu cử/cấp ủy [chính thức] * nhiệm kỳ 2025-2030 (phụ lục)"
    columns:
      - {key: so, label: Số lượng}
      - {key: ten, label: Tên, type: text}
    rows:
      - {key: a, label: Chi bộ}
      - {key: b, label: Đảng bộ bộ phận}
"""
TEMPLATE = parse(YAML, "mau_thu.yaml")
TITLES = ["ĐẢNG BỘ TỈNH THỬ", "PHÂN TÍCH KẾT QUẢ BẦU CỬ", "Nhiệm kỳ 2025 - 2030"]
HEADER, BODY = 5, 8  # three title lines and a spacer, then three header rows
SHEET, SHEET2 = sheet_names(TEMPLATE)["ket_qua"], sheet_names(TEMPLATE)["phu"]
VALID = {
    "ket_qua": {
        ("tong", "tong_so"): 10,
        ("tong", "nam"): 6,
        ("tong", "nu"): 4,
        ("tong", "dtts"): 2,
        ("tong", "ty_le"): 40.0,
        ("tong", "ghi_chu"): "Đã bầu đủ 😀",
        ("lan_dau", "tong_so"): 3,
        ("nu_row", "nu"): 4,
        ("ngay", "tong_so"): date(2025, 5, 20),
    },
    "phu": {("a", "so"): 1_234_567, ("b", "ten"): "Chi bộ 3"},
}


def book(data: bytes) -> Book:
    return load_workbook(io.BytesIO(data))


def edited(data: bytes, change: Callable[[Book], object]) -> bytes:
    """The workbook after a change made the way a user's spreadsheet program would."""
    wb = book(data)
    change(wb)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def put(sheet: str, **cells: object) -> Callable[[Book], None]:
    def change(wb: Book) -> None:
        for address, value in cells.items():
            wb[sheet][address] = value

    return change


def refused(errors: list[UploadError], fragment: str) -> bool:
    return any(fragment in e.message for e in errors)


@pytest.fixture(scope="module")
def filled() -> bytes:
    return report_workbook(TEMPLATE, VALID, TITLES)


# -- layout -----------------------------------------------------------------------------------


def test_title_lines_sit_on_top_bold_merged_the_first_one_larger(filled: bytes) -> None:
    ws = book(filled)[SHEET]
    assert [ws.cell(i, 1).value for i in (1, 2, 3)] == TITLES
    assert all(ws.cell(i, 1).font.b for i in (1, 2, 3))
    assert ws["A1"].font.sz > ws["A2"].font.sz
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:G1", "A2:G2", "A3:G3"} <= merged


def test_grouped_header_is_merged_cells_with_leaves_spanning_down(filled: bytes) -> None:
    ws = book(filled)[SHEET]
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A5:A7", "B5:B7", "C5:E5", "C6:D6", "E6:E7", "F5:F7", "G5:G7"} <= merged
    assert [ws[a].value for a in ("A5", "B5", "C5", "C6", "E6", "C7", "D7", "F5", "G5")] == [
        "Chỉ tiêu",
        "Tổng số",
        "Chia theo",
        "Giới tính",
        "Dân tộc thiểu số",
        "Nam",
        "Nữ",
        "Tỷ lệ nữ (%)",
        "Ghi chú",
    ]
    for address in ("A5", "C5", "C6", "C7"):
        cell = ws[address]
        assert cell.font.b and cell.alignment.horizontal == "center" and cell.alignment.wrap_text
        assert cell.fill.fgColor.rgb.endswith("DCE6F1") and cell.border.left.style == "thin"


def test_panes_freeze_below_the_header_and_right_of_the_labels(filled: bytes) -> None:
    wb = book(filled)
    assert wb[SHEET].freeze_panes == "B8"
    assert wb[SHEET2].freeze_panes == "B6"  # a one-level header


def test_rows_are_labelled_and_indented_by_depth(filled: bytes) -> None:
    ws = book(filled)[SHEET]
    labels = [ws.cell(BODY + i, 1).value for i in range(4)]
    assert labels == ["Tổng số cấp ủy viên", "- Tham gia lần đầu", "- Nữ", "Ngày bầu"]
    assert ws["A8"].alignment.indent == 0 and ws["A9"].alignment.indent > 0
    assert ws["A9"].alignment.indent == ws["A10"].alignment.indent


def test_cells_that_do_not_apply_show_dashes_centred(filled: bytes) -> None:
    ws = book(filled)[SHEET]
    for address in ("C10", "C11", "D11", "E11", "F11", "G11"):
        assert ws[address].value == "---" and ws[address].alignment.horizontal == "center"
    assert ws["D10"].value == 4


def test_number_formats_follow_the_cell_type(filled: bytes) -> None:
    ws = book(filled)[SHEET]
    assert ws["B8"].number_format == "#,##0" and ws["B8"].value == 10
    assert ws["F8"].number_format == "0.00" and ws["F8"].value == 40
    assert ws["B11"].number_format == "dd/mm/yyyy" and ws["B11"].value == datetime(2025, 5, 20)
    assert ws["G8"].number_format == "@"


def test_every_table_cell_is_bordered_and_widths_are_set(filled: bytes) -> None:
    ws = book(filled)[SHEET]
    for row in ws.iter_rows(min_row=BODY, max_row=BODY + 3, max_col=7):
        assert all(c.border.left.style == "thin" and c.border.bottom.style == "thin" for c in row)
    assert ws.column_dimensions["A"].width >= 24 and ws.column_dimensions["G"].width >= 30


def test_sheet_names_are_valid_unique_and_the_identity_sheet_is_hidden(filled: bytes) -> None:
    wb = book(filled)
    assert wb.sheetnames == [SHEET, SHEET2, ID_SHEET]
    for name in (SHEET, SHEET2):
        assert len(name) <= 31 and not set(name) & set("[]:*?/\\")
    assert SHEET.lower() != SHEET2.lower()
    assert wb[ID_SHEET].sheet_state == "hidden"
    assert wb[ID_SHEET]["B1"].value == "MAU_THU"
    assert wb[ID_SHEET]["B2"].value == fingerprint(TEMPLATE)


def test_sheet_names_survive_hostile_titles() -> None:
    tabs = "".join(
        f"""
  - key: t{i}
    title: "{title}"
    columns: [{{key: c, label: C}}]
    rows: [{{key: r, label: R}}]"""
        for i, title in enumerate(["_mau", "History", "'[]'", "A" * 40, "A" * 40, "a" * 40])
    )
    template = parse(f"code: T_X\nname: x\nterm: t\nlevels: [X]\ntabs:{tabs}", "t.yaml")
    names = list(sheet_names(template).values())
    assert len({n.lower() for n in names} | {"_mau", "history"}) == len(names) + 2
    assert all(0 < len(n) <= 31 and not n.startswith("'") for n in names)
    data = report_workbook(template, {}, [])
    assert book(data).sheetnames == [*names, ID_SHEET]
    assert read_form(template, data) == ({t.key: {} for t in template.tabs}, [])


def test_blank_form_is_empty_unprotected_and_identified() -> None:
    wb = book(blank_form(TEMPLATE, TITLES))
    ws = wb[SHEET]
    assert not ws.protection.sheet and not wb[SHEET2].protection.sheet
    assert [ws.cell(BODY, c).value for c in range(2, 8)] == [None] * 6
    assert ws["C10"].value == "---" and ws["A8"].value == "Tổng số cấp ủy viên"
    assert wb[ID_SHEET]["B1"].value == "MAU_THU"


def test_unwritable_characters_do_not_break_the_export() -> None:
    values = {"ket_qua": {("tong", "ghi_chu"): "a\x00b\ufffec\x1bd"}}
    data = report_workbook(TEMPLATE, values, ["Tiêu đề\x07", "b", "c"])
    assert book(data)[SHEET]["G8"].value == "abcd" and book(data)[SHEET]["A1"].value == "Tiêu đề"


# -- round trip -------------------------------------------------------------------------------

TEXT = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), max_codepoint=0xFFFD) | st.just("\n"),
    min_size=1,
    max_size=40,
).map(str.strip)


def percent_up_to(limit: float) -> st.SearchStrategy[float]:
    return st.integers(0, round(limit * 100)).map(lambda cents: cents / 100)


@st.composite
def valid_values(draw: st.DrawFn) -> dict[str, dict[tuple[str, str], object]]:
    """Values that keep every rule (sum, le, sub-rows ≤ total), some cells left empty."""
    nam, nu = draw(st.integers(0, MAX_INT // 2)), draw(st.integers(0, MAX_INT // 2))
    top = {"tong_so": nam + nu, "nam": nam, "nu": nu}
    top |= {"dtts": draw(st.integers(0, nam + nu)), "ty_le": draw(percent_up_to(100))}
    rows = {"tong": top}
    for key in ("lan_dau", "nu_row"):
        sub_nam = 0 if key == "nu_row" else draw(st.integers(0, nam))
        sub = {"nu": draw(st.integers(0, nu)), "ty_le": draw(percent_up_to(top["ty_le"]))}
        sub["tong_so"] = sub_nam + sub["nu"]
        sub["dtts"] = draw(st.integers(0, min(sub["tong_so"], top["dtts"])))
        rows[key] = sub if key == "nu_row" else sub | {"nam": sub_nam}
    tab = {(r, c): v for r, cols in rows.items() for c, v in cols.items()}
    tab |= {(r, "ghi_chu"): draw(TEXT) for r in rows}
    tab[("ngay", "tong_so")] = draw(st.dates())
    dropped = draw(st.sets(st.sampled_from(sorted(tab))))
    tab = {
        k: v for k, v in tab.items() if v != "" and (k == ("tong", "tong_so") or k not in dropped)
    }
    phu = {("a", "so"): draw(st.integers(0, MAX_INT)), ("b", "ten"): draw(TEXT)}
    return {"ket_qua": tab, "phu": {k: v for k, v in phu.items() if v != ""}}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(valid_values())
def test_a_report_read_back_gives_exactly_its_values(values: dict) -> None:
    assert read_form(TEMPLATE, report_workbook(TEMPLATE, values, TITLES)) == (values, [])


def test_round_trip_keeps_types() -> None:
    values, errors = read_form(TEMPLATE, report_workbook(TEMPLATE, VALID, TITLES))
    assert errors == [] and values == VALID
    tab = values["ket_qua"]
    assert type(tab[("tong", "tong_so")]) is int and type(tab[("tong", "ty_le")]) is float
    assert type(tab[("ngay", "tong_so")]) is date


def test_text_that_looks_like_a_formula_stays_text() -> None:
    values = {"ket_qua": {("tong", "tong_so"): 1, ("tong", "ghi_chu"): "=HYPERLINK(1)"}, "phu": {}}
    data = report_workbook(TEMPLATE, values, TITLES)
    assert book(data)[SHEET]["G8"].data_type == "s"
    assert read_form(TEMPLATE, data) == (values, [])


def test_a_filled_blank_form_reads_back_as_what_was_typed() -> None:
    typed = put(SHEET, B8=12, C8=7, D8=5, E8=0, F8=41.67, G8="Ghi chú", D10=5, B11="01/06/2025")
    data = edited(edited(blank_form(TEMPLATE, TITLES), typed), put(SHEET2, B6=3.0, C7=1234))
    values, errors = read_form(TEMPLATE, data)
    assert errors == []
    assert values == {
        "ket_qua": {
            ("tong", "tong_so"): 12,
            ("tong", "nam"): 7,
            ("tong", "nu"): 5,
            ("tong", "dtts"): 0,
            ("tong", "ty_le"): 41.67,
            ("tong", "ghi_chu"): "Ghi chú",
            ("nu_row", "nu"): 5,
            ("ngay", "tong_so"): date(2025, 6, 1),
        },
        "phu": {("a", "so"): 3, ("b", "ten"): "1234"},
    }


def test_an_empty_form_reads_as_no_values_but_required_cells_are_named() -> None:
    values, errors = read_form(TEMPLATE, blank_form(TEMPLATE, TITLES))
    assert values == {}
    assert [(e.sheet, e.address) for e in errors] == [(SHEET, "B8")]
    assert "bắt buộc" in errors[0].message and "Tổng số cấp ủy viên" in errors[0].message


# -- refusals ---------------------------------------------------------------------------------


def _zip(**files: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def _without_sheet(name: str) -> Callable[[Book], None]:
    return lambda wb: wb.remove(wb[name])


@pytest.mark.parametrize(
    ("make", "fragment"),
    [
        (lambda good: b"", "rỗng"),
        (lambda good: good[: len(good) // 2], "hỏng"),
        (lambda good: good[:100] + b"\x00" * 500 + good[600:], "hỏng"),
        (lambda good: b"MZ\x90\x00\x03" + bytes(range(256)) * 40, "không phải là tệp Excel"),
        (lambda good: "STT;Tên\n1;Chi bộ\n".encode(), "không phải là tệp Excel"),
        (lambda good: b"%PDF-1.7\n" + good, "không phải là tệp Excel"),
        (lambda good: _zip(**{"a.txt": b"hello"}), "hỏng"),
        (lambda good: edited(good, _without_sheet(ID_SHEET)), "Tệp không đúng mẫu báo cáo"),
        (lambda good: edited(good, put(ID_SHEET, B1="MAU_KHAC")), "Tệp không đúng mẫu báo cáo"),
        (lambda good: edited(good, put(ID_SHEET, B2="abc")), "Tệp không đúng mẫu báo cáo"),
        (lambda good: edited(good, put(ID_SHEET, B3="x")), "Tệp không đúng mẫu báo cáo"),
    ],
    ids=[
        "empty",
        "truncated",
        "corrupt",
        "exe",
        "text-renamed",
        "pdf",
        "zip-not-xlsx",
        "no-identity",
        "other-code",
        "other-fingerprint",
        "bad-header-row",
    ],
)
def test_a_bad_file_is_refused_with_one_clear_message(filled: bytes, make, fragment: str) -> None:
    values, errors = read_form(TEMPLATE, make(filled))
    assert values == {} and len(errors) == 1 and fragment in errors[0].message
    assert errors[0].address == ""


def test_another_templates_workbook_is_refused() -> None:
    other = parse(YAML.replace("MAU_THU", "MAU_KHAC"), "khac.yaml")
    values, errors = read_form(TEMPLATE, report_workbook(other, VALID, TITLES))
    assert values == {} and len(errors) == 1
    assert errors[0].message.startswith("Tệp không đúng mẫu báo cáo “Mẫu thử nghiệm”")


def test_a_form_of_an_older_layout_of_the_same_template_is_refused() -> None:
    older = parse(YAML.replace("[ngay, ghi_chu]", ""), "cu.yaml")
    assert older.code == TEMPLATE.code and fingerprint(older) != fingerprint(TEMPLATE)
    values, errors = read_form(TEMPLATE, blank_form(older, TITLES))
    assert values == {} and refused(errors, "Tệp không đúng mẫu báo cáo")


def test_oversize_data_is_refused_before_it_is_opened(filled: bytes) -> None:
    values, errors = read_form(TEMPLATE, filled, max_bytes=1000)
    assert values == {} and refused(errors, "quá lớn")


def test_a_zip_bomb_is_refused(monkeypatch: pytest.MonkeyPatch, filled: bytes) -> None:
    monkeypatch.setattr(report_excel, "MAX_UNZIPPED", 1000)
    assert refused(read_form(TEMPLATE, filled)[1], "quá lớn")


def test_a_missing_sheet_is_named(filled: bytes) -> None:
    values, errors = read_form(TEMPLATE, edited(filled, _without_sheet(SHEET2)))
    assert values == {} and errors == [UploadError(SHEET2, "", f"Thiếu trang tính “{SHEET2}”.")]


def test_a_broken_sheet_inside_a_good_zip_is_refused(filled: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(filled)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    files["xl/worksheets/sheet1.xml"] = b"<worksheet><sheetData><row r='1'><c"
    values, errors = read_form(TEMPLATE, _zip(**files))
    assert values == {} and len(errors) == 1 and errors[0].message.endswith("không đọc được.")


def test_formulas_are_refused_cell_by_cell(filled: bytes) -> None:
    data = edited(filled, put(SHEET, B8="=C8+D8", G8="=A1", B11="=TODAY()"))
    values, errors = read_form(TEMPLATE, data)
    assert values == {}
    assert {e.address for e in errors if "công thức" in e.message} == {"B8", "G8", "B11"}
    assert not refused(errors, "bắt buộc")  # the formula is the reason, not a missing value


def test_wrong_numbers_are_refused_with_their_addresses(filled: bytes) -> None:
    data = edited(filled, put(SHEET, C9=-1, D9=2.5, E9="mười", F9=120, B11="31/02/2025"))
    values, errors = read_form(TEMPLATE, data)
    by_address = {e.address: e.message for e in errors}
    assert values == {} and {e.sheet for e in errors} == {SHEET}
    assert "không được âm" in by_address["C9"] and "số nguyên" in by_address["D9"]
    assert "phải là một số" in by_address["E9"] and "100%" in by_address["F9"]
    assert "dd/mm/yyyy" in by_address["B11"]
    assert by_address["C9"].startswith("“Tham gia lần đầu” – “Nam”")


def test_a_time_of_day_in_a_date_cell_is_refused(filled: bytes) -> None:
    data = edited(filled, put(SHEET, B11=datetime(2025, 5, 20, 8, 30)))
    assert [e.address for e in read_form(TEMPLATE, data)[1]] == ["B11"]


def test_rule_breaks_are_reported_at_the_cell(filled: bytes) -> None:
    values, errors = read_form(TEMPLATE, edited(filled, put(SHEET, B8=11, E8=12, D10=5)))
    by_address = {e.address: e.message for e in errors}
    assert values == {}
    assert "phải bằng tổng" in by_address["B8"] and "không được lớn hơn" in by_address["E8"]
    assert "không được lớn hơn dòng" in by_address["D10"]


def test_a_value_in_a_dashed_cell_is_refused(filled: bytes) -> None:
    values, errors = read_form(TEMPLATE, edited(filled, put(SHEET, C10=3)))
    assert values == {} and [(e.address, "không áp dụng" in e.message) for e in errors] == [
        ("C10", True)
    ]
    cleared, errors = read_form(TEMPLATE, edited(filled, put(SHEET, C10=None)))
    assert errors == [] and cleared == VALID


@pytest.mark.parametrize(
    "change",
    [
        lambda wb: wb[SHEET].delete_rows(9),
        lambda wb: wb[SHEET].insert_rows(9),
        lambda wb: wb[SHEET].delete_cols(3),
        put(SHEET, A10="- Nam"),
    ],
    ids=["deleted-row", "inserted-row", "deleted-column", "renamed-row"],
)
def test_moved_rows_or_columns_are_refused(filled: bytes, change) -> None:
    values, errors = read_form(TEMPLATE, edited(filled, change))
    assert values == {} and errors and all(e.sheet == SHEET for e in errors)
    assert refused(errors, "không được thêm, xoá hay sửa")


def test_upload_errors_are_frozen() -> None:
    error = UploadError("a", "B2", "x")
    with pytest.raises(FrozenInstanceError):
        error.message = "y"  # type: ignore[misc]


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=3000))
def test_random_bytes_never_raise(data: bytes) -> None:
    values, errors = read_form(TEMPLATE, data)
    assert values == {} and errors


GOOD = report_workbook(TEMPLATE, VALID, TITLES)  # once: the zip holds the time it was made


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_damaged_workbooks_never_raise(data: st.DataObject) -> None:
    good = bytearray(GOOD)
    for _ in range(data.draw(st.integers(1, 5))):
        good[data.draw(st.integers(0, len(good) - 1))] = data.draw(st.integers(0, 255))
    values, errors = read_form(TEMPLATE, bytes(good))
    assert (values, errors) == (VALID, []) or (values == {} and errors)


# -- size -------------------------------------------------------------------------------------


def big_template(rows: int = 20, columns: int = 10) -> Template:
    """A 200-cell form: grouped columns, sub-rows, like the largest official ones."""
    cols = "\n".join(f"          - {{key: c{j}, label: Cột {j}}}" for j in range(1, columns))
    body = "\n".join(
        f"      - {{key: r{i}, label: Chỉ tiêu {i}, children: [{{key: s{i}, label: '- Nữ'}}]}}"
        for i in range(rows // 2)
    )
    return parse(
        f"""code: MAU_LON
name: Mẫu lớn
term: t
levels: [X]
tabs:
  - key: lon
    title: Mẫu lớn
    columns:
      - {{key: c0, label: Tổng số}}
      - label: Trong đó
        children:
{cols}
    rows:
{body}
""",
        "lon.yaml",
    )


def test_a_200_cell_report_exports_and_reads_back() -> None:
    template = big_template()
    tab = template.tabs[0]
    assert len(tab.cells()) == 200
    values = {"lon": {cell: 5 for cell in tab.cells()}}
    started = time.perf_counter()
    data = report_workbook(template, values, TITLES)
    elapsed = time.perf_counter() - started
    print(f"report_workbook, 200 cells: {elapsed * 1000:.1f} ms")  # informative, not asserted
    assert read_form(template, data) == (values, [])


def test_an_empty_workbook_from_elsewhere_is_refused() -> None:
    out = io.BytesIO()
    Workbook().save(out)
    values, errors = read_form(TEMPLATE, out.getvalue())
    assert values == {} and refused(errors, "Tệp không đúng mẫu báo cáo")
