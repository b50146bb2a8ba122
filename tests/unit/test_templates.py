"""Report templates: the six shipped report types, and the rules `core.templates` applies.

The shipped files are checked for shape (they load, codes are unique, sizes are realistic) and
for consistency: `tests.report_factories.valid_values` must be able to fill every tab so that
`check_tab` finds nothing wrong. The rule tests use a small template written here, so that each
broken cell yields exactly one known error.
"""

from __future__ import annotations

import math
import random
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from core.cells import MAX_INT, CellError, check_tab, coerce
from core.templates import (
    Template,
    TemplateError,
    load_dir,
    load_file,
    parse,
)
from tests.report_factories import valid_values

TEMPLATES = Path(__file__).resolve().parents[2] / "data" / "templates"
SHIPPED = load_dir(TEMPLATES)
BY_CODE = {t.code: t for t in SHIPPED}
TABS = [(t.code, tab.key) for t in SHIPPED for tab in t.tabs]

HUYEN = ["XA", "HUYEN"]
CO_SO = ["CO_SO"]
EXPECTED = {
    "PT_CL_CAP_UY_CAP_HUYEN": ("Phân tích chất lượng cấp ủy cấp huyện và tương đương", HUYEN),
    "KQ_BAU_CU_CAP_HUYEN": (
        "Báo cáo kết quả bầu cử cấp ủy, ban thường vụ, bí thư, phó bí thư cấp huyện và tương đương",
        HUYEN,
    ),
    "KQ_CHUNG_DAI_HOI_CAP_HUYEN": (
        "Một số kết quả chung đại hội đảng bộ cấp huyện và tương đương",
        HUYEN,
    ),
    "TIEN_DO_DAI_HOI_CO_SO": ("Báo cáo tiến độ đại hội đảng bộ, chi bộ cơ sở", CO_SO),
    "PT_CL_CAP_UY_CO_SO": ("Phân tích chất lượng cấp ủy cơ sở", CO_SO),
    "KQ_BAU_CAP_UY_CO_SO": (
        "Báo cáo kết quả bầu cấp ủy, ban thường vụ, bí thư, phó bí thư cấp ủy cơ sở",
        CO_SO,
    ),
}


def shipped_tab(code: str, key: str):
    return BY_CODE[code].tab(key)


def cell_count(template: Template) -> int:
    return sum(len(tab.cells()) for tab in template.tabs)


# -- the shipped templates -------------------------------------------------------------------


def test_the_six_report_types_of_the_manual_are_shipped():
    assert sorted(BY_CODE) == sorted(EXPECTED)
    assert len(BY_CODE) == len(SHIPPED), "two files declare the same code"
    for code, (name, levels) in EXPECTED.items():
        template = BY_CODE[code]
        assert template.name == name
        assert list(template.levels) == levels
        assert template.term == "NK_2025_2030"
        assert template.source == f"{code.lower()}.yaml"


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_each_template_has_tabs_and_a_realistic_size(code):
    template = BY_CODE[code]
    assert template.tabs
    for tab in template.tabs:
        assert tab.columns and tab.rows and tab.cells()
        assert tab.title.strip()
    assert cell_count(template) >= 60


def test_every_row_and_column_item_uses_only_known_keys():
    """An unquoted comma in a flow-style label (`{key: a, label: Thôn, tổ dân phố}`) silently
    cuts the label and adds a stray key: the parser does not refuse it, so check the files."""

    def items(nodes):
        for node in nodes:
            yield node
            yield from items(node.get("children") or [])

    for template in SHIPPED:
        for tab in template.raw["tabs"]:
            for item in [*items(tab["columns"]), *items(tab["rows"])]:
                assert set(item) <= {"key", "label", "type", "children"}, (template.code, item)


def test_shipped_templates_never_require_a_not_applicable_cell():
    for template in SHIPPED:
        for tab in template.tabs:
            assert not tab.required & tab.not_applicable, (template.code, tab.key)


