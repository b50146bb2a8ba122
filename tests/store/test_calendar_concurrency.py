"""Eight people updating one congress date at once: every save either lands on the version it
read or is refused, the versions count the saves, and the audit trail holds one row per save."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

from core import calendar
from core.calendar import CongressDraft
from core.errors import DomainError
from tests.calendar_factories import TERM, set_congress, staff
from tests.factories import audit_rows

THREADS, SAVES = 8, 25
TODAY = date(2025, 1, 2)


def test_concurrent_date_changes_lose_nothing_and_audit_every_save(store, tree):
    unit = tree.ba_dinh_cs1
    set_congress(store.db(), unit, date(2025, 4, 1))

    def worker(seed: int) -> list[tuple[int, date]]:
        db, rng, saved = store.db(), random.Random(seed), []
        for _ in range(SAVES):
            version = db.calendar.get(TERM, unit.id)["version"]
            held_on = date(2025, 4, 1) + timedelta(days=rng.randrange(1, 90))
            try:
                calendar.choose(db, staff(unit), CongressDraft(held_on), version, on=TODAY)
            except DomainError:
                continue
            saved.append((version, held_on))
        return saved

    with ThreadPoolExecutor(THREADS) as pool:
        saves = [s for result in pool.map(worker, range(THREADS)) for s in result]
    final = store.db().calendar.get(TERM, unit.id)
    by_version = sorted(saves)
    assert [v for v, _ in by_version] == list(range(1, len(saves) + 1))
    assert final["version"] == len(saves) + 1
    assert final["held_on"] == by_version[-1][1]
    rows = audit_rows(store.db(), "congress", final["id"])
    assert [r["action"] for r in rows] == ["update"] * len(saves)
