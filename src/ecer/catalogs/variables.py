"""Statistical input variables: what a region-year observation may be, in which unit.

`kind` says how values combine, which matters for checks and aggregation:
- flow: an amount in one year; adds up across regions (and across years);
- stock: an amount at a point in time or cumulative since the base year; adds up across regions only;
- index: previous year = 100; never added;
- level: a rate or share in percent; never added.

`valid_range` (interval notation, hard) and `yoy_change_pct` (soft) are the plausibility checks of
`ecer.catalogs.plausibility`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from ecer.catalogs._csv import CsvRows, check_unit, known_unit_codes, read_package_csv, require
from ecer.catalogs.plausibility import UNBOUNDED, ValidRange, parse_range

KINDS = ("flow", "stock", "index", "level")
VARIABLE_COLUMNS = ("code", "name_zh", "name_en", "unit", "kind", "definition", "source")
#: Plausibility columns: present in the header, may be empty (empty = no check).
CHECK_COLUMNS = ("valid_range", "yoy_change_pct")


@dataclass(frozen=True)
class Variable:
    code: str
    name_zh: str
    name_en: str
    unit: str
    kind: str
    definition: str
    source: str
    valid_range: ValidRange = UNBOUNDED
    yoy_change_pct: float | None = None

    @property
    def additive_across_regions(self) -> bool:
        """True when a parent region's value is the sum of its children's."""
        return self.kind in ("flow", "stock")


class VariableCatalog:
    def __init__(self, variables: list[Variable]) -> None:
        self._by_code = {variable.code: variable for variable in variables}

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self) -> Iterator[Variable]:
        return iter(self._by_code.values())

    def __len__(self) -> int:
        return len(self._by_code)

    def get(self, code: str) -> Variable:
        try:
            return self._by_code[code]
        except KeyError:
            raise KeyError(f"unknown variable '{code}'") from None

    def codes(self) -> list[str]:
        return list(self._by_code)


def build_variables(rows: CsvRows) -> VariableCatalog:
    units = known_unit_codes()
    variables: list[Variable] = []
    seen: set[str] = set()
    for number, row in require(rows, VARIABLE_COLUMNS):
        check_unit(rows, number, row["unit"], units)
        if row["kind"] not in KINDS:
            rows.problem(number, f"kind must be one of {', '.join(KINDS)}, got '{row['kind']}'", "kind")
        if row["code"] in seen:
            rows.problem(number, f"duplicate variable code '{row['code']}'", "code")
        seen.add(row["code"])
        valid, yoy = _checks(rows, number, row)
        variables.append(Variable(row["code"], row["name_zh"], row["name_en"], row["unit"], row["kind"],
                                  row["definition"], row["source"], valid_range=valid, yoy_change_pct=yoy))
    rows.raise_if_problems()
    return VariableCatalog(variables)


def _checks(rows: CsvRows, number: int, row: dict[str, str]) -> tuple[ValidRange, float | None]:
    valid, yoy = UNBOUNDED, None
    try:
        valid = parse_range(row.get("valid_range", ""))
    except ValueError as exc:
        rows.problem(number, str(exc), "valid_range")
    text = row.get("yoy_change_pct", "")
    if text:
        try:
            yoy = float(text)
        except ValueError:
            rows.problem(number, f"not a number: '{text}'", "yoy_change_pct")
        else:
            if not yoy > 0:
                rows.problem(number, f"must be a positive percentage, got '{text}'", "yoy_change_pct")
    return valid, yoy


@lru_cache(maxsize=1)
def load_variables() -> VariableCatalog:
    """The bundled variables catalog (ecer/catalogs/data/variables.csv)."""
    return build_variables(read_package_csv("variables.csv", VARIABLE_COLUMNS + CHECK_COLUMNS))
