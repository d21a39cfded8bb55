"""The parameters of the key-unit reconciliation and budgets (`data/energy_checks.csv`): name, value,
status (official / derived / assumed) and source of each, checked like any catalog (file, row, field)."""

from __future__ import annotations

from functools import lru_cache

from ecer.catalogs._csv import parse_float, read_package_csv, require
from ecer.core.energy_checks import EnergyCheckParameters, Parameter
from ecer.errors import Problem

FILE = "energy_checks.csv"
STATUSES = ("official", "derived", "assumed")


@lru_cache(maxsize=1)
def load_parameters() -> dict[str, Parameter]:
    rows = read_package_csv(FILE, ("name", "value", "status", "source"))
    known = set(EnergyCheckParameters.__dataclass_fields__)
    found: dict[str, Parameter] = {}
    for number, row in require(rows, ("name", "value", "status", "source")):
        if row["name"] not in known:
            rows.problem(number, f"unknown parameter '{row['name']}' (expected one of {', '.join(sorted(known))})",
                         "name")
        if row["status"] not in STATUSES:
            rows.problem(number, f"status '{row['status']}' is not one of {', '.join(STATUSES)}", "status")
        value = parse_float(rows, number, row, "value")
        if value is not None:
            found[row["name"]] = Parameter(row["name"], value, row["status"], row["source"])
    for name in sorted(known - set(found)):
        rows.problems.append(Problem(rows.file, "file", f"parameter '{name}' is missing", "name"))
    rows.raise_if_problems()
    return found


def energy_check_parameters() -> EnergyCheckParameters:
    p = load_parameters()
    return EnergyCheckParameters(
        report_max_difference=p["report_max_difference"].value, min_completeness=p["min_completeness"].value,
        share_max=p["share_max"].value, share_min=p["share_min"].value,
        budget_barometer_threshold=p["budget_barometer_threshold"].value,
        inspection_top_growth=int(p["inspection_top_growth"].value))
