"""Evaluate a plan on gathered inputs (pure): plan targets + regional targets + panels + options → report.

The one path from data to progress numbers. `progress_report` (database), `ecer assess` (database or
a statistics file) and `ecer explain` all call `evaluate_progress`; only the gathering differs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from ecer.accounting.inputs import PlanInputs, RegionInfo
from ecer.accounting.options import AccountingOptions
from ecer.accounting.panels import PanelSet
from ecer.accounting.report import ProgressReport
from ecer.accounting.target_rows import TargetContext, evaluate_target_rows, variables_for
from ecer.accounting.total_control import VARIABLES as TOTAL_VARIABLES
from ecer.accounting.total_control import control_target, total_control_rows
from ecer.catalogs.formula import FormulaError, parse_formula


def needed_variables(plan: PlanInputs, options: AccountingOptions) -> list[str]:
    """Every variable the plan's target formulas need (deduction variables included), in first-use order."""
    out: dict[str, None] = {}
    for target in plan.targets:
        try:
            formula = parse_formula(target.indicator.formula)
        except FormulaError:
            continue  # reported as an error row by the evaluation
        out.update(dict.fromkeys(variables_for(formula, options)[0]))
    if control_target(plan) is not None:
        out.update(dict.fromkeys(TOTAL_VARIABLES))
    return list(out)


def needed_years(plan: PlanInputs, year: int, options: AccountingOptions) -> tuple[int, ...]:
    """From the earliest base (or price base, or renewable baseline for total-consumption control) year
    of the plan's targets to `year`."""
    starts = [min(t.base_year, options.price_base_year_for(t.base_year)) for t in plan.targets]
    if control_target(plan) is not None:
        starts.append(options.deductions.renewable_baseline_year)
    return tuple(range(min(starts, default=year), year + 1))


def evaluate_progress(
    plan: PlanInputs,
    regions: Sequence[RegionInfo],
    year: int,
    data: PanelSet,
    options: AccountingOptions | None = None,
    units: dict[str, Any] | None = None,
) -> ProgressReport:
    """Progress of every target of `plan` in `year` for `regions`, one row per region × target.

    `data` must hold the panels of `needed_variables` over `needed_years` (cells without data NaN);
    `units` is the unit catalog (names in explanations); default the bundled one.
    """
    from ecer.catalogs.units import load_units

    opts = options or AccountingOptions()
    report = ProgressReport(plan.code, year, [], parameters(opts, plan))
    context = TargetContext(plan=plan, year=year, regions=list(regions), options=opts,
                            units=units if units is not None else load_units(), data=data)
    for target in plan.targets:
        if year <= target.base_year:
            report.notes.append(f"{target.code}: {year} is not after base year {target.base_year}; not assessed")
            continue
        rows, illustrative = evaluate_target_rows(context, target)
        report.rows.extend(rows)
        report.illustrative = report.illustrative or illustrative
        if target is control_target(plan):
            # Total-consumption control follows the intensity rows, whose incentive decides exemption.
            total, illustrative = total_control_rows(context, target, rows)
            report.rows.extend(total)
            report.illustrative = report.illustrative or illustrative
    return report


def parameters(opts: AccountingOptions, plan: PlanInputs) -> dict[str, Any]:
    progress = opts.progress
    return {
        "plan_source": f"{plan.source_file} {plan.version.split(' ', 1)[-1]}",
        "price_base_year": opts.price_base_year or "target base year",
        "apply_energy_deductions": opts.apply_energy_deductions,
        "deductions": asdict(opts.deductions),
        "renewable_basis": opts.renewable_basis,
        "renewable_kgce_per_kwh": dict(opts.renewable_kgce_per_kwh),
        "renewable_factor_earlier_year": opts.renewable_factor_earlier_year,
        "completion": progress.completion.value,
        "interpolation": progress.interpolation.value,
        "about_tolerance": progress.about_tolerance,
        "barometer": {"variant": progress.barometer.variant.value, "threshold": progress.barometer.threshold,
                      "threshold_basis": progress.barometer.threshold_basis.value},
        "level_city_targets": opts.level_city_targets,
        "energy_allowed_growth_pct": opts.energy_allowed_growth_pct,
    }
