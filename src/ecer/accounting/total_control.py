"""Total energy consumption control rows (能源消费总量控制), METHODOLOGY §2–§4 (pure; no Django).

The barometer rates every region on intensity reduction AND on total-consumption control. For each
region and the assessed year: assessed consumption = energy_total − raw-material energy − new
renewable electricity (cumulative increase over the baseline year, kWh→tce per year as in the
options) − nationally listed projects, against the region's energy-use budget (`energy_budget`, as
issued) or, when it has none, a budget derived from `AccountingOptions.energy_allowed_growth_pct`.
A region with neither gets no row: a budget is never invented. A region whose intensity reduction
reached its incentive target that year is exempt (1310号): status "exempt", light "exempt" (免考核),
never counted as green.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ecer.accounting.formulas import ENERGY_TOTAL
from ecer.accounting.inputs import PlanInputs, RegionInfo, TargetInput
from ecer.accounting.options import AccountingOptions
from ecer.accounting.panels import PanelSet
from ecer.accounting.report import ReportRow
from ecer.accounting.target_rows import LISTED, RAW, RENEWABLE, TargetContext, optional_deduction
from ecer.core.barometer import Light
from ecer.core.deductions import energy_for_total_assessment, renewable_increase_10k_tce
from ecer.core.errors import AccountingInputError
from ecer.core.explain import Names, TotalBreakdown, explain_total_control
from ecer.core.panel import Panel
from ecer.core.provenance import InputRef, Provenance, rule_version
from ecer.core.total_energy import budget_from_growth, total_consumption_control

TOTAL_CONTROL = "energy_total_control"
INTENSITY = "energy_intensity"
BUDGET = "energy_budget"
VARIABLES = (ENERGY_TOTAL, RAW, RENEWABLE, LISTED, BUDGET)
NAME_ZH, NAME_EN = "能源消费总量控制", "total energy consumption control"
UNIT = "10k_tce"
RULE = "total_energy.budget"


def control_target(plan: PlanInputs) -> TargetInput | None:
    """The intensity target whose base year and incentive govern total-consumption control (none: no rows)."""
    return plan.reduction_target(INTENSITY)


def control_years(target: TargetInput, year: int, options: AccountingOptions) -> tuple[int, ...]:
    """From the earlier of the base year and the renewable baseline year to the assessed year."""
    return tuple(range(min(target.base_year, options.deductions.renewable_baseline_year), year + 1))


@dataclass
class _Cell:
    breakdown: TotalBreakdown
    rose: bool
    inputs: list[InputRef]
    notes: list[str] = field(default_factory=list)


def _assessed(ps: PanelSet, opts: AccountingOptions, notes: dict[str, list[str]]) -> tuple[Panel, Panel, Panel, Panel]:
    """(assessed, raw material, renewable deduction, listed projects) panels, all in 10k_tce."""
    ren = optional_deduction(ps.panels[RENEWABLE], notes)
    assert ren is not None
    factors = opts.renewable_factors(ren.years)
    _, cumulative = renewable_increase_10k_tce(ren, factors, opts.deductions.renewable_baseline_year)
    renewable = Panel("renewable_deduction", UNIT, ren.regions, ren.years, cumulative)
    raw = optional_deduction(ps.panels[RAW], notes)
    listed = optional_deduction(ps.panels[LISTED], notes)
    assert raw is not None and listed is not None
    assessed = energy_for_total_assessment(ps.panels[ENERGY_TOTAL], raw, renewable, listed)
    return assessed, raw, renewable, listed


def _cell(ctx: TargetContext, target: TargetInput, region: str, ps: PanelSet) -> _Cell | None:
    """The region's breakdown for the assessed year, or None when it has no budget and no growth rule."""
    year, opts = ctx.year, ctx.options
    issued = ps.value(region, BUDGET, year)
    if not np.isfinite(issued) and opts.energy_allowed_growth_pct is None:
        return None
    notes: dict[str, list[str]] = {}
    assessed, raw, renewable, listed = _assessed(ps, opts, notes)
    j = ps.years.index(year)
    value = float(assessed.values[0, j])
    inputs = ps.inputs_for(region, [ENERGY_TOTAL, RAW, LISTED], [year])
    inputs += ps.inputs_for(region, [RENEWABLE], [y for y in ps.years if y >= opts.deductions.renewable_baseline_year])
    basis, base_year, growth_pct = "issued", None, None
    if np.isfinite(issued):
        budget = issued
        inputs += ps.inputs_for(region, [BUDGET], [year])
    else:
        growth = float(opts.energy_allowed_growth_pct or 0.0)
        n = target.target_year - target.base_year
        base = assessed.values[0, ps.years.index(target.base_year)]
        budget = float(budget_from_growth(np.array([base]), (1 + growth / 100) ** n - 1, target.base_year,
                                          target.target_year, (year,), (region,))[0, 0])
        inputs += ps.inputs_for(region, [ENERGY_TOTAL, RAW, LISTED], [target.base_year])
        basis, base_year, growth_pct = "growth", target.base_year, growth
    factor = opts.renewable_factor(year).kgce_per_kwh if year > opts.deductions.renewable_baseline_year else None
    breakdown = TotalBreakdown(float(ps.value(region, ENERGY_TOTAL, year)), float(raw.values[0, j]),
                               float(renewable.values[0, j]), float(listed.values[0, j]), value, float(budget), basis,
                               base_year, growth_pct, opts.renewable_basis, factor)
    rose = j > 0 and value > float(assessed.values[0, j - 1])
    return _Cell(breakdown, rose, inputs, notes.get(region, []))


