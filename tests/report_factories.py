"""Random but valid values for one tab of a report template, for tests.

`valid_values(tab, seed)` fills a tab so that `core.cells.check_tab` accepts it: it proves
that the rules a template declares can all hold at once, and gives tests a correct form to
break one cell at a time.

Every rule of a template is linear and homogeneous (a total equals the sum of its parts, a
value is at most another), so it is enough to find, separately, non-negative integer weights
for the rows that satisfy the row rules (``row_sum``, ``row_le``, sub-row <= its total row) and
weights for the columns that satisfy the column rules (``sum``, ``le``): the products
``row[r] * column[c]`` then satisfy every rule in every row and column, and so does a sum of
such products. Cells that are not applicable are left out (a rule with a missing cell is not
checked), and cells typed percent, date or text get a random value of their own type.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from core.cells import Cell
from core.templates import Tab

NOTES = ("Đúng kế hoạch", "Chậm 5 ngày do sáp nhập đơn vị", "Đã báo cáo Ban Thường vụ")


def valid_values(
    tab: Tab, seed: int | random.Random = 0, *, blanks: float = 0.0, typed: bool = False
) -> dict[Cell, Any]:
    """A filled tab that breaks no rule of `tab`.

    ``blanks`` is the chance that a cell that is not required is left empty; ``typed`` gives
    every value as the text a person would type (``"12"``, ``"12,5"``, ``"05/09/2025"``).
    Not-applicable cells are absent, empty or ``"---"``.
    """
    rng = seed if isinstance(seed, random.Random) else random.Random(seed)
    numbers = _grid(tab, rng)
    raw: dict[Cell, Any] = {}
    for row in tab.rows:
        for col in tab.columns:
            cell = (row.key, col.key)
            if cell in tab.not_applicable:
                choice = rng.choice(("absent", None, "", "---"))
                if choice != "absent":
                    raw[cell] = choice
                continue
            if cell not in tab.required and rng.random() < blanks:
                raw[cell] = rng.choice((None, ""))
                continue
            value = _value(tab.cell_type(*cell), numbers[cell], rng)
            raw[cell] = _as_typed(value) if typed else value
    return raw


def _grid(tab: Tab, rng: random.Random) -> dict[Cell, int]:
    """Non-negative integers for every (row, column) that satisfy the tab's numeric rules."""
    row_keys = [r.key for r in tab.rows]
    col_keys = [c.key for c in tab.columns]
    row_sums = [(r.target, r.parts) for r in tab.rules if r.kind == "row_sum"]
    row_les = [(r.target, r.parts[0]) for r in tab.rules if r.kind == "row_le"]
    if tab.sub_rows_le_total:
        row_les += [(r.key, r.parent) for r in tab.rows if r.parent is not None]
    col_sums = [(r.target, r.parts) for r in tab.rules if r.kind == "sum"]
    col_les = [(r.target, r.parts[0]) for r in tab.rules if r.kind == "le"]
    grid = {(r, c): 0 for r in row_keys for c in col_keys}
    for _ in range(rng.randint(1, 3)):
        rows = _solve(row_keys, row_sums, row_les, rng)
        cols = _solve(col_keys, col_sums, col_les, rng)
        for r in row_keys:
            for c in col_keys:
                grid[r, c] += rows[r] * cols[c]
    return grid


def _solve(
    keys: list[str],
    sums: list[tuple[str, tuple[str, ...]]],
    les: list[tuple[str, str]],
    rng: random.Random,
) -> dict[str, int]:
    """Random non-negative integers with ``v[t] == sum(v[p])`` and ``v[a] <= v[b]``.

    Starts from random values and only ever raises a value to repair a broken rule (a total
    that is too small, a part chosen at random when the total is too large, the larger side
    of an inequality), so it stops once every rule holds.
    """
    v = {k: rng.randint(0, 6) for k in keys}
    for _ in range(10_000):
        changed = False
        for target, parts in sums:
            total = sum(v[p] for p in parts)
            if v[target] < total:
                v[target], changed = total, True
            elif v[target] > total:
                v[rng.choice(parts)] += v[target] - total
                changed = True
        for small, big in les:
            if v[small] > v[big]:
                v[big], changed = v[small], True
        if not changed:
            return v
    raise AssertionError("the rules of this tab admit no solution that the generator can find")


def _value(kind: str, number: int, rng: random.Random) -> Any:
    if kind == "int":
        return number
    if kind == "percent":
        return rng.randint(0, 10_000) / 100
    if kind == "date":
        return date(2025, 1, 1) + timedelta(days=rng.randint(0, 364))
    return rng.choice(NOTES)


def _as_typed(value: Any) -> str:
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)