@pytest.mark.parametrize("code", ["PT_CL_CAP_UY_CAP_HUYEN", "PT_CL_CAP_UY_CO_SO"])
def test_quality_analysis_forms_follow_the_manual_screens(code):
    template = BY_CODE[code]
    titles = [tab.title for tab in template.tabs]
    assert titles[:4] == [
        "1. Tuổi đời",
        "2. Trình độ chuyên môn nghiệp vụ",
        "3. Học hàm",
        "4. Trình độ lý luận chính trị",
    ]
    first = template.tabs[0]
    labels = [r.label for r in first.rows]
    assert labels[0] == "Số lượng cấp ủy viên được bầu"
    for sub in ("- Tham gia lần đầu", "- Nữ", "- Dân tộc thiểu số", "- Tôn giáo"):
        assert sub in labels
    assert "- Không là người địa phương" in labels
    ages = ["- Dưới 35 tuổi", "- Từ 35 đến 45 tuổi", "- Từ 46 đến 55 tuổi"]
    assert all(a in labels for a in ages)
    assert [c.label for c in first.columns][:1] == ["Tổng số"]
    assert {"Bí thư", "Phó bí thư", "Chủ nhiệm UBKT"} <= {c.label for c in first.columns}
    # as on the manual's screen: "Không là người địa phương" is counted for the secretary only
    na = {c for r, c in first.not_applicable if r == "khong_la_nguoi_dia_phuong"}
    assert {c.key for c in first.columns} - na == {"bi_thu"}
    for tab in template.tabs:
        assert tab.required == frozenset(tab.cells())
        assert any(rule.kind == "le" for rule in tab.rules)


@pytest.mark.parametrize(
    "code", ["KQ_BAU_CU_CAP_HUYEN", "KQ_CHUNG_DAI_HOI_CAP_HUYEN", "KQ_BAU_CAP_UY_CO_SO"]
)
def test_forms_by_kind_of_party_committee_total_every_column(code):
    for tab in BY_CODE[code].tabs:
        assert tab.columns[0].label == "Tổng số"
        sums = [rule for rule in tab.rules if rule.kind == "sum" and rule.target == "tong_so"]
        assert len(sums) == 1
        assert set(sums[0].parts) == {c.key for c in tab.columns} - {"tong_so"}


def test_general_results_form_has_the_manual_rows_and_columns():
    tab = BY_CODE["KQ_CHUNG_DAI_HOI_CAP_HUYEN"].tabs[0]
    labels = [r.label for r in tab.rows]
    for label in (
        "Tổng số tổ chức đảng",
        "Số tổ chức đảng đã tổ chức đại hội",
        "- Đại hội điểm",
        "- Đại hội thí điểm bầu trực tiếp bí thư",
        "- Đại hội đại trà theo Điều lệ Đảng",
        "Số ý kiến tham luận tại đại hội",
        "Số đại biểu dự đại hội",
        "Nội dung đại hội",
        "- 03 nội dung",
    ):
        assert label in labels
    columns = {c.label for c in tab.columns}
    assert {"Xã", "Phường", "Đặc khu", "Đơn vị sự nghiệp", "Doanh nghiệp Nhà nước"} <= columns
    assert {"Đảng bộ công an", "Đảng bộ quân sự", "Đảng bộ biên phòng", "Đảng bộ khác"} <= columns


@pytest.mark.parametrize("code", ["KQ_BAU_CU_CAP_HUYEN", "KQ_BAU_CAP_UY_CO_SO"])
def test_election_forms_cover_each_elected_body(code):
    tab = BY_CODE[code].tabs[0]
    top = [r.label for r in tab.rows if r.parent is None]
    assert [t.split(" ")[1] for t in top] == ["Ban", "Ban", "Bí", "Phó"]
    for body in ("bch", "btv", "bt", "pbt"):
        keys = {r.key for r in tab.rows if r.parent == body}
        stems = ("de_an", "danh_sach", "trung_cu", "khong_trung_cu", "bau_thieu")
        assert {f"{body}_{s}" for s in stems} <= keys
        # the group heading holds no number
        assert all((body, c.key) in tab.not_applicable for c in tab.columns)
    percent_rows = [r for r in tab.rows if r.type == "percent"]
    assert percent_rows
    for row in percent_rows:  # a rate is given once, for the total: rates do not add up
        assert [c.key for c in tab.columns if (row.key, c.key) in tab.cells()] == ["tong_so"]


