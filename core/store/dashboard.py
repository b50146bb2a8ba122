"""SQL for the dashboard: completion of reports over a subtree, by child area, by level and
by type, and one indicator across units.

Every figure is computed over the pairs (unit, report type it must send) of the active units
of the strict subtree, in one scan: a unit counts once per type it owes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:
    from core.store.db import Db

_PAIRS = """
WITH owed AS (
    SELECT u.id AS unit_id, u.path, u.level_code, t.code AS template_code
    FROM unit u JOIN report_template t ON t.active AND t.term_code = $term
         AND list_contains(t.levels, u.level_code)
    WHERE starts_with(u.path, $scope) AND u.id <> $scope_id AND u.active
), status AS (
    SELECT o.*, i.state
    FROM owed o LEFT JOIN work_item i ON i.kind = 'report' AND i.unit_id = o.unit_id
         AND i.dedupe_key = report_key(o.template_code, $term)
)
"""
_TALLY = (
    "count(*) AS expected,"
    " count(*) FILTER (WHERE state IN ('PENDING', 'APPROVED')) AS sent,"
    " count(*) FILTER (WHERE state = 'APPROVED') AS approved"
)


class DashboardRepo:
    def __init__(self, db: Db) -> None:
        self.db = db

    def _params(self, scope_path: str, scope_id: int, term: str, **extra: Any) -> dict:
        return {"scope": scope_path, "scope_id": scope_id, "term": term, **extra}

    def by_child(self, scope_path: str, scope_id: int, depth: int, term: str) -> pl.DataFrame:
        """Completion of each direct child's whole subtree (the child included)."""
        return self.db.frame(
            _PAIRS
            + f"""
            , tallied AS (
                SELECT split_part(path, '/', $part)::BIGINT AS child_id, {_TALLY}
                FROM status GROUP BY 1
            )
            SELECT c.id AS child_id, c.name, c.code, c.province, c.level_code,
                   coalesce(t.expected, 0) AS expected, coalesce(t.sent, 0) AS sent,
                   coalesce(t.approved, 0) AS approved
            FROM unit c LEFT JOIN tallied t ON t.child_id = c.id
            WHERE c.parent_id = $scope_id AND c.active ORDER BY c.code""",
            self._params(scope_path, scope_id, term, part=depth + 3),
        )

    def by_level(self, scope_path: str, scope_id: int, term: str) -> pl.DataFrame:
        return self.db.frame(
            _PAIRS
            + f"""
            SELECT l.name AS level_name, l.rank, {_TALLY}
            FROM status s JOIN unit_level l ON l.code = s.level_code
            GROUP BY ALL ORDER BY l.rank""",
            self._params(scope_path, scope_id, term),
        )

    def by_type(self, scope_path: str, scope_id: int, term: str) -> pl.DataFrame:
        return self.db.frame(
            _PAIRS
            + f"""
            SELECT t.code AS template_code, t.name AS template_name, {_TALLY}
            FROM status s JOIN report_template t ON t.code = s.template_code
            GROUP BY ALL ORDER BY t.name""",
            self._params(scope_path, scope_id, term),
        )

    def indicator(
        self,
        scope_path: str,
        scope_id: int,
        level: str,
        template: str,
        tab: str,
        row: str,
        col: str,
        term: str,
        counted: list[str],
    ) -> pl.DataFrame:
        """One cell of one report type for every unit of a level in the subtree."""
        return self.db.frame(
            """
            SELECT u.name AS unit_name, u.code, i.state, c.num AS value
            FROM unit u
            LEFT JOIN work_item i ON i.kind = 'report' AND i.unit_id = u.id
                 AND i.dedupe_key = report_key($template, $term)
                 AND i.state IN (SELECT unnest($counted))
            LEFT JOIN report_cell c ON c.report_id = i.id AND c.tab = $tab
                 AND c.row_key = $row AND c.col_key = $col
            WHERE starts_with(u.path, $scope) AND u.id <> $scope_id AND u.active
              AND u.level_code = $level
            ORDER BY c.num DESC NULLS LAST, u.name""",
            {
                "scope": scope_path,
                "scope_id": scope_id,
                "level": level,
                "template": template,
                "tab": tab,
                "row": row,
                "col": col,
                "term": term,
                "counted": counted,
            },
        )

    def stamp(self) -> tuple[Any, ...]:
        """A figures version: every write that can alter a dashboard figure changes it.

        Each table contributes its row count, the sum of its row versions and its highest id.
        Every write bumps the version of a row it changes (the house rule that a form keeps its
        version), a delete lowers the count and an insert raises the highest id, since ids come
        from sequences: so no change goes unseen, whatever the clock's resolution, and nothing
        is written on the hot path (a counter row would make every writer conflict on it).
        Reports and their cells (work_item), the tree (add, move, merge, deactivation, delete),
        template versions and their levels, and boundary imports are covered.
        """
        return tuple(
            self.db.execute(
                "SELECT"
                " (SELECT count(*) FROM work_item WHERE kind = 'report'),"
                " (SELECT coalesce(sum(version), 0) FROM work_item WHERE kind = 'report'),"
                " (SELECT max(id) FROM work_item WHERE kind = 'report'),"
                " (SELECT count(*) FROM unit), (SELECT coalesce(sum(version), 0) FROM unit),"
                " (SELECT max(id) FROM unit),"
                " (SELECT count(*) FROM report_template_version),"
                " (SELECT count(*) FROM report_template WHERE active),"
                " (SELECT string_agg(level_code || ':' || sha256 || ':' || imported_at, ','"
                "  ORDER BY level_code) FROM boundary_set),"
                " (SELECT count(*) FROM boundary_match)"
            )[0]
        )
