"""State transitions with their audit rows, alone and while four readers run the heavy queries.

The transitions cycle the commune's own reports through every edge of the report flow: the
commune user sends, the Hà Nội admin (the commune's parent) approves, cancels the approval and
rejects with a reason, the commune sends again. Each sample is one `core.reports.transition`
call in its own transaction, exactly what the approval page does. The readers each hold their
own cursor (`Store.db()`), like concurrent script runs of the dashboard and lookup pages.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from bench.data import Context
from bench.timing import Progress, Row, Stats, Target, clock_ms
from core import dashboard, report_queries, reports
from core.model import Actor
from core.report_flow import APPROVED, CHANGES, DRAFT

READERS = 4
MEASURED = ("send", "approve", "reject")
REASON = "Đề nghị rà soát lại số liệu (benchmark)"


@dataclass
class Cycler:
    """Moves the commune's reports around the flow, one timed transition per step."""

    ctx: Context
    report_ids: list[int]
    samples: dict[str, list[float]] = field(default_factory=dict)
    _approve_next: dict[int, bool] = field(default_factory=dict)
    _turn: int = 0

    def _next(self, report_id: int) -> tuple[str, Actor, str | None]:
        state = self.ctx.db.items.get(report_id).state
        if state in (DRAFT, CHANGES):
            return "send", self.ctx.commune, None
        if state == APPROVED:
            return "cancel_approval", self.ctx.hanoi, REASON
        approve = self._approve_next.get(report_id, True)
        self._approve_next[report_id] = not approve
        return ("approve", self.ctx.hanoi, None) if approve else ("reject", self.ctx.hanoi, REASON)

    def step(self) -> None:
        report_id = self.report_ids[self._turn % len(self.report_ids)]
        self._turn += 1
        action, who, reason = self._next(report_id)
        ms = clock_ms(lambda: reports.transition(self.ctx.db, who, report_id, action, reason))
        self.samples.setdefault(action, []).append(ms)

    def run(self, repeat: int) -> dict[str, Stats]:
        """Step until every measured action has ``repeat`` samples; fresh samples each call."""
        self.samples = {}
        while any(len(self.samples.get(a, [])) < repeat for a in MEASURED):
            self.step()
        return {a: Stats.of(s) for a, s in self.samples.items()}


def _own_reports(ctx: Context) -> list[int]:
    ids = [
        r[0]
        for r in ctx.db.execute(
            "SELECT id FROM work_item WHERE kind = 'report' AND unit_id = ? ORDER BY id",
            [ctx.commune.unit_id],
        )
    ]
    if not ids:
        raise SystemExit("the commune demo account's unit has no report to move through the flow")
    return ids


def _reader(ctx: Context, stop: threading.Event, done: list[int], errors: list[str]) -> None:
    """The map and the aggregate for the central admin, in turn, on this thread's own cursor."""
    db = ctx.store.db()
    n = 0
    try:
        while not stop.is_set():
            dashboard.completion(db, ctx.central, ctx.term)
            report_queries.aggregate(db, ctx.central, ctx.template, ctx.term)
            n += 2
    except Exception as exc:  # a failing reader would make the figure meaningless: report it
        errors.append(repr(exc))
    done.append(n)


def transition_rows(ctx: Context, repeat: int, say: Progress) -> tuple[list[Row], Stats, str]:
    """Rows for send, approve and reject under load against the same without readers, and the
    idle approve figure (the peer comparison uses it), with a note on what the readers did."""
    ids = _own_reports(ctx)
    audit_sql = "SELECT count(*) FROM audit_log WHERE entity = 'report'"
    audit_before = ctx.db.scalar(audit_sql)
    cycler = Cycler(ctx, ids)
    for _ in range(4 * len(ids)):  # warm-up: plans and caches, and every report in motion
        cycler.step()
    warm = sum(len(s) for s in cycler.samples.values())
    say(f"transitions: {len(ids)} reports of the commune, idle")
    idle = cycler.run(repeat)
    steps = warm + sum(len(s) for s in cycler.samples.values())
    say(f"transitions: with {READERS} reader threads")
    stop, done, errors = threading.Event(), [], []
    threads = [
        threading.Thread(target=_reader, args=(ctx, stop, done, errors), daemon=True)
        for _ in range(READERS)
    ]
    for t in threads:
        t.start()
    time.sleep(0.5)  # let every reader get into its first query
    started = time.perf_counter()
    busy = cycler.run(repeat)
    seconds = time.perf_counter() - started
    stop.set()
    for t in threads:
        t.join()
    steps += sum(len(s) for s in cycler.samples.values())
    audited = ctx.db.scalar(audit_sql) - audit_before
    note = (
        f"readers ran {sum(done)} map/aggregate queries during {seconds:.1f} s of transitions; "
        f"audit rows written {audited} for {steps} transitions"
    )
    if errors:
        note += f"; READER ERRORS: {errors[:3]}"
    rows = [
        Row(
            f"transition {a} + audit, {READERS} readers",
            busy[a],
            "same, no readers",
            idle[a],
            Target(30, on_p95=True),
        )
        for a in MEASURED
    ]
    return rows, idle["approve"], note