def test_progress_form_tracks_dates_and_counts():
    template = BY_CODE["TIEN_DO_DAI_HOI_CO_SO"]
    kinds = {tab.cell_type(*cell) for tab in template.tabs for cell in tab.cells()}
    assert kinds == {"int", "date", "text"}
    steps = template.tab("chuan_bi")
    assert ("to_chuc_dai_hoi", "ngay_du_kien") in steps.required
    branches = template.tab("chi_bo_truc_thuoc")
    assert {"so_chi_bo", "chi_bo_da_dai_hoi", "so_dang_vien", "dang_vien_du_dai_hoi"} <= {
        r.key for r in branches.rows
    }
    own = template.tab("dai_hoi_co_so")
    assert own.cell_type("ngay_dai_hoi", "ke_hoach") == "date"


# -- every shipped tab can be filled correctly ---------------------------------------------------


@pytest.mark.parametrize(("code", "key"), TABS, ids=[f"{c}/{k}" for c, k in TABS])
@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_a_valid_filled_tab_exists_and_passes(code, key, seed):
    tab = shipped_tab(code, key)
    raw = valid_values(tab, seed)
    values, errors = check_tab(tab, raw)
    assert errors == []
    for cell in tab.cells():
        assert values[cell] == raw[cell]


@pytest.mark.parametrize(("code", "key"), TABS, ids=[f"{c}/{k}" for c, k in TABS])
@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), blanks=st.sampled_from([0.0, 0.3, 1.0]))
def test_values_typed_as_text_with_blanks_pass(code, key, seed, blanks):
    tab = shipped_tab(code, key)
    _, errors = check_tab(tab, valid_values(tab, seed, blanks=blanks, typed=True))
    assert errors == []


@pytest.mark.parametrize(("code", "key"), TABS, ids=[f"{c}/{k}" for c, k in TABS])
def test_the_demo_data_generator_can_fill_every_shipped_tab(code, key):
    """The demo build fills every shipped template with `core.report_values`; a template whose
    rules it cannot meet (e.g. one total row split two ways by two row_sum rules) breaks it."""
    report_values = pytest.importorskip("core.report_values")
    tab = shipped_tab(code, key)
    for seed in range(5):
        assert check_tab(tab, report_values.valid_values(tab, random.Random(seed)))[1] == []


@pytest.mark.parametrize(("code", "key"), TABS, ids=[f"{c}/{k}" for c, k in TABS])
def test_generated_tabs_are_not_trivial(code, key):
    tab = shipped_tab(code, key)
    raw = valid_values(tab, 7)
    numbers = [v for v in raw.values() if isinstance(v, int | float) and not isinstance(v, bool)]
    texts = [v for v in raw.values() if isinstance(v, date | str) and v not in ("", "---")]
    assert sum(numbers) > 0 or texts


@pytest.mark.parametrize(("code", "key"), TABS, ids=[f"{c}/{k}" for c, k in TABS])
def test_an_empty_tab_lists_exactly_its_required_cells(code, key):
    tab = shipped_tab(code, key)
    values, errors = check_tab(tab, {})
    assert set(values) == set(tab.cells())
    assert {(e.row, e.column) for e in errors} == set(tab.required)
    assert {e.message for e in errors} <= {"bắt buộc nhập"}


def test_breaking_one_sub_row_of_a_shipped_form_is_reported():
    tab = shipped_tab("PT_CL_CAP_UY_CAP_HUYEN", "tuoi_doi")
    raw = valid_values(tab, 3)
    total = raw["duoc_bau", "tong_so"]
    raw["nu", "tong_so"] = total + 1
    _, errors = check_tab(tab, raw)
    assert errors == [
        CellError(
            "nu", "tong_so", f"không được lớn hơn dòng “Số lượng cấp ủy viên được bầu” ({total})"
        )
    ]


def test_a_shipped_not_applicable_cell_refuses_a_value():
    tab = shipped_tab("PT_CL_CAP_UY_CO_SO", "tuoi_doi")
    raw = valid_values(tab, 5)
    raw["khong_la_nguoi_dia_phuong", "tong_so"] = 0
    _, errors = check_tab(tab, raw)
    assert errors == [
        CellError("khong_la_nguoi_dia_phuong", "tong_so", "ô này không áp dụng (---)")
    ]


