"""Target-responsibility assessment (年度评价、中期评估、五年考核) with a rubric given as data.

Per region: the quantitative part compares the achieved cumulative reduction K of the rubric's
indicator (percent, since the plan's base year) with the requirement P for the period (percent):
- annual evaluation (年度评价), year t: P = the annual/progress requirement for t;
- mid-term assessment (中期评估): P = the progress requirement for the mid-term year;
- five-year assessment (五年考核): P = the five-year target.
"x% of target" is the completion ratio `100 × ln(1 − K) / ln(1 − P)` (log method, METHODOLOGY §1,
which reproduces the official worked example; the rubric may choose `linear` = 100 × K / P).
The measures part is the reviewers' item scores (see `parse_measures_csv`). Grades and the veto
(一票否决) come from the rubric.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from ecer.core.assessment_measures import MeasureScore as MeasureScore
from ecer.core.assessment_measures import MeasuresTotal
from ecer.core.assessment_measures import measures_totals as measures_totals
from ecer.core.assessment_measures import parse_measures_csv as parse_measures_csv
from ecer.core.errors import AccountingInputError
from ecer.core.progress import Completion, completion_ratio
from ecer.core.rubrics import Grade, PeriodKind, QuantitativeRule, Rubric
from ecer.core.rubrics import load_rubric as load_rubric

PERIOD_NAMES: dict[str, tuple[str, str]] = {
    "annual": ("年度评价", "annual evaluation"),
    "midterm": ("中期评估", "mid-term assessment"),
    "final": ("五年考核", "five-year assessment"),
}


@dataclass(frozen=True)
class Period:
    """The assessment period: its kind and the data year assessed (t for annual, the target year for final)."""

    kind: PeriodKind
    year: int

    @property
    def name_zh(self) -> str:
        return f"{self.year}年{PERIOD_NAMES[self.kind][0]}"

    @property
    def name_en(self) -> str:
        return f"{PERIOD_NAMES[self.kind][1]} {self.year}"


@dataclass(frozen=True)
class TargetOutcome:
    """A region's achievement of one reduction target for the period (percent, cumulative since the base year).

    `requirement_zh/_en` say where `required_reduction_pct` came from (annual target, geometric
    progress requirement, five-year target...).
    """

    region_code: str
    region_name: str
    indicator: str
    required_reduction_pct: float
    achieved_reduction_pct: float
    requirement_zh: str = ""
    requirement_en: str = ""


@dataclass(frozen=True)
class QuantitativeScore:
    """Score of the quantitative part. `completion_pct` is None when the requirement is not a reduction (P ≤ 0).

    `base_points` count in the 100-point score; `bonus_points` are the 加分 shown apart from it.
    `points` (base + bonus) is kept for callers that want the quantitative part with its bonus."""

    completion_pct: float | None
    met: bool
    step: str
    base_points: float
    bonus_points: float

    @property
    def points(self) -> float:
        return self.base_points + self.bonus_points


def completion_pct(achieved_pct: float, required_pct: float, method: str = "log") -> float | None:
    """Completion of a reduction requirement, in percent of the requirement.

    log: `100 × ln(1 − K) / ln(1 − P)`; linear: `100 × K / P` (the progress core's completion ratio,
    × 100). None when P ≤ 0 (no reduction required, so "percent of target" is undefined; the caller
    then compares K ≥ P directly).
    """
    if not (math.isfinite(achieved_pct) and math.isfinite(required_pct)) or achieved_pct >= 100 or required_pct >= 100:
        raise AccountingInputError(f"reductions must be finite and below 100%, got K={achieved_pct}, P={required_pct}")
    if required_pct <= 0:
        return None
    how = Completion.LINEAR if method == "linear" else Completion.LOG
    return 100 * float(completion_ratio(achieved_pct / 100, required_pct / 100, how))


def score_quantitative(outcome: TargetOutcome, rule: QuantitativeRule) -> QuantitativeScore:
    """Apply the ladder (and bonus) of `rule` to one outcome."""
    raw = completion_pct(outcome.achieved_reduction_pct, outcome.required_reduction_pct, rule.method)
    if raw is None:
        met = outcome.achieved_reduction_pct >= outcome.required_reduction_pct
        return QuantitativeScore(None, met, "met" if met else "<requirement", rule.met_points if met else 0.0, 0.0)
    done = round(raw, rule.completion_pct_decimals)
    if done >= 100:
        bonus = 0.0
        if rule.bonus:
            steps = math.floor(round((done - 100) / rule.bonus.step_pct, 9))
            bonus = min(steps * rule.bonus.points_per_step, rule.bonus.max_points)
        return QuantitativeScore(done, True, "met", rule.met_points, bonus)
    for step in rule.ladder:
        if done >= step.min_pct:
            return QuantitativeScore(done, False, f">={step.min_pct:g}%", step.points, 0.0)
    lowest = rule.ladder[-1].min_pct if rule.ladder else 100.0
    return QuantitativeScore(done, False, f"<{lowest:g}%", rule.below_points, 0.0)


@dataclass(frozen=True)
class RegionAssessment:
    """The assessment of one region for one period; `grade` is None when measures scores are missing.

    `score` is on the rubric's scale (quantitative base points + measures, at most 100 with the
    classic rubric); `bonus` the 加分 apart from it; `total` = score + bonus, capped at the scale
    unless the rubric says the total may exceed it (`scale.total_may_exceed_max`)."""

    region_code: str
    region_name: str
    period: Period
    outcome: TargetOutcome
    quantitative: QuantitativeScore
    measures: MeasuresTotal | None
    score: float
    bonus: float
    total: float
    grade: Grade | None
    veto_applied: bool
    explanation_zh: str
    explanation_en: str


def _grade_for(total: float, rubric: Rubric) -> Grade:
    return next(g for g in rubric.grades if total >= g.min_score)


def _explain(o: TargetOutcome, q: QuantitativeScore, m: MeasuresTotal | None, total: float,
             grade: Grade | None, veto: bool, period: Period, rubric: Rubric) -> tuple[str, str]:
    done_zh = f"完成进度{q.completion_pct:.2f}%" if q.completion_pct is not None else "要求非降低"
    done_en = f"completion {q.completion_pct:.2f}%" if q.completion_pct is not None else "no reduction required"
    zh = (f"{period.name_zh}：{o.region_name}累计降低{o.achieved_reduction_pct:.2f}%，要求{o.required_reduction_pct:.2f}%"
          f"（{o.requirement_zh or '进度要求'}），{done_zh}，定量得分{q.base_points:g}分（档位{q.step}）"
          f"{f'，另加分{q.bonus_points:g}分（超额完成加分，不计入{rubric.scale.max_points:g}分制得分）' if q.bonus_points else ''}")
    en = (f"{period.name_en}: {o.region_name} reduced by {o.achieved_reduction_pct:.2f}% against "
          f"{o.required_reduction_pct:.2f}% required ({o.requirement_en or 'progress requirement'}), {done_en}, "
          f"quantitative {q.base_points:g} points (step {q.step})"
          f"{f', plus a bonus (加分) of {q.bonus_points:g} outside the {rubric.scale.max_points:g}-point score' if q.bonus_points else ''}")
    if m is None:
        zh += "；未提供措施评分，暂不定等级"
        en += "; no measures scores, so no grade yet"
    else:
        score = q.base_points + m.points
        zh += f"；措施得分{m.points:g}分；得分{score:g}分（{rubric.scale.max_points:g}分制）"
        en += f"; measures {m.points:g} points; score {score:g} of {rubric.scale.max_points:g}"
        if q.bonus_points:
            cap = "" if rubric.scale.total_may_exceed_max else f"，封顶{rubric.scale.max_points:g}分"
            cap_en = "" if rubric.scale.total_may_exceed_max else f", capped at {rubric.scale.max_points:g}"
            zh += f" + 加分{q.bonus_points:g}分 = 总分{total:g}分{cap}"
            en += f" + bonus {q.bonus_points:g} = total {total:g}{cap_en}"
    if veto:
        zh += "；未完成能耗强度目标，一票否决"
        en += "; intensity requirement missed: veto"
    if grade is not None:
        zh += f"；等级：{grade.name_zh}"
        en += f"; grade: {grade.name_en}"
    return zh + "。", en + "."


def _vetoed(region: str, by_key: dict[tuple[str, str], TargetOutcome], rubric: Rubric, period: Period) -> bool:
    veto = rubric.veto
    if veto is None or period.kind not in veto.periods:
        return False
    for indicator in veto.indicators:
        outcome = by_key.get((region, indicator))
        if outcome is None:
            raise AccountingInputError("no outcome for a veto indicator", region=region, indicator=indicator)
        if not score_quantitative(outcome, rubric.quantitative).met:
            return True
    return False


def assess(
    outcomes: Sequence[TargetOutcome],
    rubric: Rubric,
    period: Period,
    measures: dict[str, MeasuresTotal] | None = None,
) -> list[RegionAssessment]:
    """Score every region that has an outcome for the rubric's quantitative indicator, in input order."""
    by_key = {(o.region_code, o.indicator): o for o in outcomes}
    measures = measures or {}
    scored = [o for o in outcomes if o.indicator == rubric.quantitative.indicator]
    unknown = sorted(set(measures) - {o.region_code for o in scored})
    if unknown:
        raise AccountingInputError(
            "measures scores given for a region with no quantitative outcome", region=unknown[0],
            indicator=rubric.quantitative.indicator, year=period.year,
        )
    results = []
    for o in scored:
        q = score_quantitative(o, rubric.quantitative)
        m = measures.get(o.region_code)
        score = q.base_points + (m.points if m else 0.0)
        total = score + q.bonus_points
        if not rubric.scale.total_may_exceed_max:
            total = min(total, rubric.scale.max_points)
        veto = _vetoed(o.region_code, by_key, rubric, period)
        grade: Grade | None = None
        if veto and rubric.veto is not None:
            grade = rubric.grade(rubric.veto.grade)
        elif m is not None:
            grade = _grade_for(total, rubric)
        zh, en = _explain(o, q, m, total, grade, veto, period, rubric)
        results.append(RegionAssessment(o.region_code, o.region_name, period, o, q, m, score, q.bonus_points, total,
                                        grade, veto, zh, en))
    return results
