"""The units each energy type may be metered or reported in (`data/energy_units.csv`), and the year's
standard-coal factors on both bases as the value tables of `ecer.core.energy_units`.

Every pair's unit is a code of the units catalog and its energy type one of `energy_factors.csv`, so a
metering point or a report line in a unit that does not fit its energy type is caught by a lookup.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from ecer.catalogs._csv import check_unit, known_unit_codes, parse_float, read_package_csv, require
from ecer.catalogs.factors import FactorMissingError, electricity_factor_row, load_energy_factors
from ecer.core.energy import ELECTRICITY, ElectricityBasis
from ecer.core.energy_units import Factor, FactorTable, UnitFit

FILE = "energy_units.csv"
FACTOR_UNIT_PREFIX = "kgce_per_"


@lru_cache(maxsize=1)
def load_unit_fits() -> dict[tuple[str, str], UnitFit]:
    """(energy type, unit) → UnitFit, every row checked (InputFileError naming row and field)."""
    columns = ("energy_type", "unit", "base_per_unit", "source", "note")
    rows = read_package_csv(FILE, columns)
    units = known_unit_codes()
    types = {f.code for f in load_energy_factors()}
    found: dict[tuple[str, str], UnitFit] = {}
    for number, row in require(rows, ("energy_type", "unit", "source")):
        check_unit(rows, number, row["unit"], units)
        if row["energy_type"] not in types:
            rows.problem(number, f"unknown energy type '{row['energy_type']}' (not in energy_factors.csv)",
                         "energy_type")
        base = parse_float(rows, number, row, "base_per_unit") if row["base_per_unit"] else None
        if base is not None and base <= 0:
            rows.problem(number, "must be > 0 (or empty: declared per metering point)", "base_per_unit")
        if base is None and not row["note"]:
            rows.problem(number, "a unit without a fixed conversion must say in 'note' what is declared", "note")
        key = (row["energy_type"], row["unit"])
        if key in found:
            rows.problem(number, f"duplicate pair {key}", "unit")
        found[key] = UnitFit(row["energy_type"], row["unit"], base, row["source"], row["note"])
    rows.raise_if_problems()
    return found


def factor_table(
    year: int,
    *,
    coal_equivalent_overrides: Mapping[int, float] | None = None,
    allow_earlier_year: bool = False,
) -> FactorTable:
    """The standard-coal factors for `year` on both bases, each with its source.

    Fuels and heat: the GB/T 2589 factor on both bases. Electricity: 0.1229 kgce/kWh calorific; on the
    coal-equivalent basis the year's catalog row, or `coal_equivalent_overrides[year]` (kgce/kWh, a
    deployment's configured rate), or with `allow_earlier_year` the latest earlier year's row (its year
    is on the figure). Without any, the table says what to configure instead of guessing.
    """
    factors: dict[tuple[str, ElectricityBasis], Factor] = {}
    missing: dict[tuple[str, ElectricityBasis], str] = {}
    for f in load_energy_factors():
        if f.year is not None or f.status != "rule" or f.value is None or f.code == ELECTRICITY and f.basis != "calorific":
            continue
        base_unit = f.unit.removeprefix(FACTOR_UNIT_PREFIX)
        bases = [ElectricityBasis.CALORIFIC] if f.code == ELECTRICITY else list(ElectricityBasis)
        for basis in bases:
            factors[(f.code, basis)] = Factor(f.code, basis, f.value, base_unit, f.source, f.status, None)
    key = (ELECTRICITY, ElectricityBasis.COAL_EQUIVALENT)
    if coal_equivalent_overrides and year in coal_equivalent_overrides:
        factors[key] = Factor(ELECTRICITY, ElectricityBasis.COAL_EQUIVALENT, float(coal_equivalent_overrides[year]),
                              "kwh", f"configured coal rate of thermal power for {year}", "configured", year)
    else:
        try:
            row = electricity_factor_row(year, "coal_equivalent", allow_earlier_year=allow_earlier_year)
            assert row.value is not None
            factors[key] = Factor(ELECTRICITY, ElectricityBasis.COAL_EQUIVALENT, row.value, "kwh", row.source,
                                  row.status, row.year)
        except FactorMissingError as missing_row:
            missing[key] = str(missing_row)
    return FactorTable(year, factors, missing)