def test_shipped_election_form_refuses_more_elected_than_planned():
    tab = shipped_tab("KQ_BAU_CU_CAP_HUYEN", "ket_qua_bau_cu")
    raw = valid_values(tab, 11, blanks=1.0)  # only the required totals
    raw["bch_trung_cu", "tong_so"] += 1
    _, errors = check_tab(tab, raw)
    bad = {(e.row, e.column) for e in errors}
    assert ("bch_de_an", "tong_so") in bad and ("bch_danh_sach", "tong_so") in bad
    assert all("phải bằng tổng" in e.message for e in errors if e.row.startswith("bch_"))


# -- rules, on a small template ----------------------------------------------------------------

MINI = """
code: MAU_THU
name: Mẫu thử
term: NK_2025_2030
levels: [CO_SO]
tabs:
  - key: so_lieu
    title: 1. Số liệu
    columns:
      - {key: tong_so, label: Tổng số}
      - label: Chia theo giới tính
        children:
          - {key: nam, label: Nam}
          - {key: nu, label: Nữ}
      - label: Trong đó
        children:
          - {key: btv, label: Ủy viên BTV}
    rows:
      - key: duoc_bau
        label: Số lượng cấp ủy viên được bầu
        children:
          - {key: lan_dau, label: "- Tham gia lần đầu"}
          - {key: tai_cu, label: "- Tái cử"}
          - {key: ngoai_dia_phuong, label: "- Không là người địa phương"}
      - {key: de_an, label: Số lượng theo đề án}
    not_applicable: [[ngoai_dia_phuong, nam], [ngoai_dia_phuong, nu]]
    required: all
    rules:
      - {sum: tong_so, of: [nam, nu]}
      - {le: btv, of: tong_so}
      - {row_sum: duoc_bau, of: [lan_dau, tai_cu]}
      - {row_le: duoc_bau, of: de_an}
  - key: kieu_o
    title: 2. Kiểu ô
    columns:
      - {key: so, label: Số}
      - {key: ty_le, label: Tỷ lệ, type: percent}
      - {key: ngay, label: Ngày, type: date}
      - {key: ghi_chu, label: Ghi chú, type: text}
    rows:
      - {key: dong, label: Dòng}
      - {key: ngay_dai_hoi, label: Ngày đại hội, type: date}
"""

#            tong_so nam nu btv
GOOD = {
    "duoc_bau": (10, 6, 4, 3),
    "lan_dau": (4, 2, 2, 1),
    "tai_cu": (6, 4, 2, 2),
    "ngoai_dia_phuong": (1, None, None, 1),
    "de_an": (12, 7, 5, 3),
}


@pytest.fixture
def mini() -> Template:
    return parse(MINI, "mau_thu.yaml")


@pytest.fixture
def tab(mini):
    return mini.tab("so_lieu")


@pytest.fixture
def kinds(mini):
    return mini.tab("kieu_o")


def good() -> dict:
    cols = ("tong_so", "nam", "nu", "btv")
    return {(r, c): v for r, vs in GOOD.items() for c, v in zip(cols, vs, strict=True)}


def errors_for(tab, **changes) -> list[CellError]:
    raw = good()
    for name, value in changes.items():
        row, col = name.split("__")
        raw[row, col] = value
    return check_tab(tab, raw)[1]


def test_the_small_template_filled_correctly_passes(tab):
    values, errors = check_tab(tab, good())
    assert errors == []
    assert values["duoc_bau", "tong_so"] == 10
    assert ("ngoai_dia_phuong", "nam") not in values


def test_the_generator_fills_the_small_template_too(mini):
    for t in mini.tabs:
        for seed in range(50):
            assert check_tab(t, valid_values(t, seed, blanks=0.2))[1] == []


def test_a_sub_row_above_its_total_is_refused_naming_the_cell_and_the_reason(tab):
    assert errors_for(tab, ngoai_dia_phuong__tong_so=11) == [
        CellError(
            "ngoai_dia_phuong",
            "tong_so",
            "không được lớn hơn dòng “Số lượng cấp ủy viên được bầu” (10)",
        )
    ]


def test_a_sub_row_may_exceed_its_total_when_the_template_says_so():
    template = parse(MINI.replace("    required: all", "    sub_rows_le_total: false"), "m.yaml")
    assert check_tab(template.tab("so_lieu"), {("ngoai_dia_phuong", "tong_so"): 11})[1] == []


def test_a_column_in_which_above_its_group_total_is_refused(tab):
    assert errors_for(tab, de_an__btv=13) == [
        CellError("de_an", "btv", "không được lớn hơn “Tổng số” (12)")
    ]


