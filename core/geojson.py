"""GeoJSON without the store: name keys, parsing a FeatureCollection, matching features to units.

Everything here is pure — it takes bytes, dicts and `Unit` records and returns values, never
touching the store — so it can be tested and reused without a database. `core.geo` builds the
service on top of it: which set is in force for a level, the parse caches, preview and import.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from core.errors import ValidationError
from core.formats import number
from core.model import Unit

# -- names, parsing, matching (pure) -----------------------------------------------------------

MAX_BYTES = 30 * 1024 * 1024
# Twice the 10,599 communes Vietnam had before the 2025 merger, the largest level ever drawn;
# past that a map is unreadable and every dashboard view would ship the whole file.
MAX_FEATURES = 20_000
# A MultiPolygon collection nests 8 deep (collection, features, feature, geometry, polygons,
# rings, positions, position); 16 leaves room for nested properties. Deeper documents are
# refused before parsing: Python's json and everything that later walks the dict recurse.
MAX_DEPTH = 16
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
    if nesting_exceeds(raw, MAX_DEPTH):
        raise _refuse(f"{source} lồng nhau quá sâu (tối đa {MAX_DEPTH} cấp)")
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
    if len(features) > MAX_FEATURES:
        raise _refuse(f"{source} có {number(len(features))} vùng; tối đa {number(MAX_FEATURES)}")
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
        raise _refuse(
            f"vùng thứ {n} có hình {_shown(geom.get('type'))}; chỉ nhận Polygon, MultiPolygon"
        )
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
    if not _encodable(props):
        raise _refuse(f"vùng thứ {n}: thuộc tính chứa ký tự không hợp lệ (không phải Unicode)")
    return {"type": "Feature", "geometry": geom, "properties": props}


_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_INNERMOST = re.compile(rb"\[\]|\{\}")


def nesting_exceeds(raw: bytes, limit: int) -> bool:
    """Whether the JSON text nests arrays and objects more than ``limit`` deep, without parsing.

    Strings are cut out (their brackets do not count), then only brackets are kept, and each
    pass removes the innermost pairs, one level: after ``limit`` passes a document within the
    bound has no pair left (unmatched brackets may remain; the parser reports those). Every
    step runs in C, so a 30 MB file costs a fraction of a second.
    """
    brackets = _STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    for _ in range(limit):
        if not brackets:
            return False
        brackets = _INNERMOST.sub(b"", brackets)
    return _INNERMOST.search(brackets) is not None


def _encodable(props: dict) -> bool:
    """JSON's ``\\ud800`` escapes decode to lone surrogates, which no UTF-8 text can hold."""
    try:
        json.dumps(props, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _shown(value: Any) -> str:
    """A file's value quoted in a message only when it is short plain ASCII (a geometry type);
    anything else could carry what no message should show or no page could send."""
    ok = isinstance(value, str) and value.isascii() and value.isprintable() and len(value) <= 30
    return value if ok else "không hợp lệ"


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


def for_drawing(
    collection: dict, unit_ids: list[int], labels: dict[int, str] | None = None
) -> dict:
    """What the browser gets for one map: the features of the areas drawn, nothing else.

    A stored file may hold thousands of features and any properties its GIS tool wrote; the
    map needs only each drawn area's shape, its unit id (the key the figures join on, also the
    feature id) and, for a tooltip, its label. The label goes out as given: escaping it for
    the renderer is the caller's job.
    """
    wanted = set(unit_ids)
    features = []
    for f in collection["features"]:
        uid = f["properties"].get("unit_id")
        if uid in wanted:
            props = {"unit_id": uid} | ({"nhan": labels.get(uid, "")} if labels else {})
            features.append(
                {"type": "Feature", "id": uid, "geometry": f["geometry"], "properties": props}
            )
    return {"type": "FeatureCollection", "features": features}
