"""Decompose a provincial *amount* target (a total in 万吨, 万公里, 万立方米/日 …) to cities, pro rata.

A province's amount (e.g. 14.92 万吨 COD key-project reduction by 2025) is a sum over its cities; a city
cannot inherit it. The plan (seed §二, §三(十)) does not say how the amounts are shared, and no
per-city emission inventory or project list is bundled, so this is a transparent, documented
*illustrative* method, with every input and step shown:

1. share of each city `w_i = b_i / Σb` of a basis variable `b` in the base year (e.g. base-year GDP);
2. required total `A' = A × (1 + margin_pct / 100)` (A = provincial amount, margin optional);
3. raw amount `a_i = A' × w_i`, rounded *up* to `round_step` (in the target's unit), so that the
   cities' amounts add up to at least `A'` ≥ A; incentive amount (optional) `a_i × (1 + incentive_extra_pct/100)`.

The default basis per indicator is in `DEFAULT_BASIS` (documented in docs/decomposition-and-assessment.md);
it is a parameter: any positive region-year variable may be used.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from ecer.core.errors import AccountingInputError

#: Default basis variable per amount indicator, and why. No per-city emission inventory is bundled, so
#: pollutant reductions follow the size of the sources they come from: COD and NH₃-N key projects are
#: mostly urban sewage treatment (→ GDP), NOx and VOCs mostly industry (→ industrial value added);
#: sewage pipes and treatment capacity follow the size of the urban economy (→ GDP).
DEFAULT_BASIS: dict[str, tuple[str, str]] = {
    "cod_key_project_reduction": ("gdp_current", "COD key projects are mostly urban sewage treatment"),
    "nh3n_key_project_reduction": ("gdp_current", "NH3-N key projects are mostly urban sewage treatment"),
    "nox_key_project_reduction": ("industrial_va_current", "NOx key projects are mostly industrial"),
    "voc_key_project_reduction": ("industrial_va_current", "VOCs key projects are mostly industrial"),
    "sewage_pipe_new_length": ("gdp_current", "sewage networks follow the size of the urban economy"),
    "sewage_capacity_new": ("gdp_current", "treatment capacity follows the size of the urban economy"),
}
#: Basis for any other amount indicator.
FALLBACK_BASIS = "gdp_current"

# Slack when rounding up, so 0.30000000000000004 is not rounded to 0.3001 because of float noise.
_ROUNDING_SLACK = 1e-9


def default_basis(indicator: str) -> str:
    """The documented default basis variable of an amount indicator."""
    return DEFAULT_BASIS.get(indicator, (FALLBACK_BASIS, ""))[0]


@dataclass(frozen=True)
class BasisValue:
    """One city's value of the basis variable in the basis year (any non-negative number)."""

    region_code: str
    name: str
    value: float


@dataclass(frozen=True)
class AmountParams:
    """Parameters of the pro-rata method. `margin_pct` and `incentive_extra_pct` in percent of the
    amount; `round_step` in the target's unit (0 = no rounding)."""

    indicator: str
    provincial_amount: float
    unit: str
    base_year: int
    target_year: int
    basis: str
    basis_year: int
    margin_pct: float = 0.0
    round_step: float = 0.0001
    incentive_extra_pct: float | None = None


@dataclass(frozen=True)
class AmountAllocation:
    """Every step for one city: basis value, share (fraction), raw amount, rounded basic amount."""

    region_code: str
    name: str
    basis_value: float
    share: float
    raw_amount: float
    basic_amount: float
    incentive_amount: float | None


@dataclass(frozen=True)
class AmountCheck:
    """The cities' amounts add back up to the provincial amount (plus margin)."""

    provincial_amount: float
    required_amount: float
    sum_basic_amount: float
    meets_provincial_target: bool
    meets_with_margin: bool


@dataclass(frozen=True)
class AmountDecomposition:
    params: AmountParams
    basis_total: float
    allocations: tuple[AmountAllocation, ...]
    check: AmountCheck
    notes: tuple[str, ...] = field(default=())


def _fail(message: str, indicator: str, region: str | None = None) -> AccountingInputError:
    return AccountingInputError(message, region=region, indicator=indicator)


def _validate(values: Sequence[BasisValue], p: AmountParams, expected_codes: Sequence[str] | None) -> None:
    ind = p.indicator
    if not values:
        raise _fail("no city basis data to decompose", ind)
    seen: set[str] = set()
    for v in values:
        if v.region_code in seen:
            raise _fail("city appears twice in the basis data", ind, v.region_code)
        seen.add(v.region_code)
        if not math.isfinite(v.value) or v.value < 0:
            raise _fail(f"basis {p.basis} {p.basis_year} must be a non-negative number, got {v.value!r} ({v.name})",
                        ind, v.region_code)
    for code in expected_codes or ():
        if code not in seen:
            raise _fail(f"city has no {p.basis} value in {p.basis_year} (the basis of the decomposition)", ind, code)
    if sum(v.value for v in values) <= 0:
        raise _fail(f"the cities' {p.basis} in {p.basis_year} add up to zero; no shares can be formed", ind)
    if not math.isfinite(p.provincial_amount) or p.provincial_amount < 0:
        raise _fail(f"provincial amount must be a non-negative number, got {p.provincial_amount!r}", ind)
    for label, x in (("margin_pct", p.margin_pct), ("round_step", p.round_step),
                     ("incentive_extra_pct", p.incentive_extra_pct or 0.0)):
        if not math.isfinite(x) or x < 0:
            raise _fail(f"{label} must not be negative, got {x!r}", ind)


def round_up(value: float, step: float) -> float:
    """Up, not to nearest: rounding must never take the cities' sum below the provincial amount."""
    if step == 0:
        return value
    return round(math.ceil(value / step - _ROUNDING_SLACK) * step, 10)


def decompose_amount(
    values: Sequence[BasisValue], params: AmountParams, expected_codes: Sequence[str] | None = None
) -> AmountDecomposition:
    """Share `params.provincial_amount` (plus margin) among `values`' cities by their basis shares.

    `expected_codes`: every city that must receive an amount; a missing or negative basis raises
    AccountingInputError naming the city. Every city gets a non-negative amount, and the amounts add
    up to at least the provincial amount plus margin (rounding is upwards).
    """
    _validate(values, params, expected_codes)
    total = math.fsum(v.value for v in values)
    required = params.provincial_amount * (1 + params.margin_pct / 100)
    allocations = []
    for v in values:
        share = v.value / total
        raw = required * share
        basic = round_up(raw, params.round_step)
        extra = params.incentive_extra_pct
        incentive = None if extra is None else round_up(basic * (1 + extra / 100), params.round_step)
        allocations.append(AmountAllocation(v.region_code, v.name, v.value, share, raw, basic, incentive))
    summed = math.fsum(a.basic_amount for a in allocations)
    # Tolerance: the shares' float sum may differ from 1 by a few ulps.
    tolerance = 1e-9 * max(1.0, required)
    check = AmountCheck(params.provincial_amount, required, summed,
                        summed >= params.provincial_amount - tolerance, summed >= required - tolerance)
    notes = (
        f"Shares of {params.basis} in {params.basis_year} stand for each city's part of the provincial amount.",
        f"Amounts are rounded up to {params.round_step:g} {params.unit}; margin {params.margin_pct:g}%.",
        "Illustrative method: no per-city inventory or project list is used; not an issued target.",
    )
    return AmountDecomposition(params, total, tuple(allocations), check, notes)
