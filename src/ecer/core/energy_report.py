"""The annual energy-utilisation report (能源利用状况报告) of a key energy-using unit: its content, read from
plain data with every problem named by field, and its checks.

- Energy by type: quantity in a physical unit that fits the type (energy_units.csv), of which the part
  used as raw material (用作原料), each converted to tce on both bases with the catalog's factors
  (`ecer.core.energy_units`). A year whose coal rate is open gives the calorific basis only, with why.
- Raw materials: name, quantity, unit (what the enterprise consumed; not energy).
- Main products: output and the product's comprehensive energy consumption (tce, calorific basis); the
  unit consumption (energy ÷ output) is compared with the national limit (能耗限额) where the catalog
  has one for the product, with the standard and its source.
- Savings projects: name and savings (tce).
- The declared totals must agree with their parts: total energy (both bases) with the energy lines,
  total savings with the projects; the products' energy cannot exceed the total.

Hard problems block the submission; findings (a unit consumption above its limit, a product with no
standard in the catalog) are shown to the reviewer and do not.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ecer.core.energy import ElectricityBasis
from ecer.core.energy_units import (
    ConversionError,
    FactorTable,
    TceFigure,
    UnitFit,
    to_tce,
)

CALORIFIC, COAL_EQUIVALENT = ElectricityBasis.CALORIFIC, ElectricityBasis.COAL_EQUIVALENT
#: How many tce one tce is in the numerators a limit may be stated in.
NUMERATOR_PER_TCE = {"tce": 1.0, "kgce": 1000.0, "gce": 1_000_000.0}
SECTIONS = ("energy", "materials", "products", "projects")


@dataclass(frozen=True)
class ReportProblem:
    """What is wrong, where: `field` is a path into the report (`energy[2].quantity`, `total_calorific_tce`)."""

    field: str
    value: str
    expected: str

    def __str__(self) -> str:
        return f"{self.field} = {self.value}: {self.expected}"


@dataclass(frozen=True)
class EnergyLine:
    energy_type: str
    unit: str
    quantity: float
    feedstock: float = 0.0  # of which used as raw material (用作原料), same unit
    enthalpy_gj_per_t: float | None = None  # steam reported by mass


@dataclass(frozen=True)
class MaterialLine:
    name: str
    quantity: float
    unit: str


@dataclass(frozen=True)
class ProductLine:
    name: str
    output: float
    unit: str
    energy_tce: float  # the product's comprehensive energy consumption, calorific basis
    standard_product: str = ""  # the limit catalog's product code, when the product has one


@dataclass(frozen=True)
class SavingsProject:
    name: str
    savings_tce: float
    investment_10k_yuan: float | None = None


@dataclass(frozen=True)
class ReportContent:
    energy: tuple[EnergyLine, ...]
    materials: tuple[MaterialLine, ...]
    products: tuple[ProductLine, ...]
    projects: tuple[SavingsProject, ...]
    total_calorific_tce: float | None
    total_coal_equivalent_tce: float | None
    total_savings_tce: float | None


@dataclass(frozen=True)
class LimitStandard:
    """One national limit (能耗限额): the standard, the product, the limit and its unit, and where it is from."""

    standard: str
    product: str
    name_zh: str
    name_en: str
    limit: float
    numerator: str  # tce | kgce | gce
    per_unit: str  # the output unit (units catalog code), e.g. t or kwh
    basis: ElectricityBasis
    level: str  # e.g. 限定值
    status: str  # published | assumed
    source: str

    @property
    def unit_text(self) -> str:
        return f"{self.numerator}/{self.per_unit}"


@dataclass(frozen=True)
class Tolerance:
    """How far a declared total may be from the sum of its parts: at most max(absolute, share × sum)."""

    absolute_tce: float = 1.0
    share: float = 0.001

    def allows(self, declared: float, computed: float) -> bool:
        return abs(declared - computed) <= max(self.absolute_tce, self.share * abs(computed)) + 1e-9


@dataclass(frozen=True)
class EnergyFigure:
    line: EnergyLine
    calorific: TceFigure
    coal_equivalent: TceFigure | None
    feedstock_calorific_tce: float


@dataclass(frozen=True)
class ProductCheck:
    line: ProductLine
    unit_consumption: float | None  # in the limit's unit (or kgce per output unit without a limit)
    unit_text: str
    limit: LimitStandard | None
    within_limit: bool | None  # None: nothing to compare with


@dataclass(frozen=True)
class Evaluation:
    year: int
    energy: list[EnergyFigure]
    products: list[ProductCheck]
    calorific_tce: float
    coal_equivalent_tce: float | None
    feedstock_calorific_tce: float
    savings_tce: float
    coal_equivalent_note: str | None
    problems: list[ReportProblem] = field(default_factory=list)  # hard: block the submission
    findings: list[ReportProblem] = field(default_factory=list)  # shown, do not block


# --- reading the content ---------------------------------------------------------------------------

def _number(raw: Any, path: str, problems: list[ReportProblem], *, required: bool = True,
            positive: bool = False) -> float | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if required:
            problems.append(ReportProblem(path, "(empty)", "a number is required"))
        return None
    try:
        value = float(str(raw).replace(",", "").strip()) if not isinstance(raw, (int, float)) else float(raw)
    except ValueError:
        problems.append(ReportProblem(path, repr(raw), "a number"))
        return None
    if isinstance(raw, bool) or not math.isfinite(value) or value < 0 or (positive and value == 0):
        problems.append(ReportProblem(path, repr(raw), "a finite number > 0" if positive else "a finite number ≥ 0"))
        return None
    return value


def _text(raw: Any) -> str:
    return "" if raw is None else str(raw).strip()


def _rows(data: Mapping[str, Any], key: str, problems: list[ReportProblem]) -> list[tuple[str, Mapping[str, Any]]]:
    rows = data.get(key) or []
    if not isinstance(rows, list):
        problems.append(ReportProblem(key, type(rows).__name__, "a list of rows"))
        return []
    out = []
    for i, row in enumerate(rows):
        if not isinstance(row, Mapping):
            problems.append(ReportProblem(f"{key}[{i}]", type(row).__name__, "an object with the row's fields"))
            continue
        if any(_text(v) for v in row.values()):  # a row left wholly empty is no row
            out.append((f"{key}[{i}]", row))
    return out


def _energy_lines(data: Mapping[str, Any], problems: list[ReportProblem]) -> tuple[EnergyLine, ...]:
    lines = []
    for path, row in _rows(data, "energy", problems):
        energy_type, unit = _text(row.get("energy_type")), _text(row.get("unit"))
        if not energy_type:
            problems.append(ReportProblem(f"{path}.energy_type", "(empty)", "an energy type of the catalog"))
        if not unit:
            problems.append(ReportProblem(f"{path}.unit", "(empty)", "a unit of the energy type"))
        quantity = _number(row.get("quantity"), f"{path}.quantity", problems)
        feedstock = _number(row.get("feedstock"), f"{path}.feedstock", problems, required=False) or 0.0
        enthalpy = _number(row.get("enthalpy_gj_per_t"), f"{path}.enthalpy_gj_per_t", problems, required=False,
                           positive=True)
        if quantity is not None and feedstock > quantity:
            problems.append(ReportProblem(f"{path}.feedstock", f"{feedstock:g}",
                                          f"at most the line's quantity {quantity:g} (the part used as raw material)"))
        if energy_type and unit and quantity is not None:
            lines.append(EnergyLine(energy_type, unit, quantity, feedstock, enthalpy))
    return tuple(lines)


def _named(path: str, row: Mapping[str, Any], problems: list[ReportProblem], what: str,
           *units: str) -> tuple[str, str]:
    """The row's name and (when `units` names the unit's hint) unit, a problem for each that is empty."""
    name, unit = _text(row.get("name")), _text(row.get("unit"))
    if not name:
        problems.append(ReportProblem(f"{path}.name", "(empty)", f"the {what}'s name"))
    if units and not unit:
        problems.append(ReportProblem(f"{path}.unit", "(empty)", f"the {what}'s unit, e.g. {units[0]}"))
    return name, unit


def _materials(data: Mapping[str, Any], problems: list[ReportProblem]) -> tuple[MaterialLine, ...]:
    lines = []
    for path, row in _rows(data, "materials", problems):
        name, unit = _named(path, row, problems, "material", "t")
        quantity = _number(row.get("quantity"), f"{path}.quantity", problems)
        if name and unit and quantity is not None:
            lines.append(MaterialLine(name, quantity, unit))
    return tuple(lines)


def _products(data: Mapping[str, Any], problems: list[ReportProblem]) -> tuple[ProductLine, ...]:
    lines = []
    for path, row in _rows(data, "products", problems):
        name, unit = _named(path, row, problems, "product", "t")
        output = _number(row.get("output"), f"{path}.output", problems, positive=True)
        energy_tce = _number(row.get("energy_tce"), f"{path}.energy_tce", problems)
        if name and unit and output is not None and energy_tce is not None:
            lines.append(ProductLine(name, output, unit, energy_tce, _text(row.get("standard_product"))))
    return tuple(lines)


def _projects(data: Mapping[str, Any], problems: list[ReportProblem]) -> tuple[SavingsProject, ...]:
    lines = []
    for path, row in _rows(data, "projects", problems):
        name, _unit = _named(path, row, problems, "project")
        savings = _number(row.get("savings_tce"), f"{path}.savings_tce", problems)
        investment = _number(row.get("investment_10k_yuan"), f"{path}.investment_10k_yuan", problems, required=False)
        if name and savings is not None:
            lines.append(SavingsProject(name, savings, investment))
    return tuple(lines)


TOTALS = ("total_calorific_tce", "total_coal_equivalent_tce", "total_savings_tce")


def read_content(data: Mapping[str, Any]) -> tuple[ReportContent, list[ReportProblem]]:
    """The content of a report from plain data (the form, the API's JSON, a stored draft), and every
    problem of it by field. A draft may be incomplete; the problems say what is missing."""
    problems: list[ReportProblem] = []
    for key in sorted(set(data) - {*SECTIONS, *TOTALS}):
        problems.append(ReportProblem(key, "…", f"not a field of the report (fields: {', '.join(SECTIONS)}, "
                                                f"{', '.join(TOTALS)})"))
    sections = (_energy_lines(data, problems), _materials(data, problems), _products(data, problems),
                _projects(data, problems))
    totals = [_number(data.get(k), k, problems, required=False) for k in TOTALS]
    return ReportContent(*sections, *totals), problems


def content_as_data(content: ReportContent) -> dict[str, Any]:
    """The plain data `read_content` reads back unchanged (what a draft stores)."""
    return {
        "energy": [{"energy_type": e.energy_type, "unit": e.unit, "quantity": e.quantity, "feedstock": e.feedstock,
                    "enthalpy_gj_per_t": e.enthalpy_gj_per_t} for e in content.energy],
        "materials": [{"name": m.name, "quantity": m.quantity, "unit": m.unit} for m in content.materials],
        "products": [{"name": p.name, "output": p.output, "unit": p.unit, "energy_tce": p.energy_tce,
                      "standard_product": p.standard_product} for p in content.products],
        "projects": [{"name": p.name, "savings_tce": p.savings_tce, "investment_10k_yuan": p.investment_10k_yuan}
                     for p in content.projects],
        "total_calorific_tce": content.total_calorific_tce,
        "total_coal_equivalent_tce": content.total_coal_equivalent_tce,
        "total_savings_tce": content.total_savings_tce,
    }


# --- the checks ------------------------------------------------------------------------------------

def _product_check(line: ProductLine, path: str, limits: Mapping[str, LimitStandard],
                   problems: list[ReportProblem], findings: list[ReportProblem]) -> ProductCheck:
    limit = limits.get(line.standard_product) if line.standard_product else None
    if line.standard_product and limit is None:
        problems.append(ReportProblem(f"{path}.standard_product", repr(line.standard_product),
                                      f"a product of the limit catalog ({', '.join(sorted(limits)) or 'empty'}), "
                                      "or empty"))
    if limit is None:
        if not line.standard_product:
            findings.append(ReportProblem(f"{path}.standard_product", "(none)",
                                          f"no national limit in the catalog for '{line.name}': not compared"))
        return ProductCheck(line, line.energy_tce * 1000.0 / line.output, f"kgce/{line.unit}", None, None)
    if line.unit != limit.per_unit:
        problems.append(ReportProblem(f"{path}.unit", repr(line.unit),
                                      f"'{limit.per_unit}', the unit of {limit.standard}'s limit ({limit.unit_text})"))
        return ProductCheck(line, None, limit.unit_text, limit, None)
    value = line.energy_tce * NUMERATOR_PER_TCE[limit.numerator] / line.output
    within = value <= limit.limit + 1e-9
    if not within:
        findings.append(ReportProblem(
            f"{path}.energy_tce", f"{value:.4g} {limit.unit_text}",
            f"above the limit {limit.limit:g} {limit.unit_text} of {limit.standard} ({limit.level}; {limit.status}: "
            f"{limit.source})"))
    return ProductCheck(line, value, limit.unit_text, limit, within)


def _convert(content: ReportContent, fits: Mapping[tuple[str, str], UnitFit], table: FactorTable,
             problems: list[ReportProblem]) -> tuple[list[EnergyFigure], bool]:
    """Each energy line in tce on both bases; False when the coal-equivalent basis is not computable."""
    figures: list[EnergyFigure] = []
    coal_ok = True
    seen: dict[tuple[str, str], str] = {}
    for i, line in enumerate(content.energy):
        path = f"energy[{i}]"
        key = (line.energy_type, line.unit)
        if key in seen:
            problems.append(ReportProblem(f"{path}.energy_type", f"{line.energy_type} ({line.unit})",
                                          f"one line per energy type and unit ({seen[key]} already has it)"))
        seen[key] = path
        try:
            calorific = to_tce(line.energy_type, line.quantity, line.unit, CALORIFIC, fits, table,
                               enthalpy_gj_per_t=line.enthalpy_gj_per_t)
        except ConversionError as err:
            p = err.problem
            problems.append(ReportProblem(f"{path}.{p.field}", p.value, f"expected {p.expected}"))
            continue
        try:
            coal: TceFigure | None = to_tce(line.energy_type, line.quantity, line.unit, COAL_EQUIVALENT, fits, table,
                                            enthalpy_gj_per_t=line.enthalpy_gj_per_t)
        except ConversionError:
            coal, coal_ok = None, False
        share = line.feedstock / line.quantity if line.quantity else 0.0
        figures.append(EnergyFigure(line, calorific, coal, calorific.tce * share))
    return figures, coal_ok


def _total_problem(name: str, declared: float | None, computed: float, basis: str, tolerance: Tolerance,
                   parts: str = "the energy lines") -> ReportProblem | None:
    if declared is None:
        return ReportProblem(name, "(empty)", f"the total is required; {parts} add up to {computed:.2f} tce")
    if tolerance.allows(declared, computed):
        return None
    return ReportProblem(name, f"{declared:g}", f"must agree with {parts}, which add up to {computed:.2f} tce"
                         f"{basis}; allowed difference {max(tolerance.absolute_tce, tolerance.share * computed):.2f} tce")


def evaluate(content: ReportContent, year: int, fits: Mapping[tuple[str, str], UnitFit], table: FactorTable,
             limits: Mapping[str, LimitStandard], tolerance: Tolerance | None = None,
             coal_equivalent_note: str | None = None) -> Evaluation:
    """Convert, total and check a report's content (`table`: the year's factors; without the
    coal-equivalent factor of electricity that basis is not computed and `coal_equivalent_note` says why)."""
    tolerance = tolerance or Tolerance()
    problems: list[ReportProblem] = []
    findings: list[ReportProblem] = []
    figures, coal_ok = _convert(content, fits, table, problems)
    calorific_total = math.fsum(f.calorific.tce for f in figures)
    coal_total = math.fsum(f.coal_equivalent.tce for f in figures if f.coal_equivalent) if coal_ok else None
    if not content.energy:
        problems.append(ReportProblem("energy", "(no line)", "at least one energy type consumed"))
    checks = [_total_problem("total_calorific_tce", content.total_calorific_tce, calorific_total,
                             " (calorific, 当量值)", tolerance)]
    if coal_total is not None:
        checks.append(_total_problem("total_coal_equivalent_tce", content.total_coal_equivalent_tce, coal_total,
                                     " (coal-equivalent, 等价值)", tolerance))
    elif content.total_coal_equivalent_tce is not None:
        findings.append(ReportProblem("total_coal_equivalent_tce", f"{content.total_coal_equivalent_tce:g}",
                                      f"not checked: {coal_equivalent_note or 'the coal-equivalent factor is missing'}"))
    savings = math.fsum(p.savings_tce for p in content.projects)
    if content.projects or content.total_savings_tce is not None:
        checks.append(_total_problem("total_savings_tce", content.total_savings_tce, savings, "", tolerance,
                                     "the savings projects"))
    problems += [p for p in checks if p is not None]
    products = [_product_check(p, f"products[{i}]", limits, problems, findings)
                for i, p in enumerate(content.products)]
    product_energy = math.fsum(p.energy_tce for p in content.products)
    if product_energy > calorific_total + max(tolerance.absolute_tce, tolerance.share * calorific_total):
        problems.append(ReportProblem("products", f"{product_energy:.2f} tce",
                                      f"the products' energy cannot exceed the unit's total of {calorific_total:.2f} "
                                      "tce (calorific)"))
    return Evaluation(year, figures, products, calorific_total, coal_total,
                      math.fsum(f.feedstock_calorific_tce for f in figures), savings,
                      None if coal_ok else coal_equivalent_note, problems, findings)


def problems_text(problems: Sequence[ReportProblem]) -> str:
    return "\n".join(f"  - {p}" for p in problems)
