"""Consistency checks across a plan's entries and against the catalogs (units, indicators, regions).

Each check receives only the entries whose shape validated, so one broken entry does not hide the
problems of the others. A check appends to the ProblemSink and never raises.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ecer.catalogs.indicators import Indicator
from ecer.catalogs.units import Unit
from ecer.plans.model import (
    OVERALL_PROGRAMME,
    AnnualTarget,
    Department,
    PlanHeader,
    Programme,
    RegionalTarget,
    Target,
    Task,
)
from ecer.plans.problems import ProblemSink

E = TypeVar("E")


@dataclass(frozen=True)
class Located:
    """An entry that validated, with where it sits in the file."""

    section: str
    index: int
    label: str
    entry: Any

    @property
    def path(self) -> tuple[str | int, ...]:
        return (self.section, self.index)


@dataclass
class Catalogs:
    units: dict[str, Unit]
    indicators: dict[str, Indicator]
    region_exists: Callable[[str], bool]


@dataclass
class Sections:
    departments: list[Located] = field(default_factory=list)
    programmes: list[Located] = field(default_factory=list)
    targets: list[Located] = field(default_factory=list)
    tasks: list[Located] = field(default_factory=list)
    regional_targets: list[Located] = field(default_factory=list)
    annual_targets: list[Located] = field(default_factory=list)
    # Codes (and indicators) of entries that exist but failed their own validation: references to them
    # are not reported again as "unknown", which would only repeat the first problem.
    broken_codes: set[str] = field(default_factory=set)


def _duplicates(sink: ProblemSink, items: list[Located], key: Callable[[Any], Hashable], what: str,
                key_field: str) -> None:
    first: dict[Hashable, Located] = {}
    for item in items:
        value = key(item.entry)
        if value in first:
            sink.add(item.label, f"duplicate {what} {value!r} (first at {first[value].label})", key_field,
                     (*item.path, key_field))
        else:
            first[value] = item


def _departments_known(sink: ProblemSink, item: Located, known: set[str]) -> None:
    for attribute in ("lead_departments", "co_departments"):
        for position, code in enumerate(getattr(item.entry, attribute)):
            if code not in known:
                sink.add(item.label, f"unknown department {code!r} (not in the plan's departments)",
                         f"{attribute}[{position}]", (*item.path, attribute, position))


def _years_in_period(sink: ProblemSink, item: Located, years: Iterable[int], base: int, final: int,
                     attribute: str) -> None:
    for year in years:
        if not base < year <= final:
            sink.add(item.label, f"year {year} is outside the plan period ({base + 1}–{final})",
                     f"{attribute}.{year}", (*item.path, attribute, year))


def _check_target(sink: ProblemSink, item: Located, catalogs: Catalogs, programmes: set[str]) -> None:
    target: Target = item.entry
    path = item.path
    indicator = catalogs.indicators.get(target.indicator)
    if indicator is None:
        sink.add(item.label, f"unknown indicator {target.indicator!r}", "indicator", (*path, "indicator"))
    if target.unit not in catalogs.units:
        sink.add(item.label, f"unknown unit {target.unit!r}", "unit", (*path, "unit"))
    elif indicator is not None and target.unit != indicator.unit:
        sink.add(item.label, f"unit {target.unit!r} does not match indicator {indicator.code!r}, "
                 f"which is measured in {indicator.unit!r}", "unit", (*path, "unit"))
    if target.programme not in programmes and target.programme != OVERALL_PROGRAMME:
        sink.add(item.label, f"unknown programme {target.programme!r} (not in the plan's programmes, "
                 f"nor '{OVERALL_PROGRAMME}')", "programme", (*path, "programme"))
    if target.target_year <= target.base_year:
        sink.add(item.label, f"target_year {target.target_year} must be after base_year {target.base_year}",
                 "target_year", (*path, "target_year"))
    if target.kind == "reduction":
        if target.comparator == "le":
            sink.add(item.label, "a reduction target states a minimum reduction: use comparator 'ge' "
                     "(or 'about'), not 'le'", "comparator", (*path, "comparator"))
        if not 0 < target.value < 100:
            sink.add(item.label, f"a reduction must be between 0 and 100 percent, got {target.value:g}",
                     "value", (*path, "value"))
    implied = {"ge": "higher", "le": "lower"}.get(target.comparator)
    if target.kind == "level" and indicator is not None and implied and implied != indicator.direction:
        sink.add(item.label, f"comparator {target.comparator!r} contradicts indicator {indicator.code!r}, for which "
                 f"{indicator.direction} is better (indicator catalog, METHODOLOGY §2a)", "comparator",
                 (*path, "comparator"))
    if target.incentive is not None and target.comparator == "ge" and target.incentive < target.value:
        sink.add(item.label, f"incentive {target.incentive:g} is less demanding than the basic value "
                 f"{target.value:g}", "incentive", (*path, "incentive"))
    _years_in_period(sink, item, target.annual, target.base_year, target.target_year, "annual")


def _check_header(sink: ProblemSink, header: PlanHeader, departments: set[str]) -> None:
    if header.period.target_year <= header.period.base_year:
        sink.add("period", f"target_year {header.period.target_year} must be after base_year "
                 f"{header.period.base_year}", "target_year", ("period", "target_year"))
    for position, code in enumerate(header.implementing_departments):
        if code not in departments:
            sink.add("plan header", f"unknown department {code!r} (not in the plan's departments)",
                     f"implementing_departments[{position}]", ("implementing_departments", position))


def _check_regional(sink: ProblemSink, sections: Sections, catalogs: Catalogs, planned: set[str]) -> None:
    for item in sections.regional_targets:
        regional: RegionalTarget = item.entry
        if not catalogs.region_exists(regional.region):
            sink.add(item.label, f"unknown region {regional.region!r} (not in the region catalog)", "region",
                     (*item.path, "region"))
        if regional.indicator not in planned and regional.indicator not in sections.broken_codes:
            sink.add(item.label, f"indicator {regional.indicator!r} has no target in this plan", "indicator",
                     (*item.path, "indicator"))


def _check_annual(sink: ProblemSink, sections: Sections) -> None:
    targets: dict[str, Target] = {item.entry.code: item.entry for item in sections.targets}
    for item in sections.annual_targets:
        annual: AnnualTarget = item.entry
        target = targets.get(annual.target)
        if target is None:
            if annual.target in sections.broken_codes:
                continue
            sink.add(item.label, f"unknown target {annual.target!r}", "target", (*item.path, "target"))
            continue
        if not target.base_year < annual.year <= target.target_year:
            sink.add(item.label, f"year {annual.year} is outside the target's period "
                     f"({target.base_year + 1}–{target.target_year})", "year", (*item.path, "year"))
        if annual.year in target.annual:
            sink.add(item.label, f"target {annual.target!r} already has an inline annual value for "
                     f"{annual.year}", "year", (*item.path, "year"))


def check_plan(sink: ProblemSink, header: PlanHeader | None, sections: Sections, catalogs: Catalogs) -> None:
    """Run every cross-entry and catalog check; problems go to `sink`."""
    for items, what in ((sections.departments, "department"), (sections.programmes, "programme"),
                        (sections.targets, "target"), (sections.tasks, "task")):
        _duplicates(sink, items, lambda entry: entry.code, f"{what} code", "code")
    _duplicates(sink, sections.regional_targets, lambda e: (e.region, e.indicator), "regional target", "region")
    _duplicates(sink, sections.annual_targets, lambda e: (e.target, e.year), "annual target", "year")
    # Entries that failed their own validation still count as known for references to them.
    departments = {item.entry.code for item in sections.departments if isinstance(item.entry, Department)}
    departments |= sections.broken_codes
    programmes = {item.entry.code for item in sections.programmes if isinstance(item.entry, Programme)}
    programmes |= sections.broken_codes
    if header is not None:
        _check_header(sink, header, departments)
    for item in (*sections.programmes, *sections.targets, *sections.tasks):
        _departments_known(sink, item, departments)
    for item in sections.targets:
        _check_target(sink, item, catalogs, programmes)
    for item in sections.tasks:
        task: Task = item.entry
        if task.programme is not None and task.programme not in programmes:
            sink.add(item.label, f"unknown programme {task.programme!r}", "programme", (*item.path, "programme"))
    _check_regional(sink, sections, catalogs, {item.entry.indicator for item in sections.targets})
    _check_annual(sink, sections)
