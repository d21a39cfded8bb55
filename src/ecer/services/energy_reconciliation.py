"""Use case: reconciliation of the key energy-using units (issue 11 item 4; docs/energy-budgets.md).

- Per unit: the monitored year (stored `MonthlyEnergy`, calorific basis 当量值) against the approved
  annual energy-utilisation report of the year (`energy_monthly.report_total`).
- Per city: the sum of its key units' year figures (the report's total; else a whole monitored year
  on the coal-equivalent basis; else the register's last annual energy use, each figure saying which)
  against the city's statistical total (`energy_total`, approved current value, 等价值): the share of
  the city's energy that key units account for.

`run_reconciliation` turns every finding above its threshold (`ecer.core.energy_reconciliation`,
parameters in catalogs/data/energy_checks.csv) into a `ReconciliationCase`, open until a reviewer
resolves it with a note; opening and resolving are audit-logged. Running again updates an open case's
figures and leaves a resolved one as it was resolved.

Scope (the one rule): an enterprise reporter sees its own unit's comparison and cases (no city
figures), a city's staff their cities', the province's staff and auditors all. Running: the province's
administrators and reviewers, a city's operators and reviewers for their cities. Resolving: the
province's administrators and reviewers, a city's reviewers for their cities.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ecer.catalogs.energy_checks import energy_check_parameters
from ecer.core.energy_reconciliation import (
    CityShare,
    MonitoredYear,
    Status,
    UnitComparison,
    UnitFigure,
    city_share,
    compare_unit,
)
from ecer.services.actor import Actor, PermissionDenied, Role, may_read_region, require_role
from ecer.services.energy_monthly import months_of, report_total, scoped_units, unit_city, year_total
from ecer.services.errors import InvalidRequest, NotFound

RUNNERS = (Role.PROVINCE_ADMIN, Role.PROVINCE_REVIEWER, Role.CITY_OPERATOR, Role.CITY_REVIEWER)
RESOLVERS = (Role.PROVINCE_ADMIN, Role.PROVINCE_REVIEWER, Role.CITY_REVIEWER)
#: statistical energy units → tce
TCE_PER = {"10k_tce": 10_000.0, "tce": 1.0}


@dataclass(frozen=True)
class UnitLine:
    credit_code: str
    name: str
    region_code: str
    months: int
    completeness: float
    comparison: UnitComparison


@dataclass(frozen=True)
class CityLine:
    region_code: str
    region_name: str
    figures: list[UnitFigure]
    share: CityShare


@dataclass(frozen=True)
class CaseRow:
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
    opened_at: Any
    resolved_at: Any
    resolved_by: str
    note: str
    is_illustrative: bool


@dataclass(frozen=True)
class Reconciliation:
    year: int
    report_available: bool
    units: list[UnitLine]
    cities: list[CityLine]
    cases: list[CaseRow]

    @property
    def findings(self) -> int:
        return sum(u.comparison.status is Status.DIFFERS for u in self.units) + sum(
            c.share.status is Status.DIFFERS for c in self.cities)


def _own_only(actor: Actor) -> bool:
    return actor.enterprise_id is not None and not actor.sees_everything


def _units(actor: Actor, region: str | None) -> list[Any]:
    units = scoped_units(actor)
    if region:
        if not may_read_region(actor, region):
            raise NotFound(f"no key energy-using units of {region} you may see")
        units = units.filter(enterprise__region_code__startswith=region.rstrip("0")[:4] or region)
    return list(units.order_by("enterprise__region_code", "enterprise__credit_code"))


def _city_totals(cities: set[str], year: int) -> dict[str, tuple[float | None, str]]:
    from ecer.masterdata.models import current_observations

    out: dict[str, tuple[float | None, str]] = {c: (None, "") for c in cities}
    for o in current_observations(sorted(cities), ["energy_total"], [year]):
        factor = TCE_PER.get(o.unit)
        out[o.region.code] = (o.value * factor if factor else None,
                              f"energy_total {o.value:g} {o.unit} v{o.version}" + (" 示例" if o.is_illustrative else ""))
    return out


def reconciliation(year: int, *, actor: Actor, region: str | None = None, lang: str = "zh") -> Reconciliation:
    """The comparisons of `year` for the units (and cities) in the actor's scope, and their cases."""
    from ecer.services.regions import region_names

    if not 2000 <= year <= 2100:
        raise InvalidRequest(f"year {year}: expected 2000–2100", "year")
    params = energy_check_parameters()
    units = _units(actor, region)
    stored = months_of([u.pk for u in units], year)
    lines, reported = [], False
    for u in units:
        months = stored.get(u.pk, {})
        n, total, completeness = year_total(months)
        monitored = MonitoredYear(n, total or 0.0, completeness) if n and total is not None else None
        report = report_total(u, year)
        reported = reported or report is not None
        lines.append(UnitLine(u.enterprise.credit_code, u.enterprise.name, u.enterprise.region_code, n, completeness,
                              compare_unit(u.enterprise.credit_code, monitored, report, params)))
    cities: list[CityLine] = []
    if not _own_only(actor):
        by_city: dict[str, list[UnitFigure]] = {}
        for u in units:
            by_city.setdefault(unit_city(u.enterprise.region_code), []).append(_figure(u, year, stored.get(u.pk, {}),
                                                                                       params.min_completeness))
        totals = _city_totals(set(by_city), year)
        names = region_names(set(by_city), lang)
        for city in sorted(by_city):
            figures = [f for f in by_city[city] if f is not None]
            cities.append(CityLine(city, names.get(city, city), figures,
                                   city_share(city, figures, totals[city][0], params)))
    return Reconciliation(year, reported, lines, cities, cases(actor=actor, year=year, region=region))