def test_a_total_column_that_is_not_the_sum_of_its_parts_is_refused(tab):
    assert errors_for(tab, de_an__tong_so=13) == [
        CellError("de_an", "tong_so", "phải bằng tổng Nam, Nữ (12)")
    ]


def test_a_total_row_that_is_not_the_sum_of_its_rows_is_refused(tab):
    assert errors_for(tab, lan_dau__btv=0) == [
        CellError("duoc_bau", "btv", "phải bằng tổng Tham gia lần đầu, Tái cử (2)")
    ]


def test_a_row_above_the_row_it_may_not_exceed_is_refused(tab):
    assert errors_for(tab, de_an__btv=2) == [
        CellError("duoc_bau", "btv", "không được lớn hơn “Số lượng theo đề án” (2)")
    ]


def test_sums_are_checked_only_once_every_part_is_there(tab):
    raw = good()
    del raw["lan_dau", "nam"]
    # with (lan_dau, nam) known these would break "Tổng số = Nam + Nữ" on the row lan_dau
    # (3 != nam + 2) and "duoc_bau = lan_dau + tai_cu" in the column nam (6 != nam + 5)
    raw["lan_dau", "tong_so"] = 3
    raw["tai_cu", "tong_so"], raw["tai_cu", "nam"] = 7, 5
    assert check_tab(tab, raw)[1] == [CellError("lan_dau", "nam", "bắt buộc nhập")]


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_a_required_cell_left_empty_is_refused(tab, empty):
    assert errors_for(tab, tai_cu__nam=empty) == [CellError("tai_cu", "nam", "bắt buộc nhập")]


def test_optional_cells_may_stay_empty(kinds):
    values, errors = check_tab(kinds, {})
    assert errors == [] and set(values.values()) == {None}


@pytest.mark.parametrize("value", [0, "0", 5, "x"])
def test_a_value_in_a_not_applicable_cell_is_refused(tab, value):
    assert errors_for(tab, ngoai_dia_phuong__nam=value) == [
        CellError("ngoai_dia_phuong", "nam", "ô này không áp dụng (---)")
    ]


@pytest.mark.parametrize("value", [None, "", "---"])
def test_a_not_applicable_cell_accepts_only_nothing_or_dashes(tab, value):
    assert errors_for(tab, ngoai_dia_phuong__nam=value) == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (-1, "không được âm"),
        ("-3", "không được âm"),
        (2.5, "phải là số nguyên"),
        ("2,5", "phải là số nguyên"),
        ("2.5", "phải là số nguyên"),
        ("mười", "phải là một số"),
        ("12a", "phải là một số"),
        ([1], "phải là một số"),
        (True, "phải là một số"),
        (False, "phải là một số"),
        (math.nan, "phải là một số"),
        ("nan", "phải là một số"),
        (math.inf, "phải là một số"),
        ("-inf", "phải là một số"),
        (MAX_INT + 1, "quá lớn"),
        (str(MAX_INT + 1), "quá lớn"),
        (1e300, "quá lớn"),
    ],
    ids=repr,
)
def test_a_bad_number_is_refused_with_a_vietnamese_reason(tab, value, message):
    # a cell that no other rule reads, so that the one error is the coercion's
    assert errors_for(tab, de_an__btv=value) == [CellError("de_an", "btv", message)]


@pytest.mark.parametrize(
    ("raw", "value"),
    [(3, 3), ("3", 3), (" 3 ", 3), (3.0, 3), ("3.0", 3), ("3,0", 3), (MAX_INT, MAX_INT), (0, 0)],
)
def test_whole_numbers_are_accepted_in_their_usual_forms(tab, raw, value):
    assert coerce(tab, ("de_an", "btv"), raw) == value
    assert type(coerce(tab, ("de_an", "btv"), raw)) is int


