"""Key-project pollutant reductions (重点工程减排量), METHODOLOGY §7: one named, versioned formula per
project type, the stable-operation counting rule, and an explanation for every figure.

A project's *full-year reduction* R (t/yr) comes from its parameters by the formula of its type
(`ecer.core.reduction_formulas`; the catalog `ecer/catalogs/data/reduction_*.csv` names each
formula, its version, source, inputs, units and defaults). The reduction *counted in year y* is
relative to the reference year y₀ (2020, 《2021年主要污染物总量减排核算技术指南》):

    counted(y) = R × (f(y) − f(y₀)),   f(y) = share of year y's days on or after the counting start

so it is a stock (the year's emissions below the reference year's), never summed over years: a
project stable since 2022 counts R in 2023, 2024 and 2025, and 2025's R is its share of the plan's
five-year tonnage. The counting start is a parameter (`ReductionOptions.counting_start`).

Bad input raises `ReductionInputError` naming the project, the field (and pollutant), the value and
why — never a silent zero or a negative reduction.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from ecer.core.provenance import InputRef, Provenance
from ecer.core.reduction_formulas import full_year_reduction

POLLUTANTS = ("cod", "nh3n", "nox", "voc")
POLLUTANT_NAMES = {"cod": ("化学需氧量", "COD"), "nh3n": ("氨氮", "NH₃-N"), "nox": ("氮氧化物", "NOx"),
                   "voc": ("挥发性有机物", "VOCs")}
T_PER_10K_T = 10_000.0

#: Unit code → (canonical unit, factor to it). Inputs may be given in any unit their catalog row
#: allows; the formulas see canonical values only. Units not listed are their own canonical unit.
CANONICAL_UNITS: dict[str, tuple[str, float]] = {
    "10k_t": ("t", T_PER_10K_T),
    "10k_m3": ("m3", 1e4),
    "10k_m3_per_day": ("m3_per_day", 1e4),
    "kg_per_10k_m3": ("kg_per_m3", 1e-4),
}


def variable_code(pollutant: str) -> str:
    """The statistics variable (variables.csv) the pollutant's key-project reduction is reported in."""
    return f"{pollutant}_key_project_reduction"


def canonical(value: float, unit: str) -> tuple[float, str]:
    target, factor = CANONICAL_UNITS.get(unit, (unit, 1.0))
    return value * factor, target


class ReductionInputError(ValueError):
    """Project input the reduction formulas cannot use: names project, field, pollutant and value."""

    def __init__(self, reason: str, *, project: str, field: str | None = None, pollutant: str | None = None,
                 value: object = None, unit: str | None = None) -> None:
        self.project, self.field, self.pollutant, self.value, self.unit, self.reason = (
            project, field, pollutant, value, unit, reason)
        where = f"project {project}"
        if field:
            where += f", field '{field}'"
        if pollutant:
            where += f" ({pollutant})"
        if value is not None:
            where += f", value {value}" + (f" {unit}" if unit else "")
        super().__init__(f"{where}: {reason}")


class CountingStart(StrEnum):
    #: from the first day of the month after the stable-operation month (12th-plan practice, "次月",
    #: METHODOLOGY §7 [rule, 12th plan]); the default
    NEXT_MONTH = "next_month"
    #: from the stable-operation (or closure) date itself, pro rata by days [open]
    STABLE_DATE = "stable_date"


@dataclass(frozen=True)
class ReductionOptions:
    """Documented parameters of the counting rule (docs/key-projects.md)."""

    counting_start: CountingStart = CountingStart.NEXT_MONTH
    #: reductions are the year's emissions below this year's (2021 guide: 2020)
    reference_year: int = 2020


