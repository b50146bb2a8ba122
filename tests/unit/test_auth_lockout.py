"""core.lockout: the throttle is kept per account and client, with an account-wide ceiling,
and an Admin above or the command line lifts a lock."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from core import accounts, auth, lockout
from core.access import load_actor
from core.errors import LoginRefused, NotFound, PermissionDenied
from core.model import Actor, User
from core.store import Db, Store
from tests.factories import NOW, PASSWORD, Tree, audit_rows, make_admin_actor, make_user

WRONG = "Saimatkhau1"
OWNER = "203.0.113.7"
ATTACKER = "198.51.100.9"


@pytest.fixture
def user(db: Db, tree: Tree) -> User:
    return make_user(db, tree.hn, "ADMIN", "QUAN_TRI", cccd="001185023456")


def fail(db: Db, cccd: str, times: int, client: str, now=NOW) -> list[str]:
    messages = []
    for _ in range(times):
        with pytest.raises(LoginRefused) as err:
            auth.authenticate(db, cccd, WRONG, now, client=client)
        messages.append(str(err.value))
    return messages


def no_bcrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth, "check_password", lambda *_: pytest.fail("password was checked"))


def test_the_sixth_attempt_is_refused_unchecked_even_with_the_right_password(
    db: Db, user: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    fail(db, user.cccd, 5, OWNER)
    no_bcrypt(monkeypatch)
    with pytest.raises(LoginRefused, match="tạm khoá"):
        auth.authenticate(db, user.cccd, PASSWORD, NOW + timedelta(minutes=5), client=OWNER)


def test_guesses_from_another_client_do_not_lock_the_owner_out(db: Db, user: User) -> None:
    fail(db, user.cccd, 5, ATTACKER)
    assert auth.authenticate(db, user.cccd, PASSWORD, NOW, client=OWNER) == user.id
    with pytest.raises(LoginRefused, match="tạm khoá"):
        auth.authenticate(db, user.cccd, PASSWORD, NOW, client=ATTACKER)


def test_wrong_guesses_over_many_clients_reach_the_account_wide_ceiling(db: Db, user: User) -> None:
    for n in range(lockout.MAX_PER_ACCOUNT // lockout.MAX_PER_CLIENT):
        fail(db, user.cccd, lockout.MAX_PER_CLIENT, f"198.51.100.{n}")
    with pytest.raises(LoginRefused, match="tạm khoá"):
        auth.authenticate(db, user.cccd, PASSWORD, NOW, client=OWNER)
    assert auth.authenticate(db, user.cccd, PASSWORD, NOW + lockout.WINDOW, client=OWNER)


def test_the_owner_signing_in_does_not_reset_the_account_wide_ceiling(db: Db, user: User) -> None:
    for n in range(4):
        fail(db, user.cccd, 4, f"198.51.100.{n}")
    auth.authenticate(db, user.cccd, PASSWORD, NOW, client=OWNER)
    messages = fail(db, user.cccd, 4, ATTACKER)
    assert "tạm khoá" in messages[-1]


def test_a_success_keeps_the_failures_while_another_guess_of_that_client_is_in_flight(
    db: Db, user: User
) -> None:
    fail(db, user.cccd, 3, OWNER)
    lockout.reserve(db, user.id, OWNER, NOW)  # a parallel guess, still being checked
    auth.authenticate(db, user.cccd, PASSWORD, NOW, client=OWNER)
    lockout.settle(db, user.id, OWNER, False, NOW)
    assert "tạm khoá" in fail(db, user.cccd, 1, OWNER)[0]


def test_an_unknown_account_leaves_no_counter(db: Db, user: User) -> None:
    with pytest.raises(LoginRefused, match=auth.BAD_CREDENTIALS):
        auth.authenticate(db, "001090999999", WRONG, NOW, client=ATTACKER)
    assert db.users.throttle_rows(user.id, ["*"]) == {}


# -- unlock by an Admin above ------------------------------------------------------------------


@pytest.fixture
def root_admin(db: Db, tree: Tree) -> Actor:
    return make_admin_actor(db, tree.root)


def locked(db: Db, user: User) -> None:
    for n in range(lockout.MAX_PER_ACCOUNT // lockout.MAX_PER_CLIENT):
        fail(db, user.cccd, lockout.MAX_PER_CLIENT, f"198.51.100.{n}")


def test_an_admin_above_unlocks_the_account_and_it_signs_in_again(
    db: Db, user: User, root_admin: Actor
) -> None:
    locked(db, user)
    assert lockout.unlock(db, root_admin, user.id) == 5
    assert auth.authenticate(db, user.cccd, PASSWORD, NOW, client=OWNER) == user.id


def test_unlocking_is_audited_with_the_admin(db: Db, user: User, root_admin: Actor) -> None:
    locked(db, user)
    lockout.unlock(db, root_admin, user.id)
    row = audit_rows(db, "user", user.id)[-1]
    assert (row["action"], row["actor_user_id"]) == ("unlock", root_admin.user_id)


def test_an_admin_of_the_same_unit_cannot_unlock_another_admin(
    db: Db, tree: Tree, user: User
) -> None:
    peer = make_admin_actor(db, tree.hn, full_name="Lê Văn Cùng")
    with pytest.raises(PermissionDenied):
        lockout.unlock(db, peer, user.id)


def test_an_admin_of_another_province_cannot_unlock(db: Db, tree: Tree, user: User) -> None:
    with pytest.raises(PermissionDenied):
        lockout.unlock(db, make_admin_actor(db, tree.hcm), user.id)


def test_an_ordinary_user_cannot_unlock(db: Db, tree: Tree, user: User) -> None:
    staff = make_user(db, tree.root, role_code="QUAN_TRI")
    with pytest.raises(PermissionDenied):
        lockout.unlock(db, load_actor(db, staff.id), user.id)


# -- unlock from the command line --------------------------------------------------------------


def test_the_command_line_unlocks_the_account(
    store: Store, db: Db, user: User, capsys: pytest.CaptureFixture
) -> None:
    locked(db, user)
    path = store.path
    store.close()
    assert accounts.main(["unlock", user.cccd, "--db", path]) == 0
    assert "đã mở khoá" in capsys.readouterr().out
    reopened = Store.open(path)
    try:
        assert lockout.locked_until(reopened.db(), user.id, OWNER, NOW) is None
        assert audit_rows(reopened.db(), "user", user.id)[-1]["action"] == "unlock"
    finally:
        reopened.close()


def test_the_command_line_names_an_unknown_cccd(
    store: Store, capsys: pytest.CaptureFixture
) -> None:
    path = store.path
    store.close()
    assert accounts.main(["unlock", "001090999999", "--db", path]) == accounts.REFUSED
    assert "001090999999" in capsys.readouterr().err


def test_the_command_line_refuses_a_missing_database_file(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    missing = tmp_path / "khong-co.duckdb"
    assert accounts.main(["unlock", "001090999999", "--db", str(missing)]) == accounts.REFUSED
    assert not missing.exists()
    assert "Không tìm thấy tệp" in capsys.readouterr().err


def test_the_console_unlock_of_an_unknown_cccd_is_not_found(db: Db) -> None:
    with pytest.raises(NotFound):
        lockout.unlock_from_console(db, "001090999999")
