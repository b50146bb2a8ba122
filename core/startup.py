"""What happens when the application starts on a database file.

Demo mode fills an empty database with the demo tree and accounts. Production mode creates the
root unit and one Admin with a one-time password printed once to the console. A database
created in production is never opened in demo mode, so a forgotten setting cannot expose real
data behind the documented demo passwords and cookie key.
"""

from __future__ import annotations

from dataclasses import dataclass

from core import audit, auth, clock, demo, report_types, settings
from core.errors import ConfigError
from core.model import AuditEntry
from core.store import Db
from core.store.seed import Progress

ROOT_ADMIN_CCCD = "001000000001"


@dataclass(frozen=True)
class FirstAdmin:
    cccd: str
    password: str


def needs_setup(db: Db) -> bool:
    return db.units.root() is None


def check_mode(db: Db, mode: str) -> None:
    stored = db.meta.get("mode")
    if stored == "production" and mode == "demo":
        raise ConfigError(
            "Cơ sở dữ liệu này được tạo ở chế độ production; hãy chạy với "
            "DHD_MODE=production và khoá cookie riêng."
        )


def setup(db: Db, mode: str, progress: Progress, scale: str | None = None) -> FirstAdmin | None:
    """Prepare an empty database; return the first admin's credentials in production."""
    report_types.sync_templates(db)
    if mode == "demo":
        demo.build(db, scale or settings.DEMO_SCALE.value(), progress)
        return None
    return _create_root_and_admin(db)


def _create_root_and_admin(db: Db) -> FirstAdmin:
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
                "cccd": ROOT_ADMIN_CCCD,
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
        return FirstAdmin(ROOT_ADMIN_CCCD, password)

    return db.atomic(tx)