@dataclass(frozen=True)
class InputSpec:
    """One input of a formula (a row of reduction_inputs.csv)."""

    name: str
    units: tuple[str, ...]
    per_pollutant: bool = False
    minimum: float | None = None
    maximum: float | None = None
    default: float | None = None  # a documented parameter: used when the project does not give it
    not_below: str | None = None  # e.g. removal_after ≥ removal_before
    not_above: str | None = None  # e.g. voc_content_after ≤ voc_content_before
    per_unit_of: str | None = None  # a factor per unit of another input: kg_per_<that input's unit>
    name_zh: str = ""
    name_en: str = ""
    tag: str = ""  # [rule], [derived] or [open]


@dataclass(frozen=True)
class FormulaSpec:
    """A named, versioned formula (a row of reduction_formulas.csv and its inputs)."""

    name: str
    version: str
    name_zh: str
    name_en: str
    medium: str
    pollutants: tuple[str, ...]
    expression: str
    source: str
    tag: str
    inputs: tuple[InputSpec, ...]

    def input(self, name: str) -> InputSpec:
        for spec in self.inputs:
            if spec.name == name:
                return spec
        raise KeyError(f"{self.name}: no input {name!r}")


@dataclass(frozen=True)
class ProjectType:
    code: str
    name_zh: str
    name_en: str
    medium: str
    formula: str
    source: str


MEDIUM_POLLUTANTS = {"water": ("cod", "nh3n"), "air": ("nox", "voc")}


@dataclass(frozen=True)
class ReductionCatalog:
    """The formulas by (name, version) and the project types (loaded by ecer.catalogs.reductions)."""

    formulas: Mapping[str, FormulaSpec]
    project_types: Mapping[str, ProjectType]

    def formula_for(self, project: str, project_type: str) -> tuple[ProjectType, FormulaSpec]:
        kind = self.project_types.get(project_type)
        if kind is None:
            raise ReductionInputError(f"unknown project type (known: {', '.join(sorted(self.project_types))})",
                                      project=project, field="project_type", value=project_type)
        return kind, self.formulas[kind.formula]


@dataclass(frozen=True)
class Quantity:
    value: float
    unit: str


@dataclass(frozen=True)
class ProjectParameters:
    """What a project's reduction is computed from. `values` are its project-wide inputs;
    `pollutants` maps each pollutant it claims to that pollutant's inputs (concentrations,
    efficiencies…). `stable_operation_date` is None while the project is not in stable operation."""

    project: str
    project_type: str
    stable_operation_date: dt.date | None
    values: Mapping[str, Quantity] = field(default_factory=dict)
    pollutants: Mapping[str, Mapping[str, Quantity]] = field(default_factory=dict)


@dataclass(frozen=True)
class PollutantReduction:
    """A project's reduction of one pollutant counted in one year, with why."""

    project: str
    pollutant: str
    year: int
    amount_t: float
    full_year_t: float
    counted_share: float
    provenance: Provenance

    @property
    def amount_10k_t(self) -> float:
        return self.amount_t / T_PER_10K_T

    @property
    def variable(self) -> str:
        return variable_code(self.pollutant)


# --- counting rule -----------------------------------------------------------------------------------

def counting_start(stable: dt.date, rule: CountingStart) -> dt.date:
    if rule is CountingStart.STABLE_DATE:
        return stable
    return dt.date(stable.year + 1, 1, 1) if stable.month == 12 else dt.date(stable.year, stable.month + 1, 1)


def year_share(start: dt.date, year: int) -> float:
    """Share of `year`'s days on or after `start` (0 before, 1 after, pro rata by days in between)."""
    if start.year > year:
        return 0.0
    if start.year < year:
        return 1.0
    days = 366 if calendar.isleap(year) else 365
    return (dt.date(year, 12, 31) - start).days / days + 1 / days


def counted_share(stable: dt.date | None, year: int, options: ReductionOptions) -> float:
    """f(y) − f(y₀): the share of the full-year reduction counted in `year` against the reference year."""
    if stable is None or year <= options.reference_year:
        return 0.0
    start = counting_start(stable, options.counting_start)
    return year_share(start, year) - year_share(start, options.reference_year)


