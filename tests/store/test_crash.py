"""Crash: a writer process killed with SIGKILL in the middle of a stream of transactions.

One database file lives through every round: a writer streams transactions into it and is
killed at a random moment, then the database is reopened with `Store.open` and inspected.
After every kill the database reopens, every acknowledged commit is there, and no transaction
is visible in part. Five rounds by default; ``DHD_LONG_TESTS=1`` runs twenty-five.
"""

from __future__ import annotations

import os
import queue
import random
import signal
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from core.store import Store
from tests.store.crash_writer import KIND, child

LONG = os.environ.get("DHD_LONG_TESTS") == "1"
ROUNDS = 25 if LONG else 5
MAX_ACKS_BEFORE_KILL = 200
STREAM_TIMEOUT = 60  # seconds a round may wait for the writer's acknowledgements
SEED = 20250301


@dataclass
class Kill:
    """What the test saw of one writer: the acknowledged commits and how the process ended."""

    acknowledged: dict[int, int]  # item id -> number of cells it wrote
    returncode: int | None
    stderr: str


@dataclass
class Inspection:
    """The database as reopened after one kill."""

    reopen_error: str | None = None
    missing: list[int] = field(default_factory=list)
    items_without_audit: list[int] = field(default_factory=list)
    audit_without_item: list[int] = field(default_factory=list)
    wrong_cell_counts: list[tuple[int, int, int]] = field(default_factory=list)
    cells_without_item: int = 0
    unacknowledged: int = 0


@dataclass
class Round:
    kill: Kill
    seen: Inspection


def _pump(stream, lines: queue.Queue) -> None:
    """Hand every line the writer prints to the test; None marks the end of the stream."""
    for line in stream:
        lines.put(line)
    lines.put(None)


def _ack(line: str, acknowledged: dict[int, int]) -> None:
    """Only a whole line is an acknowledgement: a torn last line proves nothing."""
    if line.endswith("\n"):
        item_id, cells = line.split()
        acknowledged[int(item_id)] = int(cells)


def kill_mid_stream(path: Path, rng: random.Random) -> Kill:
    proc = child("write", str(path), str(rng.randrange(1 << 30)))
    lines: queue.Queue = queue.Queue()
    reader = threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True)
    reader.start()
    acknowledged: dict[int, int] = {}
    wanted, deadline = rng.randint(1, MAX_ACKS_BEFORE_KILL), time.monotonic() + STREAM_TIMEOUT
    while len(acknowledged) < wanted and time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.5)
        except queue.Empty:
            continue
        if line is None:
            break
        _ack(line, acknowledged)
    time.sleep(rng.uniform(0, 0.03))
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    reader.join(timeout=10)
    while (line := lines.get_nowait() if not lines.empty() else None) is not None:
        _ack(line, acknowledged)
    return Kill(acknowledged, proc.returncode, proc.stderr.read())


def reopen_and_inspect(path: Path, acknowledged: dict[int, int]) -> Inspection:
    try:
        store = Store.open(path)
    except Exception as exc:  # noqa: BLE001 - a database that will not reopen is the finding
        return Inspection(reopen_error=f"{type(exc).__name__}: {exc}")
    try:
        db = store.db()
        items = {r[0] for r in db.execute("SELECT id FROM work_item WHERE kind = ?", [KIND])}
        audited = {
            r[0]: int(r[1])
            for r in db.execute(
                "SELECT entity_id, json_extract_string(detail, '$.cells') FROM audit_log "
                "WHERE entity = ?",
                [KIND],
            )
        }
        cells = dict(
            db.execute(
                "SELECT report_id, count(*) FROM report_cell WHERE tab = 'crash' GROUP BY ALL"
            )
        )
        return Inspection(
            missing=sorted(set(acknowledged) - items),
            items_without_audit=sorted(items - set(audited)),
            audit_without_item=sorted(set(audited) - items),
            wrong_cell_counts=[
                (i, n, cells.get(i, 0)) for i, n in audited.items() if cells.get(i, 0) != n
            ],
            cells_without_item=len(set(cells) - items),
            unacknowledged=len(items - set(acknowledged)),
        )
    finally:
        store.close()


@pytest.fixture(scope="module")
def rounds(tmp_path_factory: pytest.TempPathFactory) -> list[Round]:
    """Kill the writer ROUNDS times on one database file, inspecting it after each kill."""
    path = tmp_path_factory.mktemp("crash") / "crash.duckdb"
    Store.open(path).close()
    rng = random.Random(SEED)
    acknowledged: dict[int, int] = {}
    done = []
    for _ in range(ROUNDS):
        kill = kill_mid_stream(path, rng)
        acknowledged |= kill.acknowledged
        done.append(Round(kill, reopen_and_inspect(path, acknowledged)))
    return done


def test_each_writer_was_killed_in_the_middle_of_its_stream(rounds: list[Round]) -> None:
    for n, r in enumerate(rounds):
        assert r.kill.returncode == -signal.SIGKILL, f"lượt {n}: {r.kill.stderr}"
        assert r.kill.acknowledged, f"lượt {n}: chưa có giao dịch nào được xác nhận"


def test_the_database_reopens_after_every_kill(rounds: list[Round]) -> None:
    assert [r.seen.reopen_error for r in rounds] == [None] * ROUNDS


def test_every_acknowledged_commit_is_there_after_every_kill(rounds: list[Round]) -> None:
    assert [r.seen.missing for r in rounds] == [[]] * ROUNDS


def test_no_item_is_visible_without_its_audit_row_nor_an_audit_row_without_its_item(
    rounds: list[Round],
) -> None:
    assert [(r.seen.items_without_audit, r.seen.audit_without_item) for r in rounds] == [
        ([], [])
    ] * ROUNDS


def test_every_item_has_exactly_the_cells_its_transaction_wrote(rounds: list[Round]) -> None:
    assert [(r.seen.wrong_cell_counts, r.seen.cells_without_item) for r in rounds] == [
        ([], 0)
    ] * ROUNDS


def test_only_the_transaction_in_flight_at_each_kill_may_survive_unacknowledged(
    rounds: list[Round],
) -> None:
    for kills, r in enumerate(rounds, start=1):
        assert r.seen.unacknowledged <= kills
