"""Demo congress reports for every unit that must report, in every state."""

from __future__ import annotations

import random
from datetime import date

import polars as pl

from core import clock
from core.report_types import all_templates
from core.report_values import valid_values
from core.store import Db
from core.store.seed_reports import seed_reports

VARIANTS = 4
PEOPLE = [
    "Nguyễn Thị Hà",
    "Trần Văn Nam",
    "Lê Thị Bích",
    "Phạm Quốc Hùng",
    "Đỗ Thu Trang",
    "Vũ Đức Thắng",
    "Hoàng Thị Mai",
    "Bùi Minh Khánh",
]


def _season(levels: tuple[str, ...]) -> date:
    """Grassroots congresses in spring 2025, the new commune-level ones from July 2025."""
    return date(2025, 3, 1) if "CO_SO" in levels else date(2025, 7, 15)


def build(db: Db, spare_codes: list[str], seed: int = 2025) -> int:
    rng = random.Random(seed)
    rows = []
    kinds = []
    for code, template in all_templates(db).items():
        kinds.append(
            {
                "code": code,
                "name": template.name,
                "term": template.term,
                "levels": list(template.levels),
                "start": _season(template.levels),
            }
        )
        for variant in range(VARIANTS):
            for tab in template.tabs:
                for (row, col), value in valid_values(tab, rng, scale=8).items():
                    kind = tab.cell_type(row, col)
                    numeric = kind in ("int", "percent")
                    rows.append(
                        {
                            "template": code,
                            "variant": variant,
                            "tab": tab.key,
                            "row_key": row,
                            "col_key": col,
                            "num": float(value) if numeric else None,
                            "txt": None
                            if numeric
                            else (value.isoformat() if isinstance(value, date) else str(value)),
                            "scalable": kind == "int",
                        }
                    )
    if not kinds:
        return 0
    base = pl.DataFrame(
        rows,
        schema={
            "template": pl.String,
            "variant": pl.Int64,
            "tab": pl.String,
            "row_key": pl.String,
            "col_key": pl.String,
            "num": pl.Float64,
            "txt": pl.String,
            "scalable": pl.Boolean,
        },
    )
    return seed_reports(db, base, pl.DataFrame(kinds), PEOPLE, clock.now(), spare_codes)
