"""Decompose a provincial intensity-reduction target to cities (目标分解), by energy productivity tiers.

The official formula is not public (METHODOLOGY §5, [open]); the seed plan §四(一) only says targets
are decomposed "以能源产出率为重要依据" with basic (基本) and incentive (激励) targets. This module is
a transparent, documented method that shows every input and step:

1. energy productivity (能源产出率) of each city `p_i = GDP0_i / E0_i` (10⁴ yuan per tce), and of the
   province `p = ΣGDP0 / ΣE0` (the cities' sums stand for the province, so the check below is exact);
2. tier of each city by the ratio `p_i / p`: tiers are parameters, each with a lower bound on the
   ratio and an offset in percentage points; more productive → smaller (or equal) offset;
3. a common shift `s` (percentage points) solved by bisection so that, with city reduction
   `r_i = clip(s + offset_i, floor, cap)` rounded *up* to `round_step_pct`, the aggregate intensity
   of the cities in the target year, under each city's projected real GDP growth, falls by at least
   `R + margin` (R = provincial target, margin = safety margin);
4. basic target = `r_i`; incentive target = basic + `incentive_extra_pct`.

Units: energy in 10⁴ tce (万吨标准煤), GDP at constant prices in 10⁸ yuan (亿元), intensity in
tce per 10⁴ yuan, reductions and growth rates in percent (pct).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from ecer.core.errors import AccountingInputError

INDICATOR = "energy_intensity"

# Bisection stops when the bracket is narrower than this (percentage points); far below the
# 0.1 pp precision of published targets.
_BISECTION_TOLERANCE_PP = 1e-10
# Slack when rounding up, so 14.000000000001 is not rounded to 14.1 because of float noise.
_ROUNDING_SLACK = 1e-9


@dataclass(frozen=True)
class CityBase:
    """Base-year data of one city (市州) and its growth assumption.

    `gdp_100m_yuan` is base-year GDP at constant prices of the price base year (10⁸ yuan);
    `energy_10k_tce` is base-year energy consumption (10⁴ tce, equivalent value, after deductions);
    `gdp_growth_pct` is the projected average annual real GDP growth to the target year (percent).
    """

    region_code: str
    name: str
    energy_10k_tce: float
    gdp_100m_yuan: float
    gdp_growth_pct: float


@dataclass(frozen=True)
class Tier:
    """One productivity tier: cities with `p_i / p >= min_ratio` (and below the previous tier's bound).

    `offset_pct` is added to the common shift (percentage points); a higher tier must not have a
    larger offset than a lower one, so more productive cities never get a larger reduction.
    """

    code: str
    name_zh: str
    name_en: str
    min_ratio: float
    offset_pct: float


DEFAULT_TIERS: tuple[Tier, ...] = (
    Tier("T1", "能源产出率高", "high productivity", 1.25, -1.5),
    Tier("T2", "能源产出率较高", "above average", 1.0, -0.5),
    Tier("T3", "能源产出率较低", "below average", 0.75, 0.5),
    Tier("T4", "能源产出率低", "low productivity", 0.0, 1.5),
)


@dataclass(frozen=True)
class DecompositionParams:
    """Parameters of the tier method; every default is documented in docs/decomposition-and-assessment.md.

    Reductions, margin, offsets, floor, cap and rounding step are in percent / percentage points.
    """

    provincial_reduction_pct: float
    base_year: int
    target_year: int
    margin_pct: float = 0.5
    incentive_extra_pct: float = 0.5
    tiers: tuple[Tier, ...] = DEFAULT_TIERS
    min_city_reduction_pct: float = 0.0
    max_city_reduction_pct: float = 50.0
    round_step_pct: float = 0.1


@dataclass(frozen=True)
class CityAllocation:
    """Every step for one city. Intensities in tce per 10⁴ yuan, productivity in 10⁴ yuan per tce.

    `raw_reduction_pct` = clip(shift + offset) before rounding; `basic_reduction_pct` is it rounded up;
    `annual_basic_reduction_pct` is the equivalent average annual rate `1 − (1 − basic)^(1/years)`.
    Projected GDP/energy are for the target year (GDP at constant prices, energy at the basic target).
    """

    region_code: str
    name: str
    energy_10k_tce: float
    gdp_100m_yuan: float
    gdp_growth_pct: float
    energy_productivity_10k_yuan_per_tce: float
    productivity_ratio: float
    productivity_rank: int
    tier: str
    offset_pct: float
    raw_reduction_pct: float
    basic_reduction_pct: float
    incentive_reduction_pct: float
    annual_basic_reduction_pct: float
    base_intensity_tce_per_10k_yuan: float
    target_intensity_tce_per_10k_yuan: float
    projected_gdp_100m_yuan: float
    projected_energy_10k_tce: float


@dataclass(frozen=True)
class AggregateCheck:
    """The check that the cities' basic targets add back up to the provincial target.

    `solved_reduction_pct` is the aggregate at the solved shift before rounding (= required, up to
    the bisection tolerance, unless the floor binds); `aggregate_reduction_pct` uses the rounded
    basic targets.
    """

    base_intensity_tce_per_10k_yuan: float
    target_intensity_tce_per_10k_yuan: float
    solved_reduction_pct: float
    aggregate_reduction_pct: float
    provincial_reduction_pct: float
    required_reduction_pct: float
    meets_provincial_target: bool
    meets_with_margin: bool


@dataclass(frozen=True)
class Decomposition:
    """Result: inputs, parameters, the solved shift and every city's steps, and the aggregate check."""

    params: DecompositionParams
    cities: tuple[CityBase, ...]
    years: int
    provincial_productivity_10k_yuan_per_tce: float
    shift_pct: float
    bisection_iterations: int
    allocations: tuple[CityAllocation, ...]
    check: AggregateCheck
    notes: tuple[str, ...] = field(default=())


def _fail(message: str, region: str | None = None) -> AccountingInputError:
    return AccountingInputError(message, region=region, indicator=INDICATOR)


def validate_inputs(
    cities: Sequence[CityBase], params: DecompositionParams, expected_codes: Sequence[str] | None = None
) -> None:
    """Raise AccountingInputError naming the city (or parameter) for input the method cannot use."""
    if not cities:
        raise _fail("no city base data to decompose")
    seen: set[str] = set()
    for c in cities:
        if c.region_code in seen:
            raise _fail("city appears twice in the base data", c.region_code)
        seen.add(c.region_code)
        for label, value in (("energy_10k_tce", c.energy_10k_tce), ("gdp_100m_yuan", c.gdp_100m_yuan)):
            if not math.isfinite(value) or value <= 0:
                raise _fail(f"{label} must be a positive number, got {value!r} ({c.name})", c.region_code)
        if not math.isfinite(c.gdp_growth_pct) or c.gdp_growth_pct <= -100:
            raise _fail(f"gdp_growth_pct must be above -100, got {c.gdp_growth_pct!r}", c.region_code)
    for code in expected_codes or ():
        if code not in seen:
            raise _fail("city has no base-year data (energy and GDP are both needed)", code)
    _validate_params(params)


def _validate_params(p: DecompositionParams) -> None:
    if p.target_year <= p.base_year:
        raise _fail(f"target year {p.target_year} must be after base year {p.base_year}")
    if not 0 < p.provincial_reduction_pct < 100:
        raise _fail(f"provincial reduction must be in (0, 100) pct, got {p.provincial_reduction_pct}")
    if p.margin_pct < 0 or p.round_step_pct < 0 or p.incentive_extra_pct < 0:
        raise _fail("margin, rounding step and incentive extra must not be negative")
    if not p.min_city_reduction_pct < p.max_city_reduction_pct < 100:
        raise _fail("need min_city_reduction_pct < max_city_reduction_pct < 100")
    if not p.tiers or p.tiers[-1].min_ratio > 0:
        raise _fail("tiers must be non-empty and the last tier must have min_ratio 0 (it catches every city)")
    for upper, lower in zip(p.tiers, p.tiers[1:], strict=False):
        if not upper.min_ratio > lower.min_ratio:
            raise _fail(f"tier {lower.code}: tiers must be ordered by strictly decreasing min_ratio")
        if upper.offset_pct > lower.offset_pct:
            raise _fail(f"tier {upper.code}: a more productive tier must not have a larger offset than {lower.code}")


def tier_for(ratio: float, tiers: Sequence[Tier]) -> Tier:
    """The first tier (most productive first) whose lower bound the productivity ratio reaches."""
    for tier in tiers:
        if ratio >= tier.min_ratio:
            return tier
    return tiers[-1]


def _round_up(values_pct: NDArray[np.float64], step_pct: float) -> NDArray[np.float64]:
    # Up, not to nearest: rounding must never take the aggregate below the provincial target.
    if step_pct == 0:
        return values_pct
    steps = np.ceil(values_pct / step_pct - _ROUNDING_SLACK)
    return np.round(steps * step_pct, 10)


class _Model:
    """Vectorised projection: city reductions (pct) → aggregate reduction (pct)."""

    def __init__(self, cities: Sequence[CityBase], params: DecompositionParams, offsets: NDArray[np.float64]):
        self.params = params
        self.years = params.target_year - params.base_year
        self.energy0 = np.array([c.energy_10k_tce for c in cities], dtype=np.float64)
        self.gdp0 = np.array([c.gdp_100m_yuan for c in cities], dtype=np.float64)
        growth = np.array([c.gdp_growth_pct for c in cities], dtype=np.float64)
        self.gdp_t = self.gdp0 * (1 + growth / 100) ** self.years
        self.intensity0 = self.energy0 / self.gdp0
        self.offsets = offsets
        self.base_intensity = float(self.energy0.sum() / self.gdp0.sum())

    def reductions(self, shift_pct: float) -> NDArray[np.float64]:
        """City reductions (pct) for a shift, clipped to [floor, cap]; not yet rounded."""
        p = self.params
        return np.clip(shift_pct + self.offsets, p.min_city_reduction_pct, p.max_city_reduction_pct)

    def energy_t(self, reductions_pct: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.asarray(self.intensity0 * (1 - reductions_pct / 100) * self.gdp_t, dtype=np.float64)

    def aggregate_reduction_pct(self, reductions_pct: NDArray[np.float64]) -> float:
        target_intensity = float(self.energy_t(reductions_pct).sum() / self.gdp_t.sum())
        return (1 - target_intensity / self.base_intensity) * 100


def _solve_shift(model: _Model, required_pct: float) -> tuple[float, int]:
    """Smallest common shift (pp) whose (unrounded) city targets meet `required_pct`, by bisection.

    The aggregate reduction is non-decreasing in the shift (clip is monotone), so bisection on
    [all cities at the floor, all cities at the cap] finds it. Rounding up afterwards only adds.
    """
    p = model.params
    lo = p.min_city_reduction_pct - float(model.offsets.max())
    hi = p.max_city_reduction_pct - float(model.offsets.min())
    if model.aggregate_reduction_pct(model.reductions(hi)) < required_pct:
        raise _fail(
            f"infeasible: even with every city at the cap of {p.max_city_reduction_pct}% the aggregate "
            f"reduction does not reach {required_pct:.4f}% under the stated growth assumptions"
        )
    if model.aggregate_reduction_pct(model.reductions(lo)) >= required_pct:
        return lo, 0
    iterations = 0
    while hi - lo > _BISECTION_TOLERANCE_PP:
        mid = (lo + hi) / 2
        iterations += 1
        if model.aggregate_reduction_pct(model.reductions(mid)) >= required_pct:
            hi = mid
        else:
            lo = mid
    return hi, iterations


def decompose(
    cities: Sequence[CityBase], params: DecompositionParams, expected_codes: Sequence[str] | None = None
) -> Decomposition:
    """Allocate the provincial intensity-reduction target to `cities` (see the module docstring).

    `expected_codes`: every city that must receive a target (e.g. all 市州 of the province); a
    missing one raises AccountingInputError naming it, as do zero/negative energy or GDP.
    """
    validate_inputs(cities, params, expected_codes)
    gdp0 = np.array([c.gdp_100m_yuan for c in cities], dtype=np.float64)
    energy0 = np.array([c.energy_10k_tce for c in cities], dtype=np.float64)
    productivity = gdp0 / energy0
    provincial_productivity = float(gdp0.sum() / energy0.sum())
    ratios = productivity / provincial_productivity
    tiers = [tier_for(float(r), params.tiers) for r in ratios]
    offsets = np.array([t.offset_pct for t in tiers], dtype=np.float64)
    model = _Model(cities, params, offsets)
    required = params.provincial_reduction_pct + params.margin_pct
    shift, iterations = _solve_shift(model, required)
    raw = model.reductions(shift)
    basic = _round_up(raw, params.round_step_pct)
    aggregate = model.aggregate_reduction_pct(basic)
    energy_t = model.energy_t(basic)
    check = AggregateCheck(
        base_intensity_tce_per_10k_yuan=model.base_intensity,
        target_intensity_tce_per_10k_yuan=float(energy_t.sum() / model.gdp_t.sum()),
        solved_reduction_pct=model.aggregate_reduction_pct(raw),
        aggregate_reduction_pct=aggregate,
        provincial_reduction_pct=params.provincial_reduction_pct,
        required_reduction_pct=required,
        meets_provincial_target=aggregate >= params.provincial_reduction_pct - 1e-9,
        meets_with_margin=aggregate >= required - 1e-9,
    )
    # Rank 1 = most productive; ties share the order of the input (stable sort).
    order = np.argsort(-productivity, kind="stable")
    ranks = np.empty(len(cities), dtype=np.int64)
    ranks[order] = np.arange(1, len(cities) + 1)
    allocations = tuple(
        CityAllocation(
            region_code=c.region_code,
            name=c.name,
            energy_10k_tce=c.energy_10k_tce,
            gdp_100m_yuan=c.gdp_100m_yuan,
            gdp_growth_pct=c.gdp_growth_pct,
            energy_productivity_10k_yuan_per_tce=float(productivity[i]),
            productivity_ratio=float(ratios[i]),
            productivity_rank=int(ranks[i]),
            tier=tiers[i].code,
            offset_pct=tiers[i].offset_pct,
            raw_reduction_pct=float(raw[i]),
            basic_reduction_pct=float(basic[i]),
            incentive_reduction_pct=round(float(basic[i]) + params.incentive_extra_pct, 10),
            annual_basic_reduction_pct=(1 - (1 - float(basic[i]) / 100) ** (1 / model.years)) * 100,
            base_intensity_tce_per_10k_yuan=float(model.intensity0[i]),
            target_intensity_tce_per_10k_yuan=float(model.intensity0[i] * (1 - basic[i] / 100)),
            projected_gdp_100m_yuan=float(model.gdp_t[i]),
            projected_energy_10k_tce=float(energy_t[i]),
        )
        for i, c in enumerate(cities)
    )
    notes = (
        "The sums of the cities' base-year energy and GDP stand for the province in the aggregate check.",
        f"City reductions are clipped to [{params.min_city_reduction_pct}, {params.max_city_reduction_pct}]% "
        f"and rounded up to {params.round_step_pct} pp.",
    )
    return Decomposition(
        params=params,
        cities=tuple(cities),
        years=model.years,
        provincial_productivity_10k_yuan_per_tce=provincial_productivity,
        shift_pct=shift,
        bisection_iterations=iterations,
        allocations=allocations,
        check=check,
        notes=notes,
    )
