"""One plan target over many regions: targets per region, panels, core evaluation, rows (pure).

Works on the plain inputs of `ecer.accounting.inputs` and a gathered PanelSet, never on the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ecer.accounting.formulas import ENERGY_TOTAL, divides_total_energy, evaluate_formula
from ecer.accounting.inputs import PlanInputs, RegionInfo, TargetInput
from ecer.accounting.options import EXTENSIVE_UNITS, AccountingOptions
from ecer.accounting.panels import PanelSet
from ecer.accounting.report import ReportRow
from ecer.catalogs.formula import FormulaError, parse_formula
from ecer.core.barometer import Light
from ecer.core.deductions import energy_for_intensity, renewable_increase_10k_tce
from ecer.core.errors import AccountingInputError
from ecer.core.evaluate import ProgressResult, TargetKind, TargetSpec, evaluate_target
from ecer.core.explain import Names, cell_provenance
from ecer.core.forecast import ForecastMethod, forecast_target_year
from ecer.core.panel import FloatArray, Panel
from ecer.core.progress import Comparator, Direction
from ecer.core.provenance import InputRef

RAW, LISTED, RENEWABLE = "energy_raw_material", "energy_listed_projects", "renewable_electricity"


@dataclass
class TargetContext:
    plan: PlanInputs
    year: int
    regions: list[RegionInfo]
    options: AccountingOptions
    units: dict[str, Any]
    data: PanelSet


@dataclass
class RegionTarget:
    """The target values that apply to one region, and where they came from."""

    basic: float
    incentive: float | None
    annual: dict[int, float]
    source: InputRef
    note: str | None = None


@dataclass
class Prepared:
    regions: list[RegionInfo]
    targets: list[RegionTarget]
    panels: PanelSet
    deduction_notes: dict[str, list[str]] = field(default_factory=dict)


def _not_assessed_reason(ctx: TargetContext, target: TargetInput, extensive: bool) -> str:
    """Why a city has no target for a provincial level (bilingual, one line)."""
    where, value = target.region.name_zh, f"{target.value:g}"
    unit = "%" if target.unit == "pct" else f" {target.unit}"
    if extensive:
        return (f"不考核：{where}的{value}{unit}是全省总量，未分解到本地区，不适用于单个地区。/ Not assessed: the plan's "
                f"{value}{unit} is a total for {where}, not decomposed to this region, and not applied to one region.")
    return (f"不考核：未下达本地区的目标值；{where}的{value}{unit}是全省水平，不是市州目标（方法说明 §2a）。/ Not assessed: "
            f"no level issued to this region; {where}'s {value}{unit} is a provincial level, not a city target "
            "(METHODOLOGY §2a; option level_city_targets=base_plus_increment derives one).")


def _region_targets(ctx: TargetContext, target: TargetInput) -> dict[str, RegionTarget | str]:
    """Per region code: its RegionTarget, the plan value (its own region; or, for a reduction, a
    fallback), a target derived by the stated level decomposition, or the reason none applies."""
    regional = {rt.region_code: rt for rt in ctx.plan.regional if rt.indicator == target.indicator.code}
    plan_ref = InputRef(f"target:{target.code}", target.value, target.value_unit, target.region.code,
                        target.target_year, ctx.plan.version, f"plan target, clause {target.clause}")
    level = target.kind == TargetKind.LEVEL
    # A province's total (e.g. 万吨 of key-project reductions) is no target for one city.
    extensive = level and target.unit in EXTENSIVE_UNITS
    derived: dict[str, RegionTarget | str] = {}
    if level and not extensive and ctx.options.level_city_targets == "base_plus_increment":
        missing = [r for r in ctx.regions if r.code not in regional and r.code != target.region.code]
        derived = base_plus_increment(ctx, target, missing) if missing else {}
    out: dict[str, RegionTarget | str] = {}
    for region in ctx.regions:
        rt = regional.get(region.code)
        own = region.code == target.region.code
        if rt is not None:
            out[region.code] = RegionTarget(
                rt.basic, rt.incentive, dict(rt.annual),
                InputRef(f"regional_target:{target.indicator.code}", rt.basic, target.value_unit, region.code,
                         target.target_year, rt.data_version, rt.source), note=rt.note)
        elif level and not own:
            out[region.code] = derived.get(region.code) or _not_assessed_reason(ctx, target, extensive)
        else:
            fallback = None if own else (f"no RegionalTarget for {region.code}: the plan target of "
                                         f"{target.region.code} ({target.value:g} {target.value_unit}) is used "
                                         "(fallback)")
            out[region.code] = RegionTarget(target.value, target.incentive, dict(target.annual), plan_ref,
                                            note=fallback)
    return out


def direction_of(target: TargetInput) -> Direction | None:
    return Direction(target.indicator.direction) if target.indicator.direction else None


def _base_values(ctx: TargetContext, target: TargetInput, codes: list[str]) -> FloatArray:
    """The indicator's base-year value for each region code (NaN where it cannot be computed)."""
    formula = parse_formula(target.indicator.formula)
    pby = ctx.options.price_base_year_for(target.base_year)
    years = tuple(range(min(target.base_year, pby), target.base_year + 1))
    values = np.full(len(codes), np.nan)
    for i, code in enumerate(codes):
        ps = ctx.data.select([code], list(formula.variables()), years).panels
        try:
            panel = evaluate_formula(formula, ps, target.indicator.code, target.indicator.unit, pby)
        except AccountingInputError:
            continue
        values[i] = panel.values[0, panel.year_index(target.base_year)]
    return values


