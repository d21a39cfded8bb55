"""Options of the accounting service: every [open] rule is a parameter with a documented default."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ecer.catalogs.factors import ELECTRICITY_BASES, FactorMissingError, electricity_factor_row
from ecer.core.deductions import DeductionOptions
from ecer.core.errors import AccountingInputError
from ecer.core.evaluate import ProgressOptions

#: How a provincial level target reaches a city without an issued level (see AccountingOptions).
LEVEL_CITY_TARGETS = ("issued", "base_plus_increment")

#: Units of extensive quantities (totals that add up over regions). A province's target in such a
#: unit (e.g. 14.92 万吨 COD key-project reduction) is meaningless for one city: only a decomposed
#: (issued) amount is a city target, and "base plus the province's increment" never applies to them.
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
    - `renewable_basis`: the kWh→tce basis of the new renewable electricity deduction (METHODOLOGY
      §2): "coal_equivalent" (default, 等价值: the same basis as `energy_total`, the year's average
      coal rate of thermal power supply from the factor catalog `energy_factors.csv`) or "calorific"
      (当量值, 0.1229 kgce/kWh, a documented option).
    - `renewable_kgce_per_kwh`: per-year factors (kgce/kWh) that override the catalog.
    - `renewable_factor_earlier_year`: for a year the catalog has no figure for yet (the year's rate is
      published the following year), use the latest earlier year's, named in the provenance (default
      True); False = such a year is an error.
    - `level_city_targets`: how a provincial *level* target (a share, a rate, 41.5%左右) reaches a city
      without an issued level of its own (METHODOLOGY §2a): "issued" (default) = it does not; the
      city's row is "not assessed" (不考核) with the reason; "base_plus_increment" = the city's own
      base-year value plus the province's increment (target − provincial base value, never in the bad
      direction, a share capped at 100%), so a city already beyond the provincial level is never asked
      to fall. Levels in extensive units (amounts) are never derived this way.
    - `energy_allowed_growth_pct`: total-consumption control for a region-year without an issued
      budget (`energy_budget` observation): the budget is its base-year assessed consumption growing
      by this average annual percentage [open]; None (default) = not used, so such a region gets no
      total-consumption row (never an invented budget). An issued budget always takes precedence.
    """

    progress: ProgressOptions = field(default_factory=ProgressOptions)
    deductions: DeductionOptions = field(default_factory=DeductionOptions)
    price_base_year: int | None = None
    apply_energy_deductions: bool = True
    renewable_basis: str = "coal_equivalent"
    renewable_kgce_per_kwh: Mapping[int, float] = field(default_factory=dict)
    renewable_factor_earlier_year: bool = True
    level_city_targets: str = "issued"
    energy_allowed_growth_pct: float | None = None

    def __post_init__(self) -> None:
        if self.renewable_basis not in ELECTRICITY_BASES:
            raise AccountingInputError(f"renewable_basis must be one of {', '.join(ELECTRICITY_BASES)}, "
                                       f"got '{self.renewable_basis}'")
        if self.level_city_targets not in LEVEL_CITY_TARGETS:
            raise AccountingInputError(f"level_city_targets must be one of {', '.join(LEVEL_CITY_TARGETS)}, "
                                       f"got '{self.level_city_targets}'")

    def price_base_year_for(self, base_year: int) -> int:
        """The constant-price base year of a target with this base year (the option, else the base year)."""
        return self.price_base_year or base_year

    def renewable_factor(self, year: int) -> RenewableFactor:
        """The kWh→tce factor of `year` on `renewable_basis`, with the year it is from and its source."""
        if year in self.renewable_kgce_per_kwh:
            return RenewableFactor(year, year, float(self.renewable_kgce_per_kwh[year]), self.renewable_basis,
                                   "AccountingOptions.renewable_kgce_per_kwh (configured)")
        try:
            row = electricity_factor_row(year, self.renewable_basis,
                                         allow_earlier_year=self.renewable_factor_earlier_year)
        except FactorMissingError as exc:
            raise AccountingInputError(str(exc), indicator="renewable_electricity", year=year) from exc
        assert row.value is not None
        return RenewableFactor(year, row.year or year, row.value, self.renewable_basis, row.source,
                               row.status)

    def renewable_factors(self, years: Iterable[int]) -> dict[int, float]:
        """kgce/kWh by year for the years after the renewable baseline (the deduction's conversion)."""
        base = self.deductions.renewable_baseline_year
        return {y: self.renewable_factor(y).kgce_per_kwh for y in years if y > base}


@dataclass(frozen=True)
class RenewableFactor:
    """The factor used for one year: `from_year` differs from `year` when an earlier year's was used."""

    year: int
    from_year: int
    kgce_per_kwh: float
    basis: str
    source: str
    status: str = "configured"

    def to_dict(self) -> dict[str, Any]:
        return {"year": self.year, "from_year": self.from_year, "kgce_per_kwh": self.kgce_per_kwh,
                "basis": self.basis, "source": self.source, "status": self.status}
