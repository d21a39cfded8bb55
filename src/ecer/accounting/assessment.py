"""From gathered inputs to assessment outcomes (pure): the achieved and required reductions of the
rubric's indicator come from `evaluate_progress`, the same path as `ecer progress`.

- annual evaluation / mid-term assessment: P = the row's progress requirement for the year (the
  region's annual targets where given, else the geometric path of its five-year target; METHODOLOGY §1);
- five-year assessment: P = the region's five-year (basic) target;
- K = the row's achieved cumulative reduction since the base year (energy after deductions over
  constant-price GDP, exactly as in the progress report).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from ecer.accounting.evaluate import evaluate_progress, needed_variables, needed_years
from ecer.accounting.inputs import PlanInputs, RegionalTargetInput, RegionInfo, TargetInput
from ecer.accounting.options import AccountingOptions
from ecer.accounting.panels import PanelSet
from ecer.accounting.report import ProgressReport
from ecer.core.assessment import TargetOutcome
from ecer.core.errors import AccountingInputError


@dataclass(frozen=True)
class AssessmentPlan:
    """The one reduction target assessed, with its regions' targets; `plan` is restricted to it."""

    plan: PlanInputs
    target: TargetInput
    regions: tuple[RegionInfo, ...]

    def variables(self, options: AccountingOptions) -> list[str]:
        return needed_variables(self.plan, options)

    def years(self, year: int, options: AccountingOptions) -> tuple[int, ...]:
        return needed_years(self.plan, year, options)


def assessment_plan(plan: PlanInputs, indicator: str, regions: Sequence[RegionInfo],
                    regional: tuple[RegionalTargetInput, ...] | None = None, base_year: int | None = None,
                    target_year: int | None = None) -> AssessmentPlan:
    """Restrict `plan` to its reduction target of `indicator` (years overridable) and, when given,
    replace that indicator's regional targets. Every region must have a regional target: a city is
    never assessed against the provincial figure."""
    target = plan.reduction_target(indicator)
    if target is None:
        raise AccountingInputError(f"plan '{plan.code}' has no reduction target for this indicator",
                                   indicator=indicator)
    target = replace(target, base_year=base_year or target.base_year, target_year=target_year or target.target_year)
    only = replace(plan, targets=(target,))
    if regional is not None:
        only = only.with_regional(indicator, regional)
    have = {r.region_code for r in only.regional if r.indicator == indicator}
    missing = [r.code for r in regions if r.code not in have]
    if missing:
        raise AccountingInputError(f"no {indicator} target for region(s) {', '.join(missing)}: store them with "
                                   "`ecer decompose --save` or give --targets", indicator=indicator)
    return AssessmentPlan(only, target, tuple(regions))


def _requirement_text(kind: str, rt: RegionalTargetInput, target: TargetInput, year: int) -> tuple[str, str]:
    if kind == "final":
        return f"五年目标{rt.basic:g}%", f"five-year target {rt.basic:g}%"
    if any(target.base_year < y <= year for y in rt.annual):
        return "年度目标累计", "annual targets chained"
    return f"按{rt.basic:g}%目标的进度要求", f"progress requirement of the {rt.basic:g}% target"


def outcomes(ap: AssessmentPlan, kind: str, year: int, data: PanelSet,
             options: AccountingOptions) -> tuple[list[TargetOutcome], ProgressReport]:
    """Evaluate and turn each region's row into an outcome; a row in error raises (it names region,
    variable and year), since an assessment cannot leave a region out."""
    report = evaluate_progress(ap.plan, ap.regions, year, data, options)
    regional = {r.region_code: r for r in ap.plan.regional if r.indicator == ap.target.indicator.code}
    out = []
    for row in report.rows:
        if row.target_code != ap.target.code:
            continue  # e.g. the total-consumption control rows that follow the intensity rows
        if row.status != "ok" or row.actual is None or row.required is None:
            if row.error:
                raise AccountingInputError.from_text(row.error)
            raise AccountingInputError(row.status, region=row.region_code)
        rt = regional[row.region_code]
        required = rt.basic if kind == "final" else row.required
        zh, en = _requirement_text(kind, rt, ap.target, year)
        out.append(TargetOutcome(row.region_code, row.region_name_zh, row.indicator, required, row.actual, zh, en))
    return out, report