def base_plus_increment(ctx: TargetContext, target: TargetInput,
                        regions: list[RegionInfo]) -> dict[str, RegionTarget | str]:
    """City level = the city's base-year value + the province's increment (target − provincial base
    value), the documented option of METHODOLOGY §2a. The increment never points in the bad direction,
    so a city already beyond the provincial level is not asked to fall; a share stays within 0–100%."""
    side = Direction.for_comparator(Comparator(target.comparator), direction_of(target))
    values = _base_values(ctx, target, [target.region.code, *(r.code for r in regions)])
    province, cities = values[0], values[1:]
    if not np.isfinite(province):
        reason = (f"不考核：缺少{target.region.name_zh}{target.base_year}年基数，无法按“基数加全省增量”测算。/ Not assessed: "
                  f"{target.region.name_zh}'s {target.base_year} value is missing, so base plus the province's "
                  "increment cannot be derived.")
        return {r.code: reason for r in regions}
    increment = target.value - province
    increment = max(increment, 0.0) if side is Direction.HIGHER else min(increment, 0.0)
    out: dict[str, RegionTarget | str] = {}
    for region, base in zip(regions, cities, strict=True):
        if not np.isfinite(base):
            out[region.code] = (f"不考核：缺少本地区{target.base_year}年基数。/ Not assessed: no {target.base_year} "
                                f"value of {target.indicator.code} for this region to add the province's increment to.")
            continue
        value = float(base + increment)
        if target.unit == "pct":
            value = min(max(value, 0.0), 100.0)
        note = (f"{region.name_zh}目标按“基数加全省增量”测算：{target.base_year}年{base:.2f} + "
                f"（全省目标{target.value:g} − 全省基数{province:.2f}）= {value:.2f} / target derived as base plus the "
                f"province's increment (level_city_targets=base_plus_increment): {base:.2f} + ({target.value:g} − "
                f"{province:.2f}) = {value:.2f}")
        ref = InputRef(f"derived_target:{target.indicator.code}", value, target.value_unit, region.code,
                       target.target_year, ctx.plan.version,
                       f"base plus the increment of plan target {target.code} (clause {target.clause})")
        out[region.code] = RegionTarget(value, None, {}, ref, note=note)
    return out


def variables_for(formula: Any, opts: AccountingOptions) -> tuple[list[str], bool]:
    """The variables a target's formula needs (plus energy deductions when they apply); second value:
    whether energy deductions apply."""
    variables = list(formula.variables())
    deducts = opts.apply_energy_deductions and divides_total_energy(formula)
    if deducts:
        variables += [RAW]
        if opts.deductions.deduct_listed_projects_from_intensity:
            variables.append(LISTED)
        if opts.deductions.deduct_renewables_from_intensity:
            variables.append(RENEWABLE)
    return variables, deducts


def _subset(panel: Panel, idx: list[int]) -> Panel:
    return Panel(panel.variable, panel.unit, tuple(panel.regions[i] for i in idx), panel.years, panel.values[idx])


def optional_deduction(panel: Panel | None, notes: dict[str, list[str]]) -> Panel | None:
    """A deduction with no data at all for a region counts as zero (noted); partial data stays NaN → error."""
    if panel is None:
        return None
    values = panel.values.copy()
    empty = np.isnan(values).all(axis=1)
    for i in np.flatnonzero(empty):
        notes.setdefault(panel.regions[i], []).append(f"no {panel.variable} data: not deducted")
    values[empty] = 0.0
    return panel.with_values(values)


