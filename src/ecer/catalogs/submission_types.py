"""Submission types (填报类型): which variables a city submits together, in which order, which may be
left empty. Data: `data/submission_types.csv` (variables separated by spaces; a trailing `?` marks an
optional one)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ecer.catalogs._csv import read_package_csv, require
from ecer.catalogs.variables import load_variables

COLUMNS = ("code", "name_zh", "name_en", "variables", "source")


@dataclass(frozen=True)
class SubmissionType:
    code: str
    name_zh: str
    name_en: str
    variables: tuple[str, ...]
    optional: frozenset[str]
    source: str

    def required(self, variable: str) -> bool:
        return variable not in self.optional


@lru_cache(maxsize=1)
def load_submission_types() -> dict[str, SubmissionType]:
    rows = read_package_csv("submission_types.csv", COLUMNS)
    known = load_variables()
    types: dict[str, SubmissionType] = {}
    for number, row in require(rows, COLUMNS):
        names = row["variables"].split()
        codes = tuple(n.rstrip("?") for n in names)
        for code in codes:
            if code not in known:
                rows.problem(number, f"unknown variable '{code}'", "variables")
        if len(set(codes)) != len(codes):
            rows.problem(number, "a variable is listed twice", "variables")
        types[row["code"]] = SubmissionType(row["code"], row["name_zh"], row["name_en"], codes,
                                            frozenset(n.rstrip("?") for n in names if n.endswith("?")), row["source"])
    rows.raise_if_problems()
    return types
