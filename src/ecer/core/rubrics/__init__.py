"""Assessment rubrics as data: YAML files validated with pydantic.

`load_rubric("classic-40-60")` reads a bundled rubric from this package; `load_rubric(path)` or
`parse_rubric(text, file)` read a deployment's own. A bad rubric raises `InputFileError` listing
every problem with its location (e.g. `quantitative.ladder[2]`, field `points`).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ecer.errors import InputFileError, Problem

PeriodKind = Literal["annual", "midterm", "final"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LadderStep(_Strict):
    """Completion of at least `min_pct` percent of the requirement earns `points`."""

    min_pct: float = Field(ge=0, lt=100)
    points: float = Field(ge=0)


class Bonus(_Strict):
    """Each full `step_pct` of completion above 100% adds `points_per_step`, up to `max_points`."""

    step_pct: float = Field(gt=0)
    points_per_step: float = Field(ge=0)
    max_points: float = Field(ge=0)


class QuantitativeRule(_Strict):
    """The target-completion part: which indicator, how completion is measured, and the ladder."""

    indicator: str
    method: Literal["log", "linear"] = "log"
    completion_pct_decimals: int = Field(default=4, ge=0, le=10)
    met_points: float = Field(gt=0)
    ladder: tuple[LadderStep, ...]
    below_points: float = Field(default=0, ge=0)
    bonus: Bonus | None = None

    @model_validator(mode="after")
    def _ladder_descends(self) -> QuantitativeRule:
        previous_pct, previous_points = 100.0, self.met_points
        for i, step in enumerate(self.ladder):
            if step.min_pct >= previous_pct:
                raise ValueError(f"ladder[{i}].min_pct must be below the step above ({previous_pct})")
            if step.points > previous_points:
                raise ValueError(f"ladder[{i}].points must not exceed the step above ({previous_points})")
            previous_pct, previous_points = step.min_pct, step.points
        if self.below_points > previous_points:
            raise ValueError("below_points must not exceed the lowest ladder step")
        return self


class MeasureItem(_Strict):
    """One item of the measures part (e.g. 调整和优化产业结构情况) with its maximum points.

    `name_zh` is what reviewers write in the `item` column of their scores file; `source` says where
    the item and its points come from (or that they are an assumption).
    """

    code: str = Field(min_length=1)
    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    max_points: float = Field(gt=0)
    source: str = Field(min_length=1)


class MeasuresRule(_Strict):
    """The measures part scored by reviewers; item maxima of a region must add up to `max_points`.

    `items` is the rubric's item list (optional: a deployment whose reviewers use their own list may
    leave it out); when given, codes and names are unique and the maxima add up to `max_points`.
    """

    max_points: float = Field(gt=0)
    items_source: str = ""
    items: tuple[MeasureItem, ...] = ()

    @model_validator(mode="after")
    def _items_add_up(self) -> MeasuresRule:
        if not self.items:
            return self
        for attr in ("code", "name_zh"):
            values = [getattr(item, attr) for item in self.items]
            duplicates = sorted({v for v in values if values.count(v) > 1})
            if duplicates:
                raise ValueError(f"items: duplicate {attr} {', '.join(duplicates)}")
        total = sum(item.max_points for item in self.items)
        if abs(total - self.max_points) > 1e-9:
            raise ValueError(f"items: maxima add up to {total:g}, the measures part is {self.max_points:g}")
        return self


class Grade(_Strict):
    code: str
    name_zh: str
    name_en: str
    min_score: float = Field(ge=0)


class Veto(_Strict):
    """一票否决: missing the requirement of any listed indicator gives `grade` in the listed periods."""

    indicators: tuple[str, ...]
    grade: str
    periods: tuple[PeriodKind, ...] = ("annual", "midterm", "final")


class Scale(_Strict):
    """The score scale: `max_points` (quantitative met_points + measures max, e.g. 100) and how the
    classic bonus (加分) relates to it. The bonus is always shown apart from the score; with
    `total_may_exceed_max` the total is score + 加分 and may exceed `max_points` (泸州 93.5 + 9 = 102.5),
    otherwise the total is capped at `max_points`. Grades read the total."""

    max_points: float = Field(gt=0)
    total_may_exceed_max: bool


class Rubric(_Strict):
    code: str
    name_zh: str
    name_en: str
    source: str
    quantitative: QuantitativeRule
    measures: MeasuresRule
    scale: Scale
    grades: tuple[Grade, ...] = Field(min_length=1)
    veto: Veto | None = None

    @model_validator(mode="after")
    def _scale_adds_up(self) -> Rubric:
        parts = self.quantitative.met_points + self.measures.max_points
        if abs(parts - self.scale.max_points) > 1e-9:
            raise ValueError(f"scale.max_points {self.scale.max_points:g} must equal quantitative.met_points + "
                             f"measures.max_points ({parts:g}); the bonus (加分) is outside the scale")
        return self

    @model_validator(mode="after")
    def _grades_descend(self) -> Rubric:
        scores = [g.min_score for g in self.grades]
        if any(a <= b for a, b in zip(scores, scores[1:], strict=False)):
            raise ValueError("grades must be ordered by strictly decreasing min_score")
        if scores[-1] != 0:
            raise ValueError("the last grade must have min_score 0 so that every total gets a grade")
        if self.veto and self.veto.grade not in {g.code for g in self.grades}:
            raise ValueError(f"veto.grade '{self.veto.grade}' is not one of the grades")
        return self

    def grade(self, code: str) -> Grade:
        return next(g for g in self.grades if g.code == code)

    @property
    def max_total(self) -> float:
        """The highest total possible: the scale plus the maximum bonus when the total may exceed it."""
        bonus = self.quantitative.bonus.max_points if self.quantitative.bonus else 0.0
        return self.scale.max_points + (bonus if self.scale.total_may_exceed_max else 0.0)


def _location(loc: tuple[int | str, ...]) -> tuple[str, str | None]:
    parts = ""
    for item in loc:
        parts += f"[{item}]" if isinstance(item, int) else (f".{item}" if parts else str(item))
    if loc and isinstance(loc[-1], str) and len(loc) > 1:
        head, _, last = parts.rpartition(".")
        return head or "(top level)", last
    return parts or "(top level)", None


def parse_rubric(text: str, file: str) -> Rubric:
    """Validate rubric YAML text; `file` names it in errors."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "(file)"
        raise InputFileError([Problem(file, where, f"not valid YAML: {err}")]) from err
    if not isinstance(data, dict):
        raise InputFileError([Problem(file, "(top level)", "a rubric must be a YAML mapping")])
    try:
        return Rubric.model_validate(data)
    except ValidationError as err:
        problems = []
        for e in err.errors():
            location, field = _location(tuple(e["loc"]))
            problems.append(Problem(file, location, e["msg"], field))
        raise InputFileError(problems) from err


def bundled_rubrics() -> list[str]:
    """Codes of the rubrics shipped in this package."""
    return sorted(p.name.removesuffix(".yaml") for p in resources.files(__package__).iterdir() if p.name.endswith(".yaml"))


def load_rubric(code_or_path: str | Path = "classic-40-60") -> Rubric:
    """A bundled rubric by code, or a rubric file by path."""
    path = Path(code_or_path)
    if str(code_or_path) in bundled_rubrics():
        resource = resources.files(__package__).joinpath(f"{code_or_path}.yaml")
        return parse_rubric(resource.read_text(encoding="utf-8"), f"{code_or_path}.yaml")
    if path.is_file():
        return parse_rubric(path.read_text(encoding="utf-8"), str(path))
    raise InputFileError(
        [Problem(str(code_or_path), "(file)", f"no such rubric file or bundled rubric; bundled: {bundled_rubrics()}")]
    )
