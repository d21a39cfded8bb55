"""Use case: the annual energy-utilisation report (能源利用状况报告) of a key energy-using unit, filed by the
enterprise through the collection workflow and decided by the reviewer of the enterprise's city.

Workflow (the collection issue's, shared with `ecer.services.submissions` and the ledger proposals: the
same states `SubmissionStatus` and steps `ecer.services.workflow.move`, the same freeze
`FrozenSubmissionError`, the same checks `require_status` / `require_open_period`, the audit log
`ecer.services.audit.record`): a draft is the only editable state;
`submit` freezes it after the checks of `ecer.core.energy_report` (factors from the catalog, totals that
agree with their parts); the city's reviewer returns it with comments or approves it; a change after
that is a revision, version n + 1 superseding n (a reason is required after approval).

Scope (one rule, `ecer.services.actor.may_see_enterprise`): an enterprise reporter sees and files its own
enterprise's reports only; a city's staff see the reports of the units in their regions, and the city's
reviewer (市(州)审核员) decides them; the province's staff and auditors see all. A report outside the
scope is answered like one that does not exist (`NotFound`), so ids cannot be probed.

`approved_report_total(unit, year)` is what other use cases (reconciliation, budgets) read: the latest
approved version's totals in tce on both bases.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from ecer.collection.models import ReportingPeriod, SubmissionStatus
from ecer.core.energy_report import (
    Evaluation,
    ReportContent,
    ReportProblem,
    Tolerance,
    content_as_data,
    evaluate,
    read_content,
)
from ecer.services import workflow
from ecer.services.actor import Actor, PermissionDenied, Role, may_see_enterprise, require_role
from ecer.services.errors import NotFound
from ecer.services.submissions import SubmissionError, require_open_period, require_status

FILERS = (Role.ENTERPRISE_REPORTER,)
DECIDERS = (Role.CITY_REVIEWER,)
NOUN = "energy report"

#: A declared total may differ from the sum of its parts by max(absolute, share × sum): rounding to whole
#: tce in the enterprise's own books. Configurable: settings.ECER_ENERGY_REPORT_TOLERANCE_TCE / _SHARE.
DEFAULT_TOLERANCE = Tolerance(absolute_tce=1.0, share=0.001)


class ReportProblems(SubmissionError):
    """The report's content has problems: each names the field, the value and what was expected."""

    def __init__(self, intro: str, problems: list[ReportProblem]) -> None:
        super().__init__(intro + "\n" + "\n".join(f"  - {p}" for p in problems))
        self.problems = problems


def tolerance() -> Tolerance:
    from django.conf import settings

    return Tolerance(float(getattr(settings, "ECER_ENERGY_REPORT_TOLERANCE_TCE", DEFAULT_TOLERANCE.absolute_tce)),
                     float(getattr(settings, "ECER_ENERGY_REPORT_TOLERANCE_SHARE", DEFAULT_TOLERANCE.share)))


# --- plain data returned to adapters ---------------------------------------------------------------

@dataclass(frozen=True)
class EnergyRow:
    energy_type: str
    energy_name: str
    quantity: float
    unit: str
    feedstock: float
    calorific_tce: float
    coal_equivalent_tce: float | None
    feedstock_calorific_tce: float
    calorific_factor: str  # value, status and source of the catalog factor
    coal_equivalent_factor: str | None


@dataclass(frozen=True)
class ProductRow:
    name: str
    output: float
    unit: str
    energy_tce: float
    unit_consumption: float | None
    unit_consumption_unit: str
    standard: str  # the limit's standard number, "" without one
    standard_product: str
    limit: float | None
    limit_level: str
    limit_status: str  # published | assumed
    limit_source: str
    within_limit: bool | None


@dataclass(frozen=True)
class ReportView:
    id: int
    credit_code: str
    enterprise: str
    region_code: str
    period: str
    year: int
    deadline: dt.date
    period_closed: bool
    version: int
    status: str
    reason: str
    created_by: str
    created_at: dt.datetime
    submitted_by: str
    submitted_at: dt.datetime | None
    decided_by: str
    decided_at: dt.datetime | None
    content: dict[str, Any]
    energy: list[EnergyRow]
    materials: list[dict[str, Any]]
    products: list[ProductRow]
    projects: list[dict[str, Any]]
    declared_calorific_tce: float | None
    declared_coal_equivalent_tce: float | None
    declared_savings_tce: float | None
    calorific_tce: float  # the sum of the energy lines
    coal_equivalent_tce: float | None
    feedstock_calorific_tce: float
    savings_tce: float
    coal_equivalent_note: str | None
    problems: list[dict[str, str]]  # block the submission
    findings: list[dict[str, str]]  # shown to the reviewer
    comments: list[dict[str, str]]
    versions: list[dict[str, Any]]
    may_edit: bool = False
    may_decide: bool = False
    may_revise: bool = False

    @property
    def editable(self) -> bool:
        return self.status == SubmissionStatus.DRAFT


