"""SQL for the generic workflow items that reports, registrations and tasks hang off."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from core.model import WorkItem

if TYPE_CHECKING:
    from core.store.db import Db

_COLS = "id, kind, unit_id, title, state, is_open, version"


class ItemRepo:
    def __init__(self, db: Db) -> None:
        self.db = db

    def get(self, item_id: int) -> WorkItem | None:
        row = self.db.one(f"SELECT {_COLS} FROM work_item WHERE id = ?", [item_id])
        return WorkItem(**row) if row else None

    def insert(
        self,
        kind: str,
        unit_id: int,
        title: str,
        state: str,
        created_by: int | None,
        now: Any,
        dedupe_key: str | None = None,
    ) -> int:
        """A new item; ``dedupe_key`` is the kind's natural key, unique per kind and unit (the
        database refuses a second one, which `Db.atomic` retries so the caller's check sees
        the first)."""
        new_id = self.db.scalar("SELECT nextval('work_item_id_seq')")
        self.db.execute(
            "INSERT INTO work_item (id, kind, unit_id, title, state, created_by, created_at,"
            " updated_at, dedupe_key) VALUES (?,?,?,?,?,?,?,?,?)",
            [new_id, kind, unit_id, title, state, created_by, now, now, dedupe_key],
        )
        return new_id

    def set_state(
        self, item_id: int, state: str, is_open: bool, expected_version: int, now: Any
    ) -> bool:
        done = self.db.execute(
            "UPDATE work_item SET state = ?, is_open = ?, version = version + 1, updated_at = ? "
            "WHERE id = ? AND version = ?",
            [state, is_open, now, item_id, expected_version],
        )[0]
        return bool(done and done[0])

    def move_open(
        self, from_unit_ids: list[int], to_unit_id: int, now: Any, keep: Collection[int] = ()
    ) -> list[int]:
        """Move the open items of the units, except those in ``keep``; returns their ids."""
        moved = [
            r[0]
            for r in self.db.execute(
                "SELECT id FROM work_item WHERE is_open AND unit_id IN (SELECT unnest(?))"
                " AND NOT list_contains(?, id) ORDER BY id",
                [from_unit_ids, list(keep)],
            )
        ]
        self.move(moved, to_unit_id, now)
        return moved

    def move(self, item_ids: list[int], to_unit_id: int, now: Any) -> None:
        """Hand items to another unit: the owner is this one column, so nothing else moves."""
        if item_ids:
            self.db.execute(
                "UPDATE work_item SET unit_id = ?, version = version + 1, updated_at = ? "
                "WHERE id IN (SELECT unnest(?))",
                [to_unit_id, now, item_ids],
            )

    def in_scope(self, scope_path: str, kind: str) -> list[WorkItem]:
        rows = self.db.rows(
            f"SELECT {', '.join('i.' + c.strip() for c in _COLS.split(','))} "
            "FROM work_item i JOIN unit u ON u.id = i.unit_id "
            "WHERE starts_with(u.path, ?) AND i.kind = ? ORDER BY i.id",
            [scope_path, kind],
        )
        return [WorkItem(**r) for r in rows]

    def touch(self, item_id: int, expected_version: int, now: Any) -> bool:
        """Bump the version of an item whose content changed (optimistic locking)."""
        done = self.db.execute(
            "UPDATE work_item SET version = version + 1, updated_at = ? "
            "WHERE id = ? AND version = ?",
            [now, item_id, expected_version],
        )[0]
        return bool(done and done[0])
