"""Writing and reading the audit trail from services."""

from __future__ import annotations

from datetime import datetime

import polars as pl

from core.model import Actor, AuditEntry
from core.store import Db


def record(db: Db, actor: Actor | None, entry: AuditEntry, at: datetime) -> None:
    db.audit.write(
        entry,
        actor.user_id if actor else None,
        actor.full_name if actor else None,
        actor.unit_id if actor else None,
        at,
    )


def history(db: Db, entity: str, entity_id: int) -> pl.DataFrame:
    return db.audit.history(entity, entity_id)
