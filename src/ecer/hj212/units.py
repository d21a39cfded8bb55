"""Units of HJ 212 factors as data (`data/factor_units.csv`) and whether one converts to another.

HJ 212 packets carry no units: a value's unit is implied by its factor's row in the code table
(`data/factor_codes.csv`). A registry can disagree: a device declared to send µg/m³ for a factor
the table gives in mg/m³ (convertible: × 0.001), or mg/L for a flue-gas factor (not convertible).

Units convert only within one quantity, and concentrations are split by medium on purpose: 1 mg/L
equals 1000 mg/m³ physically, but a mass per litre declared for flue gas is a registry error, and
converting it would hide the error behind plausible numbers. ppm is a mixing ratio, not a mass
concentration: converting it needs the factor's molar mass, which this table does not hold.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ecer.hj212.codes import factor_codes


@dataclass(frozen=True, slots=True)
class FactorUnit:
    code: str
    quantity: str
    to_base: float  # value in this unit × to_base = value in the quantity's base unit
    name_zh: str
    name_en: str
    source: str


@cache
def factor_units() -> dict[str, FactorUnit]:
    text = resources.files("ecer.hj212").joinpath("data/factor_units.csv").read_text(encoding="utf-8")
    return {r["code"]: FactorUnit(r["code"], r["quantity"], float(r["to_base"]), r["name_zh"], r["name_en"],
                                  r["source"]) for r in csv.DictReader(io.StringIO(text))}


def conversion(unit: str, to: str) -> float | None:
    """The factor that turns a value in `unit` into one in `to`; None when they are not the same quantity
    (or either is unknown)."""
    units = factor_units()
    a, b = units.get(unit), units.get(to)
    if a is None or b is None or a.quantity != b.quantity:
        return None
    return 1.0 if a.code == b.code else a.to_base / b.to_base


def catalog_unit(factor: str) -> str | None:
    """The factor's unit in the HJ 212 code table; None for a factor not in the table (an open set)."""
    described = factor_codes().get(factor)
    return described.unit if described else None


def unit_name(code: str) -> str:
    u = factor_units().get(code)
    return u.name_en if u else code


@dataclass(frozen=True, slots=True)
class UnitCheck:
    """How a value in `unit` relates to the unit expected for the factor."""

    unit: str
    expected: str | None
    scale: float | None  # multiply by this to get the expected unit; None: not convertible

    @property
    def fits(self) -> bool:
        return self.scale is not None

    def note(self, factor: str) -> str:
        """The reason shown with the flag (English; the unit codes are the same in every language)."""
        if self.expected is None:
            return ""
        if self.scale is None:
            known = "" if self.unit in factor_units() else " (not a known unit code)"
            return (f"{factor}: declared {self.unit}{known}, expected {self.expected}: not convertible, "
                    "left out of min/avg/max and amounts")
        if self.scale == 1.0:
            return ""
        return f"{factor}: declared {self.unit}, converted to {self.expected} × {self.scale:g}"


def check(factor: str, unit: str, expected: str | None = None) -> UnitCheck:
    """`unit` against `expected` (default: the factor's unit in the code table). A factor outside the
    table is not checked (scale 1): factor codes are an open set."""
    expected = expected or catalog_unit(factor)
    if expected is None:
        return UnitCheck(unit, None, 1.0)
    return UnitCheck(unit, expected, conversion(unit, expected))
