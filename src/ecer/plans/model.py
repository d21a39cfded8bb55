"""The plan as data: pydantic models of a 综合工作方案 (work programme) file.

These models check the *shape* of each entry (types, required fields, allowed values). Checks that
need more than one entry or a catalog (duplicate codes, unknown indicator, unit mismatch, unknown
department...) live in `ecer.plans.checks`, so that every problem in a file is reported in one pass.
See docs/plan-format.md for the field reference.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Code = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_\-]*$", min_length=1, max_length=64)]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
# A clause reference such as "二", "三(五)", "四(一)": chapter numeral, optional section numeral.
Clause = Annotated[str, StringConstraints(pattern=r"^[一二三四五六七八九十]+(\([一二三四五六七八九十]+\))?$")]
Year = Annotated[int, Field(ge=1949, le=2100)]

TargetKind = Literal["reduction", "level"]
Comparator = Literal["ge", "le", "about"]
TaskKind = Literal["task", "mechanism", "arrangement"]

OVERALL_PROGRAMME = "overall"
"""Programme code for targets of the overall goals (§二), which belong to no engineering programme."""


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Department(_Entry):
    code: Code
    name_zh: Text
    name_en: Text


class Period(_Entry):
    base_year: Year
    target_year: Year


class Programme(_Entry):
    """One of the engineering programmes (重点工程) of §三."""

    code: Code
    name_zh: Text
    name_en: Text
    clause: Clause
    lead_departments: list[Code] = Field(default_factory=list)
    co_departments: list[Code] = Field(default_factory=list)


class Target(_Entry):
    """A quantitative target.

    kind `reduction`: `value` is a reduction in percent of the base-year level of the indicator
    (14 = "下降14%"); `unit` is still the indicator's unit (what is being reduced).
    kind `level`: `value` is the level the indicator must reach in the target year, in `unit`.
    """

    code: Code
    indicator: Code
    name_zh: Text
    name_en: Text
    unit: Code
    base_year: Year
    target_year: Year
    kind: TargetKind
    comparator: Comparator
    value: float
    incentive: float | None = None
    annual: dict[Year, float] = Field(default_factory=dict)
    programme: Code
    lead_departments: list[Code] = Field(default_factory=list)
    co_departments: list[Code] = Field(default_factory=list)
    clause: Clause
    note: str | None = None

    @property
    def value_unit(self) -> str:
        """The unit `value` is expressed in: pct for a reduction, the indicator's unit for a level."""
        return "pct" if self.kind == "reduction" else self.unit


class Task(_Entry):
    """A qualitative task (§三), policy mechanism (§四) or work arrangement (§五)."""

    code: Code
    kind: TaskKind
    title_zh: Text
    title_en: Text
    clause: Clause
    programme: Code | None = None
    lead_departments: list[Code] = Field(default_factory=list)
    co_departments: list[Code] = Field(default_factory=list)
    note: str | None = None


class RegionalTarget(_Entry):
    """A target decomposed to one region (basic and optional incentive value, optional annual path)."""

    region: Annotated[str, StringConstraints(pattern=r"^\d{6}$")]
    indicator: Code
    basic: float
    incentive: float | None = None
    annual: dict[Year, float] = Field(default_factory=dict)
    source: str | None = None
    note: str | None = None


class AnnualTarget(_Entry):
    """An annual target of a plan target, filed separately from the plan text (with its own source)."""

    target: Code
    year: Year
    value: float
    source: Text
    note: str | None = None


class PlanHeader(_Entry):
    code: Code
    name_zh: Text
    name_en: Text
    issuer_zh: Text
    issuer_en: Text
    document_number: Text
    issued: dt.date
    period: Period
    source: Text
    implementing_departments: list[Code] = Field(default_factory=list)
    note: str | None = None


class Plan(PlanHeader):
    departments: list[Department]
    programmes: list[Programme]
    targets: list[Target]
    tasks: list[Task] = Field(default_factory=list)
    regional_targets: list[RegionalTarget] = Field(default_factory=list)
    annual_targets: list[AnnualTarget] = Field(default_factory=list)

    def target(self, code: str) -> Target:
        for target in self.targets:
            if target.code == code:
                return target
        raise KeyError(code)

    def department(self, code: str) -> Department:
        for department in self.departments:
            if department.code == code:
                return department
        raise KeyError(code)

    def programme(self, code: str) -> Programme | None:
        """The programme of that code, or None for `overall` (targets of §二)."""
        for programme in self.programmes:
            if programme.code == code:
                return programme
        if code == OVERALL_PROGRAMME:
            return None
        raise KeyError(code)

    def annual_for(self, target_code: str) -> dict[int, float]:
        """Annual targets of one target: inline `annual` merged with the `annual_targets` block."""
        merged = dict(self.target(target_code).annual)
        for entry in self.annual_targets:
            if entry.target == target_code:
                merged[entry.year] = entry.value
        return dict(sorted(merged.items()))


SECTION_MODELS: dict[str, type[_Entry]] = {
    "departments": Department,
    "programmes": Programme,
    "targets": Target,
    "tasks": Task,
    "regional_targets": RegionalTarget,
    "annual_targets": AnnualTarget,
}
REQUIRED_SECTIONS = ("departments", "programmes", "targets")
