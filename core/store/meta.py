"""Key/value facts about the database itself (its mode, when it was seeded)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.store.db import Db


class MetaRepo:
    def __init__(self, db: Db) -> None:
        self.db = db

    def get(self, key: str) -> str | None:
        return self.db.scalar("SELECT value FROM app_meta WHERE key = ?", [key])

    def set(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO app_meta VALUES (?, ?)", [key, value])
