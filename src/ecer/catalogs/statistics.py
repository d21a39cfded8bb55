"""The region-year statistics file: long format, CSV (UTF-8, BOM tolerated) or XLSX (sheet `statistics`).

Columns: region_code, year, variable, value, unit, source, note (+ optional region_name, checked against the
code). Every problem in the file is collected first, then one InputFileError names file, row and field for
each; nothing is returned from a file with any problem.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

from ecer.catalogs._templates import write_template
from ecer.catalogs.plausibility import check_range
from ecer.catalogs.regions import RegionCatalog, load_regions
from ecer.catalogs.variables import VariableCatalog, load_variables
from ecer.errors import InputFileError, Problem

STAT_COLUMNS = ("region_code", "year", "variable", "value", "unit", "source", "note")
OPTIONAL_COLUMNS = ("region_name",)
SHEET = "statistics"
YEAR_RANGE = (1949, 2100)
INDEX_UNIT = "index_prev_year_100"
# An index (previous year = 100) below this is almost surely a growth rate typed in percent (8.2, not 108.2).
INDEX_GROWTH_RATE_THRESHOLD = 50.0

Cell = str | int | float | None


@dataclass(frozen=True)
class StatRow:
    region_code: str
    year: int
    variable: str
    value: float
    unit: str
    source: str
    note: str
    row_number: int


class _Collector:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, location: str, message: str, field: str | None = None) -> None:
        self.problems.append(Problem(self.file, location, message, field))


def _text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _csv_records(data: bytes, out: _Collector) -> list[list[Cell]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        out.add(f"byte {exc.start}", "not UTF-8 text; save the file as 'CSV UTF-8' (or use XLSX)")
        return []
    try:
        return [list(record) for record in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        out.add("file", f"not readable as CSV: {exc}")
        return []


def _xlsx_records(path: Path, out: _Collector) -> list[list[Cell]]:
    import openpyxl  # imported here: only XLSX input needs it

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many unrelated types for a damaged file
        out.add("file", f"not a readable XLSX workbook ({type(exc).__name__}: {exc})")
        return []
    try:
        if SHEET not in workbook.sheetnames:
            out.add("file", f"no sheet named '{SHEET}' (sheets: {', '.join(workbook.sheetnames)})")
            return []
        records: list[list[Cell]] = []
        for values in workbook[SHEET].iter_rows(values_only=True):
            records.append([v if isinstance(v, str | int | float) or v is None else str(v) for v in values])
        return records
    except Exception as exc:  # damaged sheet XML surfaces only while iterating
        out.add("file", f"sheet '{SHEET}' is not readable ({type(exc).__name__}: {exc})")
        return []
    finally:
        workbook.close()


def _header(number: int, record: list[Cell], out: _Collector) -> dict[str, int] | None:
    """Column positions from the header (the first non-blank row), or None when a required one is missing."""
    names = [_text(cell).lower() for cell in record]
    columns: dict[str, int] = {}
    allowed = set(STAT_COLUMNS) | set(OPTIONAL_COLUMNS)
    for index, name in enumerate(names):
        if not name:
            continue
        if name not in allowed:
            out.add(
                f"row {number}",
                f"unknown column '{name}' (allowed: {', '.join(STAT_COLUMNS + OPTIONAL_COLUMNS)})",
                name,
            )
        elif name in columns:
            out.add(f"row {number}", f"column '{name}' appears twice", name)
        columns[name] = index
    for name in STAT_COLUMNS:
        if name not in columns:
            out.add(f"row {number}", f"missing column '{name}'", name)
    return columns if all(name in columns for name in STAT_COLUMNS) else None


class _RowChecker:
    def __init__(self, out: _Collector, regions: RegionCatalog, variables: VariableCatalog) -> None:
        self.out = out
        self.regions = regions
        self.variables = variables
        self.seen: dict[tuple[str, int, str], int] = {}

    def year(self, where: str, cell: Cell) -> int | None:
        text = _text(cell)
        if not text:
            self.out.add(where, "year is empty", "year")
            return None
        if not (text.isascii() and text.isdigit()):
            self.out.add(where, f"year must be a whole number, got '{text}'", "year")
            return None
        year = int(text)
        if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
            self.out.add(where, f"year {year} is outside {YEAR_RANGE[0]}–{YEAR_RANGE[1]}", "year")
            return None
        return year

    def value(self, where: str, cell: Cell) -> float | None:
        if isinstance(cell, bool):
            cell = str(cell)
        if isinstance(cell, int | float):
            number = float(cell)
        else:
            text = _text(cell)
            if not text:
                self.out.add(where, "value is empty", "value")
                return None
            try:
                number = float(text)
            except ValueError:
                self.out.add(
                    where, f"value is not a number: '{text[:40]}' (no thousands separators)", "value"
                )
                return None
        if not math.isfinite(number):
            self.out.add(where, f"value is not a finite number: '{_text(cell)[:40]}'", "value")
            return None
        return number

    def region(self, where: str, code: str, name: str) -> bool:
        if code not in self.regions:
            self.out.add(where, f"unknown region code '{code[:40]}'", "region_code")
            return False
        if name and not _name_matches(name, self.regions.get(code).name_zh, self.regions.get(code).name_en):
            region = self.regions.get(code)
            self.out.add(
                where,
                f"region_name '{name[:40]}' does not match {code} ({region.name_zh}, {region.name_en})",
                "region_name",
            )
        return True

    def variable_and_unit(self, where: str, code: str, unit: str) -> bool:
        if code not in self.variables:
            self.out.add(where, f"unknown variable '{code[:60]}'", "variable")
            return False
        expected = self.variables.get(code).unit
        if unit != expected:
            shown = f"'{unit[:40]}'" if unit else "empty"
            self.out.add(where, f"unit {shown} is not the unit of {code}: expected '{expected}'", "unit")
            return False
        return True

    def plausible(self, where: str, variable: str, unit: str, value: float) -> bool:
        """The hard checks: the variable's valid range (variables.csv `valid_range`) and the index hint."""
        if unit == INDEX_UNIT and value < INDEX_GROWTH_RATE_THRESHOLD:
            self.out.add(
                where,
                f"{value:g} looks like a growth rate in percent; give the index with the "
                "previous year = 100, e.g. 108.2",
                "value",
            )
            return False
        finding = check_range(variable, value, self.variables.get(variable).valid_range, unit)
        if finding is not None:
            self.out.add(where, finding.message_en, "value")
            return False
        return True

    def row(self, number: int, cells: dict[str, Cell]) -> StatRow | None:
        where = f"row {number}"
        code, variable = _text(cells["region_code"]), _text(cells["variable"])
        unit, source = _text(cells["unit"]), _text(cells["source"])
        ok = self.region(where, code, _text(cells.get("region_name")))
        ok = self.variable_and_unit(where, variable, unit) and ok
        year, value = self.year(where, cells["year"]), self.value(where, cells["value"])
        if not source:
            self.out.add(where, "source is empty: say where the figure comes from", "source")
            ok = False
        if value is not None and ok and not self.plausible(where, variable, unit, value):
            ok = False
        if year is None or value is None or not ok:
            return None
        key = (code, year, variable)
        if key in self.seen:
            self.out.add(where, f"duplicate of row {self.seen[key]} ({code}, {year}, {variable})", "variable")
            return None
        self.seen[key] = number
        return StatRow(code, year, variable, value, unit, source, _text(cells["note"]), number)


