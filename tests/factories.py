"""Small factories that build trees, accounts and actors through the store repositories.

They bypass the services on purpose (no permission checks, no audit) so that a test can set up
exactly the world it needs and then exercise one service call against it.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core import auth, clock
from core.access import load_actor
from core.model import ADMIN, USER, Actor, Unit, UnitDraft, User
from core.store import Db

NOW = datetime(2025, 3, 1, 8, 0, 0)
PASSWORD = "Matkhau2025"
HN = "Thành phố Hà Nội"
HCM = "Thành phố Hồ Chí Minh"

_codes = itertools.count(1)
_serials = itertools.count(1)


def make_unit(
    db: Db,
    parent: Unit | None,
    name: str,
    level_code: str,
    *,
    code: str | None = None,
    type_code: str = "DIA_BAN",
    province: str | None = HN,
    address: str = "Số 1 phố Hùng Vương",
) -> Unit:
    fields: dict[str, Any] = {
        "code": code or f"T{next(_codes):07d}",
        "name": name,
        "level_code": level_code,
        "type_code": type_code,
        "province": province if level_code != "TW" else None,
        "address": address,
    }
    return db.units.get(db.units.insert(fields, parent, NOW))


@dataclass(frozen=True)
class Tree:
    """root (TW) -> hn, hcm (TINH) -> communes (XA) -> grassroots (CO_SO)."""

    root: Unit
    hn: Unit
    hcm: Unit
    ba_dinh: Unit
    hoan_kiem: Unit
    sai_gon: Unit
    ba_dinh_cs1: Unit
    ba_dinh_cs2: Unit
    hoan_kiem_cs1: Unit
    sai_gon_cs1: Unit


def make_tree(db: Db) -> Tree:
    root = make_unit(
        db, None, "Ban Chấp hành Trung ương Đảng", "TW", code="TW", type_code="DANG_MTTQ"
    )
    hn = make_unit(db, root, "Đảng bộ Thành phố Hà Nội", "TINH", code="HN")
    hcm = make_unit(db, root, "Đảng bộ Thành phố Hồ Chí Minh", "TINH", code="HCM", province=HCM)
    ba_dinh = make_unit(db, hn, "Đảng bộ Phường Ba Đình", "XA", code="HN-BD")
    hoan_kiem = make_unit(db, hn, "Đảng bộ Phường Hoàn Kiếm", "XA", code="HN-HK")
    sai_gon = make_unit(db, hcm, "Đảng bộ Phường Sài Gòn", "XA", code="HCM-SG", province=HCM)
    return Tree(
        root=root,
        hn=hn,
        hcm=hcm,
        ba_dinh=ba_dinh,
        hoan_kiem=hoan_kiem,
        sai_gon=sai_gon,
        ba_dinh_cs1=make_unit(db, ba_dinh, "Chi bộ Tổ dân phố số 1", "CO_SO", code="HN-BD-1"),
        ba_dinh_cs2=make_unit(db, ba_dinh, "Chi bộ Tổ dân phố số 2", "CO_SO", code="HN-BD-2"),
        hoan_kiem_cs1=make_unit(db, hoan_kiem, "Chi bộ Tổ dân phố số 1", "CO_SO", code="HN-HK-1"),
        sai_gon_cs1=make_unit(
            db, sai_gon, "Chi bộ Khu phố 1", "CO_SO", code="HCM-SG-1", province=HCM
        ),
    )


@dataclass(frozen=True)
class OldTree:
    """The manuals' four-level tree: TW -> TINH -> HUYEN -> XA (with one CO_SO below)."""

    root: Unit
    province: Unit
    district: Unit
    commune: Unit
    grassroots: Unit


def make_old_tree(db: Db, root: Unit | None = None) -> OldTree:
    root = root or make_unit(db, None, "Ban Chấp hành Trung ương Đảng", "TW", type_code="DANG_MTTQ")
    province = make_unit(db, root, "Đảng bộ Tỉnh Thanh Hóa", "TINH", province="Tỉnh Thanh Hóa")
    district = make_unit(
        db, province, "Đảng bộ Huyện Nông Cống", "HUYEN", province="Tỉnh Thanh Hóa"
    )
    commune = make_unit(db, district, "Đảng bộ Xã Trung Chính", "XA", province="Tỉnh Thanh Hóa")
    grassroots = make_unit(db, commune, "Chi bộ Thôn 1", "CO_SO", province="Tỉnh Thanh Hóa")
    return OldTree(root, province, district, commune, grassroots)