def _energy_after_deductions(ps: dict[str, Panel], opts: AccountingOptions, notes: dict[str, list[str]]) -> Panel:
    renewable = None
    if RENEWABLE in ps:
        ren = optional_deduction(ps[RENEWABLE], notes)
        assert ren is not None
        factors = opts.renewable_factors(ren.years)
        _, cumulative = renewable_increase_10k_tce(ren, factors, opts.deductions.renewable_baseline_year)
        renewable = Panel("renewable_deduction", "10k_tce", ren.regions, ren.years, cumulative)
    return energy_for_intensity(ps[ENERGY_TOTAL], optional_deduction(ps.get(RAW), notes), renewable,
                                optional_deduction(ps.get(LISTED), notes), opts.deductions)


def _spec(target: TargetInput, targets: list[RegionTarget], years: tuple[int, ...]) -> TargetSpec:
    reduction = target.kind == TargetKind.REDUCTION
    scale = 0.01 if reduction else 1.0  # plan reductions are in percent; the core uses fractions
    annual = np.full((len(targets), len(years)), np.nan)
    for i, t in enumerate(targets):
        for y, v in t.annual.items():
            if years[0] <= y <= years[-1]:
                annual[i, y - years[0]] = v * scale
    incentive = np.array([np.nan if t.incentive is None else t.incentive * scale for t in targets])
    return TargetSpec(target.indicator.code, TargetKind(target.kind), target.base_year, target.target_year,
                      np.array([t.basic * scale for t in targets]), Comparator(target.comparator),
                      incentive if np.isfinite(incentive).any() else None,
                      annual if np.isfinite(annual).any() else None, direction_of(target))


def _compute(ctx: TargetContext, target: TargetInput, formula: Any, prep: Prepared, idx: list[int],
             deducts: bool) -> tuple[ProgressResult, Panel]:
    ps = {code: _subset(p, idx) for code, p in prep.panels.panels.items()}
    energy = _energy_after_deductions(ps, ctx.options, prep.deduction_notes) if deducts else None
    pby = ctx.options.price_base_year_for(target.base_year)
    panel = evaluate_formula(formula, ps, target.indicator.code, target.indicator.unit, pby, energy)
    first = panel.year_index(target.base_year)
    panel = Panel(panel.variable, panel.unit, panel.regions, panel.years[first:], panel.values[:, first:])
    spec = _spec(target, [prep.targets[i] for i in idx], panel.years)
    return evaluate_target(panel, spec, ctx.options.progress), panel


def evaluate_target_rows(ctx: TargetContext, target: TargetInput) -> tuple[list[ReportRow], bool]:
    """Rows for every region of `ctx` for one plan target; second value: any illustrative input."""
    try:
        formula = parse_formula(target.indicator.formula)
    except FormulaError as exc:
        return [_row(ctx, target, r, status="error", error=f"indicator {target.indicator.code}: its formula cannot be read: {exc}") for r in ctx.regions], False
    per_region = _region_targets(ctx, target)
    rows: dict[str, ReportRow] = {}
    usable = []
    for region in ctx.regions:
        rt = per_region[region.code]
        if isinstance(rt, str):
            zh, _, en = rt.partition("。/ ")
            rows[region.code] = _row(ctx, target, region, status="not_assessed", reason=rt,
                                     light=Light.NOT_ASSESSED.code, light_annual=Light.NOT_ASSESSED.code,
                                     comparator=target.comparator, explanation_zh=f"{zh}。", explanation_en=en)
        else:
            usable.append((region, rt))
    variables, deducts = variables_for(formula, ctx.options)
    pby = ctx.options.price_base_year_for(target.base_year)
    years = tuple(range(min(target.base_year, pby), ctx.year + 1))
    panels = ctx.data.select([r.code for r, _ in usable], variables, years)
    prep = Prepared([r for r, _ in usable], [t for _, t in usable], panels)
    idx = list(range(len(usable)))
    while idx:
        try:
            result, panel = _compute(ctx, target, formula, prep, idx, deducts)
        except AccountingInputError as exc:
            codes = [prep.regions[i].code for i in idx]
            failed = [codes.index(exc.region)] if exc.region in codes else list(range(len(idx)))
            for k in failed:
                rows[codes[k]] = _row(ctx, target, prep.regions[idx[k]], status="error", error=str(exc))
            idx = [i for k, i in enumerate(idx) if k not in failed]
            continue
        for i in idx:
            region = prep.regions[i]
            rows[region.code] = _ok_row(ctx, target, region, prep, result, panel, variables, years)
        break
    return [rows[r.code] for r in ctx.regions], panels.illustrative


