"""Production's first Admin gets the CCCD the deployment names in DHD_FIRST_ADMIN_CCCD: there is
no default, so no empty production database ever gets an Admin with a guessable login."""

from __future__ import annotations

import pytest

from core import startup
from core.errors import ConfigError
from core.store import Db

CHOSEN = "079190004321"


def production_setup(db: Db) -> startup.FirstAdmin | None:
    return startup.setup(db, "production", lambda *_: None)


def test_the_first_admin_has_the_cccd_the_deployment_chose(
    db: Db, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DHD_FIRST_ADMIN_CCCD", f" {CHOSEN} ")
    first = production_setup(db)
    assert first.cccd == CHOSEN
    assert db.users.active_by_cccd(CHOSEN).must_change_password is True


def test_production_without_a_first_admin_cccd_refuses_and_creates_nothing(
    db: Db, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DHD_FIRST_ADMIN_CCCD", raising=False)
    with pytest.raises(ConfigError, match="Chưa cấu hình DHD_FIRST_ADMIN_CCCD"):
        production_setup(db)
    assert startup.needs_setup(db) is True
    assert db.scalar("SELECT count(*) FROM app_user") == 0


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("12345", "12 chữ số"),
        ("999190004321", "mã tỉnh"),
        ("001000000001", "năm sinh"),  # the CCCD the README used to publish
    ],
)
def test_an_invalid_first_admin_cccd_is_refused_with_the_reason(
    db: Db, monkeypatch: pytest.MonkeyPatch, raw: str, reason: str
) -> None:
    monkeypatch.setenv("DHD_FIRST_ADMIN_CCCD", raw)
    with pytest.raises(ConfigError, match="DHD_FIRST_ADMIN_CCCD không hợp lệ") as refused:
        production_setup(db)
    assert reason in str(refused.value)
    assert startup.needs_setup(db) is True
