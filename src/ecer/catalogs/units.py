"""The unit catalog (`data/units.csv`): every unit code ECER uses, with its Chinese and English name.

Units are referred to by code everywhere (plans, indicators, statistics files), so a typo in a unit is
caught by looking the code up here rather than by comparing free text.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from ecer.errors import InputFileError, Problem

UNITS_FILE = "units.csv"
UNIT_COLUMNS = ("code", "name_zh", "name_en", "dimension", "source")
CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_]*$")


@dataclass(frozen=True)
class Unit:
    code: str
    name_zh: str
    name_en: str
    dimension: str
    source: str

    def name(self, lang: str = "zh") -> str:
        return self.name_zh if lang == "zh" else self.name_en


def catalog_path(filename: str) -> Path:
    """Path of a data file shipped inside `ecer.catalogs` (read-only package data)."""
    return Path(str(resources.files("ecer.catalogs").joinpath("data", filename)))


def read_catalog_rows(
    path: Path, columns: Sequence[str], problems: list[Problem]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (row number as a spreadsheet shows it, row) for each data row of a UTF-8 CSV catalog.

    Header problems and empty required cells are appended to `problems`; rows are still yielded so
    that the caller can report everything in one pass.
    """
    name = path.name
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        missing = [c for c in columns if c not in header]
        extra = [c for c in header if c not in columns]
        if missing:
            problems.append(Problem(name, "header", f"missing column(s): {', '.join(missing)}"))
        if extra:
            problems.append(Problem(name, "header", f"unknown column(s): {', '.join(extra)}"))
        if missing:
            return
        # Row 1 is the header, so the first data row is row 2, as in a spreadsheet.
        for row_number, raw in enumerate(reader, start=2):
            row = {c: (raw.get(c) or "").strip() for c in columns}
            for column in columns:
                if not row[column]:
                    problems.append(Problem(name, f"row {row_number}", "empty value", column))
            yield row_number, row


def parse_units_file(path: Path) -> dict[str, Unit]:
    """Read and validate a units CSV; raise InputFileError with every problem found."""
    problems: list[Problem] = []
    units: dict[str, Unit] = {}
    first_row: dict[str, int] = {}
    for row_number, row in read_catalog_rows(path, UNIT_COLUMNS, problems):
        code = row["code"]
        location = f"row {row_number}"
        if code and not CODE_PATTERN.match(code):
            problems.append(Problem(path.name, location, f"invalid unit code {code!r}", "code"))
        if code in first_row:
            problems.append(
                Problem(path.name, location, f"duplicate unit code {code!r} (first in row {first_row[code]})",
                        "code")
            )
            continue
        first_row[code] = row_number
        units[code] = Unit(**row)
    if problems:
        raise InputFileError(problems)
    return units


@lru_cache(maxsize=1)
def _bundled_units() -> dict[str, Unit]:
    return parse_units_file(catalog_path(UNITS_FILE))


def load_units() -> dict[str, Unit]:
    """The bundled unit catalog, by code. Returns a fresh dict (callers may not mutate the cache)."""
    return dict(_bundled_units())
