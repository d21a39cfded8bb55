"""Whole-indicator evaluation: one target over a regions × years panel → progress, annual and lights.

This is the vectorised entry point the accounting service and the benchmark call; the functions of
`progress`, `intensity` and `barometer` do the arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

from ecer.core.barometer import BarometerOptions, LightArray, lights
from ecer.core.errors import AccountingInputError, raise_at
from ecer.core.panel import BoolArray, FloatArray, Panel
from ecer.core.progress import (
    DEFAULT_ABOUT_TOLERANCE,
    Comparator,
    Completion,
    Direction,
    Interpolation,
    annual_reduction_target,
    check_period,
    compare,
    completion_ratio,
    incentive_exemption,
    level_requirement,
    never_stricter_than_target,
    reduction_requirement,
    remaining_per_year,
    remaining_task,
    worsened,
)


class TargetKind(StrEnum):
    REDUCTION = "reduction"  # value = fraction R of reduction from the base year
    LEVEL = "level"  # value = level in the target year, indicator units


@dataclass(frozen=True)
class TargetSpec:
    """One target for every region of a panel.

    `value` and `incentive` have shape (n_regions,) or are scalars; `annual` is (regions × years of
    the panel) with NaN where no annual target is configured: annual reductions (fractions) for a
    reduction target, levels for a level target. `incentive` NaN = no incentive target.
    `direction` is the indicator's good direction (catalog); needed by an `about` level target, and
    checked against `ge`/`le` when given. A reduction's achieved K is always judged upward.
    """

    indicator: str
    kind: TargetKind
    base_year: int
    target_year: int
    value: FloatArray | float
    comparator: Comparator = Comparator.GE
    incentive: FloatArray | float | None = None
    annual: FloatArray | None = None
    direction: Direction | None = None

    @property
    def judged(self) -> Direction:
        """The good direction of the evaluated value: up for a reduction's K, the target's for a level."""
        if self.kind is TargetKind.REDUCTION:
            return Direction.HIGHER
        return Direction.for_comparator(self.comparator, self.direction)


@dataclass(frozen=True)
class ProgressOptions:
    """Parameters of the progress rules (defaults: METHODOLOGY §1)."""

    completion: Completion = Completion.LOG
    interpolation: Interpolation = Interpolation.LINEAR
    about_tolerance: float = DEFAULT_ABOUT_TOLERANCE
    barometer: BarometerOptions = field(default_factory=BarometerOptions)


@dataclass(frozen=True)
class ProgressResult:
    """Results for regions × assessed years (every panel year after the base year).

    Reduction targets: `actual`/`required` are cumulative reductions K / P_t (fractions), `gap` = P − K.
    Level targets: indicator values and the interpolated requirement, `gap` in indicator units.
    `annual_*` compare the single year with the annual target. `completion` is a fraction of the
    period target; `remaining` the reduction (or level distance) still needed by the target year and
    `remaining_per_year` spread over the years left.
    """

    spec: TargetSpec
    regions: tuple[str, ...]
    years: tuple[int, ...]
    actual: FloatArray
    required: FloatArray
    gap: FloatArray
    met: BoolArray
    worsened: BoolArray
    annual_actual: FloatArray
    annual_required: FloatArray
    annual_gap: FloatArray
    annual_met: BoolArray
    annual_worsened: BoolArray
    completion: FloatArray
    remaining: FloatArray
    remaining_per_year: FloatArray
    incentive_met: BoolArray
    light_progress: LightArray
    light_annual: LightArray

    def cell(self, region: str, year: int) -> tuple[int, int]:
        """Array indices of one region and year; AccountingInputError if not covered."""
        if region not in self.regions:
            raise AccountingInputError("region not in the result", region=region, indicator=self.spec.indicator)
        if year not in self.years:
            raise AccountingInputError(
                f"year not assessed (assessed: {self.years[0]}–{self.years[-1]})",
                region=region, indicator=self.spec.indicator, year=year,
            )
        return self.regions.index(region), self.years.index(year)


def _vector(value: FloatArray | float | None, n: int) -> FloatArray:
    if value is None:
        return np.full(n, np.nan)
    return np.broadcast_to(np.asarray(value, dtype=np.float64), (n,)).astype(np.float64)


def evaluate_target(panel: Panel, spec: TargetSpec, options: ProgressOptions | None = None) -> ProgressResult:
    """Evaluate `spec` on `panel` (indicator values, regions × consecutive years including the base year)."""
    opts = options or ProgressOptions()
    check_period(spec.base_year, spec.target_year, spec.indicator)
    if spec.base_year not in panel.years or panel.years[-1] <= spec.base_year:
        raise AccountingInputError(
            f"data must cover the base year and at least one later year (covered: {panel.years[0]}–{panel.years[-1]})",
            indicator=spec.indicator, year=spec.base_year,
        )
    if spec.annual is not None and spec.annual.shape != panel.values.shape:
        raise AccountingInputError("annual targets must have the panel's shape", indicator=spec.indicator)
    if spec.kind is TargetKind.REDUCTION:
        panel.require_positive(f"{spec.indicator} value")
    else:
        panel.require_finite(f"{spec.indicator} value")
    if spec.kind is TargetKind.REDUCTION:
        return _evaluate_reduction(panel, spec, opts)
    return _evaluate_level(panel, spec, opts)


def _assessed(panel: Panel, base_year: int) -> tuple[int, tuple[int, ...]]:
    b = panel.year_index(base_year)
    return b, panel.years[b + 1 :]


def _evaluate_reduction(panel: Panel, spec: TargetSpec, opts: ProgressOptions) -> ProgressResult:
    regions, n = panel.regions, len(panel.regions)
    b, years = _assessed(panel, spec.base_year)
    values = panel.values
    achieved_all = 1.0 - values / values[:, b : b + 1]  # K_t, all years
    required = reduction_requirement(spec.value, spec.base_year, spec.target_year, panel.years, regions,
                                     spec.annual, spec.indicator)[:, b + 1 :]
    annual_req = annual_reduction_target(spec.value, spec.base_year, spec.target_year, panel.years, regions,
                                         spec.annual, spec.indicator)[:, b + 1 :]
    actual = achieved_all[:, b + 1 :]
    annual_actual = 1.0 - values[:, b + 1 :] / values[:, b:-1]
    side = spec.judged
    met, gap = compare(actual, required, spec.comparator, opts.about_tolerance, side)
    a_met, a_gap = compare(annual_actual, annual_req, spec.comparator, opts.about_tolerance, side)
    value = _vector(spec.value, n)
    completion = completion_ratio(actual, value[:, None], opts.completion)
    remaining = remaining_task(actual, value[:, None])
    left = np.maximum(spec.target_year - np.asarray(years), 0)[None, :]
    incentive = _vector(spec.incentive, n)
    inc_required = np.full_like(actual, np.nan)
    has_incentive = np.isfinite(incentive)
    if has_incentive.any():
        safe = np.where(has_incentive, incentive, 0.5)
        inc_required = np.where(has_incentive[:, None], reduction_requirement(
            safe, spec.base_year, spec.target_year, panel.years, regions, None, spec.indicator)[:, b + 1 :], np.nan)
    progress_worse = worsened(actual, np.zeros_like(actual), spec.comparator, side)
    annual_worse = annual_actual < 0  # the indicator rose over the previous year
    return ProgressResult(
        spec=spec, regions=regions, years=years, actual=actual, required=required, gap=gap, met=met,
        worsened=progress_worse, annual_actual=annual_actual, annual_required=annual_req, annual_gap=a_gap,
        annual_met=a_met, annual_worsened=annual_worse, completion=completion, remaining=remaining,
        remaining_per_year=remaining_per_year(remaining, left), incentive_met=incentive_exemption(actual, inc_required),
        light_progress=lights(met, gap, required, progress_worse, opts.barometer),
        light_annual=lights(a_met, a_gap, annual_req, annual_worse, opts.barometer),
    )


def _evaluate_level(panel: Panel, spec: TargetSpec, opts: ProgressOptions) -> ProgressResult:
    regions, n = panel.regions, len(panel.regions)
    b, years = _assessed(panel, spec.base_year)
    values = panel.values
    base = values[:, b]
    target = _vector(spec.value, n)
    raise_at(~np.isfinite(target), "target value is missing", regions=regions, indicator=spec.indicator,
             year=spec.target_year)
    side = spec.judged
    # The interpolated path never asks more than the target itself (a base already beyond the target
    # holds the target); annual targets, where configured, are as issued.
    path = level_requirement(base, target, spec.base_year, spec.target_year, panel.years, regions,
                             opts.interpolation, None, spec.indicator)
    path = never_stricter_than_target(path, target[:, None], side)
    if spec.annual is not None:
        path = np.where(np.isfinite(spec.annual), spec.annual, path)
    required = path[:, b + 1 :]
    actual = values[:, b + 1 :]
    previous = values[:, b:-1]
    met, gap = compare(actual, required, spec.comparator, opts.about_tolerance, side)
    final_met, remaining = compare(actual, np.broadcast_to(target[:, None], actual.shape), spec.comparator,
                                   opts.about_tolerance, side)
    # Share of the distance from the base value to the target covered. When the base year already
    # met the target (e.g. "keep above 90%") there is no distance: 100% while it stays met, else 0.
    base_met = compare(base, target, spec.comparator, opts.about_tolerance, side)[0][:, None]
    span = (target - base)[:, None]
    moved = actual - base[:, None]
    measurable = (span != 0) & ~base_met
    completion = np.where(measurable, moved / np.where(measurable, span, 1.0), np.where(final_met, 1.0, 0.0))
    # Capped at 100%: beyond the target the distance ratio says nothing useful (a base of 89.5% against
    # a 90% target turns 97% into "1,500%"); over-achievement shows in the actual value and the gap.
    completion = np.minimum(completion, 1.0)
    left = np.maximum(spec.target_year - np.asarray(years), 0)[None, :]
    per_year = np.where(left > 0, remaining / np.where(left > 0, left, 1), remaining)
    incentive = _vector(spec.incentive, n)
    inc_met = np.zeros_like(met)
    if np.isfinite(incentive).any():
        inc_target = np.where(np.isfinite(incentive), incentive, target)
        inc_path = level_requirement(base, inc_target, spec.base_year, spec.target_year, panel.years, regions,
                                     opts.interpolation, None, spec.indicator)
        inc_req = never_stricter_than_target(inc_path, inc_target[:, None], side)[:, b + 1 :]
        inc_met = (compare(actual, inc_req, spec.comparator, opts.about_tolerance, side)[0]
                   & np.isfinite(incentive)[:, None])
    progress_worse = worsened(actual, np.broadcast_to(base[:, None], actual.shape), spec.comparator, side)
    annual_worse = worsened(actual, previous, spec.comparator, side)
    return ProgressResult(
        spec=spec, regions=regions, years=years, actual=actual, required=required, gap=gap, met=met,
        worsened=progress_worse, annual_actual=actual, annual_required=required, annual_gap=gap,
        annual_met=met, annual_worsened=annual_worse, completion=completion, remaining=remaining,
        remaining_per_year=per_year, incentive_met=inc_met,
        light_progress=lights(met, gap, required, progress_worse, opts.barometer),
        light_annual=lights(met, gap, required, annual_worse, opts.barometer),
    )
