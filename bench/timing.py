"""Timing and the result table.

Every figure is a median and a p95 of wall-clock samples, and every operation is printed next to
a reference measured in the same run: the machines are shared and noisy, so the ratio is the
figure that carries over from one run to the next, the absolute time only gives the scale.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Stats:
    """Median and p95 of some samples, in milliseconds."""

    median: float
    p95: float
    samples: int

    @classmethod
    def of(cls, samples_ms: list[float]) -> Stats:
        ordered = sorted(samples_ms)
        return cls(
            statistics.median(ordered), ordered[round(0.95 * (len(ordered) - 1))], len(ordered)
        )


def clock_ms(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def timed(fn: Callable[[], object], repeat: int, warmup: int = 1) -> Stats:
    """Run ``fn`` ``warmup`` times unmeasured (first-call costs: plans, caches, imports), then
    ``repeat`` times measured."""
    for _ in range(warmup):
        fn()
    return Stats.of([clock_ms(fn) for _ in range(repeat)])


def paired(
    fn: Callable[[], object],
    ref: Callable[[], object],
    repeat: int,
    ref_repeat: int | None = None,
    warmup: int = 1,
) -> tuple[Stats, Stats]:
    """Time an operation and its reference interleaved, sample by sample, so a burst of load
    from another process falls on both and the ratio stays meaningful. ``ref_repeat`` (at most
    ``repeat``) thins out a slow reference, spread evenly over the run."""
    ref_repeat = min(ref_repeat or repeat, repeat)
    for _ in range(warmup):
        fn()
        ref()
    ours: list[float] = []
    theirs: list[float] = []
    for i in range(repeat):
        ours.append(clock_ms(fn))
        if i * ref_repeat // repeat >= len(theirs):
            theirs.append(clock_ms(ref))
    return Stats.of(ours), Stats.of(theirs)


@dataclass(frozen=True)
class Target:
    """A target from quality.md: an absolute bound on the median (or the p95), a bound on the
    ratio to the reference, or both. ``None`` bounds are not checked."""

    max_ms: float | None = None
    max_ratio: float | None = None
    on_p95: bool = False

    def describe(self) -> str:
        parts = []
        if self.max_ms is not None:
            bound = f"{self.max_ms / 1000:g} s" if self.max_ms >= 1000 else f"{self.max_ms:g} ms"
            parts.append(("p95" if self.on_p95 else "") + f"≤{bound}")
        if self.max_ratio is not None:
            parts.append(f"ratio≤{self.max_ratio:g}")
        return ", ".join(parts) or "-"

    def met(self, stats: Stats, ratio: float | None) -> bool | None:
        checks = []
        if self.max_ms is not None:
            checks.append((stats.p95 if self.on_p95 else stats.median) <= self.max_ms)
        if self.max_ratio is not None and ratio is not None:
            checks.append(ratio <= self.max_ratio)
        return all(checks) if checks else None


@dataclass(frozen=True)
class Row:
    """One line of the table: an operation, its reference, and the target they are held to."""

    operation: str
    stats: Stats
    reference: str = ""
    ref_stats: Stats | None = None
    target: Target = Target()

    @property
    def ratio(self) -> float | None:
        if self.ref_stats is None or self.ref_stats.median <= 0:
            return None
        return self.stats.median / self.ref_stats.median

    @property
    def met(self) -> bool | None:
        return self.target.met(self.stats, self.ratio)


def _ms(value: float) -> str:
    return f"{value:9.1f}" if value >= 100 else f"{value:9.2f}"


def table(rows: list[Row | str]) -> str:
    """The rows as a fixed-width table; a plain string is printed as a section heading."""
    op_w = max([len(r.operation) for r in rows if isinstance(r, Row)] + [20])
    ref_w = max([len(r.reference) for r in rows if isinstance(r, Row)] + [10])
    head = (
        f"{'operation':{op_w}} {'median':>9} {'p95':>9}  {'reference':{ref_w}} {'ref med':>9}"
        f" {'ratio':>7}  {'target':18} met"
    )
    out = [head, "-" * len(head)]
    for r in rows:
        if isinstance(r, str):
            out.append(f"[{r}]")
            continue
        ref_med = _ms(r.ref_stats.median) if r.ref_stats else f"{'':9}"
        ratio = f"{r.ratio:7.2f}" if r.ratio is not None else f"{'':7}"
        met = {True: "yes", False: "NO", None: ""}[r.met]
        out.append(
            f"{r.operation:{op_w}} {_ms(r.stats.median)} {_ms(r.stats.p95)}  "
            f"{r.reference:{ref_w}} {ref_med} {ratio}  {r.target.describe():18} {met}"
        )
    return "\n".join(out)


def compare(
    operation: str,
    fn: Callable[[], object],
    reference: str,
    ref: Callable[[], object],
    repeat: int,
    target: Target = Target(),
    ref_repeat: int | None = None,
) -> Row:
    """One table row: ``fn`` against ``ref``, measured interleaved."""
    ours, theirs = paired(fn, ref, repeat, ref_repeat)
    return Row(operation, ours, reference, theirs, target)
