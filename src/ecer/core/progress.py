"""Targets, progress requirements, completion and remaining task (METHODOLOGY §1, §2 dual targets).

Two kinds of target share one machinery:
- `reduction`: the indicator must fall by R (fraction) from the base year by the target year. The
  achieved value is the cumulative reduction K = 1 − v_t / v_base.
- `level`: the indicator must reach a value V in the target year (comparator ge / le / about). The
  achieved value is the indicator itself.
Every array is (n_regions × n_years); a target value may be per region (shape (n_regions,)).
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np

from ecer.core.errors import AccountingInputError, raise_at
from ecer.core.panel import BoolArray, FloatArray


class Comparator(StrEnum):
    GE = "ge"  # at least the required value
    LE = "le"  # at most the required value
    ABOUT = "about"  # 左右: may fall short of the required value by a tolerance, on the short side only


class Direction(StrEnum):
    """The good direction of an indicator (catalog column `direction`, METHODOLOGY §2a)."""

    HIGHER = "higher"  # shares, rates, capacities, reductions achieved: more is better
    LOWER = "lower"  # intensities, emissions, consumption against a budget: less is better

    @classmethod
    def for_comparator(cls, comparator: Comparator, direction: Direction | None = None) -> Direction:
        """The direction a target is judged in: `ge` is judged upward, `le` downward; `about` needs the
        indicator's direction (an "about" target has no side of its own). A `ge`/`le` that contradicts a
        given direction is an error (a plan asking "at least" of a lower-is-better indicator is a typo)."""
        implied = {Comparator.GE: cls.HIGHER, Comparator.LE: cls.LOWER}.get(comparator)
        if implied is None:
            if direction is None:
                raise AccountingInputError("an 'about' (左右) target needs the indicator's direction "
                                           "(higher or lower is better) from the indicator catalog")
            return direction
        if direction is not None and direction is not implied:
            raise AccountingInputError(f"comparator '{comparator.value}' contradicts the indicator's direction "
                                       f"'{direction.value}' is better")
        return implied


class Completion(StrEnum):
    LOG = "log"  # ln(1−K)/ln(1−R): reproduces the official 26.8% example [derived]
    LINEAR = "linear"  # K/R


class Interpolation(StrEnum):
    LINEAR = "linear"  # v0 + (V − v0)(t − t0)/N
    GEOMETRIC = "geometric"  # v0 (V / v0)^((t − t0)/N); needs v0, V > 0


#: Tolerance of `about` (左右) as a fraction of the required value [open]; configurable per call.
DEFAULT_ABOUT_TOLERANCE = 0.05
_EPS = 1e-12  # compare rounded-by-float values without flipping exact ties


def check_period(base_year: int, target_year: int, indicator: str | None = None) -> int:
    """Number of years N of the plan period; AccountingInputError unless target_year > base_year."""
    if target_year <= base_year:
        raise AccountingInputError(
            f"target year {target_year} is not after base year {base_year}", indicator=indicator, year=target_year
        )
    return target_year - base_year


def _as_region_vector(value: FloatArray | float, n_regions: int) -> FloatArray:
    return np.broadcast_to(np.asarray(value, dtype=np.float64), (n_regions,)).astype(np.float64)


def _check_reduction_values(
    value: FloatArray, regions: tuple[str, ...], indicator: str | None, what: str
) -> None:
    raise_at(~np.isfinite(value) | (value <= 0) | (value >= 1), f"{what} must be a fraction in (0, 1), "
             "e.g. 0.14 for 14% (a value ≥ 1 looks like a percentage)", regions=regions, indicator=indicator)


def _annual_reductions(
    total_reduction: FloatArray | float, base_year: int, target_year: int, years: tuple[int, ...],
    regions: tuple[str, ...], annual_targets: FloatArray | None, indicator: str | None,
) -> tuple[FloatArray, BoolArray]:
    """(annual reduction per region × year as a fraction, which years lie in the period): a configured
    annual target (NaN where none) where given, else the geometric average `a = 1 − (1 − R)^(1/N)`.
    Shared by the cumulative requirement and the single-year target, so both read the same years."""
    n = check_period(base_year, target_year, indicator)
    r = _as_region_vector(total_reduction, len(regions))
    _check_reduction_values(r, regions, indicator, "reduction target")
    year_arr = np.asarray(years)
    in_period: BoolArray = (year_arr > base_year) & (year_arr <= target_year)
    average = 1.0 - np.power(1.0 - r, 1.0 / n)
    annual = np.broadcast_to(average[:, None], (len(regions), len(years))).copy()
    if annual_targets is not None:
        configured = np.isfinite(annual_targets)
        raise_at(configured & ((annual_targets <= -1) | (annual_targets >= 1)),
                 "annual target must be a fraction (e.g. 0.03 for 3%)", regions=regions, years=years,
                 indicator=indicator)
        annual = np.where(configured, annual_targets, annual).astype(np.float64)
    return annual, in_period


def reduction_requirement(
    total_reduction: FloatArray | float,
    base_year: int,
    target_year: int,
    years: tuple[int, ...],
    regions: tuple[str, ...],
    annual_targets: FloatArray | None = None,
    indicator: str | None = None,
) -> FloatArray:
    """Cumulative reduction required by each year (regions × years), as a fraction.

    `annual_targets` (regions × years, NaN where none is configured) are annual reductions
    (fractions) for single years; configured years use them, others the geometric average annual
    reduction `a = 1 − (1 − R)^(1/N)`, and `P_t = 1 − Π_{t0 < s ≤ t}(1 − a_s)`. With no annual
    target configured this is exactly the geometric path. Years ≤ t0 require 0; years after the
    target year keep the target-year requirement. R = 14%, N = 5 → 2.97, 5.85, 8.65, 11.37, 14.00%.
    """
    annual, in_period = _annual_reductions(total_reduction, base_year, target_year, years, regions,
                                           annual_targets, indicator)
    factors = np.where(in_period[None, :], 1.0 - annual, 1.0)
    result: FloatArray = (1.0 - np.cumprod(factors, axis=1)).astype(np.float64)
    return result


def annual_reduction_target(
    total_reduction: FloatArray | float, base_year: int, target_year: int, years: tuple[int, ...],
    regions: tuple[str, ...], annual_targets: FloatArray | None = None, indicator: str | None = None,
) -> FloatArray:
    """Reduction required within each single year (regions × years): the configured annual target, else
    the average annual reduction; 0 outside the period."""
    annual, in_period = _annual_reductions(total_reduction, base_year, target_year, years, regions,
                                           annual_targets, indicator)
    result: FloatArray = np.where(in_period[None, :], annual, 0.0)
    return result


def level_requirement(
    base_value: FloatArray | float,
    target_value: FloatArray | float,
    base_year: int,
    target_year: int,
    years: tuple[int, ...],
    regions: tuple[str, ...],
    interpolation: Interpolation = Interpolation.LINEAR,
    annual_targets: FloatArray | None = None,
    indicator: str | None = None,
) -> FloatArray:
    """Level required by each year (regions × years, indicator units), interpolated from the base-year
    value to the target value [open: linear default, geometric option]; configured annual targets
    (NaN where none) take precedence. Years ≤ t0 require the base value; after the target year, V."""
    n = check_period(base_year, target_year, indicator)
    v0 = _as_region_vector(base_value, len(regions))
    v1 = _as_region_vector(target_value, len(regions))
    raise_at(~np.isfinite(v0), "base-year value is missing", regions=regions, indicator=indicator, year=base_year)
    raise_at(~np.isfinite(v1), "target value is missing", regions=regions, indicator=indicator, year=target_year)
    share = np.clip((np.asarray(years, dtype=np.float64) - base_year) / n, 0.0, 1.0)[None, :]
    if interpolation is Interpolation.GEOMETRIC:
        raise_at((v0 <= 0) | (v1 <= 0), "geometric interpolation needs positive base and target values "
                 "(use linear)", regions=regions, indicator=indicator, year=base_year)
        required = v0[:, None] * np.power((v1 / v0)[:, None], share)
    else:
        required = v0[:, None] + (v1 - v0)[:, None] * share
    if annual_targets is not None:
        required = np.where(np.isfinite(annual_targets), annual_targets, required)
    result: FloatArray = required
    return result


def completion_ratio(achieved: FloatArray | float, total_reduction: FloatArray | float,
                     method: Completion = Completion.LOG) -> FloatArray:
    """Share of the period target achieved (完成进度), a fraction: log `ln(1−K)/ln(1−R)` (default) or K/R.

    K = 4.87%, R = 17% → 26.8% (log). Monotone increasing in K. K ≥ 1 is impossible (error).
    """
    k = np.asarray(achieved, dtype=np.float64)
    r = np.asarray(total_reduction, dtype=np.float64)
    if not (np.isfinite(k).all() and np.isfinite(r).all()):
        raise AccountingInputError("completion ratio needs finite achieved and target reductions")
    if ((r <= 0) | (r >= 1)).any() or (k >= 1).any():
        raise AccountingInputError("reductions must be fractions below 1 (target in (0, 1))")
    result: FloatArray = k / r if method is Completion.LINEAR else np.log1p(-k) / np.log1p(-r)
    return result


def remaining_task(achieved: FloatArray | float, total_reduction: FloatArray | float) -> FloatArray:
    """Reduction still needed from now to the target year, `X = 1 − (1 − R)/(1 − K)` (≤ 0: already met)."""
    k = np.asarray(achieved, dtype=np.float64)
    r = np.asarray(total_reduction, dtype=np.float64)
    if (k >= 1).any() or not np.isfinite(k).all():
        raise AccountingInputError("achieved reduction must be a finite fraction below 1")
    result: FloatArray = 1.0 - (1.0 - r) / (1.0 - k)
    return result


def remaining_per_year(remaining: FloatArray | float, remaining_years: FloatArray | int) -> FloatArray:
    """Annual reduction needed in each remaining year, `1 − (1 − X)^(1/m)`.

    m = 0 (the target year itself) returns X: the shortfall cannot be spread over further years.
    Negative results mean headroom (the target is already met).
    """
    x = np.asarray(remaining, dtype=np.float64)
    m = np.asarray(remaining_years, dtype=np.float64)
    if (m < 0).any():
        raise AccountingInputError("remaining years must not be negative (year after the target year)")
    safe_m = np.where(m > 0, m, 1.0)
    result: FloatArray = np.where(m > 0, 1.0 - np.power(1.0 - x, 1.0 / safe_m), x)
    return result


def compare(actual: FloatArray, required: FloatArray, comparator: Comparator,
            about_tolerance: float = DEFAULT_ABOUT_TOLERANCE,
            direction: Direction | None = None) -> tuple[BoolArray, FloatArray]:
    """(met, gap): gap is the shortfall in the units of `actual` (> 0 missed, ≤ 0 met).

    The shortfall is measured against the good direction (METHODOLOGY §2a): higher is better →
    required − actual; lower is better → actual − required. `ge` and `le` carry their direction;
    `about` (左右) takes the indicator's and forgives a shortfall of up to `about_tolerance` × |required|
    on the short side only: being beyond the requirement in the good direction is never worse than
    meeting it.
    """
    side = Direction.for_comparator(comparator, direction)
    gap = required - actual if side is Direction.HIGHER else actual - required
    if comparator is Comparator.ABOUT:
        gap = gap - about_tolerance * np.abs(required)
    met: BoolArray = gap <= _EPS
    return met, gap


def worsened(current: FloatArray, reference: FloatArray, comparator: Comparator,
             direction: Direction | None = None) -> BoolArray:
    """Did the indicator move the wrong way from `reference` (previous year, or base year)?

    For a reduction (achieved K, comparator ge) "worse" means K fell below the reference reduction,
    i.e. the indicator rose (不降反升). For a level: it moved against its good direction.
    """
    side = Direction.for_comparator(comparator, direction)
    result: BoolArray = current < reference - _EPS if side is Direction.HIGHER else current > reference + _EPS
    return result


def never_stricter_than_target(required: FloatArray, target: FloatArray, side: Direction) -> FloatArray:
    """Cap an interpolated level path at the final target: a region whose base already beats its
    target is asked to hold the target, never to fall toward it (METHODOLOGY §2a)."""
    capped = np.minimum(required, target) if side is Direction.HIGHER else np.maximum(required, target)
    result: FloatArray = capped.astype(np.float64)
    return result


def incentive_exemption(achieved: FloatArray, incentive_required: FloatArray) -> BoolArray:
    """A region whose reduction reaches the incentive (激励) requirement is exempt from the
    total-consumption assessment (1310号). NaN incentive (none set) → not exempt."""
    with np.errstate(invalid="ignore"):
        result: BoolArray = np.isfinite(incentive_required) & (achieved >= incentive_required - _EPS)
    return result
