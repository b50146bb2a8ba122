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
import re
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core import clock, functions, settings
from core.access import require
from core.audit import record
from core.errors import PermissionDenied, ValidationError
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


# -- names, parsing, matching (pure) -----------------------------------------------------------

MAX_BYTES = 30 * 1024 * 1024
FIELD = "Tệp GeoJSON"
GEOMETRIES = ("Polygon", "MultiPolygon")
# The feature's display name: the first of these every feature has (deepest GADM level first).
NAME_KEYS = ("name", "ten", "ten_don_vi", "NAME_3", "NAME_2", "NAME_1", "short_name", "NAME")
ALT_NAME_KEYS = ("short_name", "source_name", "ten", "name", "name_vi")
CODE_KEYS = ("unit_code", "ma_don_vi", "ma_dv", "code", "ma")
PROVINCE_KEYS = ("province", "ten_tinh", "tinh", "NAME_1")
AREA_FIELD = {"TINH": "province", "HUYEN": "district", "XA": "commune"}
_PREFIXES = ("dang bo", "dang uy", "thanh pho truc thuoc trung uong", "thanh pho", "tp", "tinh")
_KINDS = ("dac khu", "thi tran", "thi xa", "phuong", "quan", "huyen", "xa")
_NO_KINDS = ("TW", "TINH")
_ALIASES = {"hcm": "hochiminh", "tphcm": "hochiminh", "thuathienhue": "hue"}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.lower()).replace("đ", "d")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise(name: str, level_code: str | None = None) -> str:
    """A matching key: no case, accents, prefixes ("Đảng bộ", "Tỉnh", "TP."…), punctuation or
    spaces. Commune and district kinds ("Xã", "Phường", "Quận"…) are dropped too, except at the
    central and provincial levels where no name starts with them."""
    tokens = [str(int(t)) if t.isdigit() else t for t in re.findall(r"[a-z0-9]+", _fold(name))]
    prefixes = [p.split() for p in (_PREFIXES if level_code in _NO_KINDS else _PREFIXES + _KINDS)]
    stripping = True
    while stripping:
        stripping = False
        for words in prefixes:
            if tokens[: len(words)] == words and len(tokens) > len(words):
                tokens, stripping = tokens[len(words) :], True
                break
    key = "".join(tokens)
    return _ALIASES.get(key, key)


