"""Boundaries are data: the GeoJSON drawn for each unit level, and which feature is which unit.

The default provincial boundaries are read at run time from `settings.GEO_DIR` (never copied
into the repository); an admin may import a GeoJSON for any level, which then replaces the
default. Features are matched to units by code when the file carries one, else by a name key
that survives the ways Vietnamese names are written ("TP Hà Nội", "Thành phố Hà Nội",
"Ha Noi"; "Khánh Hoà"/"Khánh Hòa").
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core import clock, functions, settings
from core.access import is_root_admin, require
from core.audit import record
from core.errors import PermissionDenied, ValidationError
from core.geojson import feature_keys, match, name_property, parse_geojson
from core.model import Actor, AuditEntry, Unit
from core.store import Db
from core.text import clean

DEFAULT_FILE = "vn_provinces_34.geojson"
DEFAULT_LEVEL = "TINH"
ATTRIBUTION = (
    "Ranh giới hành chính mặc định: TaliaCao/Vietnam-Shape-Map (MIT, © 2025 Talia Cao), "
    "từ dữ liệu Open Development Vietnam."
)
ENTITY = "boundary_set"
_CACHE_SIZE = 8
_cache: dict[tuple[Any, ...], tuple[dict, str]] = {}
_cache_lock = threading.Lock()
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Boundaries:
    """A level's shapes matched to the units a caller wants on the map."""

    level_code: str
    source: str
    geojson: dict
    by_unit: dict[int, str]
    unmatched_features: tuple[str, ...]
    unmatched_units: tuple[tuple[int, str], ...]
    imported: bool = False


@dataclass(frozen=True)
class ImportReport:
    level_code: str
    source: str
    feature_count: int
    matched: int
    unmatched_features: tuple[str, ...]
    unmatched_units: tuple[tuple[int, str], ...]
    boundaries: Boundaries


@dataclass(frozen=True)
class LevelStatus:
    """One row of the boundaries page: what is in force for a level, and how well it matches."""

    level_code: str
    level_name: str
    unit_count: int
    origin: str | None  # "imported", "default" or None
    source: str | None
    imported_at: Any
    boundaries: Boundaries | None


# -- reading ---------------------------------------------------------------------------------


def boundaries(db: Db, level_code: str, units: list[Unit]) -> Boundaries | None:
    """The boundaries in force for a level matched against ``units``; None when there are none.

    An imported set wins; for the provincial level the default file stands in. A missing or
    broken default file means "no map" (the caller shows bars instead), never a crash.
    """
    stamp = db.boundaries.stamp(level_code)
    if stamp is not None:
        parsed = _stored(db, level_code, stamp["sha256"])
        if parsed is None:
            return None
        confirmed = db.boundaries.matches(level_code)
        return _build(level_code, stamp["file_name"], *parsed, units, confirmed, imported=True)
    if level_code != DEFAULT_LEVEL:
        return None
    parsed = _default_file()
    if parsed is None:
        return None
    return _build(level_code, DEFAULT_FILE, *parsed, units, {})


def level_status(db: Db, actor: Actor) -> list[LevelStatus]:
    """Every level below the root: the set in force and its matching against the actor's
    subtree, so an admin sees at a glance which units will be missing from the map."""
    require(actor, functions.UNIT_MANAGE)
    stamps = db.boundaries.stamps()
    out = []
    for level in db.catalogs.levels():
        if level["rank"] == 0:
            continue
        code = level["code"]
        units = db.boundaries.units_of_level(actor.unit_path, code)
        found = boundaries(db, code, units)
        stamp = stamps.get(code)
        origin = "imported" if stamp else ("default" if found else None)
        out.append(
            LevelStatus(
                level_code=code,
                level_name=level["name"],
                unit_count=len(units),
                origin=origin,
                source=found.source if found else (stamp or {}).get("file_name"),
                imported_at=stamp["imported_at"] if stamp else None,
                boundaries=found,
            )
        )
    return out


def _build(
    level_code: str,
    source: str,
    collection: dict,
    prop: str,
    units: list[Unit],
    confirmed: dict[str, int],
    imported: bool = False,
) -> Boundaries:
    """Copy the features with `unit_id` and `ten` set (the cached parse stays untouched)."""
    features = collection["features"]
    keys = feature_keys(features, prop)
    found = match(features, units, prop=prop, confirmed=confirmed)
    shaped = [
        {
            "type": "Feature",
            "id": key,
            "geometry": f["geometry"],
            "properties": {**f["properties"], "unit_id": found.by_feature.get(key), "ten": key},
        }
        for f, key in zip(features, keys, strict=True)
    ]
    return Boundaries(
        level_code=level_code,
        source=source,
        geojson={"type": "FeatureCollection", "features": shaped},
        by_unit={uid: key for key, uid in found.by_feature.items()},
        unmatched_features=found.unmatched_features,
        unmatched_units=found.unmatched_units,
        imported=imported,
    )


