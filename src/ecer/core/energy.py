"""Physical energy quantities → standard coal (tce) and → CO₂ (METHODOLOGY §6, GB/T 2589-2020).

Factors are passed in as values (loaded by `ecer.catalogs`); the core never reads files. Each
quantity is in the unit its factor expects (kg, m3, kwh, mj), so `kgce_per_unit[type] × quantity`
is kgce. The electricity basis is explicit on every call:
- `calorific` (当量值): 0.1229 kgce/kWh (GB/T 2589; enterprise comprehensive energy use);
- `coal_equivalent` (等价值): the year's average coal rate of thermal power in gce/kWh (statistical
  energy balance, regional total consumption), passed per year.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from enum import StrEnum

import numpy as np
from numpy.typing import ArrayLike

from ecer.core.errors import AccountingInputError
from ecer.core.panel import FloatArray

ELECTRICITY = "electricity"
CALORIFIC_KGCE_PER_KWH = 0.1229  # GB/T 2589-2020: 3600 kJ / 29307 kJ/kgce


class ElectricityBasis(StrEnum):
    CALORIFIC = "calorific"  # 当量值
    COAL_EQUIVALENT = "coal_equivalent"  # 等价值


class GridScope(StrEnum):
    NATIONAL = "national"
    PROVINCIAL = "provincial"


def electricity_kgce_per_kwh(basis: ElectricityBasis, coal_rate_gce_per_kwh: float | None = None) -> float:
    """kWh → kgce factor for the chosen basis (coal rate in gce/kWh, e.g. 404 → 0.404 kgce/kWh)."""
    if basis is ElectricityBasis.CALORIFIC:
        return CALORIFIC_KGCE_PER_KWH
    if coal_rate_gce_per_kwh is None or not np.isfinite(coal_rate_gce_per_kwh) or coal_rate_gce_per_kwh <= 0:
        raise AccountingInputError("coal-equivalent electricity needs the year's positive coal rate (gce/kWh)")
    if coal_rate_gce_per_kwh < 100 or coal_rate_gce_per_kwh > 1000:
        raise AccountingInputError(
            f"coal rate {coal_rate_gce_per_kwh} is not in gce/kWh (typical 280–420)")
    return coal_rate_gce_per_kwh / 1000.0


def _quantity(name: str, value: ArrayLike) -> FloatArray:
    arr = np.asarray(value, dtype=np.float64)
    if not np.isfinite(arr).all() or (arr < 0).any():
        raise AccountingInputError(f"quantity of {name} must be finite and ≥ 0", indicator=name)
    return arr


def _sum_in_tonnes(
    quantities: Mapping[str, ArrayLike],
    kg_per_unit: Mapping[str, float],
    electricity_kg_per_kwh: Callable[[], float],
    what: str,
) -> FloatArray:
    """Σ quantity × factor (kg per unit) / 1000, in tonnes (tce or t CO₂). Electricity takes its factor
    from `electricity_kg_per_kwh`, asked only when electricity is present (a coal rate is then needed)."""
    total: FloatArray = np.zeros(())
    for name, value in quantities.items():
        arr = _quantity(name, value)
        if name == ELECTRICITY:
            factor = electricity_kg_per_kwh()
        elif name in kg_per_unit:
            factor = kg_per_unit[name]
        else:
            raise AccountingInputError(f"no {what} factor for energy type '{name}'", indicator=name)
        total = total + arr * factor / 1000.0
    return total


def to_tce(
    quantities: Mapping[str, ArrayLike],
    kgce_per_unit: Mapping[str, float],
    electricity_basis: ElectricityBasis,
    coal_rate_gce_per_kwh: float | None = None,
) -> FloatArray:
    """Sum of quantities converted to tce (吨标准煤). Electricity (key "electricity", kWh) uses the
    basis; every other key needs a factor in `kgce_per_unit`. Unknown type → error, never ignored."""
    return _sum_in_tonnes(quantities, kgce_per_unit,
                          lambda: electricity_kgce_per_kwh(electricity_basis, coal_rate_gce_per_kwh), "standard-coal")


def select_grid_factor(
    year: int,
    scope: GridScope,
    national_kgco2_per_kwh: Mapping[int, float],
    provincial_kgco2_per_kwh: Mapping[int, float] | None = None,
    region: str | None = None,
) -> float:
    """Grid CO₂ factor (kgCO₂/kWh) for a year: national average or the province's (e.g. Sichuan 0.1404
    for 2022 vs national 0.5366). Missing year → error, not a silent fallback to another year."""
    table = national_kgco2_per_kwh if scope is GridScope.NATIONAL else provincial_kgco2_per_kwh
    if table is None or year not in table:
        raise AccountingInputError(f"no {scope.value} grid CO₂ factor for this year", region=region,
                                   indicator="grid_co2_factor", year=year)
    return table[year]


def to_co2_t(
    quantities: Mapping[str, ArrayLike],
    kgco2_per_unit: Mapping[str, float],
    grid_kgco2_per_kwh: float,
) -> FloatArray:
    """Sum of quantities converted to t CO₂: fuels by their factors (kgCO₂ per kg or m3), electricity
    (kWh) by the grid factor passed in. A type with no CO₂ factor (e.g. heat without a factor) → error."""
    return _sum_in_tonnes(quantities, kgco2_per_unit, lambda: grid_kgco2_per_kwh, "CO₂")


def fuel_co2_factor(ncv_gj_per_t: float, carbon_t_per_tj: float, oxidation: float) -> float:
    """CO₂ factor in tCO₂/t (= kgCO₂/kg): NCV × carbon content × oxidation × 44/12 (raw coal → 1.900)."""
    return ncv_gj_per_t * carbon_t_per_tj * oxidation * 44.0 / 12.0 / 1000.0