@dataclass(frozen=True)
class ReportRow:
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
    submitted_at: dt.datetime | None
    decided_by: str


@dataclass(frozen=True)
class ReportTotal:
    """The latest approved version's totals of a unit's year, in tce."""

    credit_code: str
    year: int
    report_id: int
    version: int
    calorific_tce: float
    coal_equivalent_tce: float | None  # None: the year's coal rate is open (see the report's note)
    feedstock_calorific_tce: float
    savings_tce: float
    approved_by: str
    approved_at: dt.datetime | None


@dataclass(frozen=True)
class Todo:
    credit_code: str
    enterprise: str
    period: str
    year: int
    deadline: dt.date
    report_id: int | None
    version: int | None
    status: str  # "due" when nothing was started
    overdue: bool = False
    comments: list[str] = field(default_factory=list)


# --- scope -----------------------------------------------------------------------------------------

def _reports() -> Any:
    from ecer.energy.models import EnergyReport

    return EnergyReport.objects.select_related("energy_unit__enterprise", "period")


def _scoped(actor: Actor) -> Any:
    from ecer.services.actor import visible_region_codes

    qs = _reports()
    if actor.enterprise_id is not None and not actor.sees_everything:
        return qs.filter(energy_unit__enterprise_id=actor.enterprise_id)
    if actor.role == Role.ENTERPRISE_REPORTER and not actor.sees_everything:
        return qs.none()  # a reporter bound to no enterprise sees none
    visible = visible_region_codes(actor)
    return qs if visible is None else qs.filter(energy_unit__enterprise__region_code__in=visible)


def _visible(actor: Actor, report_id: int | str) -> Any:
    try:
        pk = int(report_id)
    except (TypeError, ValueError):
        pk = -1
    report = _scoped(actor).filter(pk=pk).first()
    if report is None:
        raise NotFound(f"no energy report {report_id} visible to {actor.username}")
    return report


def _may_file(actor: Actor, unit: Any) -> bool:
    return actor.role == Role.SYSTEM or (actor.role in FILERS and actor.enterprise_id == unit.enterprise_id)


def _may_decide(actor: Actor, unit: Any) -> bool:
    return actor.role == Role.SYSTEM or (actor.role in DECIDERS
                                         and unit.enterprise.region_code in actor.region_codes)


def _require_filer(actor: Actor, unit: Any) -> None:
    require_role(actor, *FILERS)
    if not _may_file(actor, unit):
        raise PermissionDenied(f"{actor.username} may not file reports for {unit.enterprise.credit_code}")


def _require_decider(actor: Actor, unit: Any) -> None:
    require_role(actor, *DECIDERS)
    if not _may_decide(actor, unit):
        raise PermissionDenied(f"{actor.username} may not decide reports of {unit.enterprise.region_code}")


def _find_unit(actor: Actor, credit_code: str) -> Any:
    from ecer.energy.models import KeyEnergyUnit

    unit = KeyEnergyUnit.objects.select_related("enterprise").filter(
        enterprise__credit_code=credit_code.strip().upper()).first()
    if unit is None or not may_see_enterprise(actor, unit.enterprise):
        raise NotFound(f"no key energy-using unit {credit_code} on the register you may see")
    return unit


# --- evaluation and views --------------------------------------------------------------------------

def _evaluate(content: ReportContent, year: int) -> Evaluation:
    from ecer.catalogs.energy_limits import load_energy_limits
    from ecer.catalogs.energy_units import load_unit_fits
    from ecer.services.energy_monitoring import factor_tables

    tables, _bases, note = factor_tables(year)
    return evaluate(content, year, load_unit_fits(), tables[year], load_energy_limits(), tolerance(), note)


def _factor_text(figure: Any) -> str:
    from ecer.services.energy_monitoring import _factor_text as text

    return str(text(figure))


