"""Demo congress reports, generated in SQL from a few valid fillings per template.

Each report takes one of the base fillings and multiplies its integer cells by a small whole
factor: sums and "not more than" rules survive that, so every generated report obeys its
template's rules while the figures still differ from unit to unit. States follow the real
2025 timeline: grassroots reports in spring, commune-level reports in late summer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:
    from core.store.db import Db

REASONS = [
    "Số liệu tab Tuổi đời chưa khớp với danh sách cấp ủy viên, đề nghị rà soát lại",
    "Thiếu số liệu đảng viên nữ, đề nghị bổ sung",
    "Tổng số đại biểu chưa khớp với biên bản đại hội",
]


def seed_reports(
    db: Db,
    base: pl.DataFrame,
    kinds: pl.DataFrame,
    people: list[str],
    now: Any,
    spare_codes: list[str],
) -> int:
    """``base``: template, variant, tab, row_key, col_key, num, txt, scalable;
    ``kinds``: template code, name, term, levels, start (date the season opens);
    ``spare_codes``: units left without reports, so a demo user can create them. Each province
    keeps its own pace (its ``lag``), so the completion map shows real differences."""
    db.cur.register("seed_base", base.to_arrow())
    db.cur.register("seed_kinds", kinds.to_arrow())
    db.execute(
        """
        CREATE OR REPLACE TEMP TABLE seed_report AS
        SELECT nextval('work_item_id_seq') AS id, k.code AS template_code, k.name, k.term,
               u.id AS unit_id, u.parent_id, hash(u.id, k.code) % 100 AS roll,
               hash(coalesce(u.province, '')) % 50 AS lag,
               hash(k.code, u.id) % 4 AS variant, 1 + hash(u.id) % 3 AS factor,
               (k.start + to_days((hash(u.id, 7) % 120)::INTEGER))::DATE AS made_on
        FROM unit u JOIN seed_kinds k ON list_contains(k.levels, u.level_code)
        WHERE u.active AND hash(k.code, u.id, 3) % 100 >= 3 + hash(coalesce(u.province, '')) % 30
          AND NOT list_contains(?, u.code)
    """,
        [spare_codes],
    )
    db.execute("""
        INSERT INTO work_item (id, kind, unit_id, title, state, is_open, version, created_at,
                               updated_at, dedupe_key)
        SELECT id, 'report', unit_id, name, state, state <> 'APPROVED', 1,
               made_on::TIMESTAMP + INTERVAL 9 HOUR,
               made_on::TIMESTAMP + INTERVAL 9 HOUR + to_days((roll % 20)::INTEGER),
               report_key(template_code, term)
        FROM (SELECT *, CASE WHEN roll < 5 + lag THEN 'DRAFT'
                             WHEN roll < 5 + lag + (87 - lag) / 2 THEN 'PENDING'
                             WHEN roll < 92 THEN 'APPROVED' ELSE 'CHANGES_REQUESTED' END
                             AS state FROM seed_report)
    """)
    db.execute(
        """
        INSERT INTO report (id, template_code, term_code, report_date, creator_name,
                            organizer, provincial_organizer, saved_tabs, sent_at, approved_at,
                            last_reason)
        SELECT s.id, s.template_code, s.term, s.made_on,
               (?)[(1 + hash(s.unit_id) % len(?))::BIGINT], 'Ban Tổ chức ' || u.name, NULL,
               (SELECT list(DISTINCT tab) FROM seed_base b WHERE b.template = s.template_code),
               CASE WHEN i.state <> 'DRAFT' THEN i.updated_at - INTERVAL 1 DAY END,
               CASE WHEN i.state = 'APPROVED' THEN i.updated_at END,
               CASE WHEN i.state = 'CHANGES_REQUESTED' THEN (?)[(1 + s.roll % len(?))::BIGINT] END
        FROM seed_report s JOIN work_item i ON i.id = s.id JOIN unit u ON u.id = s.unit_id
    """,
        [people, people, REASONS, REASONS],
    )
    db.execute("""
        WITH keyed AS (
            SELECT *, cell_key(tab, row_key, col_key) AS k FROM seed_base
        )
        INSERT INTO report_cell (report_id, tab, row_key, col_key, num, txt, cell_key)
        SELECT s.id, b.tab, b.row_key, b.col_key,
               CASE WHEN b.scalable THEN b.num * s.factor ELSE b.num END, b.txt, b.k
        FROM seed_report s JOIN keyed b ON b.template = s.template_code
             AND b.variant = s.variant
    """)
    db.audit.write_rows("""
        SELECT at_time, NULL AS actor_user_id, actor_name, actor_unit AS actor_unit_id,
               'report' AS entity, id AS entity_id, action, from_state, to_state, reason,
               NULL AS detail FROM (
            SELECT i.created_at AS at_time, r.creator_name AS actor_name,
                   i.unit_id AS actor_unit, i.id, 'create' AS action, NULL AS from_state,
                   'DRAFT' AS to_state, NULL AS reason, 1 AS seq
            FROM work_item i JOIN report r ON r.id = i.id
            UNION ALL
            SELECT r.sent_at, r.creator_name, i.unit_id, i.id, 'send', 'DRAFT', 'PENDING', NULL,
                   2
            FROM work_item i JOIN report r ON r.id = i.id WHERE r.sent_at IS NOT NULL
            UNION ALL
            SELECT i.updated_at, 'Cán bộ ' || p.name, p.id, i.id,
                   CASE i.state WHEN 'APPROVED' THEN 'approve' ELSE 'reject' END, 'PENDING',
                   i.state, r.last_reason, 3
            FROM work_item i JOIN report r ON r.id = i.id JOIN unit u ON u.id = i.unit_id
            JOIN unit p ON p.id = u.parent_id
            WHERE i.state IN ('APPROVED', 'CHANGES_REQUESTED')
        ) WHERE id IN (SELECT id FROM seed_report) ORDER BY id, seq
    """)
    db.cur.unregister("seed_base")
    db.cur.unregister("seed_kinds")
    return db.scalar("SELECT count(*) FROM seed_report")
