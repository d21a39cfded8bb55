"""Use case: an enterprise uploads its metering points' readings (`POST /api/energy/uploads`, issue 11
item 3). docs/energy-monitoring.md ("Upload") gives the payload, the answers and the rules.

- **Scope.** Only for the uploader's own enterprise: an upload token (`energy_tokens`) or an enterprise
  reporter's API token stands for one enterprise; another enterprise's credit code is refused (403).
- **All-or-nothing.** Every reading is checked (credit code, metering point, kind, unit against the
  energy type, then `ecer.core.meters` per point: future timestamps, cumulative values going back
  without a declared reset, the grid, duplicates); any problem rejects the whole upload with every
  problem named (field, value, expected) and nothing is stored.
- **Idempotent.** An upload id names one content: the same id with the same content gets the earlier
  answer (nothing stored twice); the same id with other content is refused (409). A reading already
  stored (same point and timestamp) is accepted again only with the same value.
- Accepted readings and their interval consumption are stored (`MeterReading`, `IntervalEnergy`), and
  their per-date totals added to the points' daily roll-up (`EnergyDay`) in the same transaction; the
  daily and monthly energy are computed from that roll-up by `ecer.core.energy_rollup` (`energy_monitoring`).

No audit-log entry per upload: uploads are measurement data, like the HJ 212 packets; the upload record
itself (`EnergyUpload`: id, digest, when, by whom, the answer) is the trace.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from ecer.core import credit_code as credit_codes
from ecer.core.energy_rollup import day_totals, local_date
from ecer.core.energy_units import unit_problem
from ecer.core.meters import MeterConsumption, MeterDeclaration, Reading, ReadingKind, ReadingsRejected
from ecer.core.meters import MeterReset as CoreReset
from ecer.services.actor import Actor, PermissionDenied, Role, require_role
from ecer.services.errors import ServiceError

#: Most readings one upload may carry (a day of 15-minute data for 500 points is 48,000).
MAX_READINGS = 50_000
MAX_UPLOAD_ID = 100


@dataclass(frozen=True)
class UploadProblem:
    """Why an upload was rejected: the field (e.g. `readings[3].value`), the value found, what was expected."""

    field: str
    value: str
    expected: str

    def __str__(self) -> str:
        return f"field '{self.field}' = {self.value}: expected {self.expected}"


class UploadRejected(ServiceError):  # noqa: N818 - the domain word
    """The upload was rejected whole (400): every problem found; nothing was stored."""

    def __init__(self, problems: list[UploadProblem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s); nothing of the upload was stored")


class UploadConflict(ServiceError):  # noqa: N818
    """The upload id was used for other content, or a concurrent upload stored the same readings (409)."""


@dataclass(frozen=True)
class UploadReading:
    point: str
    at: dt.datetime
    value: float
    kind: str
    energy_type: str | None = None  # optional: when sent, must be the point's declared one
    unit: str | None = None


@dataclass(frozen=True)
class UploadRequest:
    enterprise: str  # unified social credit code
    upload_id: str
    readings: list[UploadReading]


def declaration(point: Any) -> MeterDeclaration:
    """The core's view of a stored metering point, with its declared resets."""
    return MeterDeclaration(
        point=point.code, energy_type=point.energy_type, unit=point.unit,
        interval=dt.timedelta(minutes=point.interval_minutes), rollover_value=point.rollover_value,
        resets=tuple(CoreReset(r.at, r.start_value, r.final_value) for r in point.resets.all()),
        enthalpy_gj_per_t=point.enthalpy_gj_per_t)


def content_digest(request: UploadRequest) -> str:
    """SHA-256 of the upload's content, independent of the order of its readings."""
    rows = sorted([r.point, r.at.isoformat(), repr(float(r.value)), r.kind, r.energy_type or "", r.unit or ""]
                  for r in request.readings)
    return hashlib.sha256(json.dumps([request.enterprise.strip(), rows], ensure_ascii=False).encode()).hexdigest()


def _enterprise_for(code: str, actor: Actor) -> Any:
    """The uploader's enterprise: a valid credit code, the actor's own enterprise, on the register."""
    from ecer.energy.models import KeyEnergyUnit

    require_role(actor, Role.ENTERPRISE_REPORTER)
    found = credit_codes.problem(code)
    if found is not None:
        raise UploadRejected([UploadProblem("enterprise", repr(code), "a valid unified social credit code "
                                            f"(GB 32100-2015): {found.reason}")])
    unit = KeyEnergyUnit.objects.select_related("enterprise").filter(enterprise__credit_code=code).first()
    if actor.role != Role.SYSTEM and (unit is None or unit.enterprise_id != actor.enterprise_id):
        # the same answer whether or not the code is registered: codes cannot be probed
        raise PermissionDenied(f"{actor.username} uploads for its own enterprise only, not {code}")
    if unit is None:
        raise UploadRejected([UploadProblem("enterprise", repr(code), "a key energy-using unit on the register")])
    return unit


