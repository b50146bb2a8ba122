"""SQL for the congress calendar: one row per unit and term, the term's windows, the aggregate.

Status (held, planned, no date) and the order check are computed in each query from the date
and `today`, never stored, so they cannot go stale at midnight. The order check compares a
unit's date with the earliest congress among its ancestors, found by splitting the unit's
materialised path into ancestor ids: an equality join, cheap at national scale, where a
`starts_with` join between units and congresses would not be.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:
    from core.store.db import Db

_CONGRESS = "id, term_code, unit_id, held_on, start_time, venue, pilot, reason, version, updated_at"


@dataclass(frozen=True)
class Where:
    """The aggregate's filters, already validated by the service."""

    scope_path: str
    term_code: str
    today: date
    level: str | None = None
    status: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""


# Every active unit of the scope with its congress, status and the earliest ancestor congress.
_BASE = """
WITH scope AS (
    SELECT u.id, u.name, u.level_code, u.path, u.depth,
           concat_ws(', ', u.commune, u.district, u.province) AS area
    FROM unit u
    WHERE u.active AND starts_with(u.path, $scope)
), anc AS (
    SELECT a.id, min(c.held_on) AS bound
    FROM (SELECT id, unnest(string_split(trim(path, '/'), '/'))::BIGINT AS anc_id
          FROM scope) a
    JOIN congress c ON c.unit_id = a.anc_id AND c.term_code = $term AND c.held_on IS NOT NULL
    WHERE a.anc_id <> a.id
    GROUP BY a.id
), rows AS (
    SELECT s.id AS unit_id, s.name, s.level_code, l.name AS level_name, l.rank AS level_rank,
           s.path, s.area, c.held_on, c.start_time, c.venue, coalesce(c.pilot, FALSE) AS pilot,
           CASE WHEN c.held_on IS NULL THEN 'NONE'
                WHEN c.held_on < $today THEN 'HELD' ELSE 'PLANNED' END AS status,
           coalesce(c.held_on >= anc.bound, FALSE) AS out_of_order
    FROM scope s
    JOIN unit_level l ON l.code = s.level_code
    LEFT JOIN congress c ON c.unit_id = s.id AND c.term_code = $term
    LEFT JOIN anc ON anc.id = s.id
)
"""

_FILTER = """
WHERE ($level IS NULL OR level_code = $level)
  AND ($status IS NULL OR status = $status)
  AND ($date_from IS NULL OR held_on >= $date_from)
  AND ($date_to IS NULL OR held_on <= $date_to)
  AND ($text = '' OR contains(fold(area), fold($text)) OR contains(fold(name), fold($text)))
"""

_ORDER = " ORDER BY out_of_order DESC, held_on IS NULL DESC, held_on, level_rank, name, unit_id"


def _params(where: Where, *, with_status: bool = True) -> dict[str, Any]:
    return {
        "scope": where.scope_path,
        "term": where.term_code,
        "today": where.today,
        "level": where.level,
        "status": where.status if with_status else None,
        "date_from": where.date_from,
        "date_to": where.date_to,
        "text": where.text,
    }