def _problem(p: ReportProblem) -> dict[str, str]:
    return {"field": p.field, "value": p.value, "expected": p.expected}


def check(content_data: Mapping[str, Any], year: int) -> tuple[ReportContent, Evaluation, list[ReportProblem]]:
    """Read and check a report's content for `year`: (content, evaluation, every hard problem)."""
    content, problems = read_content(content_data)
    result = _evaluate(content, year)
    return content, result, problems + result.problems


def _view(report: Any, actor: Actor | None = None, lang: str = "zh") -> ReportView:
    from ecer.services.energy_monitoring import energy_names

    unit = report.energy_unit
    content, read_problems = read_content(report.content or {})
    result = _evaluate(content, report.period.year)
    names = energy_names(lang)
    energy = [EnergyRow(f.line.energy_type, names.get(f.line.energy_type, f.line.energy_type), f.line.quantity,
                        f.line.unit, f.line.feedstock, f.calorific.tce,
                        f.coal_equivalent.tce if f.coal_equivalent else None, f.feedstock_calorific_tce,
                        _factor_text(f.calorific), _factor_text(f.coal_equivalent) if f.coal_equivalent else None)
              for f in result.energy]
    products = [ProductRow(p.line.name, p.line.output, p.line.unit, p.line.energy_tce, p.unit_consumption,
                           p.unit_text, p.limit.standard if p.limit else "", p.line.standard_product,
                           p.limit.limit if p.limit else None, p.limit.level if p.limit else "",
                           p.limit.status if p.limit else "", p.limit.source if p.limit else "", p.within_limit)
                for p in result.products]
    chain = list(_reports().filter(energy_unit=unit, period=report.period).order_by("version"))
    from ecer.energy.models import EnergyReportComment

    comments = [{"author": c.author, "text": c.text, "field": c.field, "at": c.created_at.isoformat(),
                 "version": str(c.report.version)}
                for c in EnergyReportComment.objects.filter(report__in=[r.pk for r in chain]).select_related("report")]
    latest = chain[-1] if chain else report
    status = report.status
    return ReportView(
        report.pk, unit.enterprise.credit_code, unit.enterprise.name, unit.enterprise.region_code, report.period.code,
        report.period.year, report.period.deadline, report.period.closed, report.version, status, report.reason,
        report.created_by, report.created_at, report.submitted_by, report.submitted_at, report.decided_by,
        report.decided_at, content_as_data(content) if not read_problems else dict(report.content or {}), energy,
        [vars(m) for m in content.materials], products, [vars(p) for p in content.projects],
        content.total_calorific_tce, content.total_coal_equivalent_tce, content.total_savings_tce,
        result.calorific_tce, result.coal_equivalent_tce, result.feedstock_calorific_tce, result.savings_tce,
        result.coal_equivalent_note, [_problem(p) for p in read_problems + result.problems],
        [_problem(p) for p in result.findings], comments,
        [{"id": r.pk, "version": r.version, "status": r.status} for r in chain],
        may_edit=actor is not None and status == SubmissionStatus.DRAFT and _may_file(actor, unit),
        may_decide=actor is not None and status == SubmissionStatus.SUBMITTED and _may_decide(actor, unit),
        may_revise=actor is not None and latest.pk == report.pk and not report.period.closed
        and status in (SubmissionStatus.RETURNED, SubmissionStatus.APPROVED) and _may_file(actor, unit))


def _state(report: Any) -> dict[str, Any]:
    return {"unit": report.energy_unit.enterprise.credit_code, "period": report.period.code,
            "version": report.version, "status": report.status, "reason": report.reason,
            "content": report.content, "calorific_tce": report.calorific_tce,
            "coal_equivalent_tce": report.coal_equivalent_tce}


def _audit(actor: Actor, action: str, report: Any, before: dict[str, Any] | None,
           after: dict[str, Any] | None) -> None:
    from ecer.services.audit import record

    record(actor, action, "energy_report", str(report.pk), before, after)


def _what(report: Any) -> str:
    return f"{NOUN} #{report.pk} v{report.version}"


def _locked(report: Any) -> Any:
    return _reports().select_for_update(of=("self",)).get(pk=report.pk)


# --- reading ---------------------------------------------------------------------------------------

def get_report(actor: Actor, report_id: int | str, lang: str = "zh") -> ReportView:
    return _view(_visible(actor, report_id), actor, lang)


