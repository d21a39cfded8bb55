"""Master-data API: plans, targets, regions and current observations (read-only)."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from ecer.masterdata.models import Observation, Plan, Region, Target, current_observations

router = Router(tags=["masterdata"])


class PlanOut(Schema):
    code: str
    name_zh: str
    name_en: str
    document_number: str
    base_year: int
    target_year: int
    source_sha256: str


class TargetOut(Schema):
    code: str
    indicator: str
    region: str
    programme: str | None
    name_zh: str
    name_en: str
    unit: str
    base_year: int
    target_year: int
    kind: str
    comparator: str
    value: float
    incentive_value: float | None
    clause: str
    lead_departments: list[str]
    co_departments: list[str]
    annual: dict[int, float]


class RegionOut(Schema):
    code: str
    parent: str | None
    level: str
    name_zh: str
    name_en: str
    zone: str


class ObservationOut(Schema):
    region: str
    year: int
    variable: str
    value: float
    unit: str
    version: int
    status: str
    is_illustrative: bool
    source: str
    note: str


Year = Annotated[int, Field(ge=1000, le=9999)]  # out of range: 400 from validation, never a 500


class ObservationFilter(Schema):
    region: list[str] | None = None
    variable: list[str] | None = None
    year: list[Year] | None = None


@router.get("/plans", response=list[PlanOut], auth=None)  # public: see docs/roles.md
def list_plans(request: HttpRequest) -> list[Plan]:
    return list(Plan.objects.all())


def _target_out(t: Target) -> TargetOut:
    return TargetOut(
        code=t.code, indicator=t.indicator.code, region=t.region.code,
        programme=t.programme.code if t.programme else None, name_zh=t.name_zh, name_en=t.name_en,
        unit=t.unit, base_year=t.base_year, target_year=t.target_year, kind=t.kind,
        comparator=t.comparator, value=t.value, incentive_value=t.incentive_value, clause=t.clause,
        lead_departments=[d.code for d in t.lead_departments.all()],
        co_departments=[d.code for d in t.co_departments.all()],
        annual={a.year: a.value for a in t.annual.all()},
    )


@router.get("/plans/{code}/targets", response=list[TargetOut], auth=None)  # public: see docs/roles.md
def plan_targets(request: HttpRequest, code: str) -> list[TargetOut]:
    plan = get_object_or_404(Plan, code=code)
    targets = (plan.targets.select_related("indicator", "region", "programme")
               .prefetch_related("lead_departments", "co_departments", "annual"))
    return [_target_out(t) for t in targets]


@router.get("/regions", response=list[RegionOut], auth=None)  # public: see docs/roles.md
def list_regions(request: HttpRequest) -> list[RegionOut]:
    regions = list(Region.objects.order_by("path"))
    by_path = {r.path: r.code for r in regions}
    step = Region.steplen
    return [RegionOut(code=r.code, parent=by_path.get(r.path[:-step]), level=r.level, name_zh=r.name_zh,
                      name_en=r.name_en, zone=r.zone) for r in regions]


def _obs_out(o: Observation) -> ObservationOut:
    return ObservationOut(region=o.region.code, year=o.year, variable=o.variable.code, value=o.value,
                          unit=o.unit, version=o.version, status=o.status, is_illustrative=o.is_illustrative,
                          source=o.source, note=o.note)


@router.get("/observations", response=list[ObservationOut])
def list_observations(request: HttpRequest, filters: Query[ObservationFilter]) -> list[ObservationOut]:
    """Current values: the latest approved version of each (region, year, variable)."""
    from ecer.services.actor import PermissionDenied, actor_for_user, restrict_regions

    try:  # the actor's scope: a city reads its own region and the regions below it only
        regions = restrict_regions(actor_for_user(request.user), filters.region)
    except PermissionDenied as err:
        raise HttpError(403, str(err)) from err
    qs = current_observations(regions, filters.variable, filters.year)
    return [_obs_out(o) for o in qs.order_by("region__path", "variable__code", "year")]
