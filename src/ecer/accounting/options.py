"""Options of the accounting service: every [open] rule is a parameter with a documented default."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ecer.core.deductions import DeductionOptions
from ecer.core.energy import CALORIFIC_KGCE_PER_KWH
from ecer.core.evaluate import ProgressOptions

#: Units of extensive quantities (totals that add up over regions). A province's target in such a
#: unit (e.g. 14.92 万吨 COD key-project reduction) is meaningless for one city, so the plan-target
#: fallback is not applied to them unless `fallback_for_extensive_levels` is set.
EXTENSIVE_UNITS = frozenset({
    "10k_tce", "tce", "100m_yuan", "10k_yuan", "100m_kwh", "10k_kwh", "kwh", "10k_t", "t", "10k_m3", "m3",
    "10k_m2", "m2", "person", "10k_km", "km", "10k_m3_per_day", "t_co2", "10k_t_co2", "count",
})


@dataclass(frozen=True)
class AccountingOptions:
    """Parameters of `progress_report`.

    - `price_base_year`: constant-price base; None = each target's base year (14th plan: [open], 2020).
    - `apply_energy_deductions`: use energy after deductions (raw material; listed projects and
      renewables per `deductions`) as the numerator of ratio indicators over `energy_total`.
    - `renewable_kgce_per_kwh`: kWh→tce factor per year for new renewable electricity [open];
      `default_renewable_kgce_per_kwh` (0.1229, calorific) for years not listed.
    - `fallback_for_extensive_levels`: apply the plan-target fallback to level targets in extensive
      units as well (default False: such a region gets no target instead of a wrong one).
    - `energy_allowed_growth_pct`: total-consumption control for a region-year without an issued
      budget (`energy_budget` observation): the budget is its base-year assessed consumption growing
      by this average annual percentage [open]; None (default) = not used, so such a region gets no
      total-consumption row (never an invented budget). An issued budget always takes precedence.
    """

    progress: ProgressOptions = field(default_factory=ProgressOptions)
    deductions: DeductionOptions = field(default_factory=DeductionOptions)
    price_base_year: int | None = None
    apply_energy_deductions: bool = True
    renewable_kgce_per_kwh: Mapping[int, float] = field(default_factory=dict)
    default_renewable_kgce_per_kwh: float = CALORIFIC_KGCE_PER_KWH
    fallback_for_extensive_levels: bool = False
    energy_allowed_growth_pct: float | None = None

    def price_base_year_for(self, base_year: int) -> int:
        """The constant-price base year of a target with this base year (the option, else the base year)."""
        return self.price_base_year or base_year

    def renewable_factor(self, year: int) -> float:
        return self.renewable_kgce_per_kwh.get(year, self.default_renewable_kgce_per_kwh)