def list_reports(actor: Actor, *, unit: str | None = None, period: str | None = None,
                 status: str | None = None) -> list[ReportRow]:
    """The report versions the actor may see, newest first."""
    qs = _scoped(actor)
    if unit:
        qs = qs.filter(energy_unit__enterprise__credit_code=unit.strip().upper())
    if period:
        qs = qs.filter(period__code=period)
    if status:
        qs = qs.filter(status=status)
    return [ReportRow(r.pk, r.energy_unit.enterprise.credit_code, r.energy_unit.enterprise.name,
                      r.energy_unit.enterprise.region_code, r.period.code, r.period.year, r.version, r.status,
                      r.calorific_tce, r.coal_equivalent_tce, r.submitted_at, r.decided_by)
            for r in qs.order_by("-period__year", "energy_unit__enterprise__credit_code", "-version")]


def review_queue(actor: Actor) -> list[ReportRow]:
    """Submitted versions the actor may decide (the city's reviewer), oldest first."""
    if actor.role not in DECIDERS and actor.role != Role.SYSTEM:
        return []
    return sorted((r for r in list_reports(actor, status=SubmissionStatus.SUBMITTED)),
                  key=lambda r: (r.submitted_at or timezone.now(), r.id))


def todo(actor: Actor) -> list[Todo]:
    """For an enterprise reporter: each open period with its report's state (`due` if none started)."""
    from ecer.energy.models import KeyEnergyUnit

    if actor.role != Role.ENTERPRISE_REPORTER or actor.enterprise_id is None:
        return []
    unit = KeyEnergyUnit.objects.select_related("enterprise").filter(enterprise_id=actor.enterprise_id).first()
    if unit is None or not unit.files_annual_report:
        return []
    items = []
    today = timezone.localdate()
    for period in ReportingPeriod.objects.filter(closed=False).order_by("-year"):
        latest = _reports().filter(energy_unit=unit, period=period).order_by("-version").first()
        status = latest.status if latest else "due"
        items.append(Todo(unit.enterprise.credit_code, unit.enterprise.name, period.code, period.year,
                          period.deadline, latest.pk if latest else None, latest.version if latest else None, status,
                          today > period.deadline and status in ("due", SubmissionStatus.DRAFT,
                                                                 SubmissionStatus.RETURNED)))
    return items


# --- the enterprise's steps ------------------------------------------------------------------------

def start_report(actor: Actor, credit_code: str, period_code: str) -> ReportView:
    """A new draft (version 1) for the unit and period. Refused for a closed period, or when a version
    already exists (continue the open one, or revise the returned/approved one)."""
    from ecer.energy.models import EnergyReport

    require_role(actor, *FILERS)
    unit = _find_unit(actor, credit_code)
    _require_filer(actor, unit)
    period = ReportingPeriod.objects.filter(code=period_code).first()
    if period is None:
        raise SubmissionError(f"unknown reporting period '{period_code}'")
    require_open_period(period)
    with transaction.atomic():
        existing = (EnergyReport.objects.select_for_update().filter(energy_unit=unit, period=period)
                    .order_by("-version").first())
        if existing is not None:
            raise SubmissionError(
                f"duplicate report: {unit.enterprise.credit_code} {period.code} already has version "
                f"{existing.version} ({existing.status}, #{existing.pk}); "
                + ("continue that one" if existing.status in (SubmissionStatus.DRAFT, SubmissionStatus.SUBMITTED)
                   else "revise it instead"))
        report = EnergyReport.objects.create(energy_unit=unit, period=period, created_by=actor.username)
        _audit(actor, "energy_report.create", report, None, _state(report))
    return _view(report, actor)


def save_report(actor: Actor, report_id: int | str, content: Mapping[str, Any]) -> ReportView:
    """Replace a draft's content. Content that cannot be read (a text for a number, an unknown field) is
    refused with every problem by field; a draft that does not yet pass the checks is saved (the view
    lists its problems, `submit` refuses it)."""
    report = _visible(actor, report_id)
    _require_filer(actor, report.energy_unit)
    parsed, problems = read_content(content)
    if problems:
        raise ReportProblems("nothing saved / 未保存:", problems)
    with transaction.atomic():
        report = _locked(report)
        require_status(report, SubmissionStatus.DRAFT, noun=NOUN)
        before = _state(report)
        report.content = content_as_data(parsed)
        report.save(update_fields=["content"])
        after = _state(report)
        if after != before:
            _audit(actor, "energy_report.edit", report, before, after)
    return _view(report, actor)


