"""The parameters of the key-unit reconciliation and the energy-use budgets (catalog
`energy_checks.csv`, read by `ecer.catalogs.energy_checks`): each a named value with its status
(`official`, `derived` or `assumed`) and its source, so no rule of docs/energy-budgets.md is a silent
constant."""

from __future__ import annotations

from dataclasses import dataclass

from ecer.core.errors import AccountingInputError


@dataclass(frozen=True)
class Parameter:
    name: str
    value: float
    status: str  # official | derived | assumed
    source: str


@dataclass(frozen=True)
class EnergyCheckParameters:
    """Thresholds of the reconciliation (`ecer.core.energy_reconciliation`) and the budget follow-up
    (`ecer.core.energy_budget`). Defaults equal the shipped catalog."""

    #: |monitored − report| / report above this is a discrepancy (a case)
    report_max_difference: float = 0.05
    #: a monitored year is compared only when its meters delivered at least this share of the expected data
    min_completeness: float = 0.90
    #: key units' share of the city's statistical total above this is a finding (they cannot use more than the city)
    share_max: float = 1.0
    #: … and below this (implausibly low: units missing from the register, or monitoring far short)
    share_min: float = 0.30
    #: the barometer threshold applied to cumulative use against the pro-rata budget (901号: 10%)
    budget_barometer_threshold: float = 0.10
    #: how many of the fastest-growing units (year-to-date against the same months a year earlier) are
    #: put on the 节能监察 inspection list, besides every unit over its budget
    inspection_top_growth: int = 3

    def __post_init__(self) -> None:
        for name in ("report_max_difference", "min_completeness", "share_max", "share_min",
                     "budget_barometer_threshold"):
            value = getattr(self, name)
            if not (value == value and 0 <= value < float("inf")):
                raise AccountingInputError(f"energy check parameter {name} must be a finite number ≥ 0, got {value}")
        if self.min_completeness > 1:
            raise AccountingInputError(f"min_completeness is a share (≤ 1), got {self.min_completeness}")
        if self.share_min >= self.share_max:
            raise AccountingInputError(f"share_min ({self.share_min}) must be below share_max ({self.share_max})")
        if self.inspection_top_growth < 0:
            raise AccountingInputError(f"inspection_top_growth must be ≥ 0, got {self.inspection_top_growth}")
