"""Master-data API: plans, targets, regions and current observations (read-only).

Thin: each endpoint gets the actor (`actor_from_request`), calls one service, and returns its data.
List endpoints are paginated (`?page=N&page_size=M`, see `ecer.site.pagination.PAGE_SIZE`): the response is
`{"items": [...], "count": total}`.
"""

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from ecer.services import observations, plans, regions
from ecer.services.actor import actor_from_request
from ecer.site.pagination import Pages

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
@paginate(Pages)
def list_plans(request: HttpRequest) -> list[dict[str, Any]]:
    """The plans loaded in the database."""
    return plans.loaded_plans(actor=actor_from_request(request))


@router.get("/plans/{code}/targets", response=list[TargetOut], auth=None)  # public: docs/roles.md
@paginate(Pages)
def plan_targets(request: HttpRequest, code: str) -> list[dict[str, Any]]:
    """The targets of one loaded plan (404 when no plan with this code is loaded)."""
    return plans.plan_targets(code, actor=actor_from_request(request))


@router.get("/regions", response=list[RegionOut], auth=None)  # public: see docs/roles.md
@paginate(Pages)
def list_regions(request: HttpRequest) -> list[dict[str, Any]]:
    """Every region (GB/T 2260) in tree order, with its parent's code."""
    return regions.list_regions(actor=actor_from_request(request))


@router.get("/observations", response=list[ObservationOut])
@paginate(Pages)
def list_observations(request: HttpRequest, filters: Query[ObservationFilter]) -> Any:
    """Current values: the latest approved version of each (region, year, variable), within the
    user's region scope (asking for another region: 403). Ordered by region, variable, year."""
    return observations.current_values(actor=actor_from_request(request), regions=filters.region,
                                       variables=filters.variable, years=filters.year)