def _figure(unit: Any, year: int, months: dict[int, Any], min_completeness: float) -> UnitFigure | None:
    code = unit.enterprise.credit_code
    report = report_total(unit, year, "coal_equivalent")
    if report is not None:
        return UnitFigure(code, report, f"annual report {year} (coal-equivalent)")
    calorific_report = report_total(unit, year)
    if calorific_report is not None:
        return UnitFigure(code, calorific_report, f"annual report {year} (calorific: no coal-equivalent rate)")
    n, coal, completeness = year_total(months, "coal_equivalent")
    if n == 12 and completeness >= min_completeness:
        if coal is not None:
            return UnitFigure(code, coal, f"monitored {year} (coal-equivalent)")
        _, calorific, _ = year_total(months)
        return UnitFigure(code, calorific or 0.0, f"monitored {year} (calorific: no coal-equivalent rate)")
    if unit.annual_energy_tce is not None:
        return UnitFigure(code, unit.annual_energy_tce, "register: last annual energy use")
    return None


# --- cases ------------------------------------------------------------------------------------------


def _case_row(c: Any, names: dict[str, str]) -> CaseRow:
    return CaseRow(c.pk, c.year, c.kind, c.subject, names.get(c.subject, c.subject), c.region_code, c.value_tce,
                   c.reference_tce, c.relative, c.threshold, c.message, c.status, c.opened_at, c.resolved_at,
                   c.resolved_by, c.note, c.is_illustrative)


def _scoped_cases(actor: Actor) -> Any:
    from ecer.energy.models import ReconciliationCase
    from ecer.services.actor import visible_region_codes

    cases = ReconciliationCase.objects.all()
    if _own_only(actor):
        code = scoped_units(actor).values_list("enterprise__credit_code", flat=True).first()
        return cases.filter(subject=code or "-")
    visible = visible_region_codes(actor)
    return cases if visible is None else cases.filter(region_code__in=visible)


def _subject_names(subjects: set[str]) -> dict[str, str]:
    from ecer.masterdata.models import Region
    from ecer.monitoring.models import Enterprise

    names = dict(Enterprise.objects.filter(credit_code__in=subjects).values_list("credit_code", "name"))
    names.update(Region.objects.filter(code__in=subjects).values_list("code", "name_zh"))
    return names


def cases(*, actor: Actor, year: int | None = None, status: str | None = None, region: str | None = None,
          ) -> list[CaseRow]:
    found = _scoped_cases(actor)
    if year:
        found = found.filter(year=year)
    if status:
        found = found.filter(status=status)
    if region:
        found = found.filter(region_code__startswith=region.rstrip("0")[:4] or region)
    found = list(found)
    names = _subject_names({c.subject for c in found})
    return [_case_row(c, names) for c in found]


