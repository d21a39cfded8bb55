"""Conversion and emission factors (METHODOLOGY §6), each row with its unit, basis and source.

Lookups never guess: a factor that is not bundled raises `FactorMissingError` saying what to configure.
The only fallbacks are the ones a caller asks for by name (`allow_earlier_year`, `allow_undated_example`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from ecer.catalogs._csv import CsvRows, check_unit, known_unit_codes, parse_float, read_package_csv, require
from ecer.catalogs.regions import load_regions

ELECTRICITY_BASES = ("calorific", "coal_equivalent")
#: rule: stated in a standard; published: a published statistic, source cited; assumed: a figure taken
#: from a cited publication but not checked against the original here (replace before official use);
#: open: unknown, must be configured (no value).
FACTOR_STATUSES = ("rule", "published", "assumed", "open")
GRID_SCOPES = ("national", "regional_grid", "provincial")
NATIONAL_REGION = "100000"


class FactorMissingError(LookupError):
    """No factor for what was asked; the message says what is bundled and how to configure one."""


@dataclass(frozen=True)
class EnergyFactor:
    """Standard-coal factor. `year` None: valid for any year. `value` None: [open], must be configured."""

    code: str
    name_zh: str
    name_en: str
    year: int | None
    value: float | None
    unit: str
    basis: str
    status: str
    source: str
    note: str


@dataclass(frozen=True)
class CO2FuelFactor:
    code: str
    name_zh: str
    name_en: str
    value: float
    unit: str
    source: str
    note: str


@dataclass(frozen=True)
class GridFactor:
    """Grid CO₂ factor. `requested_year` differs from `year` only when an earlier year was allowed."""

    year: int
    scope: str
    region: str
    name_zh: str
    name_en: str
    value: float
    unit: str
    source: str
    requested_year: int | None = None


def _year(rows: CsvRows, number: int, text: str) -> int | None:
    if not text:
        return None
    if not text.isdigit():
        rows.problem(number, f"year must be a whole number, got '{text}'", "year")
        return None
    return int(text)


@lru_cache(maxsize=1)
def load_energy_factors() -> tuple[EnergyFactor, ...]:
    columns = ("code", "name_zh", "name_en", "year", "value", "unit", "basis", "status", "source", "note")
    rows = read_package_csv("energy_factors.csv", columns)
    units = known_unit_codes()
    found: list[EnergyFactor] = []
    for number, row in require(rows, ("code", "name_zh", "name_en", "unit", "basis", "status", "source")):
        check_unit(rows, number, row["unit"], units)
        value = parse_float(rows, number, row, "value") if row["value"] else None
        if row["status"] not in FACTOR_STATUSES:
            rows.problem(number, f"status must be one of {', '.join(FACTOR_STATUSES)}", "status")
        if value is None and row["status"] != "open":
            rows.problem(number, "a factor without value must have status 'open'", "value")
        year = _year(rows, number, row["year"])
        found.append(
            EnergyFactor(
                row["code"],
                row["name_zh"],
                row["name_en"],
                year,
                value,
                row["unit"],
                row["basis"],
                row["status"],
                row["source"],
                row["note"],
            )
        )
    rows.raise_if_problems()
    return tuple(found)


def energy_factor(code: str) -> EnergyFactor:
    """The year-independent calorific factor of a fuel (e.g. 'raw_coal', 'electricity')."""
    for factor in load_energy_factors():
        if factor.code == code and factor.year is None and factor.status == "rule":
            return factor
    codes = sorted({f.code for f in load_energy_factors()})
    raise FactorMissingError(f"no standard-coal factor for '{code}'; bundled: {', '.join(codes)}")


def electricity_factor_row(year: int, basis: str, *, allow_earlier_year: bool = False) -> EnergyFactor:
    """The catalog row giving kgce per kWh for `year` on `basis`, with its source and status.

    calorific: the undated 0.1229 (GB/T 2589). coal_equivalent: the row of that year (the year's
    average coal rate of thermal power supply); `allow_earlier_year=True` returns the latest earlier
    year's row instead when the year has none (its `year` then says which year it is). The undated
    0.404 example is never returned here.
    """
    if basis not in ELECTRICITY_BASES:
        raise ValueError(f"basis must be one of {', '.join(ELECTRICITY_BASES)}, got '{basis}'")
    rows = [f for f in load_energy_factors() if f.code == "electricity" and f.basis == basis and f.value is not None]
    if basis == "calorific":
        return next(f for f in rows if f.year is None)
    dated = sorted((f for f in rows if f.year is not None), key=lambda f: f.year or 0)
    exact = [f for f in dated if f.year == year]
    if exact:
        return exact[0]
    earlier = [f for f in dated if (f.year or 0) < year]
    if allow_earlier_year and earlier:
        return earlier[-1]
    years = ", ".join(str(f.year) for f in dated) or "none"
    raise FactorMissingError(
        f"no coal-equivalent electricity factor for {year} in energy_factors.csv (years with a value: {years}); "
        "add the year's average coal rate of thermal power supply with its source, configure it, or allow "
        "the latest earlier year"
    )


def electricity_factor(
    year: int,
    basis: str,
    *,
    overrides: Mapping[int, float] | None = None,
    allow_undated_example: bool = False,
) -> float:
    """kgce per kWh for `year` on `basis` ('calorific' 0.1229, or 'coal_equivalent' = the year's thermal coal rate).

    `overrides` (year → kgce/kWh) is how a deployment configures or corrects the coal-equivalent rate
    (METHODOLOGY §2, §6). `allow_undated_example=True` falls back to the bundled undated 0.404 example
    for a year without a row.
    """
    if basis not in ELECTRICITY_BASES:
        raise ValueError(f"basis must be one of {', '.join(ELECTRICITY_BASES)}, got '{basis}'")
    if overrides and year in overrides:
        return float(overrides[year])
    try:
        row = electricity_factor_row(year, basis)
    except FactorMissingError:
        undated = [f.value for f in load_energy_factors() if f.code == "electricity" and f.basis == basis
                   and f.year is None and f.value is not None]
        if undated and allow_undated_example:
            return undated[0]
        raise
    assert row.value is not None
    return row.value


@lru_cache(maxsize=1)
def load_co2_fuel_factors() -> dict[str, CO2FuelFactor]:
    columns = ("code", "name_zh", "name_en", "value", "unit", "source", "note")
    rows = read_package_csv("co2_fuel_factors.csv", columns)
    units = known_unit_codes()
    found: dict[str, CO2FuelFactor] = {}
    for number, row in require(rows, ("code", "name_zh", "name_en", "value", "unit", "source")):
        check_unit(rows, number, row["unit"], units)
        value = parse_float(rows, number, row, "value")
        if row["code"] in found:
            rows.problem(number, f"duplicate fuel '{row['code']}'", "code")
        if value is not None:
            found[row["code"]] = CO2FuelFactor(
                row["code"], row["name_zh"], row["name_en"], value, row["unit"], row["source"], row["note"]
            )
    rows.raise_if_problems()
    return found


@lru_cache(maxsize=1)
def load_grid_factors() -> tuple[GridFactor, ...]:
    columns = ("year", "scope", "region", "name_zh", "name_en", "value", "unit", "source")
    rows = read_package_csv("grid_factors.csv", columns)
    units = known_unit_codes()
    found: list[GridFactor] = []
    seen: set[tuple[int, str]] = set()
    for number, row in require(rows, columns):
        check_unit(rows, number, row["unit"], units)
        if row["scope"] not in GRID_SCOPES:
            rows.problem(number, f"scope must be one of {', '.join(GRID_SCOPES)}", "scope")
        value = parse_float(rows, number, row, "value")
        year = _year(rows, number, row["year"])
        if year is not None and (year, row["region"]) in seen:
            rows.problem(number, f"duplicate factor for {row['region']} in {year}", "region")
        if value is not None and year is not None:
            seen.add((year, row["region"]))
            found.append(
                GridFactor(
                    year,
                    row["scope"],
                    row["region"],
                    row["name_zh"],
                    row["name_en"],
                    value,
                    row["unit"],
                    row["source"],
                )
            )
    rows.raise_if_problems()
    return tuple(found)


def _grid_region(region: str, basis: str) -> str:
    if basis == "national":
        return NATIONAL_REGION
    if basis != "provincial":
        raise ValueError(f"basis must be 'provincial' or 'national', got '{basis}'")
    catalog = load_regions()
    if region not in catalog:
        raise FactorMissingError(f"unknown region '{region}' for a provincial grid factor")
    # A city's provincial factor is by definition its province's: this is the basis, not a fallback.
    province = catalog.province_of(region)
    if province is None:
        raise FactorMissingError(f"region '{region}' is not in a province; use basis='national'")
    return province.code


def grid_factor(
    year: int, region: str = "510000", basis: str = "provincial", *, allow_earlier_year: bool = False
) -> GridFactor:
    """The grid CO₂ factor (kgCO₂/kWh) for `year`, for `region`'s province or the national average.

    Raises FactorMissingError when the year is not bundled. `allow_earlier_year=True` (documented fallback,
    only on request) returns the latest earlier year's factor, with `requested_year` set so it shows.
    """
    code = _grid_region(region, basis)
    candidates = [f for f in load_grid_factors() if f.region == code]
    exact = [f for f in candidates if f.year == year]
    if exact:
        return exact[0]
    earlier = sorted((f for f in candidates if f.year < year), key=lambda f: f.year)
    if allow_earlier_year and earlier:
        chosen = earlier[-1]
        return GridFactor(
            chosen.year,
            chosen.scope,
            chosen.region,
            chosen.name_zh,
            chosen.name_en,
            chosen.value,
            chosen.unit,
            chosen.source,
            requested_year=year,
        )
    years = ", ".join(str(f.year) for f in sorted(candidates, key=lambda f: f.year)) or "none"
    raise FactorMissingError(
        f"no {basis} grid CO₂ factor for region {code} in {year} (bundled years: {years}); add a row to "
        "grid_factors.csv with its source, or pass allow_earlier_year=True to use the latest earlier year"
    )
