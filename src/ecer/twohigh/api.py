"""两高一低 API: the twins of the /two-high/ pages under the same service and permissions
(`ecer.services.two_high`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from ecer.services import two_high as svc
from ecer.services.actor import actor_from_request

router = Router(tags=["two-high"])


class BudgetOut(Schema):
    verdict: str
    year: int | None
    light: str | None
    budget_10k_tce: float | None
    actual_10k_tce: float | None
    room_10k_tce: float | None
    project_10k_tce: float
    text_zh: str
    text_en: str


class RowOut(Schema):
    code: str
    name: str
    region_code: str
    region_name: str
    city_code: str
    owner_name: str
    owner_credit_code: str
    industry_code: str
    industry_name: str
    sector: str
    product: str
    stage: str
    energy_review: str
    energy_review_ref: str
    eia: str
    eia_ref: str
    energy_tce_per_year: float
    emissions_t_per_year: dict[str, float]
    unit_energy: float | None
    unit_energy_unit: str
    baseline_level: float | None
    benchmark_level: float | None
    level: str
    two_high: bool
    two_high_one_low: bool
    classification: str
    assessment: str
    decision: str
    deadline: dt.date | None
    overdue: bool
    approvals_missing: bool
    budget: BudgetOut | None
    is_illustrative: bool


class SummaryOut(Schema):
    key: str
    name: str
    projects: int
    two_high: int
    two_high_one_low: int
    new: int
    energy_tce_per_year: float
    emissions_total_t: float
    needs_offset: int
    rectify: int
    stop: int


class RegisterOut(Schema):
    rows: list[RowOut]
    by_city: list[SummaryOut]
    by_industry: list[SummaryOut]
    budget_year: int | None
    criteria: list[dict[str, Any]]


class DecisionIn(Schema):
    decision: str
    deadline: dt.date | None = None
    note: str = ""


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "zh"


@router.get("/", response=RegisterOut)
def register(request: HttpRequest, city: str | None = None, industry: str | None = None, stage: str | None = None,
             only_two_high_one_low: bool = False, lang: str = "zh") -> Any:
    return svc.register(actor=actor_from_request(request), city=city, industry=industry, stage=stage,
                        only_two_high_one_low=only_two_high_one_low, lang=_lang(lang))


@router.get("/export.xlsx")
def export(request: HttpRequest, city: str | None = None, industry: str | None = None, stage: str | None = None,
           only_two_high_one_low: bool = False, lang: str = "zh") -> Any:
    data = svc.export_register(actor=actor_from_request(request), city=city, industry=industry, stage=stage,
                               only_two_high_one_low=only_two_high_one_low, lang=_lang(lang))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="two-high.xlsx"'
    return response


@router.post("/{code}/decision", response=RowOut)
def decide(request: HttpRequest, code: str, body: DecisionIn) -> Any:
    actor = actor_from_request(request)
    svc.decide(code, actor=actor, decision=body.decision, deadline=body.deadline, note=body.note)
    return next(r for r in svc.register(actor=actor).rows if r.code == code)
