"""core.cccd.validate: format and plausibility of the 12-digit citizen identity number."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import cccd
from core.errors import ValidationError

TODAY = date(2025, 6, 1)
FIELD = "Số căn cước công dân"


@pytest.mark.parametrize(
    "number",
    [
        "038194011749",  # Thanh Hóa, male, 1994
        "001185023456",  # Hà Nội, female, 1985
        "079203000123",  # Hồ Chí Minh, male, 2003
        "096301000001",  # Cà Mau, female, 2001
    ],
)
def test_valid_numbers_are_returned_unchanged(number: str) -> None:
    assert cccd.validate(number, today=TODAY) == number


def test_surrounding_and_inner_spaces_are_trimmed() -> None:
    assert cccd.validate("  038 194 011 749 ", today=TODAY) == "038194011749"


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_blank_number_is_refused_as_empty(blank: str | None) -> None:
    with pytest.raises(ValidationError, match="không được để trống") as err:
        cccd.validate(blank, today=TODAY)
    assert err.value.field == FIELD


@pytest.mark.parametrize("number", ["03819401174", "0381940117490", "0381"])
def test_wrong_length_is_refused(number: str) -> None:
    with pytest.raises(ValidationError, match="phải gồm đúng 12 chữ số") as err:
        cccd.validate(number, today=TODAY)
    assert err.value.field == FIELD


@pytest.mark.parametrize(
    "number", ["03819401174A", "O38194011749", "038194-11749", "０３８１９４０１１７４９"]
)
def test_letters_symbols_and_non_ascii_digits_are_refused(number: str) -> None:
    with pytest.raises(ValidationError, match="phải gồm đúng 12 chữ số"):
        cccd.validate(number, today=TODAY)


@pytest.mark.parametrize("number", ["003194011749", "097194011749", "000194011749", "099194011749"])
def test_unknown_birth_province_code_is_refused(number: str) -> None:
    with pytest.raises(ValidationError, match=f"mã tỉnh nơi đăng ký khai sinh '{number[:3]}'"):
        cccd.validate(number, today=TODAY)


def test_birth_year_in_the_future_is_refused() -> None:
    with pytest.raises(ValidationError, match="năm sinh 2026"):
        cccd.validate("001226000001", today=TODAY)


def test_birth_in_the_current_year_is_accepted() -> None:
    assert cccd.validate("001225000001", today=TODAY) == "001225000001"


def test_century_digits_beyond_the_2000s_give_a_future_year() -> None:
    with pytest.raises(ValidationError, match="năm sinh 2101"):
        cccd.validate("001401000001", today=TODAY)


def test_person_older_than_120_years_is_refused() -> None:
    with pytest.raises(ValidationError, match="năm sinh 1904"):
        cccd.validate("001004000001", today=TODAY)


def test_person_exactly_120_years_old_is_accepted() -> None:
    assert cccd.validate("001005000001", today=TODAY) == "001005000001"


@pytest.mark.parametrize(
    "century_digit, year", [("0", 1990), ("1", 1990), ("2", 2009), ("3", 2009)]
)
def test_century_digit_encodes_1900s_as_0_or_1_and_2000s_as_2_or_3(
    century_digit: str, year: int
) -> None:
    two_digits = str(year)[2:]
    assert cccd.birth_year(f"001{century_digit}{two_digits}000001") == year


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789", min_size=12, max_size=12))
def test_any_12_digit_string_validates_or_raises_a_cccd_validation_error(number: str) -> None:
    try:
        assert cccd.validate(number, today=TODAY) == number
    except ValidationError as err:
        assert err.field == FIELD
        assert FIELD in str(err)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.none(), st.text()))
def test_arbitrary_text_never_raises_anything_but_a_validation_error(raw: str | None) -> None:
    try:
        result = cccd.validate(raw, today=TODAY)
    except ValidationError as err:
        assert err.field == FIELD
    else:
        assert len(result) == 12 and result.isdigit()