def _exempt(intensity: ReportRow | None) -> tuple[bool, str | None]:
    """(exempt, reason it cannot be decided): the intensity row of the same region and year decides."""
    if intensity is None:
        return False, None
    if intensity.status != "ok":
        return False, (f"exemption cannot be decided: the {INTENSITY} row is {intensity.status}"
                       f" ({intensity.error})")
    return bool(intensity.incentive_met), None


def _row(ctx: TargetContext, region: RegionInfo, **extra: Any) -> ReportRow:
    return ReportRow(region.code, region.name_zh, region.name_en, TOTAL_CONTROL, TOTAL_CONTROL, NAME_ZH, NAME_EN,
                     "budget", ctx.year, UNIT, **extra)


def _ok_row(ctx: TargetContext, target: TargetInput, region: RegionInfo, cell: _Cell,
            intensity: ReportRow | None, exempt: bool) -> ReportRow:
    b = cell.breakdown
    assessed = Panel("energy_for_total_assessment", UNIT, (region.code,), (ctx.year,), np.array([[b.assessed]]))
    barometer = ctx.options.progress.barometer
    result = total_consumption_control(assessed, np.array([[b.budget]]), np.array([[exempt]]), barometer,
                                       np.array([[cell.rose]]))
    light = Light(int(result.light[0, 0]))
    unit = ctx.units.get(UNIT)
    names = Names(region.name_zh, region.name_en or region.name_zh, NAME_ZH, NAME_EN,
                  unit.name_zh if unit else UNIT, unit.name_en if unit else UNIT)
    zh, en = explain_total_control(names, ctx.year, b, light, barometer)
    inputs = list(cell.inputs)
    if intensity is not None:
        inputs.append(InputRef(f"progress:{intensity.target_code}", intensity.actual, "pct", region.code, ctx.year,
                               "computed in this report from the inputs of that row",
                               f"incentive target {intensity.target_incentive}: "
                               f"{'met' if intensity.incentive_met else 'not met'}"))
    parameters = {
        "budget_basis": b.budget_basis, "energy_allowed_growth_pct": ctx.options.energy_allowed_growth_pct,
        "base_year": target.base_year, "target_year": target.target_year,
        "renewable_baseline_year": ctx.options.deductions.renewable_baseline_year,
        "renewable_basis": ctx.options.renewable_basis,
        "renewable_factors": [ctx.options.renewable_factor(y).to_dict() for y in range(
            ctx.options.deductions.renewable_baseline_year + 1, ctx.year + 1)],
        "deductions": {"raw_material": b.raw_material, "renewable": b.renewable, "listed_projects": b.listed},
        "exempt_if_incentive_met": "发改环资〔2021〕1310号", "barometer_variant": barometer.variant.value,
        "barometer_rule_version": rule_version(f"barometer.{barometer.variant.value}"),
        "barometer_threshold": barometer.threshold, "barometer_threshold_basis": barometer.threshold_basis.value,
    }
    prov = Provenance(RULE, rule_version(RULE), tuple(inputs), parameters, zh, en, tuple(cell.notes))
    return _row(ctx, region, status="exempt" if exempt else "ok", actual=b.assessed, required=b.budget,
                gap=b.assessed - b.budget, light=light.code, light_annual=light.code, incentive_met=exempt,
                direction="lower", comparator="le", tolerance=0.0,
                target_value=b.budget, explanation_zh=zh, explanation_en=en, provenance=prov.to_dict())


def total_control_rows(ctx: TargetContext, target: TargetInput,
                       intensity_rows: list[ReportRow]) -> tuple[list[ReportRow], bool]:
    """One row per region that has a budget (or the growth rule applies); second value: any illustrative input."""
    by_region = {r.region_code: r for r in intensity_rows}
    years = control_years(target, ctx.year, ctx.options)
    rows, illustrative = [], False
    for region in ctx.regions:
        ps = ctx.data.select([region.code], VARIABLES, years)
        try:
            cell = _cell(ctx, target, region.code, ps)
        except AccountingInputError as exc:
            rows.append(_row(ctx, region, status="error", error=str(exc)))
            continue
        if cell is None:
            continue
        exempt, undecided = _exempt(by_region.get(region.code))
        if undecided:
            rows.append(_row(ctx, region, status="error", error=undecided))
            continue
        rows.append(_ok_row(ctx, target, region, cell, by_region.get(region.code), exempt))
        illustrative = illustrative or ps.illustrative
    return rows, illustrative
