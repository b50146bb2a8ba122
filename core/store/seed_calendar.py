"""Demo congress dates along the real 2025-2026 round, generated in SQL for any scale.

Each unit's date falls inside its level's window of the term (chi bộ in the first quarter of
2025, grassroots in the second, communes in July-August, provinces in September-October, the
national congress on 19 January 2026), so the order rule holds by construction. Then a few
units are made to break it the ways real ones do: about 3% of grassroots units have no date
yet, a few postponed theirs past their commune's (some into the coming weeks, after
restructuring), and a few are pilot congresses held with their parent's.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.store.db import Db

TERM = "NK_2025_2030"
NATIONAL_VENUE = "Trung tâm Hội nghị Quốc gia, Thành phố Hà Nội"
POSTPONED = "Lùi lịch Đại hội do sắp xếp, hợp nhất tổ chức cơ sở Đảng"


def seed_calendar(db: Db, now: datetime, spare_codes: list[str], people: list[str]) -> int:
    """Insert the demo congresses and one audit row each; returns how many were made."""
    db.execute(
        """
        CREATE OR REPLACE TEMP TABLE seed_congress AS
        SELECT u.id AS unit_id, u.parent_id, u.level_code, hash(u.id, 'lich') AS h,
               CASE WHEN u.level_code = 'TW' THEN w.start_date
                    ELSE w.start_date + (hash(u.id, 'ngay')
                         % (date_diff('day', w.start_date, w.end_date) + 1))::INTEGER
               END AS held_on,
               CASE hash(u.id, 'gio') % 3 WHEN 0 THEN TIME '07:30' WHEN 1 THEN TIME '08:00'
                    ELSE TIME '13:30' END AS start_time,
               CASE WHEN u.level_code = 'TW' THEN $national
                    ELSE 'Hội trường ' || coalesce(u.address, u.name) END AS venue,
               FALSE AS pilot, NULL::VARCHAR AS reason
        FROM unit u JOIN term_window w ON w.level_code = u.level_code AND w.term_code = $term
        WHERE u.active AND NOT list_contains($spare, u.code)
          AND NOT (u.level_code IN ('CO_SO', 'CHI_BO') AND hash(u.id, 'thieu') % 100 < 3)
        """,
        {"term": TERM, "spare": spare_codes, "national": NATIONAL_VENUE},
    )
    # Postponed past the parent's congress: half still ahead of today, half already held.
    db.execute(
        """
        UPDATE seed_congress s SET
            held_on = CASE WHEN s.h // 250 % 2 = 0 THEN $today + (5 + s.h % 60)::INTEGER
                           ELSE p.held_on + (1 + s.h % 20)::INTEGER END,
            reason = $postponed
        FROM seed_congress p
        WHERE p.unit_id = s.parent_id AND s.level_code = 'CO_SO' AND s.h % 250 = 7
        """,
        {"today": now.date(), "postponed": POSTPONED},
    )
    db.execute(
        """
        UPDATE seed_congress s SET held_on = p.held_on, pilot = TRUE
        FROM seed_congress p
        WHERE p.unit_id = s.parent_id AND s.level_code = 'CO_SO' AND s.h % 400 = 11
        """
    )
    db.execute(
        """
        CREATE OR REPLACE TEMP TABLE seed_congress_ids AS
        SELECT nextval('congress_id_seq') AS id, *,
               least(held_on::TIMESTAMP - to_days((20 + h % 40)::INTEGER), $now::TIMESTAMP)
                   + INTERVAL 9 HOUR AS chosen_at
        FROM seed_congress
        """,
        {"now": now},
    )
    db.execute(
        """
        INSERT INTO congress (id, term_code, unit_id, held_on, start_time, venue, pilot, reason,
                              version, updated_at, updated_by)
        SELECT id, $term, unit_id, held_on, start_time, venue, pilot, reason, 1, chosen_at, NULL
        FROM seed_congress_ids
        """,
        {"term": TERM},
    )
    db.audit.write_rows(
        """
        SELECT least(chosen_at, $now) AS at_time, NULL AS actor_user_id,
               $people[(1 + h % len($people))::BIGINT] AS actor_name, unit_id AS actor_unit_id,
               'congress' AS entity, id AS entity_id, 'choose' AS action, NULL AS from_state,
               NULL AS to_state, reason,
               json_object('from', NULL, 'to', strftime(held_on, '%Y-%m-%d'),
                           'time', left(start_time::VARCHAR, 5), 'venue', venue)::VARCHAR
                   AS detail
        FROM seed_congress_ids
        """,
        {"now": now, "people": people},
    )
    made = db.scalar("SELECT count(*) FROM seed_congress_ids")
    db.execute("DROP TABLE seed_congress")
    db.execute("DROP TABLE seed_congress_ids")
    return int(made)
