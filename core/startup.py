"""What happens when the application starts on a database file.

Demo mode fills an empty database with the demo tree and accounts. Production mode creates the
root unit and one Admin (the CCCD of `DHD_FIRST_ADMIN_CCCD`) with a one-time password printed
once to the console. A database created in production is never opened in demo mode, so a
forgotten setting cannot expose real data behind the documented demo passwords and cookie key;
nor is a demo database opened in production, where its public demo accounts would let anyone in.
"""

from __future__ import annotations

from dataclasses import dataclass

from core import audit, auth, clock, demo, report_types, settings
from core.errors import ConfigError
from core.model import AuditEntry
from core.store import Db
from core.store.seed import Progress


@dataclass(frozen=True)
class FirstAdmin:
    cccd: str
    password: str


def needs_setup(db: Db) -> bool:
    return db.units.root() is None


def check_mode(db: Db, mode: str) -> None:
    """Refuse a database created in the other mode (the mode is stored when it is built)."""
    stored = db.meta.get("mode")
    if stored == "production" and mode == "demo":
        raise ConfigError(
            "Cơ sở dữ liệu này được tạo ở chế độ production; hãy chạy với "
            "DHD_MODE=production và khoá cookie riêng."
        )
    if stored == "demo" and mode == "production":
        raise ConfigError(
            "Cơ sở dữ liệu này là dữ liệu demo, có các tài khoản demo công khai; không mở nó ở "
            "chế độ production. Hãy đặt DHD_DB_PATH sang một tệp mới."
        )


def setup(db: Db, mode: str, progress: Progress, scale: str | None = None) -> FirstAdmin | None:
    """Prepare an empty database; return the first admin's credentials in production.

    Production checks the first admin's CCCD before it writes anything, so a missing setting
    leaves the file as empty as it found it.
    """
    admin_cccd = None if mode == "demo" else settings.first_admin_cccd()
    report_types.sync_templates(db)
    if admin_cccd is None:
        demo.build(db, scale or settings.DEMO_SCALE.value(), progress)
        return None
    return _create_root_and_admin(db, admin_cccd)


def _create_root_and_admin(db: Db, cccd: str) -> FirstAdmin:
    password = auth.generate_password()
    hashed = auth.hash_password(password)

    def tx(db: Db) -> FirstAdmin:
        now = clock.now()
        root_id = db.units.insert(
            {
                "code": "TW",
                "name": "Ban Chấp hành Trung ương Đảng",
                "level_code": "TW",
                "type_code": "DANG_MTTQ",
                "address": "Hà Nội",
            },
            None,
            now,
        )
        user_id = db.users.insert(
            {
                "cccd": cccd,
                "full_name": "Quản trị hệ thống",
                "unit_id": root_id,
                "account_type": "ADMIN",
                "position": "Quản trị viên",
                "role_code": "QUAN_TRI",
            },
            hashed,
            now,
            must_change_password=True,
        )
        db.meta.set("mode", "production")
        audit.record(db, None, AuditEntry("user", user_id, "bootstrap"), now)
        return FirstAdmin(cccd, password)

    return db.atomic(tx)
