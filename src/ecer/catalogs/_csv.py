"""Reading the catalogs' CSV files: one place for the column check, row numbering and unit codes.

Catalog files ship inside the package, but a broken edit must still fail with the file, row and field
named, exactly like a user's input file, so they go through the same `InputFileError`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from ecer.catalogs.units import catalog_path, load_units
from ecer.errors import InputFileError, Problem


def known_unit_codes() -> frozenset[str]:
    """Unit codes of the units catalog (`ecer.catalogs.units`, data/units.csv)."""
    return frozenset(load_units())


@dataclass
class CsvRows:
    """Rows of one CSV with their spreadsheet row numbers (header = row 1) and collected problems."""

    file: str
    rows: list[tuple[int, dict[str, str]]]
    problems: list[Problem] = field(default_factory=list)

    def problem(self, row_number: int, message: str, column: str | None = None) -> None:
        self.problems.append(Problem(self.file, f"row {row_number}", message, column))

    def raise_if_problems(self) -> None:
        if self.problems:
            raise InputFileError(self.problems)


def read_csv_text(text: str, file: str, required: Iterable[str]) -> CsvRows:
    """Parse CSV text; a missing column is a problem (and no rows are returned)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in (reader.fieldnames or [])]
    result = CsvRows(file, [])
    missing = [name for name in required if name not in header]
    for name in missing:
        result.problems.append(Problem(file, "header", f"missing column '{name}'", name))
    if missing:
        return result
    for index, raw in enumerate(reader, start=2):
        row = {str(key).strip(): (value or "").strip() for key, value in raw.items() if key is not None}
        if any(row.values()):
            result.rows.append((index, row))
    return result


def read_package_csv(name: str, required: Iterable[str]) -> CsvRows:
    path = catalog_path(name)
    return read_csv_text(path.read_text(encoding="utf-8"), f"ecer/catalogs/data/{name}", required)


def require(rows: CsvRows, columns: Iterable[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield rows whose given columns are all non-empty; record a problem for each empty one."""
    wanted = list(columns)
    for number, row in rows.rows:
        empty = [name for name in wanted if not row.get(name)]
        for name in empty:
            rows.problem(number, "value is required", name)
        if not empty:
            yield number, row


def parse_float(rows: CsvRows, number: int, row: dict[str, str], column: str) -> float | None:
    """The column as a finite float, or None with a problem recorded."""
    text = row.get(column, "")
    try:
        value = float(text)
    except ValueError:
        rows.problem(number, f"not a number: '{text}'", column)
        return None
    if value != value or value in (float("inf"), float("-inf")):
        rows.problem(number, f"not a finite number: '{text}'", column)
        return None
    return value


def check_unit(rows: CsvRows, number: int, unit: str, units: frozenset[str]) -> None:
    if unit not in units:
        rows.problem(number, f"unknown unit code '{unit}'", "unit")
