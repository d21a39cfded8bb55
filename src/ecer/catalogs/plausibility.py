"""Plausibility checks (合理性校验) from the catalogs: pure functions, no I/O.

Each variable has a valid range (`valid_range` in variables.csv, interval notation such as `[0, 100]`
or `(0, 1000000]`; a violation is **hard**: the value cannot be stored) and a year-on-year change
threshold (`yoy_change_pct`: a change larger than this many percent of the previous year's value is
**soft**: it needs an explanation, which the reviewer sees). Ratios between two variables of the same
region-year (plausibility_ratios.csv, e.g. energy per GDP) have a band whose violation is soft.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from ecer.catalogs._csv import CsvRows, require

HARD = "hard"
SOFT = "soft"
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_INTERVAL = re.compile(rf"^\s*([\[(])\s*({_NUMBER})?\s*,\s*({_NUMBER})?\s*([\])])\s*$")


@dataclass(frozen=True)
class ValidRange:
    """An interval; None bounds are open-ended. `[0, 100]`, `(0, ]`, `[80, 150]`."""

    low: float | None = None
    high: float | None = None
    low_inclusive: bool = True
    high_inclusive: bool = True

    def contains(self, value: float) -> bool:
        if not math.isfinite(value):
            return False
        if self.low is not None and (value < self.low or (value == self.low and not self.low_inclusive)):
            return False
        return not (self.high is not None and (value > self.high or (value == self.high and not self.high_inclusive)))

    def __str__(self) -> str:
        low = "" if self.low is None else _number(self.low)
        high = "" if self.high is None else _number(self.high)
        return f"{'[' if self.low_inclusive else '('}{low}, {high}{']' if self.high_inclusive else ')'}"

    @property
    def unbounded(self) -> bool:
        return self.low is None and self.high is None


UNBOUNDED = ValidRange()


def _number(value: float) -> str:
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else f"{value:g}"


def parse_range(text: str) -> ValidRange:
    """`[0, 100]` → ValidRange(0, 100); empty text → unbounded. Raises ValueError when malformed."""
    if not text.strip():
        return UNBOUNDED
    match = _INTERVAL.match(text)
    if match is None:
        raise ValueError(f"not an interval like '[0, 100]' or '(0, ]': '{text}'")
    opening, low, high, closing = match.groups()
    result = ValidRange(float(low) if low else None, float(high) if high else None, opening == "[", closing == "]")
    if result.low is not None and result.high is not None and result.low > result.high:
        raise ValueError(f"lower bound above upper bound: '{text}'")
    return result


@dataclass(frozen=True)
class Finding:
    """One plausibility problem with a value. `check` is range | yoy | ratio."""

    variable: str
    severity: str
    check: str
    message_zh: str
    message_en: str

    @property
    def message(self) -> str:
        return f"{self.message_zh} / {self.message_en}"


def check_range(variable: str, value: float, valid: ValidRange, unit: str) -> Finding | None:
    if valid.contains(value):
        return None
    shown = f"{value:g}" if math.isfinite(value) else str(value)
    return Finding(variable, HARD, "range", f"{variable} = {shown} 超出有效范围 {valid} {unit}",
                   f"{variable} = {shown} is outside the valid range {valid} {unit}")


def check_change(variable: str, value: float, previous: float | None, previous_year: int,
                 threshold_pct: float | None) -> Finding | None:
    """Soft finding when |value − previous| / |previous| exceeds `threshold_pct` percent."""
    if threshold_pct is None or previous is None or previous == 0:
        return None
    change = 100.0 * (value - previous) / abs(previous)
    if abs(change) <= threshold_pct:
        return None
    return Finding(variable, SOFT, "yoy",
                   f"{variable} 比 {previous_year} 年 ({previous:g}) 变化 {change:+.1f}%，超过 ±{threshold_pct:g}%，请说明原因",
                   f"{variable} changed {change:+.1f}% from {previous_year} ({previous:g}), more than "
                   f"±{threshold_pct:g}%: give the reason")


@dataclass(frozen=True)
class RatioCheck:
    """numerator / denominator × factor must lie in `band` (soft), e.g. energy per GDP."""

    code: str
    name_zh: str
    name_en: str
    numerator: str
    denominator: str
    factor: float
    unit: str
    band: ValidRange
    source: str

    def check(self, values: Mapping[str, float]) -> Finding | None:
        top, bottom = values.get(self.numerator), values.get(self.denominator)
        if top is None or bottom is None or bottom == 0:
            return None
        ratio = top / bottom * self.factor
        if self.band.contains(ratio):
            return None
        return Finding(self.numerator, SOFT, "ratio",
                       f"{self.name_zh} = {ratio:.3g} {self.unit}，不在合理区间 {self.band}，请说明原因",
                       f"{self.name_en} = {ratio:.3g} {self.unit} is outside the plausible band {self.band}: "
                       "give the reason")


RATIO_COLUMNS = ("code", "name_zh", "name_en", "numerator", "denominator", "factor", "unit", "band", "source")


def build_ratio_checks(rows: CsvRows, known_variables: frozenset[str]) -> tuple[RatioCheck, ...]:
    checks: list[RatioCheck] = []
    for number, row in require(rows, RATIO_COLUMNS):
        for column in ("numerator", "denominator"):
            if row[column] not in known_variables:
                rows.problem(number, f"unknown variable '{row[column]}'", column)
        try:
            band, factor = parse_range(row["band"]), float(row["factor"])
        except ValueError as exc:
            rows.problem(number, str(exc), "band")
            continue
        checks.append(RatioCheck(row["code"], row["name_zh"], row["name_en"], row["numerator"],
                                 row["denominator"], factor, row["unit"], band, row["source"]))
    rows.raise_if_problems()
    return tuple(checks)
