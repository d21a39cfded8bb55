"""The bundled key-project reduction catalog (data/reduction_formulas.csv, reduction_inputs.csv,
reduction_project_types.csv) as `ecer.core.reduction.ReductionCatalog`.

Every formula row must have its arithmetic in `ecer.core.reduction_formulas.FORMULAS` at the same
version, every unit must be in the units catalog, and every project type must name a formula: a
broken edit fails with file, row and field named, and nothing is loaded.
"""

from __future__ import annotations

from functools import lru_cache

from ecer.catalogs._csv import CsvRows, known_unit_codes, parse_float, read_package_csv, require
from ecer.core.reduction import POLLUTANTS, FormulaSpec, InputSpec, ProjectType, ReductionCatalog
from ecer.core.reduction_formulas import FORMULAS
from ecer.errors import InputFileError, Problem

FORMULA_COLUMNS = ("name", "version", "name_zh", "name_en", "medium", "pollutants", "expression", "source", "tag")
INPUT_COLUMNS = ("formula", "input", "per_pollutant", "units", "min", "max", "default", "not_below", "not_above",
                 "per_unit_of", "name_zh", "name_en", "tag")
TYPE_COLUMNS = ("code", "name_zh", "name_en", "medium", "formula", "source")
MEDIA = ("water", "air", "both")


def _optional_float(rows: CsvRows, number: int, row: dict[str, str], column: str) -> float | None:
    return parse_float(rows, number, row, column) if row.get(column) else None


def _inputs(rows: CsvRows, formulas: set[str], units: frozenset[str]) -> dict[str, list[InputSpec]]:
    out: dict[str, list[InputSpec]] = {}
    for number, row in require(rows, ("formula", "input", "per_pollutant", "units")):
        if row["formula"] not in formulas:
            rows.problem(number, f"unknown formula '{row['formula']}'", "formula")
            continue
        if row["per_pollutant"] not in ("yes", "no"):
            rows.problem(number, "must be yes or no", "per_pollutant")
        for unit in row["units"].split():
            if unit not in units:
                rows.problem(number, f"unknown unit code '{unit}'", "units")
        out.setdefault(row["formula"], []).append(InputSpec(
            name=row["input"], units=tuple(row["units"].split()), per_pollutant=row["per_pollutant"] == "yes",
            minimum=_optional_float(rows, number, row, "min"), maximum=_optional_float(rows, number, row, "max"),
            default=_optional_float(rows, number, row, "default"), not_below=row.get("not_below") or None,
            not_above=row.get("not_above") or None, per_unit_of=row.get("per_unit_of") or None,
            name_zh=row.get("name_zh", ""), name_en=row.get("name_en", ""), tag=row.get("tag", "")))
    for formula, specs in out.items():
        names = {s.name for s in specs}
        for spec in specs:
            for ref in (spec.not_below, spec.not_above, spec.per_unit_of):
                if ref is not None and ref not in names:
                    rows.problems.append(Problem(rows.file, f"formula {formula}, input {spec.name}",
                                                 f"refers to unknown input '{ref}'"))
    return out


def _formula_heads(rows: CsvRows) -> dict[str, dict[str, str]]:
    heads: dict[str, dict[str, str]] = {}
    for number, row in require(rows, FORMULA_COLUMNS[:-1]):
        if (row["name"], row["version"]) not in FORMULAS:
            rows.problem(number, f"no arithmetic for {row['name']} v{row['version']} in ecer.core.reduction_formulas",
                         "version")
        if row["medium"] not in MEDIA:
            rows.problem(number, f"medium must be one of {', '.join(MEDIA)}", "medium")
        for pollutant in row["pollutants"].split():
            if pollutant not in POLLUTANTS:
                rows.problem(number, f"unknown pollutant '{pollutant}'", "pollutants")
        if row["name"] in heads:
            rows.problem(number, f"formula '{row['name']}' listed twice (one version is current)", "name")
        heads[row["name"]] = row
    return heads


def _project_types(rows: CsvRows, formulas: set[str]) -> dict[str, ProjectType]:
    types: dict[str, ProjectType] = {}
    for number, row in require(rows, TYPE_COLUMNS):
        if row["formula"] not in formulas:
            rows.problem(number, f"unknown formula '{row['formula']}'", "formula")
        if row["medium"] not in MEDIA[:2]:
            rows.problem(number, "medium must be water or air", "medium")
        types[row["code"]] = ProjectType(**{c: row[c] for c in TYPE_COLUMNS})
    return types


@lru_cache(maxsize=1)
def load_reduction_catalog() -> ReductionCatalog:
    """The bundled catalog; raises InputFileError listing every problem of the three files."""
    return build_reduction_catalog(read_package_csv("reduction_formulas.csv", FORMULA_COLUMNS),
                                   read_package_csv("reduction_inputs.csv", INPUT_COLUMNS),
                                   read_package_csv("reduction_project_types.csv", TYPE_COLUMNS))


def build_reduction_catalog(formula_rows: CsvRows, input_rows: CsvRows, type_rows: CsvRows) -> ReductionCatalog:
    """The catalog from the three files' rows (`read_csv_text`); InputFileError lists every problem."""
    heads = _formula_heads(formula_rows)
    inputs = _inputs(input_rows, set(heads), known_unit_codes())
    formulas = {name: FormulaSpec(name=name, version=row["version"], name_zh=row["name_zh"], name_en=row["name_en"],
                                  medium=row["medium"], pollutants=tuple(row["pollutants"].split()),
                                  expression=row["expression"], source=row["source"], tag=row.get("tag", ""),
                                  inputs=tuple(inputs.get(name, ())))
                for name, row in heads.items()}
    for name, spec in formulas.items():
        if not spec.inputs:
            input_rows.problems.append(Problem(input_rows.file, f"formula {name}", "the formula has no inputs"))
    types = _project_types(type_rows, set(formulas))
    problems = [*formula_rows.problems, *input_rows.problems, *type_rows.problems]
    if problems:
        raise InputFileError(problems)
    return ReductionCatalog(formulas, types)
