"""core.startup: the demo database (core.demo) and the production first start."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from core import auth, cccd, demo, functions, startup, users
from core.errors import ConfigError
from core.model import ADMIN, Unit
from core.store import Db, Store
from tests.factories import NOW, actor_at

FIRST_ADMIN = "036085001234"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory):
    """One demo database (scale S) shared by the read-only checks of this module."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(auth, "BCRYPT_ROUNDS", 4)
        store = Store.open(tmp_path_factory.mktemp("demo") / "demo.duckdb")
        db = store.db()
        steps: list[float] = []
        startup.setup(db, "demo", lambda fraction, _text: steps.append(fraction), "S")
        yield db, steps
        store.close()


def all_units(db: Db) -> list[Unit]:
    return db.units.get_many(db.units.subtree_ids("/"))


def test_demo_has_exactly_one_root(demo_db) -> None:
    db, _ = demo_db
    roots = [u for u in all_units(db) if u.parent_id is None]
    assert [(u.level_code, u.path) for u in roots] == [("TW", f"/{roots[0].id}/")]


def test_demo_has_one_provincial_unit_named_after_each_of_the_34_provinces(demo_db) -> None:
    db, _ = demo_db
    provinces = [u.name for u in all_units(db) if u.level_code == "TINH"]
    expected = {"Đảng bộ " + p["name"] for p in db.catalogs.provinces()}
    assert len(provinces) == 34
    assert set(provinces) == expected


def test_demo_provinces_hang_directly_under_the_root(demo_db) -> None:
    db, _ = demo_db
    root = db.units.root()
    assert {u.level_code for u in db.units.children([root.id])} == {"TINH"}


def test_at_least_three_provinces_have_communes_and_grassroots_units(demo_db) -> None:
    db, _ = demo_db
    detailed = 0
    for province in (u for u in all_units(db) if u.level_code == "TINH"):
        levels = {u.level_code for u in db.units.get_many(db.units.subtree_ids(province.path))}
        detailed += {"XA", "CO_SO"} <= levels
    assert detailed >= 3


def test_every_demo_path_is_its_parent_path_plus_its_own_id(demo_db) -> None:
    db, _ = demo_db
    units = {u.id: u for u in all_units(db)}
    for unit in units.values():
        parent_path = units[unit.parent_id].path if unit.parent_id else "/"
        assert unit.path == f"{parent_path}{unit.id}/", unit
        assert unit.depth == unit.path.count("/") - 2, unit


def test_every_demo_child_has_a_lower_level_than_its_parent(demo_db) -> None:
    db, _ = demo_db
    rank = {r["code"]: r["rank"] for r in db.catalogs.levels()}
    units = {u.id: u for u in all_units(db)}
    for unit in units.values():
        if unit.parent_id:
            assert rank[unit.level_code] > rank[units[unit.parent_id].level_code], unit


@pytest.mark.parametrize("account", demo.ACCOUNTS, ids=lambda a: a.cccd)
def test_every_documented_demo_account_signs_in_with_the_demo_password(demo_db, account) -> None:
    db, _ = demo_db
    user_id = auth.authenticate(db, account.cccd, demo.DEMO_PASSWORD, NOW)
    user = db.users.get(user_id)
    assert (user.full_name, user.account_type, user.role_code) == (
        account.full_name,
        account.account_type,
        account.role_code,
    )
    assert db.units.get(user.unit_id).code == account.unit_code


def all_accounts(db: Db) -> list[dict]:
    root_admin = actor_at(db.units.root(), functions.USER_MANAGE)
    found, page = [], 1
    while True:
        frame, total = users.search(db, root_admin, users.UserFilter(), page, 100)
        found += frame.to_dicts()
        if len(found) >= total:
            return found
        page += 1


def test_no_seeded_person_shares_a_demo_account_cccd(demo_db) -> None:
    db, _ = demo_db
    numbers = [a["cccd"] for a in all_accounts(db)]
    assert len(numbers) == len(set(numbers))
    assert {a.cccd for a in demo.ACCOUNTS} <= set(numbers)


def test_every_demo_account_has_a_plausible_cccd(demo_db) -> None:
    db, _ = demo_db
    for account in all_accounts(db):
        assert cccd.validate(account["cccd"], today=date(2025, 6, 1)) == account["cccd"]


def test_demo_progress_rises_to_completion(demo_db) -> None:
    _, steps = demo_db
    assert steps == sorted(steps)
    assert 0 < steps[0] and steps[-1] == 1.0