@pytest.mark.parametrize(
    ("raw", "value"), [(0, 0), (100, 100), ("12,5", 12.5), ("12.5", 12.5), (33.333, 33.33)]
)
def test_percentages_between_0_and_100_are_accepted(kinds, raw, value):
    assert coerce(kinds, ("dong", "ty_le"), raw) == value


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (100.01, "tỷ lệ không được vượt quá 100%"),
        ("150", "tỷ lệ không được vượt quá 100%"),
        (-0.5, "không được âm"),
        ("50%", "phải là một số"),
    ],
)
def test_a_bad_percentage_is_refused(kinds, raw, message):
    _, errors = check_tab(kinds, {("dong", "ty_le"): raw})
    assert errors == [CellError("dong", "ty_le", message)]


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("05/09/2025", date(2025, 9, 5)),
        ("5/9/2025", date(2025, 9, 5)),
        (" 29/02/2024 ", date(2024, 2, 29)),
        (date(2025, 12, 31), date(2025, 12, 31)),
    ],
)
def test_dates_are_read_day_first(kinds, raw, value):
    assert coerce(kinds, ("dong", "ngay"), raw) == value


@pytest.mark.parametrize("raw", ["2025-09-05", "09/2025", "31/02/2025", "29/02/2025", "ngày 5", 5])
def test_a_bad_date_is_refused(kinds, raw):
    _, errors = check_tab(kinds, {("dong", "ngay"): raw})
    assert errors == [CellError("dong", "ngay", "phải là ngày dạng dd/mm/yyyy")]


def test_a_row_type_overrides_the_column_type(kinds):
    assert kinds.cell_type("ngay_dai_hoi", "so") == "date"
    assert coerce(kinds, ("ngay_dai_hoi", "so"), "01/10/2025") == date(2025, 10, 1)
    _, errors = check_tab(kinds, {("ngay_dai_hoi", "so"): 12})
    assert errors == [CellError("ngay_dai_hoi", "so", "phải là ngày dạng dd/mm/yyyy")]


def test_text_is_trimmed_and_limited(kinds):
    assert coerce(kinds, ("dong", "ghi_chu"), "  Chậm 5 ngày  ") == "Chậm 5 ngày"
    assert coerce(kinds, ("dong", "ghi_chu"), "x" * 1000) == "x" * 1000
    _, errors = check_tab(kinds, {("dong", "ghi_chu"): "x" * 1001})
    assert errors == [CellError("dong", "ghi_chu", "không được dài quá 1000 ký tự")]


# -- headers -------------------------------------------------------------------------------------


def test_header_rows_of_a_small_grouped_header(tab):
    assert tab.header_depth == 2
    assert tab.header_rows() == [
        [("Tổng số", 0, 1), ("Chia theo giới tính", 1, 2), ("Trong đó", 3, 1)],
        [("Nam", 1, 1), ("Nữ", 2, 1), ("Ủy viên BTV", 3, 1)],
    ]


def test_header_rows_of_the_manuals_nested_committee_header():
    tab = shipped_tab("PT_CL_CAP_UY_CAP_HUYEN", "tuoi_doi")
    assert [c.key for c in tab.columns] == [
        "tong_so",
        "btv_tong_so",
        "bi_thu",
        "pho_bi_thu",
        "chu_nhiem_ubkt",
    ]
    assert tab.header_rows() == [
        [("Tổng số", 0, 1), ("Cấp ủy viên", 1, 4)],
        [("Trong đó", 1, 4)],
        [("Ủy viên BTV", 1, 4)],
        [("Tổng số", 1, 1), ("Trong đó", 2, 3)],
        [("Bí thư", 2, 1), ("Phó bí thư", 3, 1), ("Chủ nhiệm UBKT", 4, 1)],
    ]


def test_header_rows_span_every_leaf_exactly_once_per_level():
    for template in SHIPPED:
        for t in template.tabs:
            for level, cells in enumerate(t.header_rows()):
                starts = [first for _, first, _ in cells]
                assert starts == sorted(starts)
                for _, first, span in cells:
                    assert span >= 1 and first + span <= len(t.columns)
                    assert all(len(c.path) >= level for c in t.columns[first : first + span])


# -- broken template files -----------------------------------------------------------------------


def mini_data() -> dict:
    return yaml.safe_load(MINI)


def broken(change) -> str:
    data = mini_data()
    change(data)
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _first_tab(data):
    return data["tabs"][0]