# --- validation --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Resolved:
    """Canonical input values of one pollutant of one project, and the InputRefs that explain them."""

    values: Mapping[str, float]
    units: Mapping[str, str]
    refs: tuple[InputRef, ...]


def _take(spec: InputSpec, given: Quantity | None, project: str,
          pollutant: str | None) -> tuple[float, str, InputRef]:
    if given is None:
        if spec.default is None:
            raise ReductionInputError("required input is missing", project=project, field=spec.name,
                                      pollutant=pollutant)
        given = Quantity(spec.default, spec.units[0])
        source = f"default {spec.tag}".strip()
    else:
        source = "project"
    def fail(reason: str) -> ReductionInputError:
        return ReductionInputError(reason, project=project, field=spec.name, pollutant=pollutant,
                                   value=given.value, unit=given.unit)
    if given.unit not in spec.units:
        raise fail(f"unit '{given.unit}' does not match: this input takes {', '.join(spec.units)}")
    if not math.isfinite(given.value):
        raise fail("not a finite number")
    if spec.minimum is not None and given.value < spec.minimum:
        what = "negative" if spec.minimum == 0 else f"below {spec.minimum}"
        raise fail(f"{what}: must be at least {spec.minimum:g} {spec.units[0]}")
    if spec.maximum is not None and given.value > spec.maximum:
        raise fail(f"above {spec.maximum:g} {spec.units[0]}" + (" (an efficiency or share is within "
                                                               "[0, 100%])" if spec.units[0] == "pct" else ""))
    value, unit = canonical(given.value, given.unit)
    return value, unit, InputRef(f"{spec.name}:{pollutant}" if pollutant else spec.name, given.value, given.unit,
                           source=source if unit == given.unit else f"{source}; = {value:g} {unit}")


def resolve(formula: FormulaSpec, params: ProjectParameters, pollutant: str) -> Resolved:
    """Check and convert every input the formula needs for `pollutant` (raises ReductionInputError)."""
    given_pollutant = params.pollutants[pollutant]
    known = {s.name for s in formula.inputs}
    for name in [*params.values, *given_pollutant]:
        if name not in known:
            raise ReductionInputError(f"formula {formula.name} v{formula.version} has no such input (it takes "
                                      f"{', '.join(sorted(known))})", project=params.project, field=name,
                                      pollutant=pollutant if name in given_pollutant else None)
    values: dict[str, float] = {}
    units: dict[str, str] = {}
    refs: list[InputRef] = []
    for spec in formula.inputs:
        source = given_pollutant if spec.per_pollutant else params.values
        values[spec.name], units[spec.name], ref = _take(spec, source.get(spec.name), params.project,
                                                         pollutant if spec.per_pollutant else None)
        refs.append(ref)
    for spec in formula.inputs:
        if spec.per_unit_of is not None and units[spec.name] != f"kg_per_{units[spec.per_unit_of]}":
            raise ReductionInputError(f"unit does not match {spec.per_unit_of} in {units[spec.per_unit_of]}: a "
                                      f"factor per {units[spec.per_unit_of]} is needed", project=params.project,
                                      field=spec.name, pollutant=pollutant if spec.per_pollutant else None,
                                      value=values[spec.name], unit=units[spec.name])
        for other, sign, word in ((spec.not_below, 1, "below"), (spec.not_above, -1, "above")):
            if other is not None and sign * (values[spec.name] - values[other]) < 0:
                raise ReductionInputError(f"{word} {other} ({values[other]:g}): the project would not reduce",
                                          project=params.project, field=spec.name,
                                          pollutant=pollutant if spec.per_pollutant else None,
                                          value=values[spec.name])
    return Resolved(values, units, tuple(refs))


# --- the reduction ----------------------------------------------------------------------------------