def _text(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return unicodedata.normalize("NFC", " ".join(value.split()))


def _refuse(message: str) -> ValidationError:
    return ValidationError(FIELD, message)


def parse_geojson(data: bytes | str, source: str, *, limit: int | None = MAX_BYTES) -> dict:
    """A validated FeatureCollection of named Polygon/MultiPolygon features in WGS84.

    Every fault is a `ValidationError` naming the problem and the feature, because the person
    uploading needs to know what to fix in their GIS tool, not a stack trace. Stored sets are
    re-read with no ``limit``: re-serialising may have grown a file that was accepted.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    if limit is not None and len(raw) > limit:
        raise _refuse(f"{source} lớn hơn {MAX_BYTES // (1024 * 1024)} MB")
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise _refuse(f"{source} không phải văn bản UTF-8") from None
    except json.JSONDecodeError as exc:
        raise _refuse(f"{source} không phải JSON hợp lệ (dòng {exc.lineno})") from None
    except RecursionError:
        raise _refuse(f"{source} lồng nhau quá sâu") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise _refuse(f"{source} không phải một FeatureCollection")
    features = doc.get("features")
    if not isinstance(features, list) or not features:
        raise _refuse(f"{source} không có vùng nào (features rỗng)")
    collection = {
        "type": "FeatureCollection",
        "features": [_feature(f, n) for n, f in enumerate(features, 1)],
    }
    name_property(collection)
    return collection


def _feature(feature: Any, n: int) -> dict:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise _refuse(f"phần tử thứ {n} không phải một Feature")
    geom = feature.get("geometry")
    if not isinstance(geom, dict) or not geom.get("coordinates"):
        raise _refuse(f"vùng thứ {n} không có hình (geometry)")
    if geom.get("type") not in GEOMETRIES:
        raise _refuse(f"vùng thứ {n} có hình {geom.get('type')}; chỉ nhận Polygon, MultiPolygon")
    polygons = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
    try:
        valid = all(poly and all(_ring_ok(r) for r in poly) for poly in polygons)
    except TypeError:
        valid = False
    if not valid:
        raise _refuse(f"vùng thứ {n} có toạ độ không hợp lệ (cần kinh độ, vĩ độ WGS84)")
    props = feature.get("properties") or {}
    if not isinstance(props, dict):
        raise _refuse(f"vùng thứ {n}: properties phải là một đối tượng")
    return {"type": "Feature", "geometry": geom, "properties": props}


def _ring_ok(ring: Any) -> bool:
    return isinstance(ring, list) and len(ring) >= 4 and all(_position_ok(p) for p in ring)


def _position_ok(p: Any) -> bool:
    return (
        isinstance(p, list)
        and len(p) >= 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in p[:2])
        and -180 <= p[0] <= 180
        and -90 <= p[1] <= 90
    )


def name_property(collection: dict) -> str:
    """The property naming every feature; refuses, naming the first feature without a name."""
    features = collection["features"]
    for key in NAME_KEYS:
        if all(_text(f["properties"].get(key)) for f in features):
            return key
    best = max(NAME_KEYS, key=lambda k: sum(1 for f in features if _text(f["properties"].get(k))))
    n = next(i for i, f in enumerate(features, 1) if not _text(f["properties"].get(best)))
    raise _refuse(f"vùng thứ {n} không có tên (thuộc tính {', '.join(NAME_KEYS[:3])}…)")


def feature_keys(features: list[dict], prop: str) -> list[str]:
    """Each feature's display name, made unique, which is also its key for stored matches."""
    seen: dict[str, int] = {}
    keys = []
    for f in features:
        name = _text(f["properties"].get(prop)) or "?"
        seen[name] = seen.get(name, 0) + 1
        keys.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return keys


@dataclass(frozen=True)
class Matching:
    by_feature: dict[str, int]
    unmatched_features: tuple[str, ...]
    unmatched_units: tuple[tuple[int, str], ...]


def match(
    features: list[dict],
    units: list[Unit],
    *,
    prop: str | None = None,
    confirmed: dict[str, int] | None = None,
) -> Matching:
    """Pair features with units one to one: confirmed matches, then codes, then name keys.

    A name that fits several free units is left unmatched rather than guessed, unless the
    feature's province settles it; a unit already taken is never given a second feature.
    """
    prop = prop or name_property({"features": features})
    keys = feature_keys(features, prop)
    known, ids = set(keys), {u.id for u in units}
    by_feature: dict[str, int] = {}
    taken: set[int] = set()
    for key, uid in (confirmed or {}).items():
        if key in known and uid in ids and uid not in taken:
            by_feature[key] = uid
            taken.add(uid)
    codes = {u.code: u.id for u in units}
    for f, key in zip(features, keys, strict=True):
        found = [codes[c] for c in _codes(f) if c in codes and codes[c] not in taken]
        if key not in by_feature and found:
            by_feature[key] = found[0]
            taken.add(found[0])
    _match_names(features, keys, units, prop, by_feature, taken)
    return Matching(
        by_feature=by_feature,
        unmatched_features=tuple(k for k in keys if k not in by_feature),
        unmatched_units=tuple(
            sorted(((u.id, u.name) for u in units if u.id not in taken), key=lambda p: p[1])
        ),
    )


def _codes(feature: dict) -> list[str]:
    props = feature["properties"]
    return [str(props[k]).strip() for k in CODE_KEYS if isinstance(props.get(k), str | int)]


def _match_names(
    features: list[dict],
    keys: list[str],
    units: list[Unit],
    prop: str,
    out: dict[str, int],
    taken: set[int],
) -> None:
    """Repeat until nothing changes: a unit taken in one pass may settle an ambiguity."""
    levels = {u.level_code for u in units}
    level = next(iter(levels)) if len(levels) == 1 else None
    by_id = {u.id: u for u in units}
    index: dict[str, set[int]] = {}
    for u in units:
        area = getattr(u, AREA_FIELD.get(u.level_code, "name"))
        for name in {u.name, area}:
            if name:
                index.setdefault(normalise(name, u.level_code), set()).add(u.id)
    progress = True
    while progress:
        progress = False
        for f, key in zip(features, keys, strict=True):
            if key in out:
                continue
            uid = _by_name(f["properties"], prop, index, by_id, taken, level)
            if uid is not None:
                out[key], progress = uid, True
                taken.add(uid)


def _by_name(
    props: dict,
    prop: str,
    index: dict[str, set[int]],
    by_id: dict[int, Unit],
    taken: set[int],
    level: str | None,
) -> int | None:
    names = {t for k in (prop, *ALT_NAME_KEYS) if (t := _text(props.get(k)))}
    found = {uid for n in names for uid in index.get(normalise(n, level), ())} - taken
    province = next((t for k in PROVINCE_KEYS if (t := _text(props.get(k)))), None)
    if len(found) > 1 and province and level not in _NO_KINDS:
        want = normalise(province, "TINH")
        found = {u for u in found if normalise(by_id[u].province or "", "TINH") == want}
    return next(iter(found)) if len(found) == 1 else None


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
    return (
        functions.UNIT_MANAGE in actor.functions
        and actor.is_admin
        and actor.unit_path.count("/") == 2
    )


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