BROKEN = {
    "invalid YAML": "code: MAU\ntabs: [unclosed\n",
    "not a mapping": "- just\n- a list\n",
    "missing key": broken(lambda d: d.pop("term")),
    "bad code": broken(lambda d: d.update(code="pt-cl cơ sở")),
    "no levels": broken(lambda d: d.update(levels=[])),
    "no tabs": broken(lambda d: d.update(tabs=[])),
    "bad tab key": broken(lambda d: _first_tab(d).update(key="Tuổi đời")),
    "duplicate tab key": broken(lambda d: d["tabs"][1].update(key="so_lieu")),
    "no columns": broken(lambda d: _first_tab(d).update(columns=[])),
    "no rows": broken(lambda d: _first_tab(d).update(rows=[])),
    "unknown column type": broken(lambda d: _first_tab(d)["columns"][0].update(type="float")),
    "unknown row type": broken(lambda d: _first_tab(d)["rows"][1].update(type="money")),
    "column without label": broken(lambda d: _first_tab(d)["columns"][0].update(label="")),
    "bad column key": broken(lambda d: _first_tab(d)["columns"][0].update(key="Tổng số")),
    "duplicate column key": broken(
        lambda d: _first_tab(d)["columns"][1]["children"][1].update(key="nam")
    ),
    "duplicate row key": broken(
        lambda d: _first_tab(d)["rows"][0]["children"][1].update(key="lan_dau")
    ),
    "row without key": broken(lambda d: _first_tab(d)["rows"][1].pop("key")),
    "rule with an unknown column": broken(
        lambda d: _first_tab(d)["rules"].append({"le": "bi_thu", "of": "tong_so"})
    ),
    "rule with an unknown row": broken(
        lambda d: _first_tab(d)["rules"].append({"row_sum": "duoc_bau", "of": ["lan_dau", "x"]})
    ),
    "row rule naming a column": broken(
        lambda d: _first_tab(d)["rules"].append({"row_le": "nam", "of": "tong_so"})
    ),
    "rule of an unknown kind": broken(
        lambda d: _first_tab(d)["rules"].append({"ge": "nam", "of": "nu"})
    ),
    "rule without of": broken(lambda d: _first_tab(d)["rules"].append({"le": "nam"})),
    "not_applicable row out of range": broken(
        lambda d: _first_tab(d)["not_applicable"].append(["khong_co", "nam"])
    ),
    "not_applicable column out of range": broken(
        lambda d: _first_tab(d)["not_applicable"].append(["lan_dau", "khong_co"])
    ),
    "not_applicable not a pair": broken(
        lambda d: _first_tab(d)["not_applicable"].append(["lan_dau", "nam", "nu"])
    ),
    "required out of range": broken(lambda d: _first_tab(d).update(required=[["x", "nam"]])),
    "not_applicable null": broken(lambda d: _first_tab(d).update(not_applicable=None)),
}


def test_the_broken_cases_start_from_a_good_template():
    assert parse(broken(lambda d: None), "mau_thu.yaml").code == "MAU_THU"


@pytest.mark.parametrize("text", list(BROKEN.values()), ids=list(BROKEN))
def test_a_broken_template_is_refused_naming_the_file(text):
    with pytest.raises(TemplateError) as caught:
        parse(text, "hong.yaml")
    assert str(caught.value).startswith("hong.yaml: ")


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("missing key", "thiếu khoá 'term'"),
        ("bad code", "code"),
        ("unknown column type", "kiểu 'float' không hỗ trợ"),
        ("duplicate row key", "khoá dòng bị trùng"),
        ("rule with an unknown column", "nhắc tới 'bi_thu' không có"),
        ("not_applicable row out of range", "ô [khong_co, nam] không có trong tab"),
        ("invalid YAML", "không phải YAML hợp lệ"),
    ],
)
def test_the_message_says_what_is_wrong(name, fragment):
    with pytest.raises(TemplateError) as caught:
        parse(BROKEN[name], "hong.yaml")
    assert fragment in str(caught.value)


def test_a_broken_file_is_refused_by_its_file_name(tmp_path):
    path = tmp_path / "pt_hong.yaml"
    path.write_text(BROKEN["duplicate row key"], encoding="utf-8")
    with pytest.raises(TemplateError, match=r"^pt_hong\.yaml: tab 'so_lieu': khoá dòng bị trùng"):
        load_file(path)
    with pytest.raises(TemplateError, match=r"^pt_hong\.yaml: "):
        load_dir(tmp_path)


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes(MINI.encode("utf-16"))
    with pytest.raises(TemplateError, match=r"^latin\.yaml: không đọc được tệp"):
        load_file(path)


