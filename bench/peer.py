"""The SQLite peer of quality.md: the same tables, the same queries, Python's `sqlite3`.

The copy keeps the columns the compared queries read (report_cell without its text column) and
indexes every column they join or filter on, which is what a SQLite design would do. SQLite has
no materialised path here: a subtree is a recursive CTE over ``parent_id``, the usual design
there. The file is built once per scale from the pristine benchmark database (streamed in
batches, written with journalling off, then switched to WAL and analysed) and reused; it is
rebuilt when its row counts no longer match the source. Each figure is checked against the
DuckDB result, so a faster wrong answer cannot pass.
"""

from __future__ import annotations

import math
import sqlite3
import time
from pathlib import Path

from bench.data import Context
from bench.timing import Progress, Row, Stats, Target, compare, paired
from core.report_flow import COUNTED
from core.report_types import active_template

BATCH = 200_000
# table -> (SQLite columns, the DuckDB SELECT that feeds it)
TABLES = {
    "unit": (
        "id INTEGER PRIMARY KEY, parent_id INTEGER, code TEXT, name TEXT, level_code TEXT,"
        " active INTEGER",
        "SELECT id, parent_id, code, name, level_code, active::INTEGER FROM unit",
    ),
    "report_template": (
        "code TEXT PRIMARY KEY, term_code TEXT, active INTEGER",
        "SELECT code, term_code, active::INTEGER FROM report_template",
    ),
    "template_level": (
        "template_code TEXT, level_code TEXT, PRIMARY KEY (template_code, level_code)",
        "SELECT code, unnest(levels) FROM report_template",
    ),
    "work_item": (
        "id INTEGER PRIMARY KEY, kind TEXT, unit_id INTEGER, state TEXT, is_open INTEGER,"
        " version INTEGER, updated_at TEXT",
        "SELECT id, kind, unit_id, state, is_open::INTEGER, version, updated_at::VARCHAR"
        " FROM work_item",
    ),
    "report": (
        "id INTEGER PRIMARY KEY, template_code TEXT, term_code TEXT, unit_id INTEGER, sent_at TEXT",
        "SELECT r.id, r.template_code, r.term_code, i.unit_id, r.sent_at::VARCHAR"
        " FROM report r JOIN work_item i ON i.id = r.id",
    ),
    "report_cell": (
        "report_id INTEGER, tab TEXT, row_key TEXT, col_key TEXT, num REAL",
        "SELECT report_id, tab, row_key, col_key, num FROM report_cell",
    ),
    "audit_log": (
        "id INTEGER PRIMARY KEY, at_time TEXT, actor_user_id INTEGER, actor_name TEXT,"
        " actor_unit_id INTEGER, entity TEXT, entity_id INTEGER, action TEXT, from_state TEXT,"
        " to_state TEXT, reason TEXT, detail TEXT",
        "SELECT id, at_time::VARCHAR, actor_user_id, actor_name, actor_unit_id, entity,"
        " entity_id, action, from_state, to_state, reason, detail FROM audit_log",
    ),
}
INDEXES = (
    "CREATE INDEX unit_parent ON unit (parent_id)",
    "CREATE INDEX template_level_level ON template_level (level_code)",
    "CREATE INDEX work_item_unit ON work_item (unit_id)",
    "CREATE INDEX report_owner ON report (unit_id, template_code, term_code)",
    "CREATE INDEX report_type ON report (template_code, term_code)",
    "CREATE INDEX report_cell_report ON report_cell (report_id)",
)
_SUB = (
    "WITH RECURSIVE sub(id, child_id) AS ("
    " SELECT id, id FROM unit WHERE parent_id = :scope"
    " UNION ALL SELECT u.id, s.child_id FROM unit u JOIN sub s ON u.parent_id = s.id) "
)
MAP_SQL = (
    _SUB
    + """
, owed AS (
    SELECT s.child_id, u.id AS unit_id, t.code AS template_code
    FROM sub s JOIN unit u ON u.id = s.id AND u.active
    JOIN template_level l ON l.level_code = u.level_code
    JOIN report_template t ON t.code = l.template_code AND t.active AND t.term_code = :term
), tallied AS (
    SELECT o.child_id, count(*) AS expected,
           sum(i.state IN ('PENDING', 'APPROVED')) AS sent, sum(i.state = 'APPROVED') AS approved
    FROM owed o LEFT JOIN report r ON r.unit_id = o.unit_id
         AND r.template_code = o.template_code AND r.term_code = :term
    LEFT JOIN work_item i ON i.id = r.id
    GROUP BY o.child_id
)
SELECT c.id, c.name, c.code, coalesce(t.expected, 0), coalesce(t.sent, 0),
       coalesce(t.approved, 0)
FROM unit c LEFT JOIN tallied t ON t.child_id = c.id
WHERE c.parent_id = :scope AND c.active ORDER BY c.code"""
)
AGGREGATE_SQL = (
    _SUB
    + """
SELECT c.tab, c.row_key, c.col_key, sum(c.num)
FROM sub s JOIN report r ON r.unit_id = s.id AND r.template_code = :template
     AND r.term_code = :term
JOIN work_item i ON i.id = r.id AND i.state IN ('PENDING', 'APPROVED')
JOIN report_cell c ON c.report_id = r.id
WHERE c.num IS NOT NULL GROUP BY 1, 2, 3"""
)
COUNT_SQL = (
    "WITH RECURSIVE s(id) AS (SELECT :scope UNION ALL SELECT u.id FROM unit u"
    " JOIN s ON u.parent_id = s.id) SELECT count(*) FROM s"
)
_UPDATE = (
    "UPDATE work_item SET state = ?, is_open = ?, version = version + 1, updated_at = ?"
    " WHERE id = ? AND version = ?"
)
_AUDIT = (
    "INSERT INTO audit_log (at_time, actor_user_id, actor_name, actor_unit_id, entity,"
    " entity_id, action, from_state, to_state, reason, detail) VALUES (?,?,?,?,?,?,?,?,?,?,?)"
)


