"""Plausible values that obey a tab's rules, for the demo data and the benchmark.

Every rule is linear (totals are sums; "not more than" compares two cells), so the generator
starts from random figures and repairs them by only ever lowering values: a sum takes the
total of its parts, and a cell above its limit comes down to it (a sum by scaling its parts).
Values only decrease, so the repair ends, and when a pass changes nothing every rule holds.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from core.cells import Cell
from core.templates import Tab

SAMPLE_TEXT = ("Đã hoàn thành", "Đang chuẩn bị", "Theo kế hoạch", "Đạt yêu cầu")


def _constraints(tab: Tab) -> tuple[list[tuple[Cell, list[Cell]]], list[tuple[Cell, Cell]]]:
    numeric = {cell for cell in tab.cells() if tab.cell_type(*cell) in ("int", "percent")}
    sums: list[tuple[Cell, list[Cell]]] = []
    les: list[tuple[Cell, Cell]] = []
    for rule in tab.rules:
        if rule.kind in ("le", "sum"):
            lines = [((r.key, rule.target), [(r.key, p) for p in rule.parts]) for r in tab.rows]
        else:
            lines = [((rule.target, c.key), [(p, c.key) for p in rule.parts]) for c in tab.columns]
        for target, parts in lines:
            if target in numeric and all(p in numeric for p in parts):
                if rule.kind.endswith("sum"):
                    sums.append((target, parts))
                else:
                    les.append((target, parts[0]))
    if tab.sub_rows_le_total:
        for row in tab.rows:
            if row.parent:
                les += [
                    ((row.key, c.key), (row.parent, c.key))
                    for c in tab.columns
                    if (row.key, c.key) in numeric and (row.parent, c.key) in numeric
                ]
    return sums, les


def valid_values(tab: Tab, rng: random.Random, scale: int = 60) -> dict[Cell, Any]:
    """A filled tab that passes `check_tab`."""
    values: dict[Cell, Any] = {}
    for row in tab.rows:
        size = scale * (0.55**row.depth)
        for col in tab.columns:
            cell = (row.key, col.key)
            if cell in tab.not_applicable:
                continue
            kind = tab.cell_type(*cell)
            if kind == "int":
                values[cell] = rng.randint(int(size * 0.4), int(size) + 1)
            elif kind == "percent":
                values[cell] = round(rng.uniform(40, 100), 2)
            elif kind == "date":
                values[cell] = date(2025, 3, 1) + timedelta(days=rng.randint(0, 120))
            else:
                values[cell] = rng.choice(SAMPLE_TEXT)
    sums, les = _constraints(tab)
    for low, high in les:
        if low[0] == high[0] and tab.cell_type(*low) == "int":
            # "Trong đó" columns are a small share of their total, as on real forms.
            values[low] = int(values[high] * rng.uniform(0.05, 0.35))
    targets: dict[Cell, list[list[Cell]]] = {}
    for target, parts in sums:
        targets.setdefault(target, []).append(parts)
    for _ in range(500):
        changed = False
        for target in targets:
            changed |= _settle(values, target, targets, tab)
        for low, high in les:
            if values[low] > values[high]:
                changed = True
                _lower(values, low, values[high], targets, tab)
        if not changed:
            return values
    raise RuntimeError(f"rules of tab {tab.key} cannot all be met")


def _settle(values: dict[Cell, Any], target: Cell, targets: dict, tab: Tab) -> bool:
    """Make a total equal every decomposition of it: the smallest one wins."""
    totals = [sum(values[p] for p in parts) for parts in targets[target]]
    smallest = min(totals)
    changed = False
    for parts, total in zip(targets[target], totals, strict=True):
        if total > smallest:
            _lower_parts(values, parts, smallest, total, targets, tab)
            changed = True
    total = min(sum(values[p] for p in parts) for parts in targets[target])
    if tab.cell_type(*target) == "percent":
        total = round(total, 2)
    if values[target] != total:
        values[target], changed = total, True
    return changed


def _lower_parts(
    values: dict[Cell, Any], parts: list[Cell], limit: Any, total: Any, targets: dict, tab: Tab
) -> None:
    ratio = limit / total if total else 0
    for part in parts:
        lowered = values[part] * ratio
        new = int(lowered) if tab.cell_type(*part) == "int" else round(lowered, 2)
        _lower(values, part, min(values[part], new), targets, tab)


def _lower(values: dict[Cell, Any], cell: Cell, limit: Any, targets: dict, tab: Tab) -> None:
    """Bring ``cell`` down to ``limit``; a total is lowered through each of its decompositions."""
    if cell not in targets:
        values[cell] = limit
        return
    for parts in targets[cell]:
        total = sum(values[p] for p in parts)
        if total > limit:
            _lower_parts(values, parts, limit, total, targets, tab)
    values[cell] = min(sum(values[p] for p in parts) for parts in targets[cell])
