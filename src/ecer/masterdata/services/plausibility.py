"""Plausibility checks against stored data: the year-on-year change needs the previous year's value,
which is the region's latest approved observation of year − 1 (or the previous year's value in the
same file / submission, when it is there). The rules themselves are pure: ecer.catalogs.plausibility."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ecer.catalogs.plausibility import Finding, check_change, check_range
from ecer.catalogs.ratios import load_ratio_checks
from ecer.catalogs.variables import load_variables
from ecer.masterdata.models import current_observations

Key = tuple[str, int, str]  # (region code, year, variable)


def previous_year_values(keys: Iterable[Key]) -> dict[Key, float]:
    """(region, year, variable) → the latest approved value of (region, year − 1, variable)."""
    wanted = set(keys)
    if not wanted:
        return {}
    rows = current_observations({k[0] for k in wanted}, {k[2] for k in wanted}, {k[1] - 1 for k in wanted})
    found: dict[Key, float] = {}
    for region, year, variable, value in rows.values_list("region__code", "year", "variable__code", "value"):
        key = (region, year + 1, variable)
        if key in wanted:
            found[key] = value
    return found


def hard_findings(values: Mapping[str, float]) -> list[Finding]:
    """Range violations of one region-year's values (variable → value)."""
    catalog = load_variables()
    out = []
    for variable, value in values.items():
        if variable in catalog:
            found = check_range(variable, value, catalog.get(variable).valid_range, catalog.get(variable).unit)
            if found is not None:
                out.append(found)
    return out


def soft_findings(year: int, values: Mapping[str, float], previous: Mapping[str, float]) -> list[Finding]:
    """Year-on-year changes above the variable's threshold and ratios outside their band, for one
    region-year; `previous` maps variable → the previous year's value."""
    catalog = load_variables()
    out: list[Finding] = []
    for variable, value in values.items():
        if variable not in catalog:
            continue
        found = check_change(variable, value, previous.get(variable), year - 1, catalog.get(variable).yoy_change_pct)
        if found is not None:
            out.append(found)
    for ratio in load_ratio_checks():
        found = ratio.check(values)
        if found is not None:
            out.append(found)
    return out