def _source_counts(ctx: Context) -> dict[str, int]:
    return {t: ctx.db.scalar(f"SELECT count(*) FROM ({sql})") for t, (_, sql) in TABLES.items()}


def _is_current(path: Path, counts: dict[str, int]) -> bool:
    if not path.exists():
        return False
    con = sqlite3.connect(path)
    try:
        return all(
            con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] == n for t, n in counts.items()
        )
    except sqlite3.Error:
        return False
    finally:
        con.close()


def build(ctx: Context, path: Path, say: Progress) -> None:
    """Copy the tables into ``path`` unless an up-to-date copy is there already. The copy is
    written under a temporary name and renamed at the end, so an interrupted build is never
    mistaken for a finished one."""
    counts = _source_counts(ctx)
    if _is_current(path, counts):
        say(f"reusing SQLite peer {path.name}")
        return
    started = time.perf_counter()
    tmp = path.with_suffix(".building")
    tmp.unlink(missing_ok=True)
    con = sqlite3.connect(tmp, isolation_level=None)
    con.execute("PRAGMA journal_mode = OFF")
    con.execute("PRAGMA synchronous = OFF")
    con.execute("PRAGMA cache_size = -262144")
    for table, (columns, select) in TABLES.items():
        con.execute(f"CREATE TABLE {table} ({columns})")
        cur = ctx.store.db().cur
        cur.execute(select)
        marks = ", ".join("?" * len(cur.description))
        copied, total = 0, counts[table]
        con.execute("BEGIN")
        while batch := cur.fetchmany(BATCH):
            con.executemany(f"INSERT INTO {table} VALUES ({marks})", batch)
            copied += len(batch)
            if total > 5 * BATCH and copied % (10 * BATCH) < BATCH:
                say(f"  SQLite peer: {table} {copied:,}/{total:,} rows")
        con.execute("COMMIT")
        say(f"  SQLite peer: {table} {copied:,} rows ({time.perf_counter() - started:.0f} s)")
    for sql in INDEXES:
        con.execute(sql)
        say(f"  SQLite peer: {sql.split(' ON ')[0][13:]} ({time.perf_counter() - started:.0f} s)")
    con.execute("ANALYZE")
    con.execute("PRAGMA journal_mode = WAL")
    con.close()
    tmp.replace(path)
    say(f"built SQLite peer {path.name} in {time.perf_counter() - started:.0f} s")


def _same_map(duck: list[tuple], lite: list[tuple]) -> bool:
    return [r[:1] + r[-3:] for r in duck] == [r[:1] + r[-3:] for r in lite]


def _same_sums(duck: list[tuple], lite: list[tuple]) -> bool:
    a = {r[:3]: r[3] for r in duck}
    b = {r[:3]: r[3] for r in lite}
    return a.keys() == b.keys() and all(math.isclose(a[k], b[k]) for k in a)