def _remember(key: tuple[Any, ...], value: tuple[dict, str]) -> tuple[dict, str]:
    with _cache_lock:
        while len(_cache) >= _CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[key] = value
    return value


def _default_file() -> tuple[dict, str] | None:
    """The default provincial file, parsed once per (path, mtime) for the whole process."""
    path = Path(settings.GEO_DIR.value()) / DEFAULT_FILE
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return None
    key = ("file", str(path), mtime)
    if hit := _cache.get(key):
        return hit
    try:
        collection = parse_geojson(path.read_bytes(), DEFAULT_FILE)
    except (OSError, ValidationError) as exc:
        log.warning("Không đọc được ranh giới mặc định %s: %s", path, exc)
        return None
    return _remember(key, (collection, name_property(collection)))


def _stored(db: Db, level_code: str, digest: str) -> tuple[dict, str] | None:
    """An imported set, parsed once per content digest."""
    key = ("db", level_code, digest)
    if hit := _cache.get(key):
        return hit
    text = db.boundaries.geojson(level_code)
    try:
        collection = parse_geojson(text or "", f"cấp {level_code}", limit=None)
    except ValidationError as exc:
        log.warning("Ranh giới đã nhập cho cấp %s không hợp lệ: %s", level_code, exc)
        return None
    return _remember(key, (collection, name_property(collection)))


# -- importing -------------------------------------------------------------------------------


def can_import(actor: Actor) -> bool:
    """Boundaries are shared by the whole tree, so only the root unit's admins replace them."""
    return is_root_admin(actor, functions.UNIT_MANAGE)


def _require_importer(actor: Actor) -> None:
    require(actor, functions.UNIT_MANAGE)
    if not can_import(actor):
        raise PermissionDenied("Chỉ Admin của đơn vị Trung ương được nhập ranh giới bản đồ")


def _check_level(db: Db, level_code: str) -> str:
    rank = db.catalogs.level_rank(level_code or "")
    if rank is None:
        raise ValidationError("Cấp", "không có trong danh mục cấp đơn vị")
    if rank == 0:
        raise ValidationError("Cấp", "cấp Trung ương không có ranh giới để nhập")
    return level_code


def _prepare(
    db: Db, actor: Actor, level_code: str, data: bytes, filename: str
) -> tuple[ImportReport, dict, str]:
    _require_importer(actor)
    level = _check_level(db, level_code)
    name = clean(filename, "Tên tệp", required=True, max_len=255)
    if not name.lower().endswith((".geojson", ".json")):
        raise ValidationError("Tệp GeoJSON", "chỉ nhận tệp .geojson hoặc .json")
    collection = parse_geojson(data, name)
    prop = name_property(collection)
    units = db.boundaries.units_of_level(actor.unit_path, level)
    shown = _build(level, name, collection, prop, units, {}, imported=True)
    report = ImportReport(
        level_code=level,
        source=name,
        feature_count=len(collection["features"]),
        matched=len(shown.by_unit),
        unmatched_features=shown.unmatched_features,
        unmatched_units=shown.unmatched_units,
        boundaries=shown,
    )
    return report, collection, prop


def preview_import(
    db: Db, actor: Actor, level_code: str, data: bytes, filename: str
) -> ImportReport:
    """Every check and the matching of `import_boundaries`, saving nothing."""
    return _prepare(db, actor, level_code, data, filename)[0]


def import_boundaries(
    db: Db, actor: Actor, level_code: str, data: bytes, filename: str
) -> ImportReport:
    """Validate, store (replacing the level's previous set) and audit, in one transaction.

    The matches found now are stored as confirmed, so that a later rename of a unit does not
    silently take it off the map.
    """

    def tx(db: Db) -> ImportReport:
        report, collection, prop = _prepare(db, actor, level_code, data, filename)
        text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        fields = {
            "level_code": report.level_code,
            "file_name": report.source,
            "geojson": text,
            "name_property": prop,
            "sha256": digest,
            "feature_count": report.feature_count,
        }
        matches = {key: uid for uid, key in report.boundaries.by_unit.items()}
        now = clock.now()
        db.boundaries.replace(fields, matches, now, actor.user_id)
        detail = {
            "level_code": report.level_code,
            "file": report.source,
            "features": report.feature_count,
            "matched": report.matched,
            "unmatched_features": len(report.unmatched_features),
            "unmatched_units": len(report.unmatched_units),
            "sha256": digest,
        }
        record(db, actor, AuditEntry(ENTITY, None, "import", detail=detail), now)
        return report

    return db.atomic(tx)
