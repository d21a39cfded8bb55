"""What is not counted: raw-material energy, new renewable electricity, nationally listed projects
(METHODOLOGY §2; seed plan §四(一); 发改环资〔2022〕803号; NDRC/NBS/NEA notice of 2022-11-16;
发改环资〔2021〕1310号).

All energy panels are in 10k_tce (万吨标准煤); renewable electricity in 100m_kwh (亿千瓦时).
Deductions are validated: a negative or missing deduction is an input error, and deductions larger
than the consumption they are taken from are an input error, so a deduction can never increase the
assessed consumption.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ecer.core.errors import AccountingInputError, raise_at
from ecer.core.panel import FloatArray, Panel, require_same_axes, require_unit

ENERGY_UNIT = "10k_tce"
ELECTRICITY_UNIT = "100m_kwh"
#: 1 亿kWh × f kgce/kWh = 10⁸·f kgce = 10·f 万tce.
_10K_TCE_PER_100M_KWH_PER_KGCE_PER_KWH = 10.0


@dataclass(frozen=True)
class DeductionOptions:
    """Switches for the deduction rules; defaults follow METHODOLOGY §2.

    - `deduct_renewables_from_intensity`: the 2022 notice deducts new renewable electricity from the
      total-consumption assessment only; later practice varies [open] → default False.
    - `deduct_listed_projects_from_intensity`: 1310号 waives listed projects' energy "in the
      assessment" (both intensity and total) → default True.
    - `renewable_baseline_year`: the region's renewable consumption in this year is the baseline (2020).
    """

    deduct_renewables_from_intensity: bool = False
    deduct_listed_projects_from_intensity: bool = True
    renewable_baseline_year: int = 2020


def renewable_increase_10k_tce(
    renewable: Panel,
    kgce_per_kwh_by_year: Mapping[int, float],
    baseline_year: int = 2020,
) -> tuple[FloatArray, FloatArray]:
    """New renewable electricity, converted to 10k_tce: (annual, cumulative since baseline), regions × years.

    annual_t = max(0, (E_t − E_{t−1}) × f_t) for t > baseline; cumulative_t = max(0, Σ_{baseline<s≤t}
    (E_s − E_{s−1}) × f_s), which with a constant factor equals max(0, (E_t − E_baseline) × f). A fall in
    renewable consumption gives no deduction (never a negative one). Years ≤ baseline get 0.
    `kgce_per_kwh_by_year` is the kWh→tce factor per year [open]: 0.1229 (calorific) or that year's
    average coal rate of thermal power (e.g. 0.404).
    """
    require_unit(renewable, ELECTRICITY_UNIT)
    years = np.asarray(renewable.years)
    after = years > baseline_year
    annual = np.zeros_like(renewable.values)
    cumulative = np.zeros_like(renewable.values)
    if not after.any():
        return annual, cumulative
    if baseline_year < renewable.years[0]:
        raise AccountingInputError(
            f"renewable electricity data must include the baseline year {baseline_year}",
            indicator=renewable.variable, year=baseline_year,
        )
    first = renewable.year_index(baseline_year)
    used = renewable.values[:, first:]
    raise_at(~np.isfinite(used) | (used < 0), "renewable electricity must be a non-negative number",
             regions=renewable.regions, years=renewable.years[first:], indicator=renewable.variable)
    factors = np.empty(len(years))
    for j, year in enumerate(renewable.years):
        if year > baseline_year:
            factor = kgce_per_kwh_by_year.get(year)
            if factor is None or not np.isfinite(factor) or factor <= 0:
                raise AccountingInputError(
                    "no positive kWh→tce factor (kgce_per_kwh) given for this year",
                    indicator=renewable.variable, year=year,
                )
            factors[j] = factor * _10K_TCE_PER_100M_KWH_PER_KGCE_PER_KWH
    delta = np.zeros_like(renewable.values)
    delta[:, first + 1 :] = np.diff(used, axis=1) * factors[None, first + 1 :]
    annual = np.maximum(delta, 0.0)
    cumulative = np.maximum(np.cumsum(delta, axis=1), 0.0)
    return annual, cumulative


def check_deduction(deduction: Panel) -> None:
    """A deduction must be in 10k_tce, finite and ≥ 0 in every cell."""
    require_unit(deduction, ENERGY_UNIT)
    deduction.require_non_negative(f"deduction {deduction.variable}")


def apply_deductions(energy: Panel, deductions: Sequence[Panel], variable: str | None = None) -> Panel:
    """Energy minus every deduction, checked: the result must stay > 0 (else the inputs disagree)."""
    require_unit(energy, ENERGY_UNIT)
    energy.require_positive("energy consumption")
    total = np.zeros_like(energy.values)
    for deduction in deductions:
        require_same_axes(energy, deduction)
        check_deduction(deduction)
        total = total + deduction.values
    result = energy.values - total
    raise_at(
        result <= 0,
        "deductions (raw material, renewables, listed projects) are not smaller than total energy consumption",
        regions=energy.regions, years=energy.years, indicator=energy.variable,
    )
    return energy.with_values(result, variable=variable or f"{energy.variable}_after_deductions")


def _optional(panels: Sequence[Panel | None]) -> list[Panel]:
    return [p for p in panels if p is not None]


def energy_for_intensity(
    energy_total: Panel,
    raw_material: Panel | None = None,
    renewable_cumulative: Panel | None = None,
    listed_projects: Panel | None = None,
    options: DeductionOptions | None = None,
) -> Panel:
    """Energy counted in the intensity assessment (10k_tce): raw material always subtracted (in every
    year, so in both base and assessed year); renewables and listed projects per `options`.

    `renewable_cumulative` is the cumulative-since-baseline deduction (second result of
    `renewable_increase_10k_tce`), so the base year carries no renewable deduction.
    """
    opts = options or DeductionOptions()
    deductions = _optional([
        raw_material,
        renewable_cumulative if opts.deduct_renewables_from_intensity else None,
        listed_projects if opts.deduct_listed_projects_from_intensity else None,
    ])
    return apply_deductions(energy_total, deductions, variable="energy_for_intensity")


def energy_for_total_assessment(
    energy_total: Panel,
    raw_material: Panel | None = None,
    renewable_cumulative: Panel | None = None,
    listed_projects: Panel | None = None,
) -> Panel:
    """Energy counted in the total-consumption assessment (10k_tce): every deduction applies."""
    deductions = _optional([raw_material, renewable_cumulative, listed_projects])
    return apply_deductions(energy_total, deductions, variable="energy_for_total_assessment")
