"""National limits of energy consumption per unit of product (能耗限额, `data/energy_limits.csv`): per product
the standard's number, the limit and its unit, the basis and where the value comes from (`assumed` where it
was not checked against the standard's text). The annual energy report compares its main products with them
(`ecer.core.energy_report`)."""

from __future__ import annotations

from functools import lru_cache

from ecer.catalogs._csv import known_unit_codes, parse_float, read_package_csv, require
from ecer.core.energy import ElectricityBasis
from ecer.core.energy_report import NUMERATOR_PER_TCE, LimitStandard

FILE = "energy_limits.csv"
STATUSES = ("published", "assumed")


@lru_cache(maxsize=1)
def load_energy_limits() -> dict[str, LimitStandard]:
    """product code → LimitStandard, every row checked (InputFileError naming row and field)."""
    columns = ("product", "standard", "name_zh", "name_en", "limit", "numerator", "per_unit", "basis", "level",
               "status", "source", "note")
    rows = read_package_csv(FILE, columns)
    units = known_unit_codes()
    found: dict[str, LimitStandard] = {}
    for number, row in require(rows, columns[:-1]):
        limit = parse_float(rows, number, row, "limit")
        if limit is not None and limit <= 0:
            rows.problem(number, "must be > 0", "limit")
        if row["numerator"] not in NUMERATOR_PER_TCE:
            rows.problem(number, f"'{row['numerator']}': expected one of {', '.join(NUMERATOR_PER_TCE)}", "numerator")
        if row["per_unit"] not in units:
            rows.problem(number, f"unknown unit code '{row['per_unit']}' (units.csv)", "per_unit")
        if row["basis"] not in {b.value for b in ElectricityBasis}:
            rows.problem(number, f"'{row['basis']}': expected calorific or coal_equivalent", "basis")
        if row["status"] not in STATUSES:
            rows.problem(number, f"'{row['status']}': expected {' or '.join(STATUSES)}", "status")
        if row["product"] in found:
            rows.problem(number, f"duplicate product '{row['product']}'", "product")
        if rows.problems:
            continue
        assert limit is not None
        found[row["product"]] = LimitStandard(row["standard"], row["product"], row["name_zh"], row["name_en"], limit,
                                              row["numerator"], row["per_unit"], ElectricityBasis(row["basis"]),
                                              row["level"], row["status"], row["source"])
    rows.raise_if_problems()
    return found