def submit(actor: Actor, report_id: int | str) -> ReportView:
    """draft → submitted: refused with every problem at once (a unit that does not fit its energy type,
    a factor the catalog lacks, a total that does not agree with its parts…). Stores the checked totals."""
    report = _visible(actor, report_id)
    _require_filer(actor, report.energy_unit)
    require_open_period(report.period)
    with transaction.atomic():
        report = _locked(report)
        require_status(report, SubmissionStatus.DRAFT, noun=NOUN)
        _content, result, problems = check(report.content or {}, report.period.year)
        if problems:
            raise ReportProblems("cannot submit / 无法提交:", problems)
        before = _state(report)
        report.calorific_tce, report.coal_equivalent_tce = result.calorific_tce, result.coal_equivalent_tce
        report.feedstock_calorific_tce, report.savings_tce = result.feedstock_calorific_tce, result.savings_tce
        report.save(update_fields=["calorific_tce", "coal_equivalent_tce", "feedstock_calorific_tce", "savings_tce"])
        report.save(update_fields=workflow.move(report, "submit", actor, _what(report), SubmissionError))
        _audit(actor, "energy_report.submit", report, before, _state(report))
    return _view(report, actor)


def revise(actor: Actor, report_id: int | str, reason: str = "") -> ReportView:
    """Version n + 1 of the latest, returned or approved version, copied from it (a reason is required
    after approval)."""
    from ecer.energy.models import EnergyReport

    report = _visible(actor, report_id)
    _require_filer(actor, report.energy_unit)
    require_open_period(report.period)
    with transaction.atomic():
        report = _locked(report)
        require_status(report, SubmissionStatus.RETURNED, SubmissionStatus.APPROVED, noun=NOUN)
        latest = EnergyReport.objects.filter(energy_unit=report.energy_unit, period=report.period).order_by(
            "-version").first()
        if latest is not None and latest.pk != report.pk:
            raise SubmissionError(f"#{report.pk} v{report.version} is not the latest version "
                                  f"(v{latest.version} is #{latest.pk})")
        if report.status == SubmissionStatus.APPROVED and not reason.strip():
            raise SubmissionError("a revision of an approved report needs a reason / 修改已通过的报告须说明原因")
        new = EnergyReport.objects.create(energy_unit=report.energy_unit, period=report.period,
                                          version=report.version + 1, supersedes=report, created_by=actor.username,
                                          content=report.content,
                                          reason=reason.strip() or "按审核意见修改 / revised after review comments")
        _audit(actor, "energy_report.revise", new, _state(report), _state(new))
    return _view(new, actor)


# --- the city reviewer's steps ---------------------------------------------------------------------

def return_report(actor: Actor, report_id: int | str, comment: str,
                  field_comments: Mapping[str, str] | None = None) -> ReportView:
    """submitted → returned, with a general comment and/or comments on fields (field path → text)."""
    from ecer.energy.models import EnergyReportComment

    report = _visible(actor, report_id)
    _require_decider(actor, report.energy_unit)
    field_comments = {k.strip(): v.strip() for k, v in (field_comments or {}).items() if v and v.strip()}
    if not comment.strip() and not field_comments:
        raise SubmissionError("returning a report needs a comment saying what to fix / 退回须填写意见")
    with transaction.atomic():
        report = _locked(report)
        require_status(report, SubmissionStatus.SUBMITTED, noun=NOUN)
        before = _state(report)
        if comment.strip():
            EnergyReportComment.objects.create(report=report, text=comment.strip(), author=actor.username)
        for path, text in field_comments.items():
            EnergyReportComment.objects.create(report=report, field=path[:100], text=text, author=actor.username)
        report.save(update_fields=workflow.move(report, "return", actor, _what(report), SubmissionError))
        _audit(actor, "energy_report.return", report, before,
               {**_state(report), "comment": comment.strip(), "field_comments": field_comments})
    return _view(report, actor)