def _case_view(c: Any) -> dict[str, Any]:
    return {"year": c.year, "kind": c.kind, "subject": c.subject, "value_tce": c.value_tce,
            "reference_tce": c.reference_tce, "relative": c.relative, "threshold": c.threshold,
            "message": c.message, "status": c.status, "note": c.note}


@dataclass(frozen=True)
class RunResult:
    year: int
    opened: list[int]
    updated: list[int]
    unchanged: list[int]
    findings: int


def run_reconciliation(year: int, *, actor: Actor, region: str | None = None,
                       illustrative: bool = False) -> RunResult:
    """Open a case for every finding of `year` in the actor's scope (one per kind and subject)."""
    from django.db import transaction

    from ecer.energy.models import CaseStatus, ReconciliationCase
    from ecer.services import audit

    require_role(actor, *RUNNERS)
    result = reconciliation(year, actor=actor, region=region)
    found: list[tuple[str, str, str, float, float, float, str, str]] = []
    for u in result.units:
        c = u.comparison
        if c.status is Status.DIFFERS:
            found.append(("monitored_vs_report", u.credit_code, u.region_code, c.monitored_tce or 0.0,
                          c.report_tce or 0.0, c.relative or 0.0, f"±{c.threshold:.0%}", c.reason))
    for city in result.cities:
        s = city.share
        if s.status is Status.DIFFERS and s.kind is not None:
            found.append((str(s.kind), city.region_code, city.region_code, s.units_tce, s.city_tce or 0.0,
                          s.share or 0.0, f"{s.share_min:.0%}–{s.share_max:.0%}", s.reason))
    run = RunResult(year, [], [], [], len(found))
    with transaction.atomic():
        for kind, subject, region_code, value, reference, relative, threshold, message in found:
            values = {"region_code": region_code, "value_tce": value, "reference_tce": reference,
                      "relative": relative, "threshold": threshold, "message": message[:400]}
            case = ReconciliationCase.objects.filter(year=year, kind=kind, subject=subject).first()
            if case is None:
                case = ReconciliationCase.objects.create(year=year, kind=kind, subject=subject,
                                                         is_illustrative=illustrative, **values)
                audit.record(actor, "energy_reconciliation.open", "reconciliation_case", str(case.pk), None,
                             _case_view(case))
                run.opened.append(case.pk)
            elif case.status == CaseStatus.OPEN and any(getattr(case, k) != v for k, v in values.items()):
                before = _case_view(case)
                for k, v in values.items():
                    setattr(case, k, v)
                case.save()
                audit.record(actor, "energy_reconciliation.update", "reconciliation_case", str(case.pk), before,
                             _case_view(case))
                run.updated.append(case.pk)
            else:
                run.unchanged.append(case.pk)
    return run


def default_year() -> int:
    from django.utils import timezone

    return int(timezone.localdate().year - 1)


def may_run(actor: Actor) -> bool:
    return actor.role in RUNNERS or actor.role == Role.SYSTEM


def require_runner(actor: Actor) -> None:
    require_role(actor, *RUNNERS)


def may_resolve(actor: Actor) -> bool:
    return actor.role in RESOLVERS or actor.role == Role.SYSTEM


def resolve_case(case_id: int, note: str, *, actor: Actor) -> CaseRow:
    """A reviewer resolves an open case with a note (required); audit-logged. A case outside the scope
    is 'not found'; one already resolved is refused."""
    from django.db import transaction
    from django.utils import timezone

    from ecer.energy.models import CaseStatus
    from ecer.services import audit

    case = _scoped_cases(actor).filter(pk=case_id).first()
    if case is None:
        raise NotFound(f"no reconciliation case {case_id} you may see")
    require_role(actor, *RESOLVERS)
    if not may_read_region(actor, case.region_code):
        raise PermissionDenied(f"{actor.username} may not resolve cases of {case.region_code}")
    note = (note or "").strip()
    if not note:
        raise InvalidRequest("note: a resolution needs a note saying what was found (e.g. a meter not connected)")
    if case.status == CaseStatus.RESOLVED:
        raise InvalidRequest(f"case {case_id} is already resolved ({case.resolved_by}, {case.resolved_at:%Y-%m-%d})")
    with transaction.atomic():
        before = _case_view(case)
        case.status, case.note = CaseStatus.RESOLVED, note[:4000]
        case.resolved_at, case.resolved_by = timezone.now(), actor.username
        case.save()
        audit.record(actor, "energy_reconciliation.resolve", "reconciliation_case", str(case.pk), before,
                     _case_view(case))
    return _case_row(case, _subject_names({case.subject}))


