"""SQL for congress reports: templates, the reports themselves, their cells and the queries
over a subtree (lists, the approval queue, progress and cell-by-cell aggregates)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:
    from core.store.db import Db

KIND = "report"
_REPORT = (
    "SELECT r.id, r.template_code, r.term_code, i.unit_id, r.report_date, r.creator_name,"
    " r.organizer, r.provincial_organizer, r.saved_tabs, r.sent_at, r.approved_at,"
    " r.last_reason, i.state, i.version, i.updated_at, u.name AS unit_name,"
    " t.name AS template_name, tm.name AS term_name "
    "FROM report r JOIN work_item i ON i.id = r.id JOIN unit u ON u.id = i.unit_id "
    "JOIN report_template t ON t.code = r.template_code JOIN term tm ON tm.code = r.term_code "
)

# The report of type ? and term ? that unit ``u`` owns, if any: one probe of the natural-key
# index of the work items. Drafts stay private to their unit, so the lists an ancestor reads
# (`_OWNED_SENT`) see a draft as a report not sent yet.
_OWNED = (
    " LEFT JOIN work_item i ON i.kind = 'report' AND i.unit_id = u.id"
    " AND i.dedupe_key = report_key(?, ?) LEFT JOIN report r ON r.id = i.id"
)
_OWNED_SENT = (
    " LEFT JOIN work_item i ON i.kind = 'report' AND i.unit_id = u.id"
    " AND i.dedupe_key = report_key(?, ?) AND i.state <> 'DRAFT' LEFT JOIN report r ON r.id = i.id"
)


class ReportRepo:
    def __init__(self, db: Db) -> None:
        self.db = db

    # -- templates and terms ------------------------------------------------------------
    _NEWEST = (
        "SELECT t.code, t.name, t.term_code, t.levels, t.active, t.updated_at, v.version,"
        " v.body, v.source, v.origin FROM report_template t JOIN report_template_version v"
        " ON v.code = t.code AND v.version ="
        " (SELECT max(version) FROM report_template_version w WHERE w.code = t.code)"
    )

    def template_rows(self, active_only: bool = True) -> list[dict[str, Any]]:
        """The newest version of each type, with the type's header."""
        active = " WHERE t.active" if active_only else ""
        return self.db.rows(self._NEWEST + active + " ORDER BY t.code")

    def template_version(self, code: str, version: int) -> dict[str, Any] | None:
        """One version of a type, whether or not it is the newest."""
        return self.db.one(
            "SELECT code, version, body, source, origin, created_at"
            " FROM report_template_version WHERE code = ? AND version = ?",
            [code, version],
        )

    def newest_template_version(self, code: str, origin: str | None = None) -> dict | None:
        """The newest version of a type (of one origin when given), or None."""
        return self.db.one(
            "SELECT code, version, body, source, origin, created_at"
            " FROM report_template_version WHERE code = ? AND (?::VARCHAR IS NULL OR origin = ?)"
            " ORDER BY version DESC LIMIT 1",
            [code, origin, origin],
        )

    def template_history(self, code: str) -> list[dict[str, Any]]:
        """Every version of a type, the newest first, with how many reports use each."""
        return self.db.rows(
            "SELECT v.version, v.source, v.origin, v.created_at,"
            " (SELECT count(*) FROM report r WHERE r.template_code = v.code"
            "  AND r.template_version = v.version) AS reports"
            " FROM report_template_version v WHERE v.code = ? ORDER BY v.version DESC",
            [code],
        )

    def add_template_version(
        self,
        code: str,
        name: str,
        term: str,
        levels: list[str],
        body: str,
        source: str,
        origin: str,
        now: datetime,
    ) -> int:
        """Store ``body`` as the next version of the type (1 for a new code) and make its name,
        term and levels the type's header; returns the new version number."""
        version = self.db.scalar(
            "SELECT coalesce(max(version), 0) + 1 FROM report_template_version WHERE code = ?",
            [code],
        )
        self.db.execute(
            "INSERT INTO report_template_version (code, version, body, source, origin,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [code, version, body, source, origin, now],
        )
        self.db.execute(
            "INSERT OR REPLACE INTO report_template (code, name, term_code, levels, active,"
            " updated_at) VALUES (?, ?, ?, ?, TRUE, ?)",
            [code, name, term, levels, now],
        )
        return version

    def template_ref(self, report_id: int) -> tuple[str, int] | None:
        """(type code, template version) of a report: a point lookup, without joins."""
        found = self.db.execute(
            "SELECT template_code, template_version FROM report WHERE id = ?", [report_id]
        )
        return (found[0][0], found[0][1]) if found else None

    def terms(self) -> list[dict[str, Any]]:
        """Active terms, the latest first."""
        return self.db.rows(
            "SELECT code, name, start_date, end_date FROM term WHERE active"
            " ORDER BY start_date DESC"
        )

    # -- one report ---------------------------------------------------------------------
    def key(self, template_code: str, term_code: str) -> str:
        """The natural key a report's work item carries: one report per unit, type and term
        is the unique index over (kind, unit, key). Built by the SQL macro every query uses."""
        return self.db.scalar("SELECT report_key(?, ?)", [template_code, term_code])

    def insert(self, report_id: int, fields: dict[str, Any]) -> None:
        """The report's own fields; its owner is the unit of its work item."""
        self.db.execute(
            "INSERT INTO report (id, template_code, term_code, report_date,"
            " creator_name, organizer, provincial_organizer, template_version)"
            " VALUES (?,?,?,?,?,?,?,?)",
            [
                report_id,
                fields["template_code"],
                fields["term_code"],
                fields["report_date"],
                fields["creator_name"],
                fields["organizer"],
                fields.get("provincial_organizer"),
                fields.get("template_version", 1),
            ],
        )

    def get(self, report_id: int) -> dict[str, Any] | None:
        return self.db.one(_REPORT + "WHERE r.id = ?", [report_id])

    def find(self, unit_id: int, template_code: str, term_code: str) -> int | None:
        return self.db.scalar(
            "SELECT id FROM work_item WHERE kind = ? AND unit_id = ?"
            " AND dedupe_key = report_key(?, ?)",
            [KIND, unit_id, template_code, term_code],
        )

    def handed_over(self, unit_ids: list[int]) -> list[dict[str, Any]]:
        """The reports a merge hands to the surviving unit: those still open and those of an
        active term (an approved report of the current round counts for the new unit); an
        approved report of a past term stays where it was made."""
        return self.db.rows(
            "SELECT i.id, i.unit_id, r.template_code, r.term_code, i.state, i.updated_at"
            " FROM work_item i JOIN report r ON r.id = i.id JOIN term tm ON tm.code = r.term_code"
            " WHERE i.unit_id IN (SELECT unnest(?)) AND (i.is_open OR tm.active) ORDER BY i.id",
            [unit_ids],
        )

    def held(self, unit_id: int) -> set[tuple[str, str]]:
        """(type, term) of every report the unit owns."""
        rows = self.db.execute(
            "SELECT r.template_code, r.term_code FROM work_item i JOIN report r ON r.id = i.id"
            " WHERE i.kind = ? AND i.unit_id = ?",
            [KIND, unit_id],
        )
        return {(t, term) for t, term in rows}

    def update(self, report_id: int, **fields: Any) -> None:
        sets = ", ".join(f"{k} = ?" for k in fields)
        self.db.execute(f"UPDATE report SET {sets} WHERE id = ?", [*fields.values(), report_id])

    def replace_cells(self, report_id: int, tab: str, cells: list[tuple[str, str, Any]]) -> None:
        """Replace one tab's values: (row, column, value) with numbers and text split apart."""
        self.db.execute("DELETE FROM report_cell WHERE report_id = ? AND tab = ?", [report_id, tab])
        kept = [c for c in cells if c[2] is not None]
        if not kept:
            return
        nums = [float(v) if isinstance(v, int | float) else None for _, _, v in kept]
        txts = [None if isinstance(v, int | float) else str(v) for _, _, v in kept]
        self.db.execute(
            "INSERT INTO report_cell (report_id, tab, row_key, col_key, num, txt, cell_key)"
            " SELECT report_id, tab, r, c, n, t, cell_key(tab, r, c) FROM (SELECT ? AS report_id,"
            " ? AS tab, unnest(?) AS r, unnest(?) AS c, unnest(?) AS n, unnest(?) AS t)",
            [report_id, tab, [c[0] for c in kept], [c[1] for c in kept], nums, txts],
        )

    def cells(self, report_id: int) -> list[tuple[str, str, str, float | None, str | None]]:
        return self.db.execute(
            "SELECT tab, row_key, col_key, num, txt FROM report_cell WHERE report_id = ?",
            [report_id],
        )

    def delete(self, report_id: int) -> None:
        self.db.execute("DELETE FROM report_cell WHERE report_id = ?", [report_id])
        self.db.execute("DELETE FROM report WHERE id = ?", [report_id])
        self.db.execute("DELETE FROM work_item WHERE id = ?", [report_id])

    # -- lists ---------------------------------------------------------------------------
    _OWN = (
        " FROM report r JOIN work_item i ON i.id = r.id"
        " JOIN report_template t ON t.code = r.template_code"
        " JOIN term tm ON tm.code = r.term_code"
        " WHERE i.unit_id = ? AND (? = '' OR r.term_code = ?)"
        " AND (? = '' OR r.template_code = ?) AND (? = '' OR i.state = ?)"
    )

    def list_own(
        self, unit_id: int, term: str, template: str, state: str, limit: int, offset: int
    ) -> tuple[pl.DataFrame, int]:
        params = [unit_id, term, term, template, template, state, state]
        total = self.db.scalar("SELECT count(*)" + self._OWN, params)
        frame = self.db.frame(
            "SELECT r.id, tm.name AS term_name, t.name AS template_name, i.updated_at,"
            " i.state, i.version" + self._OWN + " ORDER BY i.updated_at DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return frame, total

    _QUEUE = (
        " FROM report r JOIN work_item i ON i.id = r.id JOIN unit u ON u.id = i.unit_id"
        " JOIN report_template t ON t.code = r.template_code"
        " JOIN term tm ON tm.code = r.term_code"
        " WHERE u.parent_id = ? AND i.state <> 'DRAFT'"
        " AND (? IS NULL OR i.unit_id = ?) AND (? = '' OR r.template_code = ?)"
        " AND (? = '' OR i.state = ?)"
    )

    def queue(
        self,
        parent_id: int,
        unit_id: int | None,
        template: str,
        state: str,
        limit: int,
        offset: int,
    ) -> tuple[pl.DataFrame, int]:
        """Reports sent up by the direct subordinates of ``parent_id`` (drafts stay private)."""
        params = [parent_id, unit_id, unit_id, template, template, state, state]
        total = self.db.scalar("SELECT count(*)" + self._QUEUE, params)
        frame = self.db.frame(
            "SELECT r.id, u.name AS unit_name, tm.name AS term_name, t.name AS template_name,"
            " i.updated_at, i.state, i.version"
            + self._QUEUE
            + " ORDER BY (i.state = 'PENDING') DESC, i.updated_at DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return frame, total

    def returned(self, unit_id: int) -> list[dict[str, Any]]:
        """The unit's reports sent back for changes, with the reason, newest first."""
        return self.db.rows(
            _REPORT + "WHERE i.unit_id = ? AND i.state = 'CHANGES_REQUESTED' "
            "ORDER BY i.updated_at DESC",
            [unit_id],
        )

    def own_states(self, unit_id: int, term: str) -> dict[str, tuple[int, str]]:
        """template code -> (report id, state) of the unit's reports in the term."""
        rows = self.db.execute(
            "SELECT r.template_code, r.id, i.state FROM report r JOIN work_item i ON i.id = r.id"
            " WHERE i.unit_id = ? AND r.term_code = ?",
            [unit_id, term],
        )
        return {code: (rid, state) for code, rid, state in rows}

    # -- progress and aggregates over a subtree -------------------------------------------
    _EXPECTED = (
        " FROM unit u WHERE starts_with(u.path, ?) AND u.id <> ? AND u.active"
        " AND list_contains(?, u.level_code)"
    )

    def progress(
        self,
        scope_path: str,
        scope_id: int,
        template: str,
        term: str,
        levels: list[str],
        counted: list[str],
        deadline: Any,
    ) -> tuple[int, int, int]:
        """(units expected to send ``template`` in the strict subtree, units that sent it,
        of which on time: by ``deadline`` when there is one)."""
        return self.db.execute(
            "SELECT count(*), count(*) FILTER (WHERE i.state IN (SELECT unnest(?))),"
            " count(*) FILTER (WHERE i.state IN (SELECT unnest(?))"
            "  AND (?::DATE IS NULL OR r.sent_at::DATE <= ?::DATE))"
            " FROM unit u" + _OWNED + " WHERE starts_with(u.path, ?) AND u.id <> ? AND u.active"
            " AND list_contains(?, u.level_code)",
            [counted, counted, deadline, deadline, template, term, scope_path, scope_id, levels],
        )[0]

    def contributors(
        self,
        scope_path: str,
        scope_id: int,
        template: str,
        term: str,
        levels: list[str],
        deadline: Any,
    ) -> pl.DataFrame:
        """Every unit expected to send, with its report once sent (a draft is private to its
        unit and shows here as not sent), shallowest first."""
        return self.db.frame(
            "SELECT u.id AS unit_id, u.name AS unit_name, u.code, r.id AS report_id, i.state,"
            " r.sent_at, r.sent_at::DATE <= ?::DATE AS on_time"
            " FROM unit u"
            + _OWNED_SENT
            + " WHERE starts_with(u.path, ?) AND u.id <> ? AND u.active"
            " AND list_contains(?, u.level_code) ORDER BY u.depth, u.code",
            [deadline, template, term, scope_path, scope_id, levels],
        )

    def aggregate(
        self,
        scope_path: str,
        scope_id: int,
        template: str,
        term: str,
        counted: list[str],
        cells: list[tuple[str, str, str]],
    ) -> list[tuple[str, str, str, float]]:
        """Sums of the given cells (tab, row, column) over the counted reports of the active
        units of the strict subtree: the same units the contributor list and the
        counted/expected figures show. Grouped on the integer cell key, then named."""
        return self.db.execute(
            "WITH sums AS (SELECT c.cell_key, sum(c.num) AS total FROM report_cell c"
            " JOIN report r ON r.id = c.report_id JOIN work_item i ON i.id = r.id"
            " JOIN unit u ON u.id = i.unit_id"
            " WHERE r.template_code = ? AND r.term_code = ? AND i.state IN (SELECT unnest(?))"
            " AND starts_with(u.path, ?) AND u.id <> ? AND u.active AND c.num IS NOT NULL"
            " GROUP BY c.cell_key),"
            " wanted AS (SELECT unnest(?) AS tab, unnest(?) AS row_key, unnest(?) AS col_key)"
            " SELECT w.tab, w.row_key, w.col_key, s.total FROM wanted w"
            " JOIN sums s ON s.cell_key = cell_key(w.tab, w.row_key, w.col_key)",
            [
                template,
                term,
                counted,
                scope_path,
                scope_id,
                [c[0] for c in cells],
                [c[1] for c in cells],
                [c[2] for c in cells],
            ],
        )
