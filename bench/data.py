"""The benchmark's data: the demo database at a scale, and the actors and items it uses.

The built database is kept under `bench/.cache/` and never written to by a benchmark run:
each run works on a fresh copy of it, so the transitions one run makes (and the audit rows
they add) cannot change what the next run measures.
"""

from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from bench.timing import Progress
from core import access, auth, startup
from core.model import Actor, Unit
from core.report_flow import COUNTED
from core.store import Db, Store

CACHE = Path(__file__).parent / ".cache"
CENTRAL_ADMIN = "001080012345"
HANOI_ADMIN = "001185023456"
COMMUNE_USER = "001192045678"


def built(scale: str, say: Progress) -> Path:
    """The pristine demo database at ``scale``, built once (with a progress print) and reused."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"bench_{scale}.duckdb"
    store = Store.open(path)
    try:
        db = store.db()
        if startup.needs_setup(db):
            say(f"building the demo database at scale {scale} in {path.name}")
            started = time.perf_counter()
            startup.setup(db, "demo", lambda f, m: say(f"  {f:4.0%} {m}"), scale)
            db.execute("CHECKPOINT")
            say(f"built scale {scale} in {time.perf_counter() - started:.1f} s")
        else:
            say(f"reusing {path.name}")
    finally:
        store.close()
    return path


def scratch_copy(source: Path, suffix: str) -> Path:
    """A fresh copy of ``source`` next to it, replacing any earlier copy and its WAL."""
    target = source.with_name(f"{source.stem}.{suffix}.duckdb")
    for old in (target, target.with_name(target.name + ".wal")):
        old.unlink(missing_ok=True)
    shutil.copyfile(source, target)
    return target


@dataclass(frozen=True)
class Context:
    """What every operation needs: the store, the three demo actors, the scopes and the
    report type and term the aggregates use."""

    store: Store
    db: Db
    central: Actor
    hanoi: Actor
    commune: Actor
    root: Unit
    term: str
    template: str
    units: int
    cells: int


def actor_of(db: Db, cccd: str) -> Actor:
    entry = auth.login_entry(db, cccd)
    if entry is None:
        raise SystemExit(f"demo account {cccd} is missing from the benchmark database")
    found = access.load_actor(db, entry.user_id)
    if found is None:
        raise SystemExit(f"demo account {cccd} is inactive in the benchmark database")
    return found


def context(store: Store) -> Context:
    """Load the actors through the real sign-in path and pick the report type with the most
    cells, so the aggregate is measured on its worst case."""
    db = store.db()
    template, term, cells = db.execute(
        "SELECT r.template_code, r.term_code, count(*) FROM report_cell c"
        " JOIN report r ON r.id = c.report_id JOIN work_item i ON i.id = r.id"
        " WHERE i.state IN (SELECT unnest(?)) GROUP BY ALL ORDER BY 3 DESC LIMIT 1",
        [list(COUNTED)],
    )[0]
    return Context(
        store=store,
        db=db,
        central=actor_of(db, CENTRAL_ADMIN),
        hanoi=actor_of(db, HANOI_ADMIN),
        commune=actor_of(db, COMMUNE_USER),
        root=db.units.root(),
        term=term,
        template=template,
        units=db.scalar("SELECT count(*) FROM unit"),
        cells=db.scalar("SELECT count(*) FROM report_cell"),
    )
