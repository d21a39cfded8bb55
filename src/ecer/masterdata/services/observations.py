"""Recording observations as append-only versions."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from ecer.masterdata.models import ImportBatch, Observation, ObservationStatus, Region, Variable


@dataclass(frozen=True)
class Recorded:
    observation: Observation
    created: bool  # False: the latest version already had this value and unit; nothing was written


def latest_version(region: Region, year: int, variable: Variable) -> Observation | None:
    """The newest version of (region, year, variable) whatever its status."""
    latest: Observation | None = (Observation.objects.filter(region=region, year=year, variable=variable)
                                  .order_by("-version").first())
    return latest


def record_observation(
    region: Region,
    year: int,
    variable: Variable,
    value: float,
    *,
    unit: str | None = None,
    source: str = "",
    note: str = "",
    status: str = str(ObservationStatus.SUBMITTED),
    is_illustrative: bool = False,
    user: AbstractBaseUser | None = None,
    batch: ImportBatch | None = None,
) -> Recorded:
    """Store `value` (in `unit`, default the variable's unit) as a new version when it differs.

    Identical value and unit as the latest version: nothing is written (re-imports are idempotent).
    Otherwise version n+1 is created with `supersedes` pointing at version n.
    """
    unit = unit or variable.unit
    with transaction.atomic():
        previous = latest_version(region, year, variable)
        if previous is not None and previous.value == float(value) and previous.unit == unit:
            return Recorded(previous, created=False)
        obs = Observation.objects.create(
            region=region, year=year, variable=variable, value=float(value), unit=unit,
            source=source, note=note, status=status, is_illustrative=is_illustrative,
            version=(previous.version + 1) if previous else 1, supersedes=previous,
            recorded_by=user if user is not None and user.is_authenticated else None, batch=batch,
        )
    return Recorded(obs, created=True)


def set_status(observation: Observation, status: str) -> Observation:
    """Review: approve or reject a submitted version (the value itself never changes)."""
    if status not in ObservationStatus.values:
        raise ValueError(f"unknown observation status {status!r}; expected one of {ObservationStatus.values}")
    observation.status = status
    observation.save(update_fields=["status"])
    return observation