def _check(name: str, ok: bool) -> None:
    if not ok:
        raise SystemExit(f"SQLite peer: {name} differs from the DuckDB result")


def query_rows(ctx: Context, path: Path, repeat: int) -> list[Row]:
    """Map, aggregate and subtree count: DuckDB store SQL against the SQLite peer."""
    lite = sqlite3.connect(path)
    db, root, term = ctx.db, ctx.root, ctx.term
    p = {"scope": root.id, "term": term, "template": ctx.template}
    counted = list(COUNTED)

    def duck_map() -> list[tuple]:
        return db.dashboard.by_child(root.path, root.id, root.depth, term).rows()

    template = active_template(db, ctx.template)
    every_cell = [(t.key, r, c) for t in template.tabs for r, c in t.cells()]

    def duck_agg() -> list[tuple]:
        return db.reports.aggregate(root.path, root.id, ctx.template, term, counted, every_cell)

    def duck_count() -> int:
        return db.scalar("SELECT count(*) FROM unit WHERE starts_with(path, ?)", [root.path])

    _check("map", _same_map(duck_map(), lite.execute(MAP_SQL, p).fetchall()))
    _check("aggregate", _same_sums(duck_agg(), lite.execute(AGGREGATE_SQL, p).fetchall()))
    _check("subtree count", duck_count() == lite.execute(COUNT_SQL, p).fetchone()[0])
    analytical = Target(max_ratio=0.1)
    slow = max(repeat // 4, 3)
    rows = [
        compare(
            "peer: map SQL (by_child)",
            duck_map,
            "SQLite, same query",
            lambda: lite.execute(MAP_SQL, p).fetchall(),
            repeat,
            analytical,
            slow,
        ),
        compare(
            "peer: aggregate SQL",
            duck_agg,
            "SQLite, same query",
            lambda: lite.execute(AGGREGATE_SQL, p).fetchall(),
            repeat,
            analytical,
            slow,
        ),
        compare(
            "peer: count subtree of root",
            duck_count,
            "SQLite, recursive CTE",
            lambda: lite.execute(COUNT_SQL, p).fetchone(),
            repeat,
            analytical,
        ),
    ]
    lite.close()
    return rows


def _flip(execute, item_id: int, step: int) -> None:
    """One bare transition: read the version, move the state, write the audit row."""
    version = execute("SELECT version FROM work_item WHERE id = ?", [item_id])[0][0]
    old, new = ("PENDING", "APPROVED") if step % 2 == 0 else ("APPROVED", "PENDING")
    now = f"2025-09-01 10:{step // 60 % 60:02d}:{step % 60:02d}"
    execute(_UPDATE, [new, new != "APPROVED", now, item_id, version])
    execute(_AUDIT, [now, 1, "bench", 1, "report", item_id, "approve", old, new, None, None])


def transition_stats(ctx: Context, path: Path, repeat: int) -> tuple[Stats, Stats]:
    """(DuckDB, SQLite) medians of the bare transition: the same three statements in one
    transaction on each, SQLite in WAL mode with full sync so both make the commit durable.
    The SQLite file is put back afterwards, so the cached copy stays as built."""
    item_id = ctx.db.scalar("SELECT max(id) FROM report")
    cur = ctx.store.db().cur
    steps = iter(range(10**9))

    def duck() -> None:
        cur.execute("BEGIN TRANSACTION")
        _flip(lambda sql, args: cur.execute(sql, args).fetchall(), item_id, next(steps))
        cur.execute("COMMIT")

    lite = sqlite3.connect(path, isolation_level=None)
    lite.execute("PRAGMA synchronous = FULL")
    last_audit = lite.execute("SELECT max(id) FROM audit_log").fetchone()[0]
    saved = lite.execute("SELECT * FROM work_item WHERE id = ?", [item_id]).fetchone()

    def sqlite() -> None:
        lite.execute("BEGIN IMMEDIATE")
        _flip(lambda sql, args: lite.execute(sql, args).fetchall(), item_id, next(steps))
        lite.execute("COMMIT")

    try:
        return paired(duck, sqlite, repeat)
    finally:
        lite.execute("DELETE FROM audit_log WHERE id > ?", [last_audit])
        lite.execute("INSERT OR REPLACE INTO work_item VALUES (?,?,?,?,?,?,?)", saved)
        lite.close()
