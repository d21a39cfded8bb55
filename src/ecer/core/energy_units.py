"""Which units fit which energy type, and physical energy → tce on both bases, each figure with its why.

The tables are passed in as values (`ecer.catalogs.energy_units` builds them from
`data/energy_units.csv` and `data/energy_factors.csv`); the core never reads files.

- A unit fits an energy type when the catalog lists the pair: electricity in kwh, mwh or 10k_kwh;
  natural gas in m3 or 10k_m3; solid and liquid fuels in t or 10k_t; heat in mj or gj, and steam
  metered by mass (t) only with the steam's enthalpy (GJ/t) declared by the metering point.
- tce = quantity × base units per unit × kgce per base unit / 1000. Both bases of METHODOLOGY §6 are
  returned: calorific (当量值) and coal-equivalent (等价值). They differ only for electricity, whose
  coal-equivalent factor is the year's coal rate of thermal power supply; every other type has the
  same GB/T 2589 factor on both bases.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from ecer.core.energy import ElectricityBasis

BASES = (ElectricityBasis.CALORIFIC, ElectricityBasis.COAL_EQUIVALENT)
HEAT = "heat"
STEAM_BY_MASS = "t"  # heat metered as tonnes of steam: needs the declared enthalpy


@dataclass(frozen=True)
class UnitFit:
    """A unit an energy type may be metered in, and how many of its factor's base unit one unit is
    (1 t = 1000 kg; `base_per_unit` None: needs a declared value, e.g. steam enthalpy)."""

    energy_type: str
    unit: str
    base_per_unit: float | None
    source: str
    note: str = ""


@dataclass(frozen=True)
class Factor:
    """kgce per base unit of an energy type on a basis, with where it comes from."""

    energy_type: str
    basis: ElectricityBasis
    kgce_per_base_unit: float
    base_unit: str  # kg, m3, kwh, mj
    source: str
    status: str  # rule | published | assumed | configured
    year: int | None  # the factor's year (None: valid for any year)


@dataclass(frozen=True)
class FactorTable:
    """The factors for one year, and for each (type, basis) without one, why (what to configure)."""

    year: int
    factors: Mapping[tuple[str, ElectricityBasis], Factor]
    missing: Mapping[tuple[str, ElectricityBasis], str]


@dataclass(frozen=True)
class ConversionProblem:
    field: str
    value: str
    expected: str

    def __str__(self) -> str:
        return f"field '{self.field}' = {self.value}: expected {self.expected}"


class ConversionError(ValueError):
    def __init__(self, problem: ConversionProblem) -> None:
        super().__init__(str(problem))
        self.problem = problem


@dataclass(frozen=True)
class TceFigure:
    """One quantity in tce on one basis, with everything needed to say why."""

    energy_type: str
    quantity: float
    unit: str
    basis: ElectricityBasis
    tce: float
    base_per_unit: float  # base units per unit (the enthalpy in MJ/t for steam)
    factor: Factor

    @property
    def why(self) -> str:
        year = f", {self.factor.year}" if self.factor.year is not None else ""
        return (f"{self.quantity:g} {self.unit} × {self.base_per_unit:g} {self.factor.base_unit}/{self.unit} × "
                f"{self.factor.kgce_per_base_unit:g} kgce/{self.factor.base_unit} ÷ 1000 = {self.tce:g} tce "
                f"({self.basis.value}{year}; {self.factor.status}: {self.factor.source})")


def unit_problem(energy_type: str, unit: str, fits: Mapping[tuple[str, str], UnitFit]) -> ConversionProblem | None:
    """None when `unit` fits `energy_type`, else the problem naming the units that do."""
    if (energy_type, unit) in fits:
        return None
    allowed = sorted(u for t, u in fits if t == energy_type)
    if not allowed:
        types = ", ".join(sorted({t for t, _ in fits}))
        return ConversionProblem("energy_type", repr(energy_type), f"one of the catalog's energy types ({types})")
    return ConversionProblem("unit", repr(unit), f"a unit of {energy_type}: {', '.join(allowed)}")


def _base_per_unit(energy_type: str, unit: str, fits: Mapping[tuple[str, str], UnitFit],
                   enthalpy_gj_per_t: float | None) -> float:
    found = unit_problem(energy_type, unit, fits)
    if found is not None:
        raise ConversionError(found)
    fit = fits[(energy_type, unit)]
    if fit.base_per_unit is not None:
        return fit.base_per_unit
    if enthalpy_gj_per_t is None or not math.isfinite(enthalpy_gj_per_t) or enthalpy_gj_per_t <= 0:
        raise ConversionError(ConversionProblem(
            "enthalpy_gj_per_t", repr(enthalpy_gj_per_t),
            f"the declared enthalpy in GJ/t (positive) for {energy_type} metered in {unit} ({fit.note})"))
    return enthalpy_gj_per_t * 1000.0  # GJ/t → MJ per t, heat's factor being per MJ


def to_tce(
    energy_type: str,
    quantity: float,
    unit: str,
    basis: ElectricityBasis,
    fits: Mapping[tuple[str, str], UnitFit],
    table: FactorTable,
    *,
    enthalpy_gj_per_t: float | None = None,
) -> TceFigure:
    """`quantity` (≥ 0, in `unit`) of `energy_type` in tce on `basis`; raises ConversionError naming the
    field, value and what was expected (a unit that does not fit, a factor the year lacks)."""
    if not math.isfinite(quantity) or quantity < 0:
        raise ConversionError(ConversionProblem("quantity", repr(quantity), "a finite quantity ≥ 0"))
    base_per_unit = _base_per_unit(energy_type, unit, fits, enthalpy_gj_per_t)
    factor = table.factors.get((energy_type, basis))
    if factor is None:
        reason = table.missing.get((energy_type, basis), "a factor in energy_factors.csv")
        raise ConversionError(ConversionProblem(
            "factor", f"{energy_type} ({basis.value}, {table.year})", reason))
    tce = quantity * base_per_unit * factor.kgce_per_base_unit / 1000.0
    return TceFigure(energy_type, quantity, unit, basis, tce, base_per_unit, factor)


def to_tce_both(
    energy_type: str,
    quantity: float,
    unit: str,
    fits: Mapping[tuple[str, str], UnitFit],
    table: FactorTable,
    *,
    enthalpy_gj_per_t: float | None = None,
) -> tuple[TceFigure, TceFigure]:
    """(calorific 当量值, coal-equivalent 等价值) figures of one quantity."""
    calorific, coal_equivalent = (to_tce(energy_type, quantity, unit, basis, fits, table,
                                         enthalpy_gj_per_t=enthalpy_gj_per_t) for basis in BASES)
    return calorific, coal_equivalent