def unit_draft(**overrides: Any) -> UnitDraft:
    """A valid form for a commune-level unit of Hà Nội; override any field."""
    values: dict[str, Any] = {
        "name": "Đảng bộ Phường Ngọc Hà",
        "level_code": "XA",
        "type_code": "DIA_BAN",
        "province": HN,
        "address": "Số 25 phố Liễu Giai",
        "description": None,
        "code": None,
    }
    values.update(overrides)
    return UnitDraft(**values)


def new_cccd() -> str:
    """A plausible, unique CCCD: Hà Nội, male, born 1990."""
    return f"001090{next(_serials):06d}"


def make_user(
    db: Db,
    unit: Unit,
    account_type: str = USER,
    role_code: str = "CHUYEN_VIEN",
    *,
    cccd: str | None = None,
    full_name: str = "Nguyễn Văn An",
    position: str = "Chuyên viên",
    password: str = PASSWORD,
) -> User:
    fields = {
        "cccd": cccd or new_cccd(),
        "full_name": full_name,
        "unit_id": unit.id,
        "account_type": account_type,
        "position": position,
        "role_code": role_code,
    }
    user_id = db.users.insert(fields, auth.hash_password(password), NOW, must_change_password=False)
    return db.users.get(user_id)


def make_admin_actor(
    db: Db, unit: Unit, role_code: str = "QUAN_TRI", full_name: str = "Trần Quản Trị"
) -> Actor:
    """A real Admin account of ``unit`` with ``role_code``, loaded as the services see it."""
    user = make_user(db, unit, ADMIN, role_code, full_name=full_name)
    actor = load_actor(db, user.id)
    assert actor is not None
    return actor


_actor_ids = itertools.count(10_000)


def actor_at(
    unit: Unit, *function_codes: str, account_type: str = ADMIN, full_name: str = "Lê Văn Thử"
) -> Actor:
    """An actor built directly, with exactly the given functions (no account row)."""
    return Actor(
        user_id=next(_actor_ids),
        full_name=full_name,
        unit_id=unit.id,
        unit_path=unit.path,
        account_type=account_type,
        functions=frozenset(function_codes),
    )


def audit_rows(db: Db, entity: str, entity_id: int | None = None) -> list[dict[str, Any]]:
    """Every audit column of ``entity`` (and ``entity_id`` if given), oldest first."""
    if entity_id is None:
        return db.rows("SELECT * FROM audit_log WHERE entity = ? ORDER BY id", [entity])
    return db.rows(
        "SELECT * FROM audit_log WHERE entity = ? AND entity_id = ? ORDER BY id",
        [entity, entity_id],
    )


def race_past_the_check(
    monkeypatch: Any, first: Callable[[], Any], second: Callable[[], Any]
) -> dict[str, Any]:
    """Interleave two service calls the way two people clicking at once can.

    ``first`` runs until it reads the clock (services do so after their checks, right before
    they write), ``second`` then runs to the end, and ``first`` resumes. Returns the outcome of
    each, ``{"first": ..., "second": ...}``: what it returned or the exception it raised.
    """
    first_has_checked, second_is_done = threading.Event(), threading.Event()
    real_now = clock.now

    def now() -> datetime:
        if threading.current_thread().name == "first" and not first_has_checked.is_set():
            first_has_checked.set()
            second_is_done.wait(5)
        return real_now()

    monkeypatch.setattr(clock, "now", now)
    outcomes: dict[str, Any] = {}

    def run(name: str, call: Callable[[], Any]) -> None:
        if name == "second":
            first_has_checked.wait(5)
        try:
            outcomes[name] = call()
        except Exception as err:  # noqa: BLE001 - the outcome is what the caller compares
            outcomes[name] = err
        finally:
            if name == "second":
                second_is_done.set()

    threads = [
        threading.Thread(target=run, name=n, args=(n, c))
        for n, c in (("first", first), ("second", second))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    return outcomes
