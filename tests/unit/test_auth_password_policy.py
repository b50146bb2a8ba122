"""core.password_policy: a new password can be typed at the sign-in and is not guessable."""

from __future__ import annotations

import pytest

from core import auth
from core.access import load_actor
from core.errors import ValidationError
from core.model import User
from core.password_policy import common_passwords, validate_new_password
from tests.factories import PASSWORD, make_user

ANH = User(
    id=1,
    cccd="001185023456",
    full_name="Nguyễn Hoàng Anh",
    unit_id=1,
    account_type="USER",
    position="Chuyên viên",
    role_code="CHUYEN_VIEN",
    active=True,
    version=1,
    must_change_password=False,
)


def refusal(password: str) -> ValidationError:
    with pytest.raises(ValidationError) as err:
        validate_new_password(password, ANH)
    assert err.value.field == "Mật khẩu mới"
    return err.value


@pytest.mark.parametrize("password", [" Kh0ngDoan9", "Kh0ngDoan9 ", "\tKh0ngDoan9", "Kh0ngDoan9\n"])
def test_a_password_with_spaces_at_either_end_is_refused(password: str) -> None:
    assert "dấu cách" in str(refusal(password))


def test_a_space_inside_the_password_is_allowed() -> None:
    assert validate_new_password("Trang sach 42", ANH) == "Trang sach 42"


@pytest.mark.parametrize(
    "password",
    ["Password123", "PASSWORD1", "Qwerty123456", "Daihoi@2025", "Matkhau2025!", "1q2w3e4r5t"],
)
def test_a_common_password_is_refused(password: str) -> None:
    assert "phổ biến" in str(refusal(password))


@pytest.mark.parametrize("password", ["001185023456", "Cccd001185023456", "a001185023456!"])
def test_the_users_own_cccd_is_refused(password: str) -> None:
    assert "CCCD" in str(refusal(password))


@pytest.mark.parametrize(
    "password", ["HoangAnh1990", "nguyenhoanganh1", "Anh@12345678", "ANHHOANG2024"]
)
def test_the_users_own_name_with_digits_is_refused(password: str) -> None:
    assert "họ tên" in str(refusal(password))


def test_a_name_word_mixed_with_other_words_is_allowed() -> None:
    assert validate_new_password("AnhDiHoc1990xa", ANH)


def test_the_common_list_is_shipped_and_read_without_its_comments() -> None:
    common = common_passwords()
    assert len(common) > 250
    assert "password" in common and not any(p.startswith("#") for p in common)


def test_change_password_refuses_a_padded_password_and_the_old_one_still_works(db, tree) -> None:
    user = make_user(db, tree.ba_dinh, cccd="038194011749")
    with pytest.raises(ValidationError, match="dấu cách"):
        auth.change_password(db, load_actor(db, user.id), PASSWORD, " Kh0ngDoan9", " Kh0ngDoan9")
    assert db.users.password_hash(user.id) and auth.authenticate(db, user.cccd, PASSWORD)
