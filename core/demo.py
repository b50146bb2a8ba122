"""The demo database: the tree from `core.store.seed` plus the documented demo accounts."""

from __future__ import annotations

from dataclasses import dataclass

from core import auth, clock, report_demo
from core.errors import ConfigError
from core.store import Db
from core.store.seed import SCALES, Progress, seed_people, seed_units
from core.store.seed_calendar import seed_calendar

DEMO_PASSWORD = "Daihoi@2025"


@dataclass(frozen=True)
class DemoAccount:
    cccd: str
    full_name: str
    unit_code: str
    account_type: str
    position: str
    role_code: str
    label: str


# The README's "Demo accounts" table lists exactly these (a test keeps them in step).
ACCOUNTS = (
    DemoAccount(
        "001080012345",
        "Nguyễn Văn Quang",
        "TW",
        "ADMIN",
        "Chuyên viên",
        "QUAN_TRI",
        "Admin Trung ương",
    ),
    DemoAccount(
        "038188067890",
        "Lê Thị Thu Hà",
        "TW",
        "USER",
        "Chuyên viên phân tích",
        "PHAN_TICH",
        "Phân tích dữ liệu (Trung ương)",
    ),
    DemoAccount(
        "001185023456",
        "Trần Thị Minh Hạnh",
        "01000000",
        "ADMIN",
        "Phó Trưởng ban Tổ chức",
        "QUAN_TRI",
        "Admin Thành phố Hà Nội",
    ),
    DemoAccount(
        "001090034567",
        "Phạm Đức Long",
        "01000000",
        "USER",
        "Chuyên viên",
        "QUAN_LY_BC",
        "Chuyên viên Thành phố Hà Nội",
    ),
    DemoAccount(
        "001192045678",
        "Hoàng Thị Lan",
        "01001000",
        "USER",
        "Cán bộ",
        "QUAN_LY_BC",
        "Chuyên viên Đảng bộ Phường Ba Đình",
    ),
    DemoAccount(
        "001095056789",
        "Vũ Minh Tuấn",
        "01001001",
        "USER",
        "Bí thư chi bộ",
        "CHUYEN_VIEN",
        "Cán bộ Chi bộ Tổ dân phố số 1 (Phường Ba Đình)",
    ),
)


# Units left without a congress date, so the demo users can choose one from the start.
CALENDAR_SPARE = ("01001000", "01001001")


def build(db: Db, scale_name: str, progress: Progress) -> None:
    """Fill an empty database with the demo tree and accounts, in one transaction."""
    scale = SCALES.get(scale_name.upper())
    if scale is None:
        raise ConfigError(f"DHD_DEMO_SCALE phải là một trong {', '.join(SCALES)}")
    progress(0.02, "Đang mã hoá mật khẩu demo…")
    hashed = auth.hash_password(DEMO_PASSWORD)

    def tx(db: Db) -> None:
        now = clock.now()
        seed_units(db, scale, now, progress)
        progress(0.85, "Đang tạo tài khoản…")
        for acc in ACCOUNTS:
            unit = db.units.by_code(acc.unit_code)
            db.users.insert(
                {
                    "cccd": acc.cccd,
                    "full_name": acc.full_name,
                    "unit_id": unit.id,
                    "account_type": acc.account_type,
                    "position": acc.position,
                    "role_code": acc.role_code,
                },
                hashed,
                now,
                must_change_password=False,
            )
        seed_people(db, hashed, now)
        progress(0.9, "Đang tạo báo cáo mẫu…")
        report_demo.build(db, [a.unit_code for a in ACCOUNTS if a.role_code == "CHUYEN_VIEN"])
        progress(0.95, "Đang tạo lịch tổ chức Đại hội mẫu…")
        seed_calendar(db, now, list(CALENDAR_SPARE), report_demo.PEOPLE)
        db.meta.set("mode", "demo")
        db.meta.set("demo_scale", scale.name)
        db.meta.set("seeded_at", now.isoformat())

    db.atomic(tx)
    progress(1.0, "Đã tạo xong dữ liệu demo")