def _name_matches(given: str, name_zh: str, name_en: str) -> bool:
    """Full Chinese or English name, or a Chinese short form (成都, 阿坝州, 四川)."""
    if given == name_zh or given.casefold() == name_en.casefold():
        return True
    short = given.rstrip("市州省")
    return len(short) >= 2 and name_zh.startswith(short)


def read_statistics_file(
    path: str | Path, *, regions: RegionCatalog | None = None, variables: VariableCatalog | None = None
) -> list[StatRow]:
    """Parse and check a statistics file (CSV, or XLSX by suffix). Raises InputFileError on any problem."""
    path = Path(path)
    out = _Collector(str(path))
    try:
        records = (
            _xlsx_records(path, out)
            if path.suffix.lower() in (".xlsx", ".xlsm")
            else _csv_records(path.read_bytes(), out)
        )
    except OSError as exc:
        raise InputFileError([Problem(str(path), "file", f"cannot be read: {exc.strerror or exc}")]) from exc
    numbered = [(n, record) for n, record in enumerate(records, start=1) if any(_text(c) for c in record)]
    if not numbered and not out.problems:
        out.add("file", "the file is empty: expected a header row " + ", ".join(STAT_COLUMNS))
    rows: list[StatRow] = []
    if numbered and (columns := _header(*numbered[0], out)) is not None:
        checker = _RowChecker(out, regions or load_regions(), variables or load_variables())
        for number, record in numbered[1:]:
            cells = {name: (record[i] if i < len(record) else None) for name, i in columns.items()}
            row = checker.row(number, cells)
            if row is not None:
                rows.append(row)
    if out.problems:
        raise InputFileError(out.problems)
    return rows


def write_statistics_template(path: str | Path) -> Path:
    """Write an empty statistics file: CSV header, or XLSX with `statistics`, `variables`, `regions`, `README`."""
    return write_template(Path(path), STAT_COLUMNS, OPTIONAL_COLUMNS, load_regions(), load_variables())
