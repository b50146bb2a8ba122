"""Validation of the 12-digit citizen identity number (CCCD) used as the login name.

Digits 1-3: birth-registration province under the 63 pre-2025 province codes; digit 4:
century and sex (0/1 for the 1900s, 2/3 for the 2000s, …); digits 5-6: the last two digits of
the birth year; digits 7-12: a random serial. There is no checksum, so this checks format and
plausibility only.
"""

from __future__ import annotations

from datetime import date

from core.errors import ValidationError

FIELD = "Số căn cước công dân"
MAX_AGE = 120

PROVINCE_CODES_2024: dict[str, str] = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "006": "Bắc Kạn",
    "008": "Tuyên Quang",
    "010": "Lào Cai",
    "011": "Điện Biên",
    "012": "Lai Châu",
    "014": "Sơn La",
    "015": "Yên Bái",
    "017": "Hòa Bình",
    "019": "Thái Nguyên",
    "020": "Lạng Sơn",
    "022": "Quảng Ninh",
    "024": "Bắc Giang",
    "025": "Phú Thọ",
    "026": "Vĩnh Phúc",
    "027": "Bắc Ninh",
    "030": "Hải Dương",
    "031": "Hải Phòng",
    "033": "Hưng Yên",
    "034": "Thái Bình",
    "035": "Hà Nam",
    "036": "Nam Định",
    "037": "Ninh Bình",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "042": "Hà Tĩnh",
    "044": "Quảng Bình",
    "045": "Quảng Trị",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "049": "Quảng Nam",
    "051": "Quảng Ngãi",
    "052": "Bình Định",
    "054": "Phú Yên",
    "056": "Khánh Hòa",
    "058": "Ninh Thuận",
    "060": "Bình Thuận",
    "062": "Kon Tum",
    "064": "Gia Lai",
    "066": "Đắk Lắk",
    "067": "Đắk Nông",
    "068": "Lâm Đồng",
    "070": "Bình Phước",
    "072": "Tây Ninh",
    "074": "Bình Dương",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "Hồ Chí Minh",
    "080": "Long An",
    "082": "Tiền Giang",
    "083": "Bến Tre",
    "084": "Trà Vinh",
    "086": "Vĩnh Long",
    "087": "Đồng Tháp",
    "089": "An Giang",
    "091": "Kiên Giang",
    "092": "Cần Thơ",
    "093": "Hậu Giang",
    "094": "Sóc Trăng",
    "095": "Bạc Liêu",
    "096": "Cà Mau",
}


def birth_year(cccd: str) -> int:
    century = 1900 + (int(cccd[3]) // 2) * 100
    return century + int(cccd[4:6])


def validate(raw: str | None, today: date | None = None) -> str:
    """Return the normalised CCCD or raise `ValidationError` naming what is wrong."""
    cccd = (raw or "").strip().replace(" ", "")
    if not cccd:
        raise ValidationError(FIELD, "không được để trống")
    if len(cccd) != 12 or not cccd.isascii() or not cccd.isdigit():
        raise ValidationError(FIELD, "phải gồm đúng 12 chữ số")
    if cccd[:3] not in PROVINCE_CODES_2024:
        raise ValidationError(FIELD, f"mã tỉnh nơi đăng ký khai sinh '{cccd[:3]}' không hợp lệ")
    year = birth_year(cccd)
    this_year = (today or date.today()).year
    if year > this_year or year < this_year - MAX_AGE:
        raise ValidationError(FIELD, f"năm sinh {year} suy ra từ số CCCD không hợp lệ")
    return cccd
