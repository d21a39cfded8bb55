"""Use case: energy-use budgets (用能预算, plan §四(一); docs/energy-budgets.md).

A city's budget for its key units under budget management (register column 实行用能预算管理) is split
to them by a stated rule (`ecer.core.energy_budget`: `pro_rata_base_year` v1, or entered as issued
from a workbook), stored with the rule's name and version, the base year and the document, and
audit-logged. Each unit's monitored use (stored `MonthlyEnergy`, calorific basis 当量值) is followed
against its pro-rata budget with the barometer's light, and units over budget or growing fastest make
the 节能监察 inspection list.

Scope (the one rule): an enterprise reporter sees its own unit's budget (not its city's total), a
city's staff their cities', the province's staff and auditors all. The province's administrators and a
city's operators set budgets, each within their regions.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from ecer.catalogs.energy_checks import energy_check_parameters
from ecer.core import energy_budget as rules
from ecer.core.barometer import Light
from ecer.core.errors import AccountingInputError
from ecer.errors import InputFileError, Problem
from ecer.services.actor import Actor, PermissionDenied, Role, may_read_region, require_role
from ecer.services.energy_monthly import months_of, report_total, scoped_units, unit_city, year_total
from ecer.services.errors import NotFound, ServiceError
from ecer.services.workbook_file import HINT_PREFIXES, Column, read_lines, write_workbook

SETTERS = (Role.PROVINCE_ADMIN, Role.CITY_OPERATOR)
MAX_FILE_BYTES = 5 * 1024 * 1024


class BudgetInputError(ServiceError):
    """A budget that cannot be set as asked; the message names the field, value and why."""


@dataclass(frozen=True)
class UnitBudgetRow:
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
    sources: str  # where the monthly figures come from (monitoring / illustrative)


@dataclass(frozen=True)
class CityBudget:
    region_code: str
    region_name: str
    year: int
    total_tce: float | None  # None: not shown to an enterprise reporter
    rule: str
    rule_version: str
    base_year: int | None
    document: str
    is_illustrative: bool
    units: list[UnitBudgetRow]


@dataclass(frozen=True)
class BudgetOverview:
    year: int
    as_of_month: int
    threshold: float
    cities: list[CityBudget]


def default_year() -> int:
    from django.utils import timezone

    return int(timezone.localdate().year)


def may_set(actor: Actor) -> bool:
    return actor.role in SETTERS or actor.role == Role.SYSTEM


def require_setter(actor: Actor) -> None:
    """Refuse (PermissionDenied) an actor who does not set budgets, before any file is read."""
    require_role(actor, *SETTERS)


def read_upload(name: str, size: int, read: Any) -> bytes:
    if size > MAX_FILE_BYTES:
        raise InputFileError([Problem(name, "file", f"{size:,} bytes; a budget file may have at most "
                                                    f"{MAX_FILE_BYTES:,}")])
    return bytes(read())


def _as_of(year: int, today: dt.date) -> int:
    """The last month followed: December for a past year, last month for this year (0: none yet)."""
    if year < today.year:
        return 12
    return today.month - 1 if year == today.year else 0


def _city_units(city: str, actor: Actor) -> list[Any]:
    units = scoped_units(actor).filter(energy_budget=True, enterprise__region_code__startswith=city[:4])
    return list(units.order_by("enterprise__credit_code"))


def base_figures(units: list[Any], base_year: int) -> dict[str, tuple[float | None, str]]:
    """Each unit's base-year consumption (tce, calorific) and where it comes from: the approved annual
    report; else a whole monitored year (12 months, ≥ min_completeness); else the register's last
    annual energy use."""
    params = energy_check_parameters()
    stored = months_of([u.pk for u in units], base_year)
    out: dict[str, tuple[float | None, str]] = {}
    for u in units:
        code = u.enterprise.credit_code
        report = report_total(u, base_year)
        if report is not None:
            out[code] = (report, f"annual report {base_year}")
            continue
        n, total, completeness = year_total(stored.get(u.pk, {}))
        if n == 12 and total is not None and completeness >= params.min_completeness:
            sources = {m.source for m in stored[u.pk].values()}
            out[code] = (total, f"monitored {base_year} ({'/'.join(sorted(sources))})")
        else:
            out[code] = (u.annual_energy_tce, "register: last annual energy use")
    return out


def _check_city(city: str, year: int, actor: Actor) -> str:
    from ecer.masterdata.models import Region

    require_role(actor, *SETTERS)
    if actor.role == Role.AUDITOR:
        raise PermissionDenied("auditors may not set budgets")
    region = Region.objects.filter(code=city).first()
    if region is None or city != unit_city(city) or city.endswith("0000"):
        raise BudgetInputError(f"region {city!r}: expected the GB/T 2260 code of a 市(州), e.g. 510800")
    if not may_read_region(actor, city):
        raise PermissionDenied(f"{actor.username} may not set budgets for {city}")
    if not 2000 <= year <= 2100:
        raise BudgetInputError(f"year {year!r}: expected 2000–2100")
    return str(region.name_zh)


def _store(city: str, year: int, total: float, rule: str, base_year: int | None, document: str,
           lines: list[tuple[Any, float, float | None, str]], actor: Actor, illustrative: bool) -> None:
    from django.db import transaction

    from ecer.energy.models import EnergyBudget
    from ecer.services import audit

    with transaction.atomic():
        old = EnergyBudget.objects.filter(region_code=city, year=year).first()
        before = _audit_view(old) if old else None
        if old:
            old.delete()
        budget = EnergyBudget.objects.create(region_code=city, year=year, total_tce=total, rule=rule,
                                             rule_version=rules.RULES[rule], base_year=base_year, document=document,
                                             is_illustrative=illustrative, created_by=actor.username)
        for unit, tce, base, source in lines:
            budget.units.create(energy_unit=unit, budget_tce=tce, base_tce=base, base_source=source)
        audit.record(actor, "energy_budget.set", "energy_budget", f"{city}:{year}", before, _audit_view(budget))


def _audit_view(budget: Any) -> dict[str, Any]:
    return {"total_tce": budget.total_tce, "rule": budget.rule, "rule_version": budget.rule_version,
            "base_year": budget.base_year, "document": budget.document,
            "units": {u.energy_unit.enterprise.credit_code: u.budget_tce
                      for u in budget.units.select_related("energy_unit__enterprise")}}


def allocate_budget(city: str, year: int, total_tce: float, *, base_year: int | None = None, document: str = "",
                    actor: Actor, illustrative: bool = False) -> CityBudget:
    """Split the city's budget for its key units pro rata to their base-year consumption
    (`pro_rata_base_year` v1; base year: the year before, unless given). Replaces the city's budget of
    the year. BudgetInputError names what is wrong; nothing is stored then."""
    _check_city(city, year, actor)
    if not (isinstance(total_tce, int | float) and math.isfinite(total_tce) and total_tce > 0):
        raise BudgetInputError(f"total_tce {total_tce!r}: expected a positive number of tce")
    base_year = base_year or year - 1
    if not 2000 <= base_year <= year:
        raise BudgetInputError(f"base_year {base_year!r}: expected 2000–{year}")
    units = _city_units(city, actor)
    if not units:
        raise BudgetInputError(f"region {city}: no key energy-using unit under budget management "
                               "(register column 实行用能预算管理)")
    bases = base_figures(units, base_year)
    try:
        split = rules.allocate_pro_rata(total_tce, {code: b for code, (b, _) in bases.items()})
    except AccountingInputError as err:
        raise BudgetInputError(str(err)) from err
    lines = [(u, split[u.enterprise.credit_code], *bases[u.enterprise.credit_code]) for u in units]
    _store(city, year, total_tce, rules.RULE_PRO_RATA, base_year, document, lines, actor, illustrative)
    return budget_overview(year, actor=actor, region=city).cities[0]


# --- budgets entered as issued (workbook) ------------------------------------------------------------

SHEET = "用能预算"
COLUMNS = (
    Column("credit_code", "统一社会信用代码", True, "a unit on the register under budget management"),
    Column("year", "年度", True, "e.g. 2026"),
    Column("budget_tce", "用能预算（吨标准煤）", True, "a positive number"),
    Column("document", "下达文件", False, "the issuing document, e.g. 广发改环资〔2026〕1号"),
)


def issued_template(rows: list[dict[str, Any]] | None = None) -> bytes:
    return write_workbook(SHEET, COLUMNS, rows or [], lambda key, value: value, lambda c: 24)


def import_issued(data: bytes, file: str, *, actor: Actor) -> list[CityBudget]:
    """Budgets as issued (rule `issued`), one workbook row per unit; each city-year named in the file is
    replaced by its rows (its total: their sum). All or nothing: InputFileError names every problem."""
    require_role(actor, *SETTERS)
    lines = read_lines(data, file, SHEET)
    index = _header_index(lines[0], file)
    problems: list[Problem] = []
    by_code = {u.enterprise.credit_code: u for u in scoped_units(actor).filter(energy_budget=True)}
    groups: dict[tuple[str, int], list[tuple[Any, float, str]]] = {}
    seen: set[tuple[str, int]] = set()
    for number, line in enumerate(lines[1:], start=2):
        cells = {k: line[i] if i < len(line) else None for k, i in index.items()}
        if all(v in (None, "") for v in cells.values()) or str(cells.get("credit_code") or "").startswith(HINT_PREFIXES):
            continue
        parsed = _issued_row(cells, by_code, file, f"row {number}", problems)
        if parsed is None:
            continue
        unit, year, tce, document = parsed
        code = unit.enterprise.credit_code
        if (code, year) in seen:
            problems.append(Problem(file, f"row {number}", f"{code} {year} appears twice", "统一社会信用代码"))
        seen.add((code, year))
        groups.setdefault((unit_city(unit.enterprise.region_code), year), []).append((unit, tce, document))
    if not problems and not groups:
        problems.append(Problem(file, "file", "no budget rows below the header"))
    if problems:
        raise InputFileError(problems)
    for city, year in sorted(groups):
        try:
            _check_city(city, year, actor)
        except BudgetInputError as err:
            raise InputFileError([Problem(file, "file", str(err))]) from err
    from django.db import transaction

    with transaction.atomic():
        for (city, year), rows in sorted(groups.items(), key=lambda kv: kv[0]):
            documents = sorted({d for _, _, d in rows if d})
            _store(city, year, math.fsum(t for _, t, _ in rows), rules.RULE_ISSUED, None, "; ".join(documents),
                   [(u, t, None, "issued") for u, t, _ in rows], actor, False)
    return [c for year in sorted({y for _, y in groups}) for c in budget_overview(year, actor=actor).cities
            if (c.region_code, year) in groups]


def _header_index(header_line: tuple[Any, ...], file: str) -> dict[str, int]:
    header = [str(h or "").strip() for h in header_line]
    index, problems = {}, []
    for c in COLUMNS:
        for name in (c.label_zh, c.key):
            if name in header:
                index[c.key] = header.index(name)
        if c.required and c.key not in index:
            problems.append(Problem(file, "header", f"missing column '{c.label_zh}' ({c.key})", c.label_zh))
    if problems:
        raise InputFileError(problems)
    return index


def _issued_row(cells: dict[str, Any], by_code: dict[str, Any], file: str, where: str,
                problems: list[Problem]) -> tuple[Any, int, float, str] | None:
    """One issued-budget row checked (problems appended), or None when it has any."""
    before = len(problems)
    code = str(cells.get("credit_code") or "").strip().upper()
    unit = by_code.get(code)
    if unit is None:
        problems.append(Problem(file, where, f"'{code}' is not a unit under budget management on the register "
                                "you may maintain", "统一社会信用代码"))
    year = 0
    with contextlib.suppress(ValueError):
        year = int(str(cells.get("year") or "").strip())
    if not 2000 <= year <= 2100:
        problems.append(Problem(file, where, f"'{cells.get('year')}': expected a year 2000–2100", "年度"))
    tce = float("nan")
    with contextlib.suppress(ValueError):
        tce = float(str(cells.get("budget_tce") or "").strip())
    if not (math.isfinite(tce) and tce > 0):
        problems.append(Problem(file, where, f"'{cells.get('budget_tce')}': expected a positive number of tce",
                                "用能预算（吨标准煤）"))
    if len(problems) > before:
        return None
    return unit, year, tce, str(cells.get("document") or "").strip()


# --- follow-up ------------------------------------------------------------------------------------


def budget_overview(year: int, *, actor: Actor, region: str | None = None, today: dt.date | None = None,
                    lang: str = "zh") -> BudgetOverview:
    """The budgets of `year` in the actor's scope (optionally one city), each unit's use to date against
    its pro-rata budget with the barometer light."""
    from django.utils import timezone

    from ecer.energy.models import UnitBudget
    from ecer.services.regions import region_names

    if not 2000 <= year <= 2100:
        raise BudgetInputError(f"year {year!r}: expected 2000–2100")
    params = energy_check_parameters()
    as_of = _as_of(year, today or timezone.localdate())
    visible = scoped_units(actor).values_list("pk", flat=True)
    lines = UnitBudget.objects.select_related("budget", "energy_unit__enterprise").filter(
        budget__year=year, energy_unit_id__in=list(visible)).order_by("budget__region_code",
                                                                      "energy_unit__enterprise__credit_code")
    if region:
        if not may_read_region(actor, region):
            raise NotFound(f"no budget of {region} you may see")
        lines = lines.filter(budget__region_code=region)
    lines = list(lines)
    ids = [line.energy_unit_id for line in lines]
    this, last = months_of(ids, year), months_of(ids, year - 1)
    complete = params.min_completeness
    uses = [rules.UnitUse(line.energy_unit.enterprise.credit_code, line.budget_tce,
                          {m: (v.calorific_tce, v.completeness >= complete) for m, v in this.get(line.energy_unit_id, {}).items()},
                          {m: (v.calorific_tce, v.completeness >= complete) for m, v in last.get(line.energy_unit_id, {}).items()})
            for line in lines]
    statuses = rules.budget_statuses(uses, year, as_of, params) if as_of else [
        rules.BudgetStatus(u.credit_code, u.budget_tce, 0, 0.0, 0.0, None, Light.NOT_ASSESSED, None,
                           "the year has not begun") for u in uses]
    names = region_names({line.budget.region_code for line in lines}, lang)
    cities: dict[int, CityBudget] = {}
    own_only = actor.enterprise_id is not None and not actor.sees_everything
    for line, s in zip(lines, statuses, strict=True):
        b = line.budget
        city = cities.get(b.pk)
        if city is None:
            city = cities[b.pk] = CityBudget(b.region_code, names.get(b.region_code, b.region_code), b.year,
                                             None if own_only else b.total_tce, b.rule, b.rule_version, b.base_year,
                                             b.document, b.is_illustrative, [])
        e = line.energy_unit.enterprise
        sources = "/".join(sorted({v.source for v in this.get(line.energy_unit_id, {}).values()})) or "—"
        city.units.append(UnitBudgetRow(e.credit_code, e.name, e.region_code, b.region_code, line.budget_tce,
                                        line.base_tce, line.base_source, s.through_month, s.used_tce,
                                        s.budget_to_date_tce, s.used_share, s.light.code, s.growth, s.note, sources))
    return BudgetOverview(year, as_of, params.budget_barometer_threshold, list(cities.values()))


@dataclass(frozen=True)
class InspectionRow:
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


@dataclass(frozen=True)
class Inspection:
    year: int
    as_of_month: int
    top_growth: int
    rule: str
    rows: list[InspectionRow]


def inspection_list(year: int, *, actor: Actor, today: dt.date | None = None, lang: str = "zh") -> Inspection:
    """The 节能监察 list of `year` in the actor's scope: units over their pro-rata budget and the N
    fastest-growing (ranked among the units the actor sees)."""
    params = energy_check_parameters()
    overview = budget_overview(year, actor=actor, today=today, lang=lang)
    units = {u.credit_code: (c, u) for c in overview.cities for u in c.units}
    statuses = [rules.BudgetStatus(u.credit_code, u.budget_tce, u.through_month, u.used_tce, u.budget_to_date_tce,
                                   u.used_share, Light[u.light.upper()], u.growth, u.note)
                for _, u in units.values()]
    rows = []
    for e in rules.inspection_list(statuses, params):
        c, u = units[e.credit_code]
        rows.append(InspectionRow(u.credit_code, u.name, c.region_code, c.region_name, u.light, u.used_share,
                                  u.growth, e.over_budget, e.growth_rank, list(e.reasons)))
    rule = (f"over the pro-rata budget (light yellow or red), or among the {params.inspection_top_growth} "
            "fastest-growing units year on year (growth > 0)")
    return Inspection(year, overview.as_of_month, params.inspection_top_growth, rule, rows)


def export_budgets(year: int, *, actor: Actor, lang: str = "zh") -> bytes:
    """The budgets and the follow-up of `year` in the actor's scope, and the inspection list, as a workbook."""
    import io

    from openpyxl import Workbook

    from ecer.services.spreadsheet_safety import neutralise_cell

    overview = budget_overview(year, actor=actor, lang=lang)
    book = Workbook()
    sheet = book.active
    sheet.title = "用能预算"
    sheet.append(["市(州)", "规则", "规则版本", "基准年", "下达文件", "统一社会信用代码", "单位名称", "预算（tce）",
                  "基准年能耗（tce）", "基准来源", "截至月份", "累计用能（tce）", "序时预算（tce）", "用能/序时预算",
                  "同比增长", "预警", "说明", "示例"])
    for c in overview.cities:
        for u in c.units:
            sheet.append([neutralise_cell(v) for v in (
                c.region_name, c.rule, c.rule_version, c.base_year, c.document, u.credit_code, u.name, u.budget_tce,
                u.base_tce, u.base_source, u.through_month, u.used_tce, u.budget_to_date_tce, u.used_share, u.growth,
                u.light, u.note, "示例 illustrative" if c.is_illustrative else "")])
    listed = inspection_list(year, actor=actor, lang=lang)
    second = book.create_sheet("节能监察")
    second.append(["统一社会信用代码", "单位名称", "市(州)", "预警", "超预算", "增速排名", "原因"])
    for r in listed.rows:
        second.append([neutralise_cell(v) for v in (r.credit_code, r.name, r.city_name, r.light,
                                                    "是" if r.over_budget else "否", r.growth_rank, "; ".join(r.reasons))])
    second.append([])
    second.append([neutralise_cell(f"规则 rule: {listed.rule}")])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def seed_demo_budgets(year: int | None = None) -> int:
    """Illustrative budgets (示例) of this year for every city with demo units under budget management:
    the base year's consumption + 2%, split pro rata to it. Idempotent; returns how many are new."""
    from django.utils import timezone

    from ecer.energy.models import EnergyBudget
    from ecer.services.actor import system_actor

    year = year or timezone.localdate().year
    actor = system_actor()
    cities = sorted({unit_city(u.enterprise.region_code) for u in scoped_units(actor).filter(
        energy_budget=True, enterprise__credit_code__contains="MADEM")})
    created = 0
    for city in cities:
        if EnergyBudget.objects.filter(region_code=city, year=year).exists():
            continue
        bases = base_figures(_city_units(city, actor), year - 1)
        total = math.fsum(b or 0.0 for b, _ in bases.values()) * 1.02
        allocate_budget(city, year, round(total, 0), base_year=year - 1, actor=actor, illustrative=True,
                        document="示例：基准年能耗 + 2%（非下达预算） / illustrative: base-year use + 2%, not an issued budget")
        created += 1
    return created
