"""Measure the tree operations every scoped query depends on, at a chosen demo scale.

    python -m bench [--scale L] [--repeat 30]

Builds (or reuses) the demo database under bench/.cache/, then times each query several
times and prints median and p95 in milliseconds, with the reference it is compared against
measured in the same run: the materialised path against a recursive CTE over parent_id.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from core import startup
from core.store import Store

CACHE = Path(__file__).parent / ".cache"


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="L", choices=("S", "M", "L"))
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    CACHE.mkdir(exist_ok=True)
    store = Store.open(CACHE / f"bench_{args.scale}.duckdb")
    db = store.db()
    if startup.needs_setup(db):
        started = time.perf_counter()
        startup.setup(db, "demo", lambda f, m: print(f"  {f:4.0%} {m}"), args.scale)
        print(f"built scale {args.scale} in {time.perf_counter() - started:.1f} s")
    root = db.units.root()
    province = db.units.by_code("01000000")
    commune = db.units.by_code("01001000")
    units = db.scalar("SELECT count(*) FROM unit")
    sub = (
        "WITH RECURSIVE s(id) AS (SELECT ? UNION ALL SELECT u.id FROM unit u "
        "JOIN s ON u.parent_id = s.id) "
    )
    rows = []
    for label, unit in (("root", root), ("province", province), ("commune", commune)):
        rows.append(
            (
                f"count subtree of {label}",
                timed(
                    lambda u=unit: db.scalar(
                        "SELECT count(*) FROM unit WHERE starts_with(path, ?)", [u.path]
                    ),
                    args.repeat,
                ),
                "recursive CTE",
                timed(
                    lambda u=unit: db.scalar(sub + "SELECT count(*) FROM s", [u.id]), args.repeat
                ),
            )
        )
        rows.append(
            (
                f"accounts in subtree of {label} (join)",
                timed(
                    lambda u=unit: db.scalar(
                        "SELECT count(*) FROM app_user a JOIN unit u ON u.id = a.unit_id "
                        "WHERE starts_with(u.path, ?)",
                        [u.path],
                    ),
                    args.repeat,
                ),
                "recursive CTE",
                timed(
                    lambda u=unit: db.scalar(
                        sub + "SELECT count(*) FROM app_user a JOIN s ON s.id = a.unit_id", [u.id]
                    ),
                    args.repeat,
                ),
            )
        )
    leaf = db.units.by_code("0100100401") or commune
    rows.append(
        (
            "ancestors of a leaf (path parse + names)",
            timed(lambda: db.units.names(list(leaf.ancestor_ids)), args.repeat),
            "recursive CTE up",
            timed(
                lambda: db.scalar(
                    "WITH RECURSIVE a(id, p) AS (SELECT id, parent_id FROM unit WHERE id = ? "
                    "UNION ALL SELECT u.id, u.parent_id FROM unit u JOIN a ON u.id = a.p) "
                    "SELECT count(*) FROM a",
                    [leaf.id],
                ),
                args.repeat,
            ),
        )
    )
    print(f"\n{units:,} units, {args.repeat} runs each (ms)")
    print(
        f"{'operation':42} {'median':>8} {'p95':>8}   {'reference':18} {'median':>8} {'ratio':>6}"
    )
    for name, (med, p95), ref_name, (ref_med, _) in rows:
        print(
            f"{name:42} {med:8.2f} {p95:8.2f}   {ref_name:18} {ref_med:8.2f} {med / ref_med:6.2f}"
        )


if __name__ == "__main__":
    main()
