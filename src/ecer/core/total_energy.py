"""Total energy consumption control (能源消费总量控制 / 用能预算), METHODOLOGY §2 and seed plan §四(一).

The assessed consumption (after deductions, see `deductions.energy_for_total_assessment`) is compared
with a budget per region and year, either given directly (用能预算) or derived from an allowed growth
over the period. Regions that reached the incentive intensity target are exempt (1310号): their
light is EXEMPT (免考核), never green. All quantities in 10k_tce (万吨标准煤).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ecer.core.barometer import BarometerOptions, LightArray, lights
from ecer.core.errors import AccountingInputError, raise_at
from ecer.core.panel import BoolArray, FloatArray, Panel, require_unit
from ecer.core.progress import Interpolation, check_period


def budget_from_growth(
    base_consumption: FloatArray,
    allowed_growth: FloatArray | float,
    base_year: int,
    target_year: int,
    years: tuple[int, ...],
    regions: tuple[str, ...],
    path: Interpolation = Interpolation.GEOMETRIC,
) -> FloatArray:
    """Budget (10k_tce) by year from the base-year consumption and the allowed growth over the period.

    geometric: `B_t = B_0 (1 + G)^((t − t0)/N)`; linear: `B_t = B_0 (1 + G (t − t0)/N)`. After the
    target year the budget stays at the target-year value. G is a fraction (0.12 = +12% over N years).
    """
    n = check_period(base_year, target_year, "energy_total")
    b0 = np.asarray(base_consumption, dtype=np.float64)
    g = np.broadcast_to(np.asarray(allowed_growth, dtype=np.float64), b0.shape)
    raise_at(~np.isfinite(b0) | (b0 <= 0), "base-year consumption must be > 0", regions=regions,
             indicator="energy_total", year=base_year)
    raise_at(~np.isfinite(g) | (g <= -1), "allowed growth must be a fraction above −1", regions=regions,
             indicator="energy_total")
    share = np.clip((np.asarray(years, dtype=np.float64) - base_year) / n, 0.0, 1.0)[None, :]
    if path is Interpolation.LINEAR:
        result: FloatArray = b0[:, None] * (1.0 + g[:, None] * share)
    else:
        result = b0[:, None] * np.power(1.0 + g[:, None], share)
    return result


@dataclass(frozen=True)
class TotalControlResult:
    """Per region × year: assessed consumption, budget, excess (> 0 over budget), lights."""

    regions: tuple[str, ...]
    years: tuple[int, ...]
    assessed: FloatArray
    budget: FloatArray
    excess: FloatArray
    met: BoolArray
    exempt: BoolArray
    rose: BoolArray
    light: LightArray


def total_consumption_control(
    assessed: Panel,
    budget: FloatArray,
    exempt: BoolArray | None = None,
    barometer: BarometerOptions | None = None,
    rose: BoolArray | None = None,
) -> TotalControlResult:
    """Compare assessed consumption with the budget (same regions × years shape).

    Red/yellow under the ten-percent variant when the excess is above/within 10% of the budget; under
    the rise variant red when consumption exceeded the budget *and* rose over the previous year.
    `rose` (same shape) says whether consumption rose over the previous year; default: computed from
    the panel's own years (the first year never rose). A caller that assesses one year passes it, so
    the panel need not carry the previous year (which may have no budget).
    """
    require_unit(assessed, "10k_tce")
    assessed.require_positive("assessed energy consumption")
    budget = np.asarray(budget, dtype=np.float64)
    if budget.shape != assessed.values.shape:
        raise AccountingInputError(f"budget shape {budget.shape} differs from data {assessed.values.shape}",
                                   indicator=assessed.variable)
    raise_at(~np.isfinite(budget) | (budget <= 0), "energy budget must be > 0", regions=assessed.regions,
             years=assessed.years, indicator=assessed.variable)
    excess = assessed.values - budget
    met = excess <= 0
    if rose is None:
        rose = np.zeros_like(met)
        rose[:, 1:] = assessed.values[:, 1:] > assessed.values[:, :-1]
    else:
        rose = np.broadcast_to(np.asarray(rose, dtype=bool), met.shape).copy()
    exempt_arr = np.zeros_like(met) if exempt is None else np.broadcast_to(exempt, met.shape).copy()
    light = lights(met, excess, budget, rose, barometer, exempt=exempt_arr)
    return TotalControlResult(assessed.regions, assessed.years, assessed.values, budget, excess, met,
                              exempt_arr, rose, light)