class CalendarRepo:
    def __init__(self, db: Db) -> None:
        self.db = db

    # -- one unit ----------------------------------------------------------------------------
    def get(self, term_code: str, unit_id: int) -> dict[str, Any] | None:
        return self.db.one(
            f"SELECT {_CONGRESS} FROM congress WHERE term_code = ? AND unit_id = ?",
            [term_code, unit_id],
        )

    def insert(
        self, term_code: str, unit_id: int, fields: dict[str, Any], now: Any, by: int
    ) -> int:
        return self.db.scalar(
            "INSERT INTO congress (term_code, unit_id, held_on, start_time, venue, pilot, reason,"
            " updated_at, updated_by) VALUES (?,?,?,?,?,?,?,?,?) RETURNING id",
            [
                term_code,
                unit_id,
                fields.get("held_on"),
                fields.get("start_time"),
                fields.get("venue"),
                fields.get("pilot", False),
                fields.get("reason"),
                now,
                by,
            ],
        )

    def update(
        self, congress_id: int, fields: dict[str, Any], expected_version: int, now: Any, by: int
    ) -> bool:
        """Change the named columns if nobody else changed the row since it was read.

        The count of changed rows, as work items do, not UPDATE … RETURNING: with RETURNING on
        work_item the reports' concurrency test saw audit rows out of the order of the
        versions they wrote, so optimistic updates keep to the one form that test proves."""
        sets = ", ".join(f"{name} = ?" for name in fields)
        changed = self.db.execute(
            f"UPDATE congress SET {sets}, version = version + 1, updated_at = ?, updated_by = ?"
            " WHERE id = ? AND version = ?",
            [*fields.values(), now, by, congress_id, expected_version],
        )[0]
        return bool(changed and changed[0])

    def window(self, term_code: str, level_code: str) -> dict[str, Any] | None:
        return self.db.one(
            "SELECT w.level_code, l.name AS level_name, w.start_date, w.end_date"
            " FROM term_window w JOIN unit_level l ON l.code = w.level_code"
            " WHERE w.term_code = ? AND w.level_code = ?",
            [term_code, level_code],
        )

    def earliest_ancestor(self, term_code: str, ancestor_ids: tuple[int, ...]) -> dict | None:
        """The ancestor whose congress comes first: the date a unit's own must precede."""
        if not ancestor_ids:
            return None
        return self.db.one(
            "SELECT u.id AS unit_id, u.name, c.held_on FROM congress c JOIN unit u"
            " ON u.id = c.unit_id WHERE c.term_code = ? AND c.unit_id IN (SELECT unnest(?))"
            " AND c.held_on IS NOT NULL ORDER BY c.held_on, u.depth DESC LIMIT 1",
            [term_code, list(ancestor_ids)],
        )

    def not_earlier_below(
        self, term_code: str, path: str, unit_id: int, held_on: date, limit: int
    ) -> tuple[list[str], int]:
        """Active units below ``path`` whose congress is not before ``held_on``: names, count."""
        rows = self.db.execute(
            "SELECT u.name, count(*) OVER () FROM congress c JOIN unit u ON u.id = c.unit_id"
            " WHERE c.term_code = ? AND starts_with(u.path, ?) AND u.id <> ? AND u.active"
            " AND c.held_on >= ? ORDER BY c.held_on, u.name LIMIT ?",
            [term_code, path, unit_id, held_on, limit],
        )
        return [r[0] for r in rows], (rows[0][1] if rows else 0)

    # -- the aggregate -----------------------------------------------------------------------
    def page(self, where: Where, limit: int, offset: int) -> tuple[pl.DataFrame, int]:
        params = _params(where) | {"limit": limit, "offset": offset}
        frame = self.db.frame(
            _BASE
            + "SELECT *, count(*) OVER () AS total FROM rows"
            + _FILTER
            + _ORDER
            + " LIMIT $limit OFFSET $offset",
            params,
        )
        total = int(frame["total"][0]) if frame.height else self.count(where)
        return frame.drop("total"), total

    def count(self, where: Where) -> int:
        return int(self.db.scalar(_BASE + "SELECT count(*) FROM rows" + _FILTER, _params(where)))

    def counts(self, where: Where) -> pl.DataFrame:
        """Units per level and status, ignoring the status filter (the counts are its menu)."""
        return self.db.frame(
            _BASE + "SELECT level_code, any_value(level_name) AS level_name,"
            " any_value(level_rank) AS level_rank, status, count(*) AS n,"
            " count(*) FILTER (WHERE out_of_order) AS out_of_order FROM rows"
            + _FILTER
            + " GROUP BY level_code, status ORDER BY level_rank, status",
            _params(where, with_status=False),
        )

    def days(self, where: Where, first: date, last: date, names: int) -> pl.DataFrame:
        """Per day between ``first`` and ``last``: how many congresses and the first names."""
        params = _params(where) | {"first": first, "last": last, "names": names}
        return self.db.frame(
            _BASE + "SELECT held_on, count(*) AS n,"
            " list(name ORDER BY level_rank, name)[1:$names] AS names FROM rows"
            + _FILTER
            + " AND held_on BETWEEN $first AND $last GROUP BY held_on ORDER BY held_on",
            params,
        )

    def weeks(self, where: Where) -> pl.DataFrame:
        """Congresses per ISO week (Monday first), split by status."""
        return self.db.frame(
            _BASE + "SELECT date_trunc('week', held_on)::DATE AS week, status, count(*) AS n"
            " FROM rows" + _FILTER + " AND held_on IS NOT NULL GROUP BY ALL ORDER BY week",
            _params(where),
        )

    def months(self, where: Where) -> list[tuple[int, int, int]]:
        """(year, month, congresses) for every month that has one."""
        return self.db.execute(
            _BASE
            + "SELECT year(held_on) AS y, month(held_on) AS m, count(*) FROM rows"
            + _FILTER
            + " AND held_on IS NOT NULL GROUP BY ALL ORDER BY y, m",
            _params(where),
        )

    def export(self, where: Where, limit: int) -> pl.DataFrame:
        return self.db.frame(
            _BASE + "SELECT * FROM rows" + _FILTER + _ORDER + " LIMIT $limit",
            _params(where) | {"limit": limit},
        )
