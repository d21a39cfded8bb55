"""`/api/assessment/`: the assessment periods and one period's results, from the same service as the
pages (`ecer.services.dashboard.assessment`, scope applied there). Thin: actor, service call, data."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from ecer.services.actor import actor_from_request
from ecer.services.dashboard import assessment as service

router = Router(tags=["assessment"])


class PeriodOut(Schema):
    text: str
    kind: str
    year: int
    name: str
    available: bool
    reason: str


class ItemOut(Schema):
    code: str
    name: str
    points: float
    max_points: float
    reviewers: int
    rows: str


class CityOut(Schema):
    rank: int | None
    code: str
    name: str
    achieved_pct: float
    required_pct: float
    requirement: str
    completion_pct: float | None
    step: str
    base_points: float
    bonus: float
    measures_points: float | None
    score: float | None
    total: float | None
    grade_code: str
    grade_name: str
    veto: bool
    explanation: str
    items: list[ItemOut]
    why: str  # the computation of K, P and completion (the intensity row's why page)


class MeasuresOut(Schema):
    file: str  # "" when only recorded task scores were used
    sha256: str
    illustrative: bool
    bundled_demo: bool
    recorded_items: int  # (city, item) pairs from the province reviewer's recorded task scores
    recorded_regions: int
    incomplete: str  # cities whose recorded scores cover part of the items only


class AssessmentOut(Schema):
    plan_code: str
    period: PeriodOut
    rubric: str
    measures: MeasuresOut | None
    cities: list[CityOut]
    grade_counts: dict[str, int]
    vetoed: int
    illustrative_data: bool
    data_version: str


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "zh"


@router.get("/periods", response=list[PeriodOut])
def list_periods(request: HttpRequest, lang: str = "zh") -> list[Any]:
    """Every period of the default plan, marked available when its data year has approved data."""
    return [dataclasses.asdict(p) for p in service.periods(actor=actor_from_request(request), lang=_lang(lang))]


@router.get("/{period}", response=AssessmentOut)
def period_results(request: HttpRequest, period: str, lang: str = "zh") -> dict[str, Any]:
    """The assessment of `period` (annual:YEAR | midterm | final) for the cities the caller may see,
    ranked in the province: target part, measures part by item, veto, grade."""
    page = service.assessment_page(period, actor=actor_from_request(request), lang=_lang(lang))
    cities = []
    for c in page.cities:
        row = dataclasses.asdict(c)
        row["why"] = f"/why/{c.code}/{service.INTENSITY_TARGET}/{page.period.year}/"
        cities.append(row)
    return {"plan_code": page.plan_code, "period": dataclasses.asdict(page.period), "rubric": page.rubric.code,
            "measures": dataclasses.asdict(page.measures) if page.measures else None, "cities": cities,
            "grade_counts": {code: n for code, _, n in page.grade_counts}, "vetoed": page.vetoed,
            "illustrative_data": page.illustrative_data, "data_version": page.data_version}
