"""What a new password must be: long enough, typeable at the sign-in, and not guessable.

The sign-in compares the password exactly as typed, and people do not see a space at either
end of a password box, so such a password could be set but never typed again: it is refused.
The guessable ones are refused too: those on the shipped list of common passwords
(`data/common_passwords.txt`, also with only digits or symbols around them), the account's own
CCCD (public on documents) and the person's own name with digits.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from core.errors import ValidationError
from core.model import User
from core.settings import PROJECT_ROOT

FIELD = "Mật khẩu mới"
COMMON_FILE = PROJECT_ROOT / "data" / "common_passwords.txt"
_EDGES = re.compile(r"^[^a-z]+|[^a-z]+$")


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(x.strip().lower() for x in lines if x.strip() and not x.startswith("#"))


def _fold(text: str) -> str:
    """Lower case without Vietnamese accents ("Hoàng Đức" -> "hoang duc")."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if unicodedata.category(c) != "Mn").lower()


def _is_common(password: str) -> bool:
    folded = _fold(password)
    return folded in common_passwords() or _EDGES.sub("", folded) in common_passwords()


def _is_own_name(password: str, full_name: str) -> bool:
    """Only parts of the person's name, in any order, with digits or symbols around them."""
    parts = sorted({p for p in re.findall(r"[a-z]+", _fold(full_name)) if len(p) > 1}, key=len)
    letters = "".join(re.findall(r"[a-z]+", _fold(password)))
    if not parts or not letters:
        return False
    return re.fullmatch("(?:" + "|".join(reversed(parts)) + ")+", letters) is not None


def validate_new_password(password: str, user: User, confirm: str | None = None) -> str:
    """The new password of ``user``, or a `ValidationError` naming "Mật khẩu mới"."""
    if password != password.strip():
        raise ValidationError(FIELD, "không được bắt đầu hoặc kết thúc bằng dấu cách")
    if len(password) < 8:
        raise ValidationError(FIELD, "phải có ít nhất 8 ký tự")
    if len(password.encode()) > 72:
        raise ValidationError(FIELD, "không được dài quá 72 byte")
    if user.cccd in password:
        raise ValidationError(FIELD, "không được chứa số CCCD của bạn")
    if not any(c.isdigit() for c in password) or not any(c.isalpha() for c in password):
        raise ValidationError(FIELD, "phải có cả chữ và số")
    if _is_own_name(password, user.full_name):
        raise ValidationError(FIELD, "không được chỉ gồm họ tên của bạn và chữ số")
    if _is_common(password):
        raise ValidationError(FIELD, "quá phổ biến, dễ bị đoán; hãy chọn mật khẩu khác")
    if confirm is not None and confirm != password:
        raise ValidationError("Nhập lại mật khẩu mới", "không khớp với mật khẩu mới")
    return password
