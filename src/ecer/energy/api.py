"""Register API: the units the caller may see, one unit with its history, import (all-or-nothing).
Thin: the actor, one call of `ecer.services.energy_register` (which applies the scope)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from ecer.services import energy_budgets as budgets
from ecer.services import energy_monitoring as monitoring
from ecer.services import energy_reconciliation as reconciliation
from ecer.services import energy_register as register
from ecer.services import energy_reports as reports
from ecer.services import energy_uploads as uploads
from ecer.services.actor import actor_from_request
from ecer.site.api_auth import UPLOAD_AUTH
from ecer.site.pagination import Pages

router = Router(tags=["energy"])


class UnitOut(Schema):
    credit_code: str
    name: str
    region_code: str
    region_name: str
    industry_code: str
    industry_name: str
    level: str
    annual_energy_tce: float | None
    files_annual_report: bool
    online_monitoring: bool
    energy_budget: bool
    listed_since: int | None
    contact_name: str
    contact_phone: str
    contact_email: str


class ChangeOut(Schema):
    field: str
    old: str
    new: str
    at: datetime
    by: str
    source: str


class UnitDetailOut(Schema):
    unit: UnitOut
    history: list[ChangeOut]
    monitoring_points: int


class ImportOut(Schema):
    file: str
    created: list[str]
    updated: list[str]
    unchanged: list[str]
    changes: list[dict[str, str]]


@router.get("/units", response=list[UnitOut])
@paginate(Pages)
def units(request: HttpRequest, region: str | None = None, industry: str | None = None,
          level: str | None = None, lang: str = "zh") -> Any:
    return register.list_units(actor=actor_from_request(request), region=region, industry=industry, level=level,
                               lang="en" if lang == "en" else "zh")


# before /units/{credit_code}, which would otherwise take "import" for a code
@router.post("/units/import", response=ImportOut)
def import_units(request: HttpRequest, file: File[UploadedFile]) -> Any:
    actor = actor_from_request(request)
    register.require_maintainer(actor)  # before the file is read
    name = file.name or "upload.xlsx"
    return register.import_register(register.read_upload(name, file.size or 0, file.read), name, actor=actor)


@router.get("/units/{credit_code}", response=UnitDetailOut)
def unit(request: HttpRequest, credit_code: str, lang: str = "zh") -> Any:
    return register.unit_detail(credit_code, actor=actor_from_request(request), lang="en" if lang == "en" else "zh")


# --- online energy monitoring: a unit's monthly energy (the page's twin) ---------------------------


class FigureOut(Schema):
    energy_type: str
    energy_name: str
    quantity: float
    unit: str
    calorific_tce: float
    coal_equivalent_tce: float | None
    calorific_factor: str
    coal_equivalent_factor: str | None


class MonthOut(Schema):
    month: str
    calorific_tce: float
    coal_equivalent_tce: float | None
    figures: list[FigureOut]
    received: int
    expected: int
    completeness: float
    completeness_threshold: float
    completeness_passed: bool
    daily_sum_tce: float
    daily_monthly_deviation: float | None
    daily_monthly_threshold: float
    daily_monthly_passed: bool


class PointOut(Schema):
    code: str
    name: str
    energy_type: str
    energy_name: str
    unit: str
    kind: str
    interval_minutes: int
    readings: int
    last_reading_at: datetime | None


class UnitEnergyOut(Schema):
    credit_code: str
    name: str
    year: int
    year_calorific_tce: float
    year_coal_equivalent_tce: float | None
    coal_equivalent_note: str | None
    points: list[PointOut]
    months: list[MonthOut]


@router.get("/units/{credit_code}/energy", response=UnitEnergyOut)
def unit_energy(request: HttpRequest, credit_code: str, year: int | None = None, lang: str = "zh") -> Any:
    """Monitored energy per month (tce on both bases, each figure with its factor and source) and the
    quality figures of METHODOLOGY §8; scoped like the register."""
    e = monitoring.unit_energy(credit_code, actor=actor_from_request(request), year=year,
                               lang="en" if lang == "en" else "zh")
    return {**vars(e), "year_calorific_tce": e.year_calorific_tce,
            "year_coal_equivalent_tce": e.year_coal_equivalent_tce}


# --- online energy monitoring: the upload (docs/energy-monitoring.md, "Upload") ---------------------


class ReadingIn(Schema):
    point: str = Field(..., description="metering point code, as declared for the enterprise", max_length=40)
    timestamp: datetime = Field(..., description="ISO 8601 with its UTC offset, e.g. 2026-03-01T00:15:00+08:00; "
                                "on the point's interval grid from local midnight")
    value: float = Field(..., description="interval: consumption of the interval ending at the timestamp; "
                         "cumulative: the register value (表底数); in the point's unit")
    kind: Literal["interval", "cumulative"] = Field(..., description="as the point is declared")
    energy_type: str | None = Field(None, description="optional; when sent, the point's declared energy type")
    unit: str | None = Field(None, description="optional; when sent, the point's declared unit (fits the energy type)")


class UploadIn(Schema):
    enterprise: str = Field(..., description="unified social credit code (GB 32100-2015) of the uploading unit",
                            max_length=40)
    upload_id: str = Field(..., description="the uploader's id of this content: repeating it with the same "
                           "content answers the earlier result", max_length=200)
    readings: list[ReadingIn]


class PointResultOut(Schema):
    point: str
    energy_type: str
    unit: str
    readings: int
    already_stored: int
    intervals: int
    consumption: float
    gaps: list[dict[str, Any]]
    rollovers: list[str]
    resets: list[str]


class UploadOut(Schema):
    upload_id: str
    enterprise: str
    received_at: str
    readings: int = Field(..., description="readings stored by this upload")
    already_stored: int = Field(..., description="readings already stored with the same value (not stored again)")
    intervals: int
    points: list[PointResultOut]
    replayed: bool = Field(..., description="true: this upload id was accepted before; this is its answer")


class ProblemOut(Schema):
    field: str
    value: str
    expected: str


class RejectedOut(Schema):
    detail: str
    problems: list[ProblemOut]


class DetailOut(Schema):
    detail: str


@router.post("/uploads", auth=UPLOAD_AUTH, response={200: UploadOut, 400: RejectedOut, 403: DetailOut,
                                                     409: DetailOut},
             summary="Upload metering-point readings (online energy monitoring)")
def upload_readings(request: HttpRequest, body: UploadIn) -> Any:
    """All-or-nothing and idempotent: any problem rejects the whole upload (400, every problem named by
    field, value and what was expected; nothing stored); the same `upload_id` with the same content
    answers the earlier result, with other content 409. Authenticated with the enterprise's upload
    token (`ecer energy token create`) or an enterprise reporter's API token; only for its own
    enterprise (403 otherwise)."""
    request_ = uploads.UploadRequest(body.enterprise, body.upload_id, [
        uploads.UploadReading(r.point, r.timestamp, r.value, r.kind, r.energy_type, r.unit) for r in body.readings])
    try:
        return uploads.upload(request_, actor=actor_from_request(request))
    except uploads.UploadRejected as err:
        return Status(400, {"detail": str(err), "problems": [vars(p) for p in err.problems]})
    except uploads.UploadConflict as err:
        return Status(409, {"detail": str(err)})


# --- the annual energy-utilisation report (docs/energy-report.md) ----------------------------------


class ReportRowOut(Schema):
    id: int
    credit_code: str
    enterprise: str
    region_code: str
    period: str
    year: int
    version: int
    status: str
    calorific_tce: float | None
    coal_equivalent_tce: float | None
    submitted_at: datetime | None
    decided_by: str


class EnergyRowOut(Schema):
    energy_type: str
    energy_name: str
    quantity: float
    unit: str
    feedstock: float
    calorific_tce: float
    coal_equivalent_tce: float | None
    feedstock_calorific_tce: float
    calorific_factor: str
    coal_equivalent_factor: str | None


class ProductRowOut(Schema):
    name: str
    output: float
    unit: str
    energy_tce: float
    unit_consumption: float | None
    unit_consumption_unit: str
    standard: str
    standard_product: str
    limit: float | None
    limit_level: str
    limit_status: str
    limit_source: str
    within_limit: bool | None


class ReportOut(Schema):
    id: int
    credit_code: str
    enterprise: str
    region_code: str
    period: str
    year: int
    version: int
    status: str
    reason: str
    created_by: str
    submitted_by: str
    submitted_at: datetime | None
    decided_by: str
    decided_at: datetime | None
    content: dict[str, Any] = Field(..., description="what the enterprise entered (PUT it back to change a draft)")
    energy: list[EnergyRowOut]
    materials: list[dict[str, Any]]
    products: list[ProductRowOut]
    projects: list[dict[str, Any]]
    declared_calorific_tce: float | None
    declared_coal_equivalent_tce: float | None
    declared_savings_tce: float | None
    calorific_tce: float = Field(..., description="the sum of the energy lines, calorific basis (当量值)")
    coal_equivalent_tce: float | None = Field(..., description="coal-equivalent basis (等价值); null: the year's "
                                              "coal rate is open (see coal_equivalent_note)")
    feedstock_calorific_tce: float
    savings_tce: float
    coal_equivalent_note: str | None
    problems: list[ProblemOut] = Field(..., description="block the submission")
    findings: list[ProblemOut] = Field(..., description="shown to the reviewer (e.g. above a national limit)")
    comments: list[dict[str, str]]
    versions: list[dict[str, Any]]


class ReportStartIn(Schema):
    unit: str = Field(..., description="credit code of the key energy-using unit", max_length=40)
    period: str = Field(..., description="reporting period code, e.g. 2024", max_length=20)


class ReportContentIn(Schema):
    content: dict[str, Any] = Field(..., description="energy[], materials[], products[], projects[], "
                                    "total_calorific_tce, total_coal_equivalent_tce, total_savings_tce")


class ReportDecisionIn(Schema):
    comment: str = ""
    field_comments: dict[str, str] = Field(default_factory=dict, description="field path → comment, e.g. "
                                           "{\"energy[1].quantity\": \"…\"}")


class ReportReviseIn(Schema):
    reason: str = ""


class ReportTotalOut(Schema):
    credit_code: str
    year: int
    report_id: int
    version: int
    calorific_tce: float
    coal_equivalent_tce: float | None
    feedstock_calorific_tce: float
    savings_tce: float
    approved_by: str
    approved_at: datetime | None


class ReportRefusedOut(Schema):
    detail: str
    problems: list[ProblemOut] = []


REPORT_ANSWERS = {200: ReportOut, 400: ReportRefusedOut, 404: DetailOut, 409: DetailOut}


def _report_call(function: Any, request: HttpRequest, *args: Any) -> Any:
    """NotFound / PermissionDenied → 404 (ids cannot be probed); bad content → 400 with every problem by
    field; a step the state refuses → 409."""
    from ecer.services.actor import PermissionDenied
    from ecer.services.errors import NotFound
    from ecer.services.submissions import SubmissionError

    try:
        return function(actor_from_request(request), *args)
    except (NotFound, PermissionDenied):
        return Status(404, {"detail": "not found"})
    except reports.ReportProblems as err:
        return Status(400, {"detail": str(err), "problems": [vars(p) for p in err.problems]})
    except SubmissionError as err:
        return Status(409, {"detail": str(err)})


@router.get("/reports", response=list[ReportRowOut])
@paginate(Pages)
def report_list(request: HttpRequest, unit: str | None = None, period: str | None = None,
                status: str | None = None) -> Any:
    """The annual energy-report versions the caller may see (an enterprise its own, a city its units')."""
    return reports.list_reports(actor_from_request(request), unit=unit, period=period, status=status)


@router.post("/reports", response=REPORT_ANSWERS)
def report_start(request: HttpRequest, body: ReportStartIn) -> Any:
    """A new draft (version 1): the enterprise reporter, for its own unit and an open period."""
    return _report_call(reports.start_report, request, body.unit, body.period)


@router.get("/reports/{report_id}", response=REPORT_ANSWERS)
def report_detail(request: HttpRequest, report_id: int, lang: str = "zh") -> Any:
    return _report_call(lambda a, i: reports.get_report(a, i, "en" if lang == "en" else "zh"), request, report_id)


@router.put("/reports/{report_id}", response=REPORT_ANSWERS)
def report_save(request: HttpRequest, report_id: int, body: ReportContentIn) -> Any:
    """Replace a draft's content (400 naming every field that cannot be read; nothing saved)."""
    return _report_call(reports.save_report, request, report_id, body.content)


@router.post("/reports/{report_id}/submit", response=REPORT_ANSWERS)
def report_submit(request: HttpRequest, report_id: int) -> Any:
    """draft → submitted; 400 with every problem (factor, unit, a total that disagrees with its parts)."""
    return _report_call(reports.submit, request, report_id)


@router.post("/reports/{report_id}/return", response=REPORT_ANSWERS)
def report_return(request: HttpRequest, report_id: int, body: ReportDecisionIn) -> Any:
    """submitted → returned with comments (the reviewer of the enterprise's city)."""
    return _report_call(reports.return_report, request, report_id, body.comment, body.field_comments)


@router.post("/reports/{report_id}/approve", response=REPORT_ANSWERS)
def report_approve(request: HttpRequest, report_id: int, body: ReportDecisionIn) -> Any:
    """submitted → approved (the reviewer of the enterprise's city)."""
    return _report_call(reports.approve, request, report_id, body.comment)


@router.post("/reports/{report_id}/revise", response=REPORT_ANSWERS)
def report_revise(request: HttpRequest, report_id: int, body: ReportReviseIn) -> Any:
    """Version n + 1 of a returned or approved version (a reason is required after approval)."""
    return _report_call(reports.revise, request, report_id, body.reason)


@router.get("/reports/{report_id}/export.xlsx", response={404: DetailOut})
def report_export(request: HttpRequest, report_id: int, lang: str = "zh") -> Any:
    """The report version as an Excel workbook."""
    from django.http import HttpResponse

    answer = _report_call(lambda a, i: reports.export_report(a, i, "en" if lang == "en" else "zh"), request,
                          report_id)
    if not isinstance(answer, tuple):
        return answer
    data, name = answer
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get("/units/{credit_code}/report-total", response={200: ReportTotalOut | None, 404: DetailOut})
def report_total(request: HttpRequest, credit_code: str, year: int) -> Any:
    """The unit's annual energy by its latest approved report of `year` (tce on both bases); null when none
    is approved. Scoped like the register."""
    return _report_call(lambda a: reports.approved_report_total(credit_code, year, actor=a), request)


# --- energy-use budgets (用能预算) and the reconciliation (docs/energy-budgets.md) ---------------------


class UnitBudgetOut(Schema):
    credit_code: str
    name: str
    region_code: str
    city_code: str
    budget_tce: float
    base_tce: float | None
    base_source: str
    through_month: int
    used_tce: float
    budget_to_date_tce: float
    used_share: float | None
    light: str
    growth: float | None
    note: str
    sources: str


class CityBudgetOut(Schema):
    region_code: str
    region_name: str
    year: int
    total_tce: float | None = Field(..., description="null for an enterprise reporter (it sees only its own unit)")
    rule: str = Field(..., description="pro_rata_base_year | issued")
    rule_version: str
    base_year: int | None
    document: str
    is_illustrative: bool
    units: list[UnitBudgetOut]


class BudgetsOut(Schema):
    year: int
    as_of_month: int = Field(..., description="the last month followed (0: none yet)")
    threshold: float = Field(..., description="barometer threshold: red above this share over the pro-rata budget")
    cities: list[CityBudgetOut]


class InspectionRowOut(Schema):
    credit_code: str
    name: str
    city_code: str
    city_name: str
    light: str
    used_share: float | None
    growth: float | None
    over_budget: bool
    growth_rank: int | None
    reasons: list[str]


class InspectionOut(Schema):
    year: int
    as_of_month: int
    top_growth: int
    rule: str
    rows: list[InspectionRowOut]


class AllocateIn(Schema):
    region: str = Field(..., description="GB/T 2260 code of the 市(州)", max_length=12)
    year: int = Field(..., ge=2000, le=2100)
    total_tce: float = Field(..., gt=0, description="the city's budget for its key units under budget management")
    base_year: int | None = Field(None, ge=2000, le=2100, description="default: the year before")
    document: str = Field("", max_length=300)


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "zh"


@router.get("/budgets", response=BudgetsOut)
def budgets_list(request: HttpRequest, year: int | None = Query(None, ge=2000, le=2100), region: str | None = None,
                 lang: str = "zh") -> Any:
    """The budgets of the year (default: this year) in the caller's scope: each unit's use to date against
    its pro-rata budget, with the barometer light (the budgets page's twin)."""
    return budgets.budget_overview(year or budgets.default_year(), actor=actor_from_request(request), region=region, lang=_lang(lang))


@router.get("/budgets/inspection", response=InspectionOut)
def budgets_inspection(request: HttpRequest, year: int | None = Query(None, ge=2000, le=2100),
                       lang: str = "zh") -> Any:
    """The 节能监察 inspection list: units over their pro-rata budget and the N fastest growing."""
    return budgets.inspection_list(year or budgets.default_year(), actor=actor_from_request(request), lang=_lang(lang))


@router.post("/budgets/allocate", response=CityBudgetOut)
def budgets_allocate(request: HttpRequest, body: AllocateIn) -> Any:
    """Split the city's budget to its units pro rata to their base-year consumption (rule
    pro_rata_base_year v1); replaces the city's budget of the year; audit-logged."""
    return budgets.allocate_budget(body.region, body.year, body.total_tce, base_year=body.base_year,
                                   document=body.document, actor=actor_from_request(request))


@router.post("/budgets/issued", response=list[CityBudgetOut])
def budgets_issued(request: HttpRequest, file: File[UploadedFile]) -> Any:
    """Budgets as issued (workbook, one row per unit): all or nothing; audit-logged."""
    actor = actor_from_request(request)
    budgets.require_setter(actor)  # before the file is read
    name = file.name or "budgets.xlsx"
    return budgets.import_issued(budgets.read_upload(name, file.size or 0, file.read), name, actor=actor)


class ComparisonOut(Schema):
    credit_code: str
    name: str
    region_code: str
    months: int
    completeness: float
    monitored_tce: float | None
    report_tce: float | None
    difference_tce: float | None
    relative: float | None
    threshold: float
    status: str
    reason: str
    why: str = Field(..., description="the reason as a code: no_report, bad_report, no_monitoring, partial_year, "
                     "incomplete, differs, agrees")


class FigureOut2(Schema):
    credit_code: str
    tce: float
    source: str


class CityShareOut(Schema):
    region_code: str
    region_name: str
    units: int
    units_tce: float
    city_tce: float | None
    share: float | None
    share_min: float
    share_max: float
    status: str
    kind: str | None
    reason: str
    why: str = Field(..., description="the reason as a code: no_total, bad_total, no_units, above, low, plausible")
    figures: list[FigureOut2]


class CaseOut(Schema):
    id: int
    year: int
    kind: str
    subject: str
    subject_name: str
    region_code: str
    value_tce: float
    reference_tce: float
    relative: float
    threshold: str
    message: str
    status: str
    opened_at: datetime
    resolved_at: datetime | None
    resolved_by: str
    note: str
    is_illustrative: bool


class ReconciliationOut(Schema):
    year: int
    report_available: bool
    findings: int
    units: list[ComparisonOut]
    cities: list[CityShareOut]
    cases: list[CaseOut]


def _reconciliation_out(r: Any) -> dict[str, Any]:
    return {"year": r.year, "report_available": r.report_available, "findings": r.findings, "cases": r.cases,
            "units": [{"credit_code": u.credit_code, "name": u.name, "region_code": u.region_code, "months": u.months,
                       "completeness": u.completeness, **{k: v for k, v in vars(u.comparison).items()
                                                           if k != "credit_code"}, "status": str(u.comparison.status)}
                      for u in r.units],
            "cities": [{"region_code": c.region_code, "region_name": c.region_name, "figures": c.figures,
                        **{k: v for k, v in vars(c.share).items() if k != "region_code"},
                        "status": str(c.share.status), "kind": str(c.share.kind) if c.share.kind else None}
                       for c in r.cities]}


class RunIn(Schema):
    year: int = Field(..., ge=2000, le=2100)
    region: str | None = Field(None, max_length=12)


class RunOut(Schema):
    year: int
    opened: list[int]
    updated: list[int]
    unchanged: list[int]
    findings: int


class ResolveIn(Schema):
    note: str = Field(..., max_length=4000, description="what was found (required)")


@router.get("/reconciliation", response=ReconciliationOut)
def reconciliation_view(request: HttpRequest, year: int | None = Query(None, ge=2000, le=2100),
                        region: str | None = None, lang: str = "zh") -> Any:
    """Monitored energy against the annual report per unit, the key units' share of each city's statistical
    total, and the cases, for the year (default: last year; the page's twin)."""
    return _reconciliation_out(reconciliation.reconciliation(year or reconciliation.default_year(), actor=actor_from_request(request), region=region,
                                                             lang=_lang(lang)))


@router.post("/reconciliation/run", response=RunOut)
def reconciliation_run(request: HttpRequest, body: RunIn) -> Any:
    """Open a case for every finding above its threshold (audit-logged); open cases get the new figures."""
    return reconciliation.run_reconciliation(body.year, actor=actor_from_request(request), region=body.region)


@router.get("/reconciliation/cases", response=list[CaseOut])
def reconciliation_cases(request: HttpRequest, year: int | None = Query(None, ge=2000, le=2100),
                         status: str | None = None) -> Any:
    return reconciliation.cases(actor=actor_from_request(request), year=year, status=status)


@router.post("/reconciliation/cases/{case_id}/resolve", response=CaseOut)
def reconciliation_resolve(request: HttpRequest, case_id: int, body: ResolveIn) -> Any:
    """A reviewer resolves an open case with a note (audit-logged)."""
    return reconciliation.resolve_case(case_id, body.note, actor=actor_from_request(request))
