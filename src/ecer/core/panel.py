"""A region × year table of one variable: the shape every vectorised core function works on.

Values are float64 in an (n_regions × n_years) array. Years are consecutive integers (chaining and
annual changes need every year); a missing value is NaN *in input only* — the checks below turn it
into an AccountingInputError naming region, indicator and year before any rule uses it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from ecer.core.errors import AccountingInputError, raise_at

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@dataclass(frozen=True)
class Panel:
    """Values of `variable` (in `unit`) for `regions` (codes) × `years` (consecutive)."""

    variable: str
    unit: str
    regions: tuple[str, ...]
    years: tuple[int, ...]
    values: FloatArray = field(repr=False)

    def __post_init__(self) -> None:
        values = np.asarray(self.values, dtype=np.float64)
        if values.ndim == 1 and len(self.regions) == 1:
            values = values.reshape(1, -1)
        object.__setattr__(self, "values", values)
        if values.shape != (len(self.regions), len(self.years)):
            raise AccountingInputError(
                f"values have shape {values.shape}, expected {(len(self.regions), len(self.years))} "
                "(regions × years)",
                indicator=self.variable,
            )
        years = list(self.years)
        if not years or years != list(range(years[0], years[0] + len(years))):
            raise AccountingInputError(
                f"years must be consecutive, ascending and not empty, got {years}", indicator=self.variable
            )
        if len(set(self.regions)) != len(self.regions):
            raise AccountingInputError("duplicate region codes", indicator=self.variable)

    def column(self, year: int) -> FloatArray:
        """Values for one year (one per region); AccountingInputError if the year is not covered."""
        return self.values[:, self.year_index(year)]

    def year_index(self, year: int) -> int:
        if year < self.years[0] or year > self.years[-1]:
            raise AccountingInputError(
                f"year {year} is not in the data (covered: {self.years[0]}–{self.years[-1]})",
                indicator=self.variable,
                year=year,
            )
        return year - self.years[0]

    def require_finite(self, what: str = "value") -> Panel:
        """Raise on the first missing (NaN) or infinite cell; returns self for chaining."""
        raise_at(
            ~np.isfinite(self.values),
            f"{what} is missing or not finite",
            regions=self.regions,
            years=self.years,
            indicator=self.variable,
        )
        return self

    def require_positive(self, what: str = "value") -> Panel:
        """Raise on the first missing, infinite, zero or negative cell."""
        self.require_finite(what)
        raise_at(
            self.values <= 0,
            f"{what} must be greater than zero",
            regions=self.regions,
            years=self.years,
            indicator=self.variable,
        )
        return self

    def require_non_negative(self, what: str = "value") -> Panel:
        """Raise on the first missing, infinite or negative cell."""
        self.require_finite(what)
        raise_at(
            self.values < 0,
            f"{what} must not be negative",
            regions=self.regions,
            years=self.years,
            indicator=self.variable,
        )
        return self

    def with_values(self, values: FloatArray, variable: str | None = None, unit: str | None = None) -> Panel:
        """A panel over the same regions and years with new values."""
        return Panel(variable or self.variable, unit or self.unit, self.regions, self.years, values)


def require_same_axes(a: Panel, b: Panel) -> None:
    """Two panels must cover the same regions and years in the same order."""
    if a.regions != b.regions:
        raise AccountingInputError(f"{a.variable} and {b.variable} cover different regions", indicator=a.variable)
    if a.years != b.years:
        raise AccountingInputError(
            f"{a.variable} covers years {a.years[0]}–{a.years[-1]} but {b.variable} covers "
            f"{b.years[0]}–{b.years[-1]}",
            indicator=a.variable,
        )


def require_unit(panel: Panel, expected: str) -> None:
    """Units must match exactly (unit codes of units.csv); no silent conversion."""
    if panel.unit != expected:
        raise AccountingInputError(
            f"unit is '{panel.unit}', expected '{expected}'", indicator=panel.variable
        )
