"""Child processes for the store's process-level tests, run with ``sys.executable``.

``write DB SEED``: open the store and stream transactions until killed. Each transaction adds
one work item, a batch of its cells and its audit row (which records how many cells it wrote)
in one `Db.atomic`; once it has committed, the writer prints ``<item id> <cells>`` and flushes.
That printed line is the acknowledgement: the test may count on every acknowledged transaction,
and on nothing else. A few transactions are large, and the checkpoint threshold is small, so a
kill also lands in the middle of long writes and of checkpoints.

``hold DB``: open the store the way the app does, write one marker row, print ``ready``, and
keep the file until a line arrives on stdin; then write a second marker, print ``done`` and
close. It plays the running app for the tests of a second process.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

from core import clock
from core.model import AuditEntry
from core.store import Db, Store

ROOT = Path(__file__).resolve().parents[2]
KIND = "crash_test"
MARKER_KIND = "held_marker"
UNIT_ID = 1  # work items need a unit id, not a unit row: none of these is ever shown
SIZES = (1, 3, 10, 40, 40, 200, 3000)


def child(*args: str) -> subprocess.Popen:
    """Start this script with ``args``, the project importable, lines in and out."""
    return subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=_env(),
    )


def _env() -> dict[str, str]:
    """This process's environment, with the project first on the import path."""
    paths = [str(ROOT), os.environ.get("PYTHONPATH", "")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}


def one_transaction(db: Db, serial: int, cells: int) -> int:
    """An item, its ``cells`` cells and its audit row: all of them or none."""

    def tx(d: Db) -> int:
        now = clock.now()
        item_id = d.items.insert(KIND, UNIT_ID, f"Giao dịch {serial}", "DRAFT", None, now)
        d.execute(
            "INSERT INTO report_cell (report_id, tab, row_key, col_key, num, txt)"
            " SELECT ?, 'crash', 'r' || i, 'c', i, 'ô số ' || i FROM range(?) t(i)",
            [item_id, cells],
        )
        d.audit.write(
            AuditEntry(KIND, item_id, "create", detail={"cells": cells}), None, None, None, now
        )
        return item_id

    return db.atomic(tx)


def write(path: str, seed: int) -> None:
    store = Store.open(path)
    db = store.db()
    db.execute("SET checkpoint_threshold = '256KB'")
    rng = random.Random(seed)
    serial = 0
    while True:
        serial += 1
        cells = rng.choice(SIZES)
        item_id = one_transaction(db, serial, cells)
        print(f"{item_id} {cells}", flush=True)


def mark(db: Db, title: str) -> None:
    db.atomic(lambda d: d.items.insert(MARKER_KIND, UNIT_ID, title, "DRAFT", None, clock.now()))


def hold(path: str) -> None:
    store = Store.open(path)
    db = store.db()
    mark(db, "trước")
    print("ready", flush=True)
    sys.stdin.readline()
    mark(db, "sau")
    store.close()
    print("done", flush=True)


if __name__ == "__main__":
    mode, db_path, *rest = sys.argv[1:]
    if mode == "write":
        write(db_path, int(rest[0]))
    else:
        hold(db_path)