def test_demo_database_remembers_its_mode(demo_db) -> None:
    db, _ = demo_db
    assert db.meta.get("mode") == "demo"
    assert startup.needs_setup(db) is False


def test_an_unknown_demo_scale_is_refused(db: Db) -> None:
    with pytest.raises(ConfigError, match="DHD_DEMO_SCALE"):
        startup.setup(db, "demo", lambda *_: None, "XXL")
    assert startup.needs_setup(db) is True


# -- production -------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def first_admin_cccd(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DHD_FIRST_ADMIN_CCCD", FIRST_ADMIN)


@pytest.fixture
def first_admin(db: Db) -> startup.FirstAdmin:
    assert startup.needs_setup(db) is True
    return startup.setup(db, "production", lambda *_: None)


def test_production_setup_creates_only_the_root_unit(db: Db, first_admin) -> None:
    units = all_units(db)
    assert [(u.level_code, u.parent_id, u.path) for u in units] == [
        ("TW", None, f"/{units[0].id}/")
    ]


def test_production_setup_creates_one_admin_who_must_change_the_password(
    db: Db, first_admin: startup.FirstAdmin
) -> None:
    user = db.users.active_by_cccd(first_admin.cccd)
    assert (user.account_type, user.unit_id, user.must_change_password) == (
        ADMIN,
        db.units.root().id,
        True,
    )


def test_the_first_admin_signs_in_with_the_printed_password(
    db: Db, first_admin: startup.FirstAdmin
) -> None:
    user_id = auth.authenticate(db, first_admin.cccd, first_admin.password, NOW)
    assert db.users.get(user_id).cccd == first_admin.cccd


def test_the_first_admin_password_is_not_a_documented_one(db: Db, first_admin) -> None:
    assert first_admin.password != demo.DEMO_PASSWORD
    admin = db.users.active_by_cccd(first_admin.cccd)
    assert auth.validate_new_password(first_admin.password, admin)


def test_a_production_database_is_never_opened_in_demo_mode(db: Db, first_admin) -> None:
    with pytest.raises(ConfigError, match="production"):
        startup.check_mode(db, "demo")


def test_a_demo_database_is_never_opened_in_production_mode(demo_db) -> None:
    db, _ = demo_db
    with pytest.raises(ConfigError, match="dữ liệu demo"):
        startup.check_mode(db, "production")


def test_a_demo_database_opens_in_demo_mode(demo_db) -> None:
    db, _ = demo_db
    startup.check_mode(db, "demo")


def test_a_production_database_opens_in_production_mode(db: Db, first_admin) -> None:
    startup.check_mode(db, "production")
    assert db.meta.get("mode") == "production"


def test_the_production_mode_survives_reopening_the_file(tmp_path: Path) -> None:
    path = tmp_path / "prod.duckdb"
    store = Store.open(path)
    startup.setup(store.db(), "production", lambda *_: None)
    store.close()
    reopened = Store.open(path)
    try:
        with pytest.raises(ConfigError):
            startup.check_mode(reopened.db(), "demo")
    finally:
        reopened.close()


def test_demo_congress_dates_follow_the_round_with_a_few_exceptions(demo_db) -> None:
    db, _ = demo_db
    rows = db.rows(
        "SELECT u.level_code, c.held_on BETWEEN w.start_date AND w.end_date AS in_window,"
        " c.pilot, c.reason IS NOT NULL AS postponed FROM congress c"
        " JOIN unit u ON u.id = c.unit_id JOIN term_window w"
        " ON w.level_code = u.level_code AND w.term_code = c.term_code"
    )
    exceptions = [r for r in rows if not r["in_window"]]
    assert len(rows) > 0.9 * db.scalar("SELECT count(*) FROM unit WHERE active")
    assert 0 < len(exceptions) < 0.02 * len(rows)
    assert all(r["level_code"] == "CO_SO" and (r["pilot"] or r["postponed"]) for r in exceptions)
    assert any(r["pilot"] for r in rows)


def test_demo_leaves_the_demo_commune_and_grassroots_units_without_a_congress_date(
    demo_db,
) -> None:
    db, _ = demo_db
    for code in demo.CALENDAR_SPARE:
        assert db.calendar.get("NK_2025_2030", db.units.by_code(code).id) is None


def test_every_demo_congress_has_its_choice_in_the_audit_trail(demo_db) -> None:
    db, _ = demo_db
    assert db.scalar("SELECT count(*) FROM congress") == db.audit.count("congress")