def export_reconciliation(year: int, *, actor: Actor, lang: str = "zh") -> bytes:
    import io

    from openpyxl import Workbook

    from ecer.services.spreadsheet_safety import neutralise_cell

    r = reconciliation(year, actor=actor, lang=lang)
    book = Workbook()
    sheet = book.active
    sheet.title = "监测与报告"
    sheet.append(["统一社会信用代码", "单位名称", "行政区划代码", "监测月数", "完整率", "监测（tce）", "报告（tce）",
                  "差值（tce）", "相对差", "阈值", "结果", "说明"])
    for u in r.units:
        c = u.comparison
        sheet.append([neutralise_cell(v) for v in (u.credit_code, u.name, u.region_code, u.months, u.completeness,
                                                  c.monitored_tce, c.report_tce, c.difference_tce, c.relative,
                                                  c.threshold, str(c.status), c.reason)])
    if r.cities:
        cities = book.create_sheet("重点用能单位占比")
        cities.append(["市(州)", "单位数", "单位合计（tce）", "统计总量（tce）", "占比", "下限", "上限", "结果", "说明"])
        for city in r.cities:
            s = city.share
            cities.append([neutralise_cell(v) for v in (city.region_name, s.units, s.units_tce, s.city_tce, s.share,
                                                       s.share_min, s.share_max, str(s.status), s.reason)])
    sheet3 = book.create_sheet("核查案件")
    sheet3.append(["编号", "年度", "类型", "对象", "名称", "数值（tce）", "参照（tce）", "相对", "阈值", "状态",
                   "处理人", "处理时间", "说明", "示例"])
    for case in r.cases:
        sheet3.append([neutralise_cell(v) for v in (
            case.id, case.year, case.kind, case.subject, case.subject_name, case.value_tce, case.reference_tce,
            case.relative, case.threshold, case.status, case.resolved_by,
            case.resolved_at.isoformat() if case.resolved_at else "", case.note, "示例" if case.is_illustrative else "")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- illustrative annual reports of the demo units (示例) -------------------------------------------


def seed_demo_reports(period_code: str = "2024") -> int:
    """Approved illustrative annual reports (示例) of `period_code` for the demo units connected to
    monitoring, filed and approved through the report workflow by the system, each with the register's
    annual energy use as raw coal: what the monitored year is reconciled against (energy_monthly
    DEMO_REPORT_OFFSET plants the discrepancies). The report workflow's own demo unit is left to its
    browser path. Idempotent; returns how many are new (0 without the period)."""
    from ecer.collection.models import ReportingPeriod
    from ecer.energy.models import EnergyReport
    from ecer.services import energy_reports as reports
    from ecer.services.actor import system_actor
    from ecer.services.energy_monthly import DEMO_REPORT_OFFSET

    period = ReportingPeriod.objects.filter(code=period_code).first()
    if period is None:
        return 0
    actor = system_actor()
    created = 0
    for unit in scoped_units(actor).filter(enterprise__credit_code__in=list(DEMO_REPORT_OFFSET)).exclude(
            enterprise__credit_code=reports.DEMO_UNIT).order_by("enterprise__credit_code"):
        if EnergyReport.objects.filter(energy_unit=unit, period=period).exists() or not unit.annual_energy_tce:
            continue
        content: dict[str, Any] = {"energy": [{"energy_type": "raw_coal", "unit": "t", "feedstock": 0,
                                               "quantity": round(unit.annual_energy_tce / 0.7143)}],
                                   "materials": [], "products": [], "projects": [], "total_savings_tce": 0}
        _parsed, result, _problems = reports.check(content, period.year)
        content["total_calorific_tce"] = round(result.calorific_tce, 2)
        if result.coal_equivalent_tce is not None:
            content["total_coal_equivalent_tce"] = round(result.coal_equivalent_tce, 2)
        view = reports.start_report(actor, unit.enterprise.credit_code, period.code)
        reports.save_report(actor, view.id, content)
        reports.submit(actor, view.id)
        reports.approve(actor, view.id, "示例 illustrative report for the reconciliation demo")
        created += 1
    return created
