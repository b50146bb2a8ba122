"""core.sessions: the sign-in session behind the login cookie; sign-out ends it for every tab."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core import sessions
from core.model import User
from core.store import Db
from tests.factories import NOW, Tree, make_user

KEY = "k" * 40


@pytest.fixture
def user(db: Db, tree: Tree) -> User:
    return make_user(db, tree.ba_dinh)


def test_a_started_session_names_its_user(db: Db, user: User) -> None:
    token = sessions.start(db, user.id, NOW)
    assert sessions.user_of(db, token, NOW + timedelta(hours=1)) == user.id


def test_an_ended_session_names_nobody(db: Db, user: User) -> None:
    token = sessions.start(db, user.id, NOW)
    sessions.end(db, token, NOW)
    assert sessions.user_of(db, token, NOW) is None


def test_ending_one_session_leaves_the_users_other_sessions_open(db: Db, user: User) -> None:
    phone, desk = sessions.start(db, user.id, NOW), sessions.start(db, user.id, NOW)
    sessions.end(db, phone, NOW)
    assert sessions.user_of(db, desk, NOW) == user.id


def test_a_session_expires_after_its_lifetime(db: Db, user: User) -> None:
    token = sessions.start(db, user.id, NOW)
    assert sessions.user_of(db, token, NOW + sessions.LIFETIME) is None


@pytest.mark.parametrize("token", [None, "", "khong-ton-tai", "x" * 5000])
def test_an_unknown_token_names_nobody(db: Db, user: User, token) -> None:
    assert sessions.user_of(db, token, NOW) is None


def test_the_store_keeps_only_a_digest_of_the_token(db: Db, user: User) -> None:
    token = sessions.start(db, user.id, NOW)
    stored = db.rows("SELECT token_hash FROM login_session")
    assert stored and all(token not in r["token_hash"] for r in stored)


def test_a_cookie_signed_with_the_key_gives_back_its_token() -> None:
    assert sessions.token_in_cookie(sessions.cookie_value("abc", KEY), KEY) == "abc"


@pytest.mark.parametrize(
    "cookie",
    [
        sessions.cookie_value("abc", "another-key-" * 4),
        "abc." + "0" * 64,
        "abc",
        "",
        None,
        12,
    ],
)
def test_a_cookie_not_signed_with_the_key_is_refused(cookie) -> None:
    assert sessions.token_in_cookie(cookie, KEY) is None
