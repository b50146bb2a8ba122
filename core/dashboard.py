"""The leaders' dashboard: report completion by area, level and type, and one indicator
across the subordinate units."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from core import functions, params
from core.access import require, require_in_scope
from core.errors import NotFound, ValidationError
from core.model import Actor, Unit
from core.report_flow import APPROVED, COUNTED
from core.report_types import active_template, all_templates, checked_term, checked_type
from core.store import Db
from core.templates import Template

# Completion bands of the map, lowest first: (upper bound in %, label, colour).
BANDS = (
    (25, "Dưới 25%", "#c8102e"),
    (50, "25% - 50%", "#f28e2b"),
    (75, "50% - 75%", "#f1ce63"),
    (100, "Từ 75%", "#59a14f"),
)
NO_DATA = ("Chưa có đơn vị phải nộp", "#d9d9d9")


@dataclass(frozen=True)
class Totals:
    expected: int
    sent: int
    approved: int

    @property
    def missing(self) -> int:
        return self.expected - self.sent


def band(percent: float | None) -> str:
    if percent is None:
        return NO_DATA[0]
    return next(label for upper, label, _ in BANDS if percent < upper or upper == 100)


def area(db: Db, actor: Actor, unit_id: int | None) -> Unit:
    """The unit whose children the map shows: the actor's own, or one it drilled into."""
    require(actor, functions.DASHBOARD)
    unit_id = params.optional_ident(unit_id, "Địa bàn")
    unit = db.units.get(unit_id if unit_id is not None else actor.unit_id)
    if unit is None:
        raise NotFound("Không tìm thấy địa bàn")
    return require_in_scope(actor, unit)


def completion(
    db: Db, actor: Actor, term: str, unit_id: int | None = None, approved_only: bool = False
) -> pl.DataFrame:
    """Each child area of the unit with its expected, sent and approved reports, the shown
    percentage (sent, or approved if asked) and its band."""
    unit = area(db, actor, unit_id)
    term = checked_term(db, term)
    approved_only = params.flag(approved_only, "Hiển thị")
    frame = db.dashboard.by_child(unit.path, unit.id, unit.depth, term)
    done = pl.col("approved") if approved_only else pl.col("sent")
    frame = frame.with_columns(
        pl.when(pl.col("expected") > 0)
        .then((100 * done / pl.col("expected")).round(1))
        .otherwise(None)
        .alias("percent")
    )
    return frame.with_columns(
        pl.col("percent").map_elements(band, return_dtype=pl.String, skip_nulls=False).alias("band")
    )


def counts(db: Db, actor: Actor, term: str) -> tuple[Totals, pl.DataFrame, pl.DataFrame]:
    """Totals, and the same by level and by report type, for the actor's subtree."""
    unit = area(db, actor, None)
    term = checked_term(db, term)
    by_level = db.dashboard.by_level(unit.path, unit.id, term)
    by_type = db.dashboard.by_type(unit.path, unit.id, term)
    totals = Totals(*(int(by_type[c].sum() or 0) for c in ("expected", "sent", "approved")))
    return totals, by_level, by_type


def indicator_levels(db: Db, actor: Actor) -> dict[str, str]:
    """Levels below the actor that must send some report type ("Chọn cấp cơ sở Đảng")."""
    require(actor, functions.DASHBOARD)
    present = set(db.units.counts_by_level(actor.unit_path)["level_code"].to_list())
    owed = {lvl for t in all_templates(db).values() for lvl in t.levels}
    unit = db.units.get(actor.unit_id)
    return {
        r["code"]: r["name"]
        for r in db.catalogs.levels()
        if r["code"] in present & owed and r["code"] != unit.level_code
    }


def indicator_templates(db: Db, level: str) -> list[Template]:
    level = _level(db, level)
    return [t for t in all_templates(db).values() if level in t.levels]


def _level(db: Db, value: object) -> str:
    return params.code(value, "Chọn cấp cơ sở Đảng", [r["code"] for r in db.catalogs.levels()])


def indicator(
    db: Db,
    actor: Actor,
    term: str,
    level: str,
    template_code: str,
    tab: str,
    row: str,
    col: str,
    approved_only: bool = False,
) -> tuple[pl.DataFrame, float]:
    """The value of one indicator for every unit of a level in the subtree, and the total."""
    unit = area(db, actor, None)
    term, level = checked_term(db, term), _level(db, level)
    template = active_template(db, checked_type(db, template_code))
    approved_only = params.flag(approved_only, "Chỉ tính báo cáo đã phê duyệt")
    if _cell_type(template, tab, row, col) not in ("int", "percent"):
        raise ValidationError("Chọn chỉ tiêu", "chỉ tiêu phải là một ô số")
    states = [APPROVED] if approved_only else list(COUNTED)
    frame = db.dashboard.indicator(
        unit.path, unit.id, level, template_code, tab, row, col, term, states
    )
    return frame, float(frame["value"].sum() or 0)


def _cell_type(template: Template, tab: object, row: object, col: object) -> str | None:
    """The type of a cell named by widgets, None when the tab, row or column is not there."""
    if not all(isinstance(key, str) for key in (tab, row, col)):
        return None
    found = next((t for t in template.tabs if t.key == tab), None)
    if found is None or (row, col) not in set(found.cells()):
        return None
    return found.cell_type(row, col)


def stamp(db: Db) -> tuple:
    """The figures version: it changes with every write that alters a dashboard figure."""
    return db.dashboard.stamp()


def cache_key(db: Db, actor: Actor) -> tuple[int, tuple]:
    """What cached figures depend on: the actor's unit (its subtree is the scope; two users of
    one unit see the same figures, a user moved to another unit sees that unit's) and the
    figures version."""
    return actor.unit_id, stamp(db)
