"""The read operations of quality.md, through the real core services and demo actors.

Each operation is timed with the reference quality.md holds it to, interleaved in the same
run; where quality.md names no reference, the bare scan of the report items stands in as the
floor, so the ratio still says how far above a full scan the operation sits.
"""

from __future__ import annotations

from bench.data import Context
from bench.timing import Row, Target, compare
from core import calendar_queries, dashboard, report_queries, reports
from core.calendar import STATUS_LABELS, current_term, today
from core.calendar_queries import Filter
from core.report_flow import PENDING
from core.store.calendar import Where

LIST_ROWS = 10_000
SCAN = "count(*) scan"
_SUBTREE = (
    "WITH RECURSIVE s(id) AS (SELECT ? UNION ALL SELECT u.id FROM unit u "
    "JOIN s ON u.parent_id = s.id) "
)


def _scan(ctx: Context) -> object:
    """The bare scan the map is held to: every report item, counted."""
    return ctx.db.scalar("SELECT count(*) FROM work_item WHERE kind = 'report'")


def tree_rows(ctx: Context, repeat: int) -> list[Row]:
    """The tree primitives every scoped query rests on, against a recursive CTE (kept from the
    first version of this benchmark: cheap, and they show the materialised path still pays)."""
    db = ctx.db
    rows = []
    for label, unit in (("root", ctx.root), ("province", db.units.get(ctx.hanoi.unit_id))):
        rows.append(
            compare(
                f"count subtree of {label} (path)",
                lambda u=unit: db.scalar(
                    "SELECT count(*) FROM unit WHERE starts_with(path, ?)", [u.path]
                ),
                "recursive CTE",
                lambda u=unit: db.scalar(_SUBTREE + "SELECT count(*) FROM s", [u.id]),
                repeat,
            )
        )
    joined = "SELECT count(*) FROM report r JOIN work_item i ON i.id = r.id"
    rows.append(
        compare(
            "reports in subtree of root (join)",
            lambda: db.scalar(
                joined + " JOIN unit u ON u.id = i.unit_id WHERE starts_with(u.path, ?)",
                [ctx.root.path],
            ),
            "recursive CTE",
            lambda: db.scalar(_SUBTREE + joined + " JOIN s ON s.id = i.unit_id", [ctx.root.id]),
            repeat,
        )
    )
    leaf = db.units.get(ctx.commune.unit_id)
    rows.append(
        compare(
            "ancestors of a commune (path + names)",
            lambda: db.units.names(list(leaf.ancestor_ids)),
            "recursive CTE up",
            lambda: db.scalar(
                "WITH RECURSIVE a(id, p) AS (SELECT id, parent_id FROM unit WHERE id = ? "
                "UNION ALL SELECT u.id, u.parent_id FROM unit u JOIN a ON u.id = a.p) "
                "SELECT count(*) FROM a",
                [leaf.id],
            ),
            repeat,
        )
    )
    return rows


def map_row(ctx: Context, repeat: int) -> Row:
    children = dashboard.completion(ctx.db, ctx.central, ctx.term).height
    return compare(
        f"map: completion of root's {children} children",
        lambda: dashboard.completion(ctx.db, ctx.central, ctx.term),
        SCAN,
        lambda: _scan(ctx),
        repeat,
        Target(100, 3),
    )


def aggregate_row(ctx: Context, repeat: int) -> Row:
    sql = (
        "SELECT sum(c.num) FROM report_cell c JOIN report r ON r.id = c.report_id"
        " WHERE r.template_code = ?"
    )
    return compare(
        "aggregate of one type over root",
        lambda: report_queries.aggregate(ctx.db, ctx.central, ctx.template, ctx.term),
        "sum(num) scan",
        lambda: ctx.db.scalar(sql, [ctx.template]),
        repeat,
        Target(300, 3),
    )


def _busiest_template(ctx: Context, parent_id: int) -> str:
    """The report type the parent's children send most: the fullest filtered queue."""
    return ctx.db.scalar(
        "SELECT r.template_code FROM report r JOIN work_item i ON i.id = r.id"
        " JOIN unit u ON u.id = i.unit_id"
        " WHERE u.parent_id = ? GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
        [parent_id],
    )


def queue_rows(ctx: Context, repeat: int) -> list[Row]:
    rows = []
    for label, who in (("commune", ctx.commune), ("Hà Nội", ctx.hanoi)):
        template = _busiest_template(ctx, who.unit_id)
        _, total = report_queries.queue(ctx.db, who, template=template, state=PENDING)
        rows.append(
            compare(
                f"approval queue p.1, {label} ({total} match)",
                lambda w=who, t=template: report_queries.queue(
                    ctx.db, w, template=t, state=PENDING
                ),
                SCAN,
                lambda: _scan(ctx),
                repeat,
                Target(100),
            )
        )
    return rows


def _largest_report(ctx: Context) -> int:
    """The report with the most cells among those the commune user may read."""
    return ctx.db.scalar(
        "SELECT c.report_id FROM report_cell c JOIN work_item i ON i.id = c.report_id"
        " JOIN unit u ON u.id = i.unit_id WHERE starts_with(u.path, ?)"
        " GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
        [ctx.db.units.get(ctx.commune.unit_id).path],
    )


def _list_filter(ctx: Context) -> tuple[Filter, int]:
    """The calendar filter (level, and status if that comes closer) whose list is nearest to
    10,000 rows at this scale, with its row count."""
    counts = calendar_queries.counts(ctx.db, ctx.central, Filter())
    by_name = {r["name"]: r["code"] for r in ctx.db.catalogs.levels()}
    options: list[tuple[int, Filter]] = []
    for row in counts.iter_rows(named=True):
        level = by_name.get(row["Cấp"])
        if level is None:
            continue
        options.append((row["Tổng số"], Filter(level=level)))
        for code, label in STATUS_LABELS.items():
            options.append((row[label], Filter(level=level, status=code)))
    rows, flt = min(options, key=lambda o: abs(o[0] - LIST_ROWS))
    return flt, rows


def excel_rows(ctx: Context, repeat: int) -> list[Row]:
    db = ctx.db
    report_id = _largest_report(ctx)
    cells = db.scalar("SELECT count(*) FROM report_cell WHERE report_id = ?", [report_id])
    one = compare(
        f"Excel: one report ({cells} cells)",
        lambda: reports.excel(db, ctx.commune, report_id),
        "read it (detail)",
        lambda: reports.detail(db, ctx.commune, report_id),
        repeat,
        Target(500),
    )
    flt, rows = _list_filter(ctx)
    chosen = "/".join(x for x in (flt.level, flt.status) if x)
    where = Where(
        scope_path=ctx.central.unit_path,
        term_code=current_term(db).code,
        today=today(),
        level=flt.level,
        status=flt.status,
    )
    listed = compare(
        f"Excel: calendar list ({rows:,} rows, {chosen})",
        lambda: calendar_queries.excel_list(db, ctx.central, flt),
        "its query alone",
        lambda: db.calendar.export(where, calendar_queries.EXPORT_LIMIT),
        max(repeat // 2, 3),
        Target(3000),
    )
    return [one, listed]
