"""SQL for the catalogs: unit levels, unit types, provinces."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.store.db import Db


class CatalogRepo:
    def __init__(self, db: Db) -> None:
        self.db = db

    def levels(self) -> list[dict[str, Any]]:
        return self.db.rows("SELECT code, name, rank FROM unit_level WHERE active ORDER BY rank")

    def types(self) -> list[dict[str, Any]]:
        return self.db.rows("SELECT code, name FROM unit_type WHERE active ORDER BY name")

    def provinces(self) -> list[dict[str, Any]]:
        return self.db.rows("SELECT code, name, short_name FROM province ORDER BY short_name")

    def level_rank(self, code: str) -> int | None:
        return self.db.scalar("SELECT rank FROM unit_level WHERE code = ? AND active", [code])

    def has_type(self, code: str) -> bool:
        return bool(
            self.db.scalar("SELECT count(*) FROM unit_type WHERE code = ? AND active", [code])
        )

    def has_province(self, name: str) -> bool:
        return bool(self.db.scalar("SELECT count(*) FROM province WHERE name = ?", [name]))
