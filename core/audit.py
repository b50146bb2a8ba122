"""Writing and reading the audit trail from services.

Every service writes its audit rows through `record` (a signed-in actor, or None for the
system) or `record_as` (someone known only by account, such as a sign-in), never through the
store directly, so who is recorded is decided in one place.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl

from core.model import Actor, AuditEntry
from core.store import Db


def record(db: Db, actor: Actor | None, entry: AuditEntry, at: datetime) -> None:
    if actor is None:
        record_as(db, entry, at)
    else:
        record_as(db, entry, at, actor.user_id, actor.full_name, actor.unit_id)


def record_as(
    db: Db,
    entry: AuditEntry,
    at: datetime,
    user_id: int | None = None,
    name: str | None = None,
    unit_id: int | None = None,
) -> None:
    """A row for an account that is not (yet) a signed-in actor; all None for the system."""
    db.audit.write(entry, user_id, name, unit_id, at)


def history(db: Db, entity: str, entity_id: int) -> pl.DataFrame:
    return db.audit.history(entity, entity_id)
