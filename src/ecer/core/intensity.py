"""Constant-price series, intensities and their changes (METHODOLOGY §1), vectorised over regions × years.

Conventions used throughout the core:
- rates and changes are **fractions** (0.0487, not 4.87); percent appears only in explanations;
- a *change* is signed (negative = the indicator fell); a *reduction* is a positive fraction
  (reduction = −change);
- arrays are float64 with shape (n_regions, n_years) unless a docstring says otherwise.
"""

from __future__ import annotations

import numpy as np

from ecer.core.errors import AccountingInputError, raise_at
from ecer.core.panel import FloatArray, Panel, require_same_axes, require_unit

INDEX_UNIT = "index_prev_year_100"
#: A 上年=100 index outside this range is almost surely a growth rate typed as a percentage (8.2
#: instead of 108.2) or a level typed in the wrong column. Configurable per call.
PLAUSIBLE_INDEX_RANGE: tuple[float, float] = (50.0, 200.0)


def check_index(index: Panel, plausible_range: tuple[float, float] = PLAUSIBLE_INDEX_RANGE) -> None:
    """Validate a 上年=100 index panel (all years but the first are used for chaining)."""
    require_unit(index, INDEX_UNIT)
    used = index.values[:, 1:]
    years = index.years[1:]
    raise_at(~np.isfinite(used), "index (上年=100) is missing", regions=index.regions, years=years,
             indicator=index.variable)
    low, high = plausible_range
    raise_at(
        (used < low) | (used > high),
        f"index (上年=100) outside {low:g}–{high:g}: it looks like a growth rate in percent "
        "(e.g. 8.2 for 108.2) or a value in the wrong column",
        regions=index.regions, years=years, indicator=index.variable,
    )


def constant_price_series(
    current: Panel,
    index: Panel,
    price_base_year: int,
    plausible_range: tuple[float, float] = PLAUSIBLE_INDEX_RANGE,
) -> Panel:
    """Constant-price (comparable) series in the units of `current`, at `price_base_year` prices.

    `current` is the current-price value (e.g. GDP in 100m_yuan 亿元); only its price-base-year column
    is used. `index` is the real-growth index with the previous year = 100. The series is chained
    forwards `V_t = V_{t-1} × index_t / 100` and backwards `V_{t-1} = V_t / (index_t / 100)` from
    the anchor `V_b = current_b`. [METHODOLOGY §1, rule]
    """
    require_same_axes(current, index)
    check_index(index, plausible_range)
    anchor_col = current.year_index(price_base_year)
    anchor = current.values[:, anchor_col]
    raise_at(~np.isfinite(anchor) | (anchor <= 0), "current-price value in the price base year must be > 0",
             regions=current.regions, indicator=current.variable, year=price_base_year)
    growth = np.ones_like(index.values)
    growth[:, 1:] = index.values[:, 1:] / 100.0
    chained = np.cumprod(growth, axis=1)  # C_t = Π_{s ≤ t} g_s, relative to the first year
    values = anchor[:, None] * chained / chained[:, anchor_col : anchor_col + 1]
    return current.with_values(values, variable=f"constant({current.variable},{index.variable})")


def intensity(numerator: Panel, denominator: Panel, unit: str) -> Panel:
    """Ratio numerator/denominator (e.g. 10k_tce / 100m_yuan = tce_per_10k_yuan).

    Both must be finite and > 0 in every cell: an intensity with zero or negative energy or GDP is
    an input error, not a number.
    """
    require_same_axes(numerator, denominator)
    numerator.require_positive(f"{numerator.variable} (numerator)")
    denominator.require_positive(f"{denominator.variable} (denominator)")
    return numerator.with_values(
        numerator.values / denominator.values, variable=f"{numerator.variable}/{denominator.variable}", unit=unit
    )


def annual_change(panel: Panel) -> FloatArray:
    """Signed change over the previous year, `r_t = v_t / v_{t-1} − 1`, shape (regions, years − 1).

    Column j is the change into year `panel.years[j + 1]`.
    """
    panel.require_positive()
    return panel.values[:, 1:] / panel.values[:, :-1] - 1.0


def change_since(panel: Panel, base_year: int) -> FloatArray:
    """Signed cumulative change from `base_year` to every year, `v_t / v_base − 1` (regions × years)."""
    panel.require_positive()
    col = panel.year_index(base_year)
    return panel.values / panel.values[:, col : col + 1] - 1.0


def cumulative_change(changes: FloatArray, axis: int = -1) -> FloatArray:
    """Chain signed annual changes: `Π(1 + r_i) − 1` along `axis` (METHODOLOGY §1 worked example:
    +1.51%, −2.2%, −4.18% → −4.87%)."""
    changes = np.asarray(changes, dtype=np.float64)
    if not np.isfinite(changes).all():
        raise AccountingInputError("annual changes contain missing or non-finite values")
    if (changes <= -1.0).any():
        raise AccountingInputError("an annual change of −100% or less is impossible for a positive quantity")
    result: FloatArray = np.prod(1.0 + changes, axis=axis) - 1.0
    return result


def average_annual_change(total_change: FloatArray | float, n_years: int) -> FloatArray:
    """Average annual signed change `(1 + c)^(1/n) − 1` that compounds to `total_change` over n years."""
    if n_years <= 0:
        raise AccountingInputError(f"number of years must be positive, got {n_years}")
    total = np.asarray(total_change, dtype=np.float64)
    if not np.isfinite(total).all() or (total <= -1.0).any():
        raise AccountingInputError("total change must be finite and greater than −100%")
    result: FloatArray = np.power(1.0 + total, 1.0 / n_years) - 1.0
    return result


def average_annual_reduction(total_reduction: FloatArray | float, n_years: int) -> FloatArray:
    """Average annual reduction `a = 1 − (1 − R)^(1/n)`; R = 17% over 5 years → 3.66% (METHODOLOGY §1)."""
    total = np.asarray(total_reduction, dtype=np.float64)
    result: FloatArray = -average_annual_change(-total, n_years)
    return result