def approve(actor: Actor, report_id: int | str, comment: str = "") -> ReportView:
    """submitted → approved: its totals become the unit's approved figures of the year
    (`approved_report_total`)."""
    from ecer.energy.models import EnergyReportComment

    report = _visible(actor, report_id)
    _require_decider(actor, report.energy_unit)
    with transaction.atomic():
        report = _locked(report)
        require_status(report, SubmissionStatus.SUBMITTED, noun=NOUN)
        before = _state(report)
        if comment.strip():
            EnergyReportComment.objects.create(report=report, text=comment.strip(), author=actor.username)
        report.save(update_fields=workflow.move(report, "approve", actor, _what(report), SubmissionError))
        _audit(actor, "energy_report.approve", report, before, _state(report))
    return _view(report, actor)


# --- for other use cases ---------------------------------------------------------------------------

def approved_report_total(unit: Any, year: int, *, actor: Actor | None = None) -> ReportTotal | None:
    """The unit's annual energy by its latest approved report of `year`: tce on both bases (the
    coal-equivalent None where the year's coal rate is open), of which feedstock, and the savings; None
    when no version of that year is approved. `unit`: a KeyEnergyUnit or its credit code.

    Without `actor` the caller has applied the scope (reconciliation and budgets run over units they
    already may see); with one, a unit outside its scope is NotFound."""
    from ecer.energy.models import EnergyReport, KeyEnergyUnit

    if isinstance(unit, str):
        found = KeyEnergyUnit.objects.select_related("enterprise").filter(
            enterprise__credit_code=unit.strip().upper()).first()
        if found is None:
            raise NotFound(f"no key energy-using unit {unit} on the register")
        unit = found
    if actor is not None and not may_see_enterprise(actor, unit.enterprise):
        raise NotFound(f"no key energy-using unit {unit.enterprise.credit_code} on the register you may see")
    report = (EnergyReport.objects.filter(energy_unit=unit, period__year=year, status=SubmissionStatus.APPROVED)
              .order_by("-version", "-decided_at").first())
    if report is None or report.calorific_tce is None:
        return None
    return ReportTotal(unit.enterprise.credit_code, year, report.pk, report.version, report.calorific_tce,
                       report.coal_equivalent_tce, report.feedstock_calorific_tce or 0.0, report.savings_tce or 0.0,
                       report.decided_by, report.decided_at)


# --- demo ------------------------------------------------------------------------------------------

#: The illustrative report (示例) of the demo enterprise reporter's unit: numbers made up to look like a
#: chemical works of ~85,000 tce; ammonia deliberately above its (assumed) limit, so the reviewer sees a finding.
DEMO_UNIT = "91510700MADEM0002X"
DEMO_REGION = "510700"
DEMO_CONTENT: dict[str, Any] = {
    "energy": [
        {"energy_type": "electricity", "unit": "10k_kwh", "quantity": 22000, "feedstock": 0},
        {"energy_type": "natural_gas", "unit": "10k_m3", "quantity": 3500, "feedstock": 2500},
        {"energy_type": "heat", "unit": "gj", "quantity": 400000, "feedstock": 0},
        {"energy_type": "raw_coal", "unit": "t", "quantity": 2000, "feedstock": 0},
    ],
    "materials": [
        {"name": "示例 原盐", "quantity": 160000, "unit": "t"},
        {"name": "示例 工业水", "quantity": 2100000, "unit": "m3"},
    ],
    "products": [
        {"name": "示例 烧碱（离子膜法液碱 32%）", "output": 100000, "unit": "t", "energy_tce": 31000,
         "standard_product": "caustic_soda_membrane_30"},
        {"name": "示例 合成氨", "output": 30000, "unit": "t", "energy_tce": 38000,
         "standard_product": "ammonia_natural_gas"},
    ],
    "projects": [
        {"name": "示例 电解槽膜极距改造", "savings_tce": 1800, "investment_10k_yuan": 2600},
        {"name": "示例 余热回收发电", "savings_tce": 1200, "investment_10k_yuan": 1500},
    ],
    "total_savings_tce": 3000,
}


