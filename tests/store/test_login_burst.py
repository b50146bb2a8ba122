"""A burst of parallel sign-ins gets no more password checks than the lock-out allows.

Each thread signs in on its own cursor of one store, as each browser session does. The count of
bcrypt checks is taken by wrapping `core.auth.check_password`; the wrapper holds every check
until every thread has either reached its check or been refused, so all reservations are made
before any guess is settled, the hardest order for the lock-out.
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from core import auth, lockout
from core.errors import LoginRefused
from core.store import Store
from tests.factories import NOW, PASSWORD, make_tree, make_user

THREADS = 15
WRONG = "Saimatkhau1"


def burst(store: Store, monkeypatch: pytest.MonkeyPatch, cccd: str, passwords: list[str]):
    """Run one sign-in per password at once; (checked passwords, outcome per password)."""
    real_check = auth.check_password
    checked: list[str] = []
    decided = threading.Condition()
    state = {"decided": 0}
    local = threading.local()

    def mark_decided() -> None:
        with decided:
            state["decided"] += 1
            decided.notify_all()

    def counting_check(password: str, password_hash: str) -> bool:
        local.checked = True
        with decided:
            checked.append(password)
        mark_decided()
        with decided:
            decided.wait_for(lambda: state["decided"] == len(passwords), timeout=30)
        return real_check(password, password_hash)

    monkeypatch.setattr(auth, "check_password", counting_check)
    start = threading.Barrier(len(passwords))
    outcomes: list[object] = [None] * len(passwords)

    def run(i: int) -> None:
        db = store.db()
        local.checked = False
        start.wait()
        try:
            outcomes[i] = auth.authenticate(db, cccd, passwords[i], NOW)
        except LoginRefused as exc:
            outcomes[i] = str(exc)
        if not local.checked:
            mark_decided()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(passwords))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return checked, outcomes


@pytest.fixture
def account(store: Store):
    db = store.db()
    return make_user(db, make_tree(db).ba_dinh, cccd="038194011749")


def test_fifteen_parallel_guesses_get_at_most_five_password_checks(
    store: Store, monkeypatch: pytest.MonkeyPatch, account
) -> None:
    passwords = [WRONG] * (THREADS - 1) + [PASSWORD]
    checked, outcomes = burst(store, monkeypatch, account.cccd, passwords)
    assert len(checked) == lockout.MAX_PER_CLIENT
    refused_unchecked = [o for o in outcomes if isinstance(o, str) and "tạm khoá" in o]
    right_checked = PASSWORD in checked
    signed_in = [o for o in outcomes if o == account.id]
    assert signed_in == ([account.id] if right_checked else [])
    wrong_checked = len(checked) - right_checked
    # The refused-unchecked ones, plus the wrong guess whose failure was the fifth (if any).
    assert len(refused_unchecked) == THREADS - len(checked) + (wrong_checked == 5)
    assert outcomes.count(auth.BAD_CREDENTIALS) == wrong_checked - (wrong_checked == 5)


def test_fifteen_parallel_wrong_guesses_lock_the_account_for_that_client(
    store: Store, monkeypatch: pytest.MonkeyPatch, account
) -> None:
    checked, outcomes = burst(store, monkeypatch, account.cccd, [WRONG] * THREADS)
    assert len(checked) == lockout.MAX_PER_CLIENT
    assert outcomes.count(auth.BAD_CREDENTIALS) == 4
    assert lockout.locked_until(store.db(), account.id, "", NOW) == NOW + timedelta(minutes=15)
    monkeypatch.setattr(auth, "check_password", lambda *_: pytest.fail("checked while locked"))
    with pytest.raises(LoginRefused, match="tạm khoá"):
        auth.authenticate(store.db(), account.cccd, PASSWORD, NOW + timedelta(minutes=1))