def reductions(params: ProjectParameters, catalog: ReductionCatalog, years: Sequence[int], *,
               options: ReductionOptions = ReductionOptions(), as_of: dt.date | None = None,
               ) -> list[PollutantReduction]:
    """Per pollutant the project claims and per year, the reduction counted (t and 10⁴ t), explained.

    `as_of` is the accounting date: a stable-operation date after it with a reduction counted in one of
    `years` is an error (a reduction that has not happened yet); pass None to project a plan.
    """
    project = params.project
    kind, formula = catalog.formula_for(project, params.project_type)
    if not params.pollutants:
        raise ReductionInputError("no pollutant given", project=project, field="pollutants")
    allowed = [p for p in formula.pollutants if p in MEDIUM_POLLUTANTS.get(kind.medium, POLLUTANTS)]
    for pollutant in params.pollutants:
        if pollutant not in allowed:
            raise ReductionInputError(f"a {kind.code} project ({formula.name}) reduces {', '.join(allowed)} only",
                                      project=project, field="pollutant", value=pollutant)
    stable = params.stable_operation_date
    shares = {y: counted_share(stable, y, options) for y in years}
    if as_of is not None and stable is not None and stable > as_of and any(s > 0 for s in shares.values()):
        raise ReductionInputError(f"stable-operation date is after the accounting date {as_of.isoformat()}, yet a "
                                  "reduction would be counted (a verification finding)", project=project,
                                  field="stable_operation_date", value=stable.isoformat())
    out = []
    for pollutant in params.pollutants:
        resolved = resolve(formula, params, pollutant)
        full_t, arithmetic = full_year_reduction(formula.name, formula.version, resolved.values)
        if not math.isfinite(full_t) or full_t < 0:
            raise ReductionInputError(f"the formula gives {full_t:g} t/yr ({arithmetic}): the inputs describe an "
                                      "increase, not a reduction", project=project, field=formula.name,
                                      pollutant=pollutant)
        for year in years:
            share = shares[year]
            out.append(PollutantReduction(project, pollutant, year, full_t * share, full_t, share,
                                          _provenance(params, formula, options, pollutant, year, full_t, share,
                                                      arithmetic, resolved.refs)))
    return out


def _provenance(params: ProjectParameters, formula: FormulaSpec, options: ReductionOptions, pollutant: str,
                year: int, full_t: float, share: float, arithmetic: str, refs: tuple[InputRef, ...]) -> Provenance:
    zh, en = POLLUTANT_NAMES[pollutant]
    stable = params.stable_operation_date
    when_en = f"stable operation since {stable.isoformat()}" if stable else "not in stable operation"
    when_zh = f"{stable.isoformat()}起稳定运行" if stable else "尚未稳定运行"
    amount = full_t * share
    return Provenance(
        rule=formula.name, rule_version=formula.version,
        inputs=(*refs, InputRef("stable_operation_date", source=stable.isoformat() if stable else "none")),
        parameters={"counting_start": options.counting_start.value, "reference_year": options.reference_year,
                    "project_type": params.project_type, "expression": formula.expression,
                    "source": formula.source},
        explanation_en=(f"{params.project} {en} {year}: full-year reduction {arithmetic} = {full_t:.4f} t/yr "
                        f"({formula.name_en}, {formula.name} v{formula.version}); {when_en}, counted share "
                        f"{share:.4f} against {options.reference_year} ({options.counting_start.value}) → "
                        f"{amount:.4f} t = {amount / T_PER_10K_T:.6f} 万吨"),
        explanation_zh=(f"{params.project} {zh} {year}年：全年减排量 {arithmetic} = {full_t:.4f} 吨/年"
                        f"（{formula.name_zh}，{formula.name} 第{formula.version}版）；{when_zh}，相对"
                        f"{options.reference_year}年计入比例 {share:.4f} → {amount:.4f} 吨 = "
                        f"{amount / T_PER_10K_T:.6f} 万吨"),
        notes=(formula.tag,) if formula.tag else ())