def seed_demo_report(period_code: str = "2024") -> int | None:
    """The demo unit's illustrative report for `period_code`, filed (submitted) through the workflow as the
    demo account `enterprise` would: it waits for the city's reviewer (`mianyang-reviewer`). Idempotent;
    None when the unit or period is missing."""
    from ecer.energy.models import EnergyReport, KeyEnergyUnit

    period = ReportingPeriod.objects.filter(code=period_code).first()
    unit = KeyEnergyUnit.objects.filter(enterprise__credit_code=DEMO_UNIT).first()
    if period is None or unit is None:
        return None
    existing = EnergyReport.objects.filter(energy_unit=unit, period=period).order_by("version").first()
    if existing is not None:
        return int(existing.pk)
    actor = Actor("enterprise", Role.ENTERPRISE_REPORTER, region_code=DEMO_REGION, enterprise_id=unit.enterprise_id,
                  source="ecer demo")
    _content, result, _problems = check(DEMO_CONTENT, period.year)
    data = {**DEMO_CONTENT, "total_calorific_tce": round(result.calorific_tce, 2),
            "total_coal_equivalent_tce": round(result.coal_equivalent_tce, 2)
            if result.coal_equivalent_tce is not None else None}
    with transaction.atomic():
        view = start_report(actor, DEMO_UNIT, period.code)
        save_report(actor, view.id, data)
        submit(actor, view.id)
    return view.id


# --- Excel export ----------------------------------------------------------------------------------

def export_report(actor: Actor, report_id: int | str, lang: str = "zh") -> tuple[bytes, str]:
    """One report version as an XLSX workbook (a sheet per part, each figure with its factor and source,
    each product with its limit and source). Every text cell is neutralised (no formulas)."""
    import io

    from openpyxl import Workbook

    from ecer.services.spreadsheet_safety import neutralise_cell

    view = get_report(actor, report_id, lang)
    zh = lang != "en"
    book = Workbook()
    sheets: list[tuple[str, list[str], list[list[Any]]]] = [
        ("报告 report" if zh else "report", ["项目 field", "值 value"], [
            ["企业 enterprise", view.enterprise], ["统一社会信用代码 credit code", view.credit_code],
            ["年度 year", view.year], ["版本 version", view.version], ["状态 status", view.status],
            ["综合能源消费量（当量值）tce, calorific", view.calorific_tce],
            ["综合能源消费量（等价值）tce, coal-equivalent",
             view.coal_equivalent_tce if view.coal_equivalent_tce is not None else view.coal_equivalent_note or ""],
            ["其中用作原料（当量值）feedstock tce", view.feedstock_calorific_tce],
            ["节能量 savings tce", view.savings_tce],
            ["填报 filed by", view.submitted_by], ["审核 decided by", view.decided_by]]),
        ("能源 energy", ["能源品种 energy type", "实物量 quantity", "单位 unit", "其中用作原料 feedstock",
                        "当量值 tce calorific", "等价值 tce coal-equivalent", "当量值折标系数及来源 calorific factor",
                        "等价值折标系数及来源 coal-equivalent factor"],
         [[e.energy_name, e.quantity, e.unit, e.feedstock, e.calorific_tce, e.coal_equivalent_tce,
           e.calorific_factor, e.coal_equivalent_factor or view.coal_equivalent_note or ""] for e in view.energy]),
        ("原材料 materials", ["名称 name", "数量 quantity", "单位 unit"],
         [[m["name"], m["quantity"], m["unit"]] for m in view.materials]),
        ("产品 products", ["产品 product", "产量 output", "单位 unit", "综合能耗 tce", "单位产品能耗 unit consumption",
                          "单位 unit", "限额标准 standard", "限定值 limit", "级别 level", "状态 status", "来源 source",
                          "是否达标 within limit"],
         [[p.name, p.output, p.unit, p.energy_tce, p.unit_consumption, p.unit_consumption_unit, p.standard, p.limit,
           p.limit_level, p.limit_status, p.limit_source,
           "" if p.within_limit is None else ("是 yes" if p.within_limit else "否 no")] for p in view.products]),
        ("节能项目 projects", ["项目 project", "节能量 tce", "投资 10k yuan"],
         [[p["name"], p["savings_tce"], p["investment_10k_yuan"]] for p in view.projects]),
    ]
    first = True
    for title, header, rows in sheets:
        sheet = book.active if first else book.create_sheet()
        first = False
        assert sheet is not None
        sheet.title = title[:31]
        sheet.append(header)
        for row in rows:
            sheet.append([neutralise_cell(v) for v in row])
        for i in range(1, len(header) + 1):
            sheet.column_dimensions[sheet.cell(1, i).column_letter].width = 22
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), f"energy-report-{view.credit_code}-{view.period}-v{view.version}.xlsx"


def may_file_for(actor: Actor) -> bool:
    return actor.role in FILERS and actor.enterprise_id is not None
