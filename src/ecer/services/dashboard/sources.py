"""The data versions behind the figures: an import batch (file, hash, who, when, rows) and one
observation's version history (append-only: every version with its status and batch)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ecer.services.actor import Actor, may_read_region, visible_region_codes
from ecer.services.errors import NotFound


@dataclass(frozen=True)
class ObservationLine:
    id: int
    region_code: str
    region_name: str
    variable: str
    year: int
    value: float
    unit: str
    version: int
    status: str
    is_illustrative: bool
    batch_id: int | None
    recorded_at: datetime
    source: str
    is_current: bool = False


@dataclass(frozen=True)
class BatchPage:
    id: int
    file_name: str
    sha256: str
    row_count: int
    new_versions: int
    unchanged: int
    is_illustrative: bool
    created_at: datetime
    user: str
    observations: list[ObservationLine]  # those the actor may read, first `limit`
    shown_of: int


def _line(obs: object, lang: str, current: bool = False) -> ObservationLine:
    o = obs  # a masterdata Observation with region and variable loaded
    region = o.region  # type: ignore[attr-defined]
    return ObservationLine(o.pk, region.code, region.name_en if lang == "en" else region.name_zh,  # type: ignore[attr-defined]
                           o.variable.code, o.year, o.value, o.unit, o.version, o.status,  # type: ignore[attr-defined]
                           o.is_illustrative, o.batch_id, o.recorded_at, o.source, current)  # type: ignore[attr-defined]


def batch_page(batch_id: int, *, actor: Actor, lang: str = "zh", limit: int = 200) -> BatchPage:
    from ecer.masterdata.models import ImportBatch

    batch = ImportBatch.objects.select_related("user").filter(pk=batch_id).first()
    if batch is None:
        raise NotFound(f"no import batch {batch_id}")
    rows = batch.observations.select_related("region", "variable").order_by("region__path", "variable__code", "year")
    visible = visible_region_codes(actor)
    if visible is not None:
        rows = rows.filter(region__code__in=sorted(visible))
    total = rows.count()
    if visible is not None and total == 0:  # nothing of the actor's regions: the batch is not theirs
        raise NotFound(f"no import batch {batch_id}")
    return BatchPage(batch.pk, batch.file_name, batch.sha256, batch.row_count, batch.new_versions, batch.unchanged,
                     batch.is_illustrative, batch.created_at, batch.user.get_username() if batch.user else "",
                     [_line(o, lang) for o in rows[:limit]], total)


def observation_history(observation_id: int, *, actor: Actor, lang: str = "zh") -> list[ObservationLine]:
    """Every version of the observation's (region, year, variable), oldest first; the current value
    (latest approved) is marked."""
    from ecer.masterdata.models import Observation
    from ecer.masterdata.models.observations import ObservationStatus

    obs = Observation.objects.select_related("region").filter(pk=observation_id).first()
    if obs is None or not may_read_region(actor, obs.region.code):  # another region's id: as if it did not exist
        raise NotFound(f"no observation {observation_id}")
    versions = list(Observation.objects.filter(region=obs.region, year=obs.year, variable=obs.variable)
                    .select_related("region", "variable").order_by("version"))
    approved = [v.pk for v in versions if v.status == ObservationStatus.APPROVED]
    current = approved[-1] if approved else None
    return [_line(v, lang, v.pk == current) for v in versions]