def _check_reading(i: int, r: UploadReading, points: dict[str, Any], enterprise: str,
                   problems: list[UploadProblem]) -> bool:
    """The checks that need the register, not the meter's history. True when the reading may go on."""
    from ecer.catalogs.energy_units import load_unit_fits

    where = f"readings[{i}]"
    point = points.get(r.point)
    if point is None or not point.active:
        known = ", ".join(sorted(c for c, p in points.items() if p.active)) or "none declared"
        problems.append(UploadProblem(f"{where}.point", repr(r.point),
                                      f"an active metering point of {enterprise}: {known}"))
        return False
    ok = True
    if r.kind != point.kind:
        problems.append(UploadProblem(f"{where}.kind", repr(r.kind), f"{point.kind!r}, as point {r.point} is declared"))
        ok = False
    energy_type, unit = r.energy_type or point.energy_type, r.unit or point.unit
    fit = unit_problem(energy_type, unit, load_unit_fits())
    if fit is not None:
        problems.append(UploadProblem(f"{where}.{fit.field}", fit.value, fit.expected))
        ok = False
    elif (energy_type, unit) != (point.energy_type, point.unit):
        problems.append(UploadProblem(f"{where}.unit" if energy_type == point.energy_type else f"{where}.energy_type",
                                      repr(unit if energy_type == point.energy_type else energy_type),
                                      f"{point.energy_type} in {point.unit}, as point {r.point} is declared "
                                      "(a point's readings are not converted)"))
        ok = False
    for p in point.declaration_problems():
        problems.append(UploadProblem(f"metering point {r.point}.{p.field}", p.value, p.expected))
        ok = False
    if r.at.tzinfo is None:
        problems.append(UploadProblem(f"{where}.timestamp", repr(r.at.isoformat()),
                                      "a timestamp with its UTC offset (meters in China use +08:00)"))
        ok = False
    return ok


@dataclass
class _PointBatch:
    point: Any
    new: list[tuple[int, UploadReading]]
    already: int = 0
    consumption: MeterConsumption | None = None


def _convert(batch: _PointBatch, now: dt.datetime, problems: list[UploadProblem]) -> None:
    """Readings already stored must repeat their value; the rest go through ecer.core.meters from the
    last stored reading."""
    from ecer.energy.models import MeterReading

    point = batch.point
    stored = {m.at: m for m in MeterReading.objects.filter(point=point, at__in=[r.at for _, r in batch.new])
              .select_related("upload")}
    fresh: list[tuple[int, UploadReading]] = []
    for i, r in batch.new:
        before = stored.get(r.at)
        if before is None:
            fresh.append((i, r))
        elif before.value != r.value:
            problems.append(UploadProblem(f"readings[{i}].value", repr(r.value), f"{before.value!r}, the value stored "
                                          f"for point {point.code} at {r.at.isoformat()} by upload "
                                          f"{before.upload.upload_id!r} (a stored reading is never changed)"))
        else:
            batch.already += 1
    batch.new = fresh
    if not fresh:
        return
    last = MeterReading.objects.filter(point=point).order_by("-at").first()
    kind = ReadingKind(point.kind)
    previous = Reading(last.at, last.value, kind) if last is not None else None
    from ecer.core.meters import interval_consumption

    try:
        batch.consumption = interval_consumption(declaration(point), [Reading(r.at, r.value, kind) for _, r in fresh],
                                                 now=now, previous=previous)
    except ReadingsRejected as rejected:
        for p in rejected.problems:
            name = {"at": "timestamp"}.get(p.field, p.field)
            where = f"readings[{fresh[p.index][0]}].{name}" if p.index is not None else f"metering point {point.code}.{name}"
            problems.append(UploadProblem(where, p.value, p.expected))


def upload(request: UploadRequest, *, actor: Actor, now: dt.datetime | None = None) -> dict[str, Any]:
    """Check and store one upload, all-or-nothing. Raises UploadRejected (every problem), UploadConflict
    (upload id reused for other content) or PermissionDenied (not the uploader's enterprise)."""
    from django.utils import timezone

    from ecer.energy.models import EnergyUpload, MeteringPoint

    now = now or timezone.now()
    code = request.enterprise.strip()
    unit = _enterprise_for(code, actor)
    upload_id = request.upload_id.strip()
    problems: list[UploadProblem] = []
    if not upload_id or len(upload_id) > MAX_UPLOAD_ID:
        problems.append(UploadProblem("upload_id", repr(request.upload_id), f"1 to {MAX_UPLOAD_ID} characters"))
    if not request.readings or len(request.readings) > MAX_READINGS:
        problems.append(UploadProblem("readings", f"{len(request.readings)} reading(s)",
                                      f"1 to {MAX_READINGS:,} readings per upload"))
    if problems:
        raise UploadRejected(problems)
    digest = content_digest(request)
    earlier = EnergyUpload.objects.filter(enterprise=unit.enterprise, upload_id=upload_id).first()
    if earlier is not None:
        if earlier.digest == digest:
            return {**earlier.result, "replayed": True}
        raise UploadConflict(f"upload id {upload_id!r} was accepted at {earlier.received_at.isoformat()} with other "
                             "content; an upload id names one content (send changed readings under a new id, and "
                             "a stored reading cannot be changed)")
    points = {p.code: p for p in MeteringPoint.objects.filter(energy_unit=unit).prefetch_related("resets")}
    batches: dict[str, _PointBatch] = {}
    for i, r in enumerate(request.readings):
        if _check_reading(i, r, points, code, problems):
            batches.setdefault(r.point, _PointBatch(points[r.point], [])).new.append((i, r))
    for batch in batches.values():
        _convert(batch, now, problems)
    if problems:
        raise UploadRejected(problems)
    result = _result(code, upload_id, now, batches)
    _store(unit.enterprise, upload_id, digest, now, actor, result, batches)
    return result


