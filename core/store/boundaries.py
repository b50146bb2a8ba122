"""SQL for map boundaries: the imported GeoJSON of each level and its confirmed matches.

The GeoJSON is kept as text: the app only hands it to plotly, so a spatial extension would add
a dependency and buy nothing. The header (`stamp`) is read without the text, so that callers
can tell whether their cached parse is still current without loading megabytes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from core.model import Unit
from core.store.units import _COLS

if TYPE_CHECKING:
    from core.store.db import Db


class BoundaryRepo:
    def __init__(self, db: Db) -> None:
        self.db = db

    def stamp(self, level_code: str) -> dict[str, Any] | None:
        """The stored set's header (file, name property, digest, when, by whom), no text."""
        return self.db.one(
            "SELECT level_code, file_name, name_property, sha256, feature_count, imported_at,"
            " imported_by FROM boundary_set WHERE level_code = ?",
            [level_code],
        )

    def stamps(self) -> dict[str, dict[str, Any]]:
        rows = self.db.rows(
            "SELECT level_code, file_name, name_property, sha256, feature_count, imported_at,"
            " imported_by FROM boundary_set ORDER BY level_code"
        )
        return {r["level_code"]: r for r in rows}

    def geojson(self, level_code: str) -> str | None:
        return self.db.scalar("SELECT geojson FROM boundary_set WHERE level_code = ?", [level_code])

    def matches(self, level_code: str) -> dict[str, int]:
        """Confirmed matches of a level: feature key -> unit id."""
        return dict(
            self.db.execute(
                "SELECT feature_key, unit_id FROM boundary_match WHERE level_code = ?",
                [level_code],
            )
        )

    def replace(
        self, fields: dict[str, Any], matches: dict[str, int], now: Any, user_id: int | None
    ) -> None:
        """Put a level's set and its matches in place of the previous ones (caller's tx)."""
        level = fields["level_code"]
        self.delete(level)
        self.db.execute(
            "INSERT INTO boundary_set (level_code, file_name, geojson, name_property, sha256,"
            " feature_count, imported_at, imported_by) VALUES (?,?,?,?,?,?,?,?)",
            [
                level,
                fields["file_name"],
                fields["geojson"],
                fields["name_property"],
                fields["sha256"],
                fields["feature_count"],
                now,
                user_id,
            ],
        )
        for key, unit_id in matches.items():
            self.db.execute(
                "INSERT INTO boundary_match (level_code, feature_key, unit_id) VALUES (?,?,?)",
                [level, key, unit_id],
            )

    def delete(self, level_code: str) -> None:
        self.db.execute("DELETE FROM boundary_match WHERE level_code = ?", [level_code])
        self.db.execute("DELETE FROM boundary_set WHERE level_code = ?", [level_code])

    def units_of_level(self, scope_path: str, level_code: str) -> list[Unit]:
        """Active units of one level inside a subtree: what a boundary set is matched against."""
        rows = self.db.rows(
            f"SELECT {_COLS} FROM unit WHERE starts_with(path, ?) AND level_code = ? AND active "
            "ORDER BY code",
            [scope_path, level_code],
        )
        return [Unit(**r) for r in rows]
