"""The 两高 list (data/two_high_criteria.csv): the GB/T 4754-2017 divisions whose projects count as high in
energy use and emissions (环环评〔2021〕45号 names six industries), and per division the yearly energy use
(tce) and main-pollutant emissions (t) from which a project is "high". Both thresholds are `assumed`
(the province's own 两高 catalog sets them): configure them by editing the file, which is checked on load.
"""

from __future__ import annotations

from functools import lru_cache

from ecer.catalogs._csv import parse_float, read_package_csv, require
from ecer.core.two_high import Criterion

FILE = "two_high_criteria.csv"
COLUMNS = ("industry_code", "sector_zh", "sector_en", "energy_threshold_tce", "emission_threshold_t", "status",
           "source", "note")
STATUSES = ("published", "assumed")


@lru_cache(maxsize=1)
def load_two_high_criteria() -> dict[str, Criterion]:
    """division → Criterion, every row checked (InputFileError naming row and field)."""
    from ecer.catalogs.industries import load_industries

    rows = read_package_csv(FILE, COLUMNS)
    divisions = load_industries()
    out: dict[str, Criterion] = {}
    for number, row in require(rows, COLUMNS[:-1]):
        code = row["industry_code"]
        if code not in divisions:
            rows.problem(number, f"'{code}' is not a GB/T 4754-2017 division (industries.csv)", "industry_code")
        if code in out:
            rows.problem(number, f"division {code} is listed twice", "industry_code")
        energy = parse_float(rows, number, row, "energy_threshold_tce")
        emissions = parse_float(rows, number, row, "emission_threshold_t")
        for name, value in (("energy_threshold_tce", energy), ("emission_threshold_t", emissions)):
            if value is not None and value < 0:
                rows.problem(number, "must not be negative", name)
        if row["status"] not in STATUSES:
            rows.problem(number, f"'{row['status']}': expected {' or '.join(STATUSES)}", "status")
        if rows.problems or energy is None or emissions is None:
            continue
        out[code] = Criterion(code, row["sector_zh"], energy, emissions, row["source"], row["status"])
    rows.raise_if_problems()
    return out