def _row(ctx: TargetContext, target: TargetInput, region: RegionInfo, **extra: Any) -> ReportRow:
    reduction = target.kind == TargetKind.REDUCTION
    return ReportRow(region.code, region.name_zh, region.name_en, target.code, target.indicator.code,
                     target.indicator.name_zh, target.indicator.name_en, target.kind, ctx.year,
                     "pct" if reduction else target.indicator.unit, **extra)


def _names(ctx: TargetContext, target: TargetInput, region: RegionInfo) -> Names:
    unit = ctx.units.get(target.indicator.unit)
    return Names(region.name_zh, region.name_en or region.name_zh, target.indicator.name_zh,
                 target.indicator.name_en or target.indicator.name_zh,
                 unit.name_zh if unit else target.indicator.unit, unit.name_en if unit else target.indicator.unit)


def _forecast(panel: Panel, k: int, target: TargetInput) -> dict[str, Any]:
    one = Panel(panel.variable, panel.unit, (panel.regions[k],), panel.years, panel.values[k : k + 1])
    method = ForecastMethod.LOGLINEAR if target.kind == TargetKind.REDUCTION else ForecastMethod.LINEAR
    try:
        fc = forecast_target_year(one, max(target.target_year, panel.years[-1]), method=method)
    except AccountingInputError as exc:
        return {"status": "error", "error": str(exc)}
    out: dict[str, Any] = {"status": fc.status.value, "method": fc.message_en, "target_year": fc.target_year}
    if np.isfinite(fc.point[0]):
        base = float(panel.values[k, 0])
        reduction = target.kind == TargetKind.REDUCTION

        def convert(v: float) -> float:
            return (1.0 - v / base) * 100.0 if reduction else v

        out["likely"] = round(convert(float(fc.point[0])), 4)
        if np.isfinite(fc.lower[0]):
            bounds = sorted([convert(float(fc.lower[0])), convert(float(fc.upper[0]))])
            out["interval"] = [round(b, 4) for b in bounds]
    return out


def _ok_row(ctx: TargetContext, target: TargetInput, region: RegionInfo, prep: Prepared, result: ProgressResult,
            panel: Panel, variables: list[str], years: tuple[int, ...]) -> ReportRow:
    i, j = result.cell(region.code, ctx.year)
    scale = 100.0 if target.kind == TargetKind.REDUCTION else 1.0
    rt = prep.targets[prep.regions.index(region)]
    names = _names(ctx, target, region)
    sources = [c for v in variables if (c := prep.panels.sources.get((region.code, v))) is not None]
    notes = [n for n in [rt.note, *prep.deduction_notes.get(region.code, []), *(c.note for c in sources)] if n]
    inputs = [rt.source, *prep.panels.inputs_for(region.code, variables, years)]
    prov = cell_provenance(result, region.code, ctx.year, names, inputs, "progress", ctx.options.progress,
                           {"price_base_year": ctx.options.price_base_year_for(target.base_year),
                            "formula": target.indicator.formula}, notes)
    required = float(result.required[i, j]) * scale
    about = result.spec.comparator is Comparator.ABOUT
    tolerance = ctx.options.progress.about_tolerance * abs(required) if about else 0.0
    return _row(
        ctx, target, region, direction=result.spec.judged.value, comparator=result.spec.comparator.value,
        tolerance=tolerance, actual=float(result.actual[i, j]) * scale, required=required,
        gap=float(result.gap[i, j]) * scale, completion_pct=float(result.completion[i, j]) * 100.0,
        remaining_per_year=float(result.remaining_per_year[i, j]) * scale,
        annual_actual=float(result.annual_actual[i, j]) * scale,
        annual_required=float(result.annual_required[i, j]) * scale,
        light=Light(int(result.light_progress[i, j])).code, light_annual=Light(int(result.light_annual[i, j])).code,
        incentive_met=bool(result.incentive_met[i, j]), target_value=rt.basic, target_incentive=rt.incentive,
        forecast=_forecast(panel, i, target), actual_source=sources[0].source if sources else None,
        explanation_zh=prov.explanation_zh + "".join(c.marker("zh") for c in sources),
        explanation_en=prov.explanation_en + "".join(c.marker("en") for c in sources), provenance=prov.to_dict())