def _store(enterprise: Any, upload_id: str, digest: str, now: dt.datetime, actor: Actor, result: dict[str, Any],
           batches: dict[str, _PointBatch]) -> None:
    """The upload, its new readings and their intervals, in one transaction."""
    from django.db import IntegrityError, transaction

    from ecer.energy.models import EnergyUpload, IntervalEnergy, MeterReading

    try:
        with transaction.atomic():
            record = EnergyUpload.objects.create(enterprise=enterprise, upload_id=upload_id, digest=digest,
                                                 received_at=now, uploaded_by=actor.username, result=result)
            readings, intervals = [], []
            for batch in batches.values():
                if batch.consumption is None:
                    continue
                closing = set(batch.consumption.read_at)
                readings += [MeterReading(point=batch.point, at=r.at, value=r.value, closes_interval=r.at in closing,
                                          upload=record) for _, r in batch.new]
                intervals += [IntervalEnergy(point=batch.point, start=c.start, end=c.end, local_date=local_date(c),
                                             value=c.value, source=c.source.value, upload=record)
                              for c in batch.consumption.intervals]
            MeterReading.objects.bulk_create(readings, batch_size=2000)
            IntervalEnergy.objects.bulk_create(intervals, batch_size=2000)
            _add_days(batches)
    except IntegrityError as err:
        raise UploadConflict("a concurrent upload stored readings of the same points (or the same upload id) "
                             "meanwhile; nothing of this one was stored: send it again") from err


def _add_days(batches: dict[str, _PointBatch]) -> None:
    """Add the batch's per-date totals to the points' daily roll-up (`EnergyDay`), in the upload's
    transaction: the stored rows of those dates are locked (select_for_update) and added to, missing ones
    created (a concurrent first upload of the same date makes one of the two an UploadConflict)."""
    from ecer.energy.models import EnergyDay

    totals = {(batch.point.pk, day): total for batch in batches.values() if batch.consumption is not None
              for day, total in day_totals(batch.consumption, [r.at for _, r in batch.new]).items()}
    if not totals:
        return
    stored = {(d.point_id, d.local_date): d for d in EnergyDay.objects.select_for_update().filter(
        point_id__in={p for p, _ in totals}, local_date__in={d for _, d in totals})}
    changed, new = [], []
    for (point_id, day), t in sorted(totals.items()):
        row = stored.get((point_id, day))
        if row is None:
            new.append(EnergyDay(point_id=point_id, local_date=day, quantity=t.quantity, intervals=t.intervals,
                                 spread=t.spread, received=t.received, readings=t.readings))
            continue
        row.quantity += t.quantity
        row.intervals += t.intervals
        row.spread += t.spread
        row.received += t.received
        row.readings += t.readings
        changed.append(row)
    EnergyDay.objects.bulk_update(changed, ["quantity", "intervals", "spread", "received", "readings"],
                                  batch_size=1000)
    EnergyDay.objects.bulk_create(new, batch_size=1000)


def _result(code: str, upload_id: str, now: dt.datetime, batches: dict[str, _PointBatch]) -> dict[str, Any]:
    points = []
    for code_, batch in sorted(batches.items()):
        c = batch.consumption
        points.append({
            "point": code_, "energy_type": batch.point.energy_type, "unit": batch.point.unit,
            "readings": len(batch.new), "already_stored": batch.already,
            "intervals": len(c.intervals) if c else 0, "consumption": c.total if c else 0.0,
            "gaps": [{"after": g.after.isoformat(), "before": g.before.isoformat(), "missing": g.missing,
                      "rule": g.rule.value if g.rule else None} for g in (c.gaps if c else ())],
            "rollovers": [t.isoformat() for t in (c.rollovers if c else ())],
            "resets": [r.at.isoformat() for r in (c.resets if c else ())]})
    totals = {key: sum(p[key] for p in points) for key in ("readings", "already_stored", "intervals")}
    return {"upload_id": upload_id, "enterprise": code, "received_at": now.isoformat(), **totals,
            "points": points, "replayed": False}
