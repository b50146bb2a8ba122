"""The settings registry: every knob the deployment can turn, in one place.

Each setting is read from an environment variable; the README documents every one of them
(a test keeps the two in step).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from core import cccd
from core.errors import ConfigError, ValidationError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEMO_COOKIE_KEY = "demo-cookie-key-not-for-production"


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str

    def value(self) -> str:
        return os.environ.get(self.name, self.default)


DB_PATH = Setting(
    "DHD_DB_PATH", str(PROJECT_ROOT / "data" / "dhd.duckdb"), "Đường dẫn tệp cơ sở dữ liệu DuckDB."
)
MODE = Setting(
    "DHD_MODE", "demo", "`demo` (tự tạo dữ liệu mẫu và tài khoản demo) hoặc `production`."
)
COOKIE_KEY = Setting(
    "DHD_COOKIE_KEY",
    "",
    "Khoá ký cookie đăng nhập; bắt buộc khi DHD_MODE=production "
    "(hoặc `cookie_key` trong .streamlit/secrets.toml).",
)
DEMO_SCALE = Setting("DHD_DEMO_SCALE", "S", "Quy mô dữ liệu demo: S, M hoặc L.")
GEO_DIR = Setting(
    "DHD_GEO_DIR",
    str(PROJECT_ROOT.parent / "shared" / "geo"),
    "Thư mục chứa GeoJSON ranh giới hành chính cho bản đồ.",
)

FIRST_ADMIN_CCCD = Setting(
    "DHD_FIRST_ADMIN_CCCD",
    "",
    "Số CCCD của tài khoản quản trị đầu tiên; bắt buộc khi DHD_MODE=production khởi tạo một "
    "cơ sở dữ liệu trống.",
)

ALL = (DB_PATH, MODE, COOKIE_KEY, FIRST_ADMIN_CCCD, DEMO_SCALE, GEO_DIR)
MODES = ("demo", "production")


def mode() -> str:
    value = MODE.value().strip().lower()
    if value not in MODES:
        raise ConfigError(f"DHD_MODE phải là một trong {', '.join(MODES)}, nhận được '{value}'")
    return value


def is_demo() -> bool:
    return mode() == "demo"


def cookie_key(from_secrets: str | None) -> str:
    """The cookie signing key; production refuses to run on a missing or demo key.

    A forged cookie signs anyone in as anyone, so a guessable key is a deployment error, not a
    warning.
    """
    key = (from_secrets or COOKIE_KEY.value() or "").strip()
    if is_demo():
        return key or DEMO_COOKIE_KEY
    if not key or key == DEMO_COOKIE_KEY or len(key) < 32:
        raise ConfigError(
            "Chưa cấu hình khoá cookie: đặt biến môi trường DHD_COOKIE_KEY hoặc `cookie_key` "
            "trong .streamlit/secrets.toml (ít nhất 32 ký tự) trước khi chạy ở chế độ production."
        )
    return key


def first_admin_cccd() -> str:
    """The CCCD of the Admin that production creates on an empty database.

    It has no default: a fixed, published CCCD would hand an attacker half of the first
    Admin's credentials, so production names a real person's CCCD or does not start.
    """
    raw = FIRST_ADMIN_CCCD.value().strip()
    if not raw:
        raise ConfigError(
            "Chưa cấu hình DHD_FIRST_ADMIN_CCCD: đặt số căn cước công dân của người quản trị "
            "đầu tiên trước khi khởi tạo cơ sở dữ liệu ở chế độ production."
        )
    try:
        return cccd.validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"DHD_FIRST_ADMIN_CCCD không hợp lệ: {exc.message}.") from None
