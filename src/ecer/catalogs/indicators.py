"""The indicator catalog (`data/indicators.csv`): what a plan's targets measure and how it is computed.

Each row carries its unit (a code of the unit catalog) and a formula in the mini-language of
`ecer.catalogs.formula`; both are checked when the catalog is loaded, so a target can trust them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ecer.catalogs.formula import Formula, FormulaError, parse_formula
from ecer.catalogs.units import CODE_PATTERN, Unit, catalog_path, load_units, read_catalog_rows
from ecer.errors import InputFileError, Problem

INDICATORS_FILE = "indicators.csv"
INDICATOR_COLUMNS = (
    "code", "name_zh", "name_en", "unit", "direction", "definition_zh", "definition_en", "formula", "source",
)
#: The good direction of an indicator (METHODOLOGY §2a): intensities, emissions and budgets are
#: better lower; shares, rates, capacities and achieved reductions are better higher.
DIRECTIONS = ("higher", "lower")


@dataclass(frozen=True)
class Indicator:
    code: str
    name_zh: str
    name_en: str
    unit: str
    direction: str
    definition_zh: str
    definition_en: str
    formula_text: str
    formula: Formula
    source: str

    def name(self, lang: str = "zh") -> str:
        return self.name_zh if lang == "zh" else self.name_en

    def variables(self) -> tuple[str, ...]:
        """The statistical variable codes this indicator is computed from."""
        return self.formula.variables()


def _check_row(
    name: str, location: str, row: dict[str, str], units: dict[str, Unit], problems: list[Problem]
) -> Formula | None:
    if row["code"] and not CODE_PATTERN.match(row["code"]):
        problems.append(Problem(name, location, f"invalid indicator code {row['code']!r}", "code"))
    if row["unit"] and row["unit"] not in units:
        problems.append(Problem(name, location, f"unknown unit {row['unit']!r}", "unit"))
    if row["direction"] not in DIRECTIONS:
        problems.append(Problem(name, location, f"direction must be one of {', '.join(DIRECTIONS)} "
                                f"(which way is better), got {row['direction']!r}", "direction"))
    if not row["formula"]:
        return None
    try:
        return parse_formula(row["formula"])
    except FormulaError as exc:
        problems.append(Problem(name, location, str(exc), "formula"))
        return None


def parse_indicators_file(path: Path, units: dict[str, Unit] | None = None) -> dict[str, Indicator]:
    """Read and validate an indicators CSV against the unit catalog; raise InputFileError on any problem."""
    units = load_units() if units is None else units
    problems: list[Problem] = []
    indicators: dict[str, Indicator] = {}
    first_row: dict[str, int] = {}
    for row_number, row in read_catalog_rows(path, INDICATOR_COLUMNS, problems):
        location = f"row {row_number}"
        formula = _check_row(path.name, location, row, units, problems)
        code = row["code"]
        if code in first_row:
            problems.append(Problem(
                path.name, location, f"duplicate indicator code {code!r} (first in row {first_row[code]})", "code"
            ))
            continue
        first_row[code] = row_number
        if formula is None:
            continue
        indicators[code] = Indicator(
            code=code, name_zh=row["name_zh"], name_en=row["name_en"], unit=row["unit"], direction=row["direction"],
            definition_zh=row["definition_zh"], definition_en=row["definition_en"],
            formula_text=row["formula"], formula=formula, source=row["source"],
        )
    if problems:
        raise InputFileError(problems)
    return indicators


@lru_cache(maxsize=1)
def _bundled_indicators() -> dict[str, Indicator]:
    return parse_indicators_file(catalog_path(INDICATORS_FILE))


def load_indicators() -> dict[str, Indicator]:
    """The bundled indicator catalog, by code (a fresh dict each call)."""
    return dict(_bundled_indicators())