def test_two_files_with_the_same_code_are_refused(tmp_path):
    (tmp_path / "a.yaml").write_text(MINI, encoding="utf-8")
    (tmp_path / "b.yml").write_text(MINI.replace("name: Mẫu thử", "name: Bản sao"), "utf-8")
    with pytest.raises(TemplateError) as caught:
        load_dir(tmp_path)
    assert str(caught.value) == "b.yml: mã mẫu MAU_THU trùng với a.yaml"


def test_load_dir_reads_only_yaml_files_in_name_order(tmp_path):
    (tmp_path / "b.yaml").write_text(MINI, encoding="utf-8")
    (tmp_path / "a.yml").write_text(MINI.replace("MAU_THU", "MAU_A"), encoding="utf-8")
    (tmp_path / "README.md").write_text("không phải mẫu", encoding="utf-8")
    assert [t.code for t in load_dir(tmp_path)] == ["MAU_A", "MAU_THU"]
    (tmp_path / "trong").mkdir()
    assert load_dir(tmp_path / "trong") == []


def test_required_all_leaves_out_not_applicable_cells(tab):
    assert ("ngoai_dia_phuong", "nam") not in tab.required
    assert len(tab.required) == len(tab.cells()) == 5 * 4 - 2


# -- bugs found and fixed in core/templates.py -----------------------------------------------


def test_a_cell_both_required_and_not_applicable_is_refused():
    text = broken(lambda d: _first_tab(d).update(required=[["ngoai_dia_phuong", "nam"]]))
    with pytest.raises(TemplateError, match=r"^hong\.yaml: "):
        parse(text, "hong.yaml")


@pytest.mark.parametrize("typed", ["1.000", "1,000", "12.000"])
def test_a_thousands_separator_is_not_read_as_a_decimal_point(tab, typed):
    try:
        value = coerce(tab, ("de_an", "btv"), typed)
    except ValueError:
        return  # refusing is acceptable too
    assert value == int(typed.replace(".", "").replace(",", ""))


def test_a_huge_python_int_is_refused_not_crashing(tab):
    assert errors_for(tab, de_an__btv=10**400) == [CellError("de_an", "btv", "quá lớn")]


def test_a_two_digit_year_is_refused(kinds):
    _, errors = check_tab(kinds, {("dong", "ngay"): "05/09/25"})
    assert errors == [CellError("dong", "ngay", "phải là ngày dạng dd/mm/yyyy")]


def test_row_rule_messages_name_the_row_even_if_a_column_has_the_same_key():
    text = MINI.replace("key: de_an, label: Số lượng theo đề án", "key: tong_so, label: Đề án")
    text = text.replace("{row_le: duoc_bau, of: de_an}", "{row_le: duoc_bau, of: tong_so}")
    t = parse(text, "m.yaml").tab("so_lieu")
    raw = good()
    raw.update({("tong_so", c): raw.pop(("de_an", c)) for c in ("tong_so", "nam", "nu", "btv")})
    raw["tong_so", "btv"] = 2
    assert check_tab(t, raw)[1] == [CellError("duoc_bau", "btv", "không được lớn hơn “Đề án” (2)")]


def test_column_rule_messages_are_unambiguous_in_nested_headers():
    tab = shipped_tab("PT_CL_CAP_UY_CAP_HUYEN", "hoc_ham")
    raw = valid_values(tab, 1)
    raw["duoc_bau", "bi_thu"] = raw["duoc_bau", "btv_tong_so"] + 1
    messages = [e.message for e in check_tab(tab, raw)[1] if e.column == "bi_thu"]
    assert messages and all("Ủy viên BTV" in m for m in messages)


def test_an_empty_name_is_refused():
    with pytest.raises(TemplateError, match=r"^hong\.yaml: "):
        parse(MINI.replace("name: Mẫu thử", "name:"), "hong.yaml")


def test_an_unquoted_comma_in_a_label_is_refused():
    text = MINI.replace("{key: nam, label: Nam}", "{key: nam, label: Nam, dưới 35 tuổi}")
    with pytest.raises(TemplateError, match=r"^hong\.yaml: "):
        parse(text, "hong.yaml")


def test_random_module_seed_is_accepted_by_the_generator():
    t = BY_CODE["TIEN_DO_DAI_HOI_CO_SO"].tab("chuan_bi")
    assert check_tab(t, valid_values(t, random.Random(1)))[1] == []
