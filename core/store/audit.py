"""The audit trail: one row for every change, written inside the change's transaction.

`COLUMNS` is the shape of a row, defined here once: `write` (what `core.audit.record` uses)
and `write_rows` (the demo seeds, which write thousands of rows in one statement) both insert
exactly these columns, so a seeded row and a recorded one cannot drift apart.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import polars as pl

from core.model import AuditEntry

if TYPE_CHECKING:
    from core.store.db import Db


COLUMNS = (
    "at_time",
    "actor_user_id",
    "actor_name",
    "actor_unit_id",
    "entity",
    "entity_id",
    "action",
    "from_state",
    "to_state",
    "reason",
    "detail",
)
_NAMES = ", ".join(COLUMNS)


class AuditRepo:
    def __init__(self, db: Db) -> None:
        self.db = db

    def write(
        self,
        entry: AuditEntry,
        actor_user_id: int | None,
        actor_name: str | None,
        actor_unit_id: int | None,
        at: Any,
    ) -> None:
        self.db.execute(
            f"INSERT INTO audit_log ({_NAMES}) VALUES ({', '.join('?' * len(COLUMNS))})",
            [
                at,
                actor_user_id,
                actor_name,
                actor_unit_id,
                entry.entity,
                entry.entity_id,
                entry.action,
                entry.from_state,
                entry.to_state,
                entry.reason,
                json.dumps(entry.detail, ensure_ascii=False, default=str) if entry.detail else None,
            ],
        )

    def write_rows(self, select_sql: str, params: Any = None) -> None:
        """Many rows at once: ``select_sql`` must name every column of `COLUMNS` (NULL where
        there is nothing to say; ``detail`` as JSON text), or the statement fails."""
        self.db.execute(
            f"INSERT INTO audit_log ({_NAMES}) SELECT {_NAMES} FROM ({select_sql})", params
        )

    def history(self, entity: str, entity_id: int) -> pl.DataFrame:
        return self.db.frame(
            "SELECT at_time, actor_name, action, from_state, to_state, reason, detail "
            "FROM audit_log WHERE entity = ? AND entity_id = ? ORDER BY id",
            [entity, entity_id],
        )

    def count(self, entity: str | None = None) -> int:
        if entity is None:
            return self.db.scalar("SELECT count(*) FROM audit_log")
        return self.db.scalar("SELECT count(*) FROM audit_log WHERE entity = ?", [entity])
