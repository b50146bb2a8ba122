"""Measure the operations of quality.md ("Performance targets") at a chosen demo scale.

    python -m bench [--scale S|M|L] [--repeat N]

Builds (or reuses) the demo database under bench/.cache/, works on a fresh copy of it, times
each operation several times through the real core services and demo accounts, and prints one
table: median and p95 in milliseconds, the reference measured in the same run, the ratio of the
two medians, the target and whether it is met; then the peak memory of the process.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sqlite3
import time
from pathlib import Path

import duckdb
import streamlit

from bench import data, ops, page, peer, writes
from bench.timing import Row, Target, table
from core.store import Store

MEMORY_LIMIT_MIB = 1536


def say(message: str) -> None:
    print(message, flush=True)


def machine() -> str:
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{platform.system()} {os.cpu_count()} cores {ram:.0f} GiB; Python "
        f"{platform.python_version()}, duckdb {duckdb.__version__}, SQLite "
        f"{sqlite3.sqlite_version}, streamlit {streamlit.__version__}"
    )


def measure(
    ctx: data.Context, scale: str, repeat: int, peer_path: Path
) -> tuple[list[Row | str], list[str]]:
    """Every row of the table, in the order of quality.md, and the notes printed under it."""
    say("timing the reads…")
    rows: list[Row | str] = ["tree primitives (path vs recursive CTE)", *ops.tree_rows(ctx, repeat)]
    rows += [
        "quality.md operations",
        ops.map_row(ctx, repeat),
        ops.aggregate_row(ctx, repeat),
        *ops.queue_rows(ctx, repeat),
    ]
    say("timing the Excel exports…")
    rows += ops.excel_rows(ctx, repeat)
    say("timing the dashboard page through AppTest…")
    rows += page.page_rows(ctx, scale, repeat)
    say("timing the SQLite peer queries…")
    peer_rows = peer.query_rows(ctx, peer_path, repeat)  # before any write: results must match
    transitions, approve_idle, note = writes.transition_rows(ctx, repeat, say)
    rows += transitions
    rows += ["SQLite peer (ratio = DuckDB / SQLite)", *peer_rows]
    duck_tx, lite_tx = peer.transition_stats(ctx, peer_path, repeat)
    single = Target(max_ratio=2)
    rows += [
        Row("peer: bare transition tx (DuckDB)", duck_tx, "SQLite, same tx", lite_tx, single),
        Row("peer: core approve (idle)", approve_idle, "SQLite bare tx", lite_tx, single),
    ]
    notes = [
        note,
        "ratio = median / reference median; 'count(*) scan' = SELECT count(*) FROM work_item "
        "WHERE kind = 'report' (the floor, where quality.md names no reference)",
        "SQLite peer: same rows of unit, report_template, work_item, report, report_cell "
        "(without txt), audit_log; indexes on parent_id, unit_id, (unit, type, term), "
        "(type, term), report_id; WAL, synchronous=FULL for the transaction",
    ]
    return rows, notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default="L", choices=("S", "M", "L"))
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    started = time.perf_counter()
    pristine = data.built(args.scale, say)
    run_path = data.scratch_copy(pristine, "run")
    store = Store.open(run_path)
    try:
        ctx = data.context(store)
        peer_path = data.CACHE / f"peer_{args.scale}.sqlite"
        peer.build(ctx, peer_path, say)
        rows, notes = measure(ctx, args.scale, args.repeat, peer_path)
    finally:
        store.close()
        for leftover in (run_path, run_path.with_name(run_path.name + ".wal")):
            leftover.unlink(missing_ok=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print()
    print(
        f"scale {args.scale}: {ctx.units:,} units, {ctx.cells:,} report cells; aggregate type "
        f"{ctx.template}; {args.repeat} runs each (ms)"
    )
    print(machine())
    print(table(rows))
    for note in notes:
        print(f"- {note}")
    print(
        f"peak memory (ru_maxrss) {peak:,.0f} MiB; target ≤{MEMORY_LIMIT_MIB} MiB: "
        f"{'yes' if peak <= MEMORY_LIMIT_MIB else 'NO'}"
    )
    missed = [r.operation for r in rows if isinstance(r, Row) and r.met is False]
    print("targets missed: " + ("; ".join(missed) if missed else "none"))
    print(f"benchmark took {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
