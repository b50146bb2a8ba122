"""core.auth: sign-in, lock-out after repeated failures, change of password; and the cookie
key that production refuses to run without (core.settings)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core import auth, lockout, password_policy, settings
from core.access import load_actor
from core.errors import ConfigError, LoginRefused, ValidationError
from core.model import Actor, User
from core.store import Db
from tests.factories import NOW, PASSWORD, Tree, audit_rows, make_user

WRONG = "Saimatkhau1"
LOCK = timedelta(minutes=15)


@pytest.fixture
def user(db: Db, tree: Tree) -> User:
    return make_user(db, tree.ba_dinh, cccd="038194011749", full_name="Hoàng Thị Lan")


def fail(db: Db, cccd: str, times: int, now=NOW) -> list[str]:
    """Sign in ``times`` times with a wrong password; the refusal messages, in order."""
    messages = []
    for _ in range(times):
        with pytest.raises(LoginRefused) as err:
            auth.authenticate(db, cccd, WRONG, now)
        messages.append(str(err.value))
    return messages


# -- sign in ----------------------------------------------------------------------------------


def test_right_password_signs_in_and_returns_the_user_id(db: Db, user: User) -> None:
    assert auth.authenticate(db, user.cccd, PASSWORD, NOW) == user.id


def test_cccd_with_surrounding_spaces_signs_in(db: Db, user: User) -> None:
    assert auth.authenticate(db, f"  {user.cccd} ", PASSWORD, NOW) == user.id


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(db: Db, user: User) -> None:
    assert fail(db, user.cccd, 1) == [auth.BAD_CREDENTIALS]


def test_unknown_cccd_is_refused_with_the_same_message(db: Db, user: User) -> None:
    with pytest.raises(LoginRefused) as err:
        auth.authenticate(db, "001090999999", PASSWORD, NOW)
    assert str(err.value) == auth.BAD_CREDENTIALS


def test_four_wrong_passwords_in_a_row_do_not_lock(db: Db, user: User) -> None:
    fail(db, user.cccd, 4)
    assert auth.authenticate(db, user.cccd, PASSWORD, NOW) == user.id


def test_the_fifth_wrong_password_locks_the_account_for_15_minutes(db: Db, user: User) -> None:
    messages = fail(db, user.cccd, 5)
    assert messages[:4] == [auth.BAD_CREDENTIALS] * 4
    assert "tạm khoá" in messages[4]
    assert lockout.locked_until(db, user.id, "", NOW) == NOW + LOCK


def test_a_locked_account_is_refused_even_with_the_right_password(db: Db, user: User) -> None:
    fail(db, user.cccd, 5)
    with pytest.raises(LoginRefused, match="tạm khoá"):
        auth.authenticate(db, user.cccd, PASSWORD, NOW + LOCK - timedelta(seconds=1))


def test_the_lock_lifts_after_15_minutes(db: Db, user: User) -> None:
    fail(db, user.cccd, 5)
    assert auth.authenticate(db, user.cccd, PASSWORD, NOW + LOCK) == user.id


def test_a_wrong_password_after_the_lock_expired_starts_a_new_count(db: Db, user: User) -> None:
    fail(db, user.cccd, 5)
    later = NOW + LOCK + timedelta(minutes=1)
    assert fail(db, user.cccd, 4, later) == [auth.BAD_CREDENTIALS] * 4
    assert auth.authenticate(db, user.cccd, PASSWORD, later) == user.id


def test_a_successful_sign_in_resets_the_failure_count(db: Db, user: User) -> None:
    fail(db, user.cccd, 4)
    auth.authenticate(db, user.cccd, PASSWORD, NOW)
    assert fail(db, user.cccd, 4) == [auth.BAD_CREDENTIALS] * 4


def test_locking_an_account_is_audited(db: Db, user: User) -> None:
    fail(db, user.cccd, 5)
    assert [r["action"] for r in audit_rows(db, "user", user.id)] == ["lock"]


def test_a_successful_sign_in_is_audited_with_the_person(db: Db, user: User) -> None:
    auth.authenticate(db, user.cccd, PASSWORD, NOW)
    [row] = audit_rows(db, "user", user.id)
    assert (row["action"], row["actor_name"], row["at_time"]) == ("login", "Hoàng Thị Lan", NOW)


def test_wrong_passwords_with_spaces_around_the_cccd_still_lock_the_account(
    db: Db, user: User
) -> None:
    fail(db, f" {user.cccd}", 5)
    with pytest.raises(LoginRefused, match="tạm khoá"):
        auth.authenticate(db, user.cccd, PASSWORD, NOW)


def test_a_deactivated_account_cannot_sign_in(db: Db, user: User) -> None:
    db.users.update(user.id, {"active": False}, user.version, NOW)
    with pytest.raises(LoginRefused) as err:
        auth.authenticate(db, user.cccd, PASSWORD, NOW)
    assert str(err.value) == auth.BAD_CREDENTIALS


def test_an_account_of_an_inactive_unit_cannot_sign_in(db: Db, tree: Tree, user: User) -> None:
    db.units.bump(tree.ba_dinh.id, tree.ba_dinh.version, NOW, active=False)
    with pytest.raises(LoginRefused):
        auth.authenticate(db, user.cccd, PASSWORD, NOW)


def test_a_signed_in_session_ends_when_the_account_is_deactivated(db: Db, user: User) -> None:
    assert load_actor(db, user.id) is not None
    db.users.update(user.id, {"active": False}, user.version, NOW)
    assert load_actor(db, user.id) is None


def test_a_signed_in_session_ends_when_the_unit_is_deactivated(
    db: Db, tree: Tree, user: User
) -> None:
    db.units.bump(tree.ba_dinh.id, tree.ba_dinh.version, NOW, active=False)
    assert load_actor(db, user.id) is None


def test_a_generated_password_meets_the_password_policy(user: User) -> None:
    for _ in range(50):
        assert password_policy.validate_new_password(auth.generate_password(), user)


# -- change password --------------------------------------------------------------------------


@pytest.fixture
def actor(db: Db, user: User) -> Actor:
    return load_actor(db, user.id)


def test_change_password_with_a_wrong_current_password_is_refused(db: Db, actor: Actor) -> None:
    with pytest.raises(ValidationError) as err:
        auth.change_password(db, actor, "Khongphai99", "Matkhaumoi1", "Matkhaumoi1")
    assert err.value.field == "Mật khẩu hiện tại"


@pytest.mark.parametrize(
    "new, message",
    [
        ("Ngan1", "ít nhất 8 ký tự"),
        ("chicochu", "cả chữ và số"),
        ("12345678", "cả chữ và số"),
        ("a1" * 40, "72 byte"),
    ],
)
def test_change_password_enforces_the_policy(db: Db, actor: Actor, new: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as err:
        auth.change_password(db, actor, PASSWORD, new, new)
    assert err.value.field == "Mật khẩu mới"
    assert auth.authenticate(db, "038194011749", PASSWORD, NOW) == actor.user_id


def test_change_password_needs_a_matching_confirmation(db: Db, actor: Actor) -> None:
    with pytest.raises(ValidationError) as err:
        auth.change_password(db, actor, PASSWORD, "Matkhaumoi1", "Matkhaumoi2")
    assert err.value.field == "Nhập lại mật khẩu mới"


def test_change_password_refuses_the_current_password(db: Db, actor: Actor) -> None:
    with pytest.raises(ValidationError, match="khác mật khẩu hiện tại"):
        auth.change_password(db, actor, PASSWORD, PASSWORD, PASSWORD)


def test_after_a_change_the_new_password_works_and_the_old_one_does_not(
    db: Db, actor: Actor, user: User
) -> None:
    auth.change_password(db, actor, PASSWORD, "Matkhaumoi1", "Matkhaumoi1")
    assert auth.authenticate(db, user.cccd, "Matkhaumoi1", NOW) == user.id
    with pytest.raises(LoginRefused):
        auth.authenticate(db, user.cccd, PASSWORD, NOW)


def test_changing_the_password_clears_must_change_password(
    db: Db, actor: Actor, user: User
) -> None:
    db.users.update(user.id, {"must_change_password": True}, user.version, NOW)
    auth.change_password(db, actor, PASSWORD, "Matkhaumoi1", "Matkhaumoi1")
    assert db.users.get(user.id).must_change_password is False


def test_changing_the_password_is_audited(db: Db, actor: Actor, user: User) -> None:
    auth.change_password(db, actor, PASSWORD, "Matkhaumoi1", "Matkhaumoi1")
    assert [r["action"] for r in audit_rows(db, "user", user.id)] == ["change_password"]


# -- cookie key -------------------------------------------------------------------------------

LONG_KEY = "k" * 40


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.setenv("DHD_MODE", "production")
    monkeypatch.delenv("DHD_COOKIE_KEY", raising=False)
    return monkeypatch


@pytest.fixture
def demo(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    monkeypatch.delenv("DHD_MODE", raising=False)
    monkeypatch.delenv("DHD_COOKIE_KEY", raising=False)
    return monkeypatch


@pytest.mark.parametrize("key", [None, "", "   ", "ngan-qua", settings.DEMO_COOKIE_KEY, "x" * 31])
def test_production_refuses_a_missing_short_or_demo_cookie_key(production, key) -> None:
    with pytest.raises(ConfigError, match="DHD_COOKIE_KEY"):
        settings.cookie_key(key)


def test_production_refuses_a_short_key_from_the_environment(production) -> None:
    production.setenv("DHD_COOKIE_KEY", "short")
    with pytest.raises(ConfigError):
        settings.cookie_key(None)


def test_production_accepts_a_long_key_from_the_environment(production) -> None:
    production.setenv("DHD_COOKIE_KEY", f"  {LONG_KEY} ")
    assert settings.cookie_key(None) == LONG_KEY


def test_production_prefers_the_key_from_secrets(production) -> None:
    production.setenv("DHD_COOKIE_KEY", "e" * 40)
    assert settings.cookie_key(LONG_KEY) == LONG_KEY


def test_demo_mode_falls_back_to_the_demo_key(demo) -> None:
    assert settings.cookie_key(None) == settings.DEMO_COOKIE_KEY


def test_demo_mode_uses_a_configured_key(demo) -> None:
    demo.setenv("DHD_COOKIE_KEY", "short-but-fine-in-demo")
    assert settings.cookie_key(None) == "short-but-fine-in-demo"


def test_an_unknown_mode_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DHD_MODE", "staging")
    with pytest.raises(ConfigError, match="staging"):
        settings.cookie_key(LONG_KEY)


def test_the_mode_is_read_case_insensitively(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DHD_MODE", " Production ")
    assert settings.is_demo() is False
