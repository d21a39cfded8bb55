"""The assessment pages (目标责任评价考核): the periods that can be assessed, and one period's result —
each city's target part and measures part, the measure items with their scores, vetoes (一票否决),
grades and the ranking — from `ecer.services.assess`, the service behind `ecer assess`.

The assessment of a period is computed once per data version and measures file and reused (like
the progress reports of `cache.py`); it is computed for every city (the system's view) so that the
ranking is the province's, then cut to the actor's regions: a city's staff see their own city's row
with its rank in the province; the province's staff and auditors see every city (docs/roles.md).

Measures scores (措施得分) come from the reviewers' scores file of the period in the directory
`ECER_ASSESSMENT_MEASURES_DIR` (default `$ECER_DATA_DIR/measures`), named `annual-2023.csv`,
`midterm-2023.csv`, `final-2025.csv`. When there is none and the statistics assessed are the
illustrative demo data, the bundled illustrative scores of the year are used (示例评分, marked as
such); real statistics never get made-up scores: without a file the cities get no grade, except vetoes.
The province reviewer's recorded task scores of the year (task tracking) count too, and replace the
file's rows of the same city and item (`ecer.services.assess.read_measures`); `MeasuresSource` says
how many items of how many cities came from them.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ecer.config import ENV_ASSESSMENT_MEASURES_DIR
from ecer.services.actor import Actor, system_actor, visible_region_codes
from ecer.services.dashboard.common import DEFAULT_PLAN, context
from ecer.services.errors import InvalidRequest, NotFound

RUBRIC = "classic-40-60"
#: The intensity target whose progress row (why page) explains K and P.
INTENSITY_TARGET = "energy_intensity"


@dataclass(frozen=True)
class PeriodRef:
    text: str  # annual:2023 | midterm | final (the URL's and `ecer assess --period`'s spelling)
    kind: str
    year: int
    name: str
    available: bool  # the data year has approved data
    reason: str  # why not available


@dataclass(frozen=True)
class ItemScore:
    code: str  # the rubric's item code ("" when the reviewers' item is not in the rubric)
    name: str
    points: float  # mean over the item's reviewers
    max_points: float
    reviewers: int
    rows: str  # the scores file's rows behind it, e.g. "2, 23"


@dataclass(frozen=True)
class CityResult:
    rank: int | None  # the province's rank (by grade, then total); None without a grade
    code: str
    name: str
    achieved_pct: float
    required_pct: float
    requirement: str  # where P came from
    completion_pct: float | None
    step: str
    base_points: float
    bonus: float
    measures_points: float | None
    score: float | None
    total: float | None
    grade_code: str  # "" without a grade
    grade_name: str
    veto: bool
    explanation: str
    items: list[ItemScore]


@dataclass(frozen=True)
class RubricView:
    code: str
    name: str
    method: str
    met_points: float
    ladder: list[tuple[float, float]]  # (min completion pct, points)
    below_points: float
    bonus: str
    measures_max: float
    items: list[tuple[str, str, float, str]]  # (code, name, max points, source)
    grades: list[tuple[str, str, float]]  # (code, name, min total)
    veto: str
    scale_max: float
    total_may_exceed_max: bool


@dataclass(frozen=True)
class MeasuresSource:
    file: str  # "" when the measures come from recorded task scores only
    sha256: str
    illustrative: bool
    bundled_demo: bool
    recorded_items: int = 0  # (city, item) pairs scored from task tracking
    recorded_regions: int = 0
    incomplete: str = ""  # cities whose recorded scores cover part of the items only, e.g. "510800 1/8"


@dataclass(frozen=True)
class AssessmentPage:
    plan_code: str
    period: PeriodRef
    periods: list[PeriodRef]
    rubric: RubricView
    measures: MeasuresSource | None
    cities: list[CityResult]  # ranked (cities without a grade last, in the province's order)
    grade_counts: list[tuple[str, str, int]]  # (code, name, count) over the cities shown
    vetoed: int
    illustrative_data: bool
    data_version: str
    visible_all: bool  # the actor sees every city (else: its own, with the province's rank)


def _period_names(kind: str, year: int, lang: str) -> str:
    from ecer.core.assessment import Period

    period = Period(kind, year)  # type: ignore[arg-type]
    return period.name_en if lang == "en" else period.name_zh


def periods(plan_code: str = DEFAULT_PLAN, *, actor: Actor, lang: str = "zh") -> list[PeriodRef]:
    """Every period of the plan: the annual evaluations, the mid-term and the five-year assessment,
    each marked available when its data year has approved data."""
    from ecer.services.assess import parse_period

    ctx = context(plan_code)
    base, target = ctx.meta.base_year, ctx.meta.target_year
    reported = set(ctx.years)
    texts = [f"annual:{y}" for y in range(base + 1, target + 1)] + ["midterm", "final"]
    out = []
    for text in texts:
        kind, year = parse_period(text, base, target)
        ok = year in reported
        reason = "" if ok else (f"{year}年尚无已审核数据" if lang != "en" else f"no approved data for {year} yet")
        out.append(PeriodRef(text, kind, year, _period_names(kind, year, lang), ok, reason))
    return out


def measures_dir() -> Path:
    from ecer.config import data_dir

    raw = os.environ.get(ENV_ASSESSMENT_MEASURES_DIR, "").strip()
    return Path(raw) if raw else data_dir() / "measures"


def _measures_file(kind: str, year: int, illustrative_data: bool) -> tuple[Path, bool] | None:
    """(scores file, bundled demo?) for the period, or None (no grade except vetoes)."""
    from ecer.demo.measures import bundled_path

    own = measures_dir() / f"{kind}-{year}.csv"
    if own.is_file():
        return own, False
    demo = bundled_path(year)
    if illustrative_data and demo.is_file():
        return demo, True
    return None


def _items(scores: Any, rubric: Any) -> dict[str, list[ItemScore]]:
    """Per region, each item's score (mean over its reviewers) in the rubric's item order; `rows` are
    the scores file's rows, or "任务跟踪" for recorded task scores (row 0)."""
    order = {item.name_zh: i for i, item in enumerate(rubric.measures.items)}
    codes = {item.name_zh: item.code for item in rubric.measures.items}
    grouped: dict[str, dict[str, list[Any]]] = {}
    for s in scores:
        grouped.setdefault(s.region_code, {}).setdefault(s.item, []).append(s)
    out = {}
    for region, items in grouped.items():
        rows = [ItemScore(codes.get(name, ""), name, sum(s.score for s in found) / len(found), found[0].max_points,
                          len(found), ", ".join(str(s.row) if s.row else "任务跟踪" for s in found))
                for name, found in items.items()]
        out[region] = sorted(rows, key=lambda r: order.get(r.name, len(order)))
    return out


@dataclass(frozen=True)
class _Computed:
    done: Any  # ecer.services.assess.Assessment
    items: dict[str, list[ItemScore]]
    source: MeasuresSource | None


_memory: dict[tuple[str, str], tuple[str, _Computed]] = {}
_lock = threading.Lock()


def _compute(plan_code: str, kind: str, year: int, text: str, illustrative: bool) -> _Computed:
    from ecer.services.assess import assess

    found = _measures_file(kind, year, illustrative)
    path, bundled = found if found is not None else (None, False)
    done = assess(text, plan_code, actor=system_actor(), measures=str(path) if path else None, rubric_code=RUBRIC)
    used = done.measures
    if used is None:
        return _Computed(done, {}, None)
    rec = used.get("recorded") or {}
    source = MeasuresSource(path.name if path else "", hashlib.sha256(path.read_bytes()).hexdigest() if path else "",
                            bool(used.get("illustrative")), bundled, int(rec.get("items", 0)),
                            int(rec.get("regions", 0)),
                            ", ".join(f"{r} {n}" for r, n in sorted((rec.get("incomplete") or {}).items())))
    return _Computed(done, _items(done.measure_scores, done.rubric), source)


def _file_key(kind: str, year: int) -> str:
    own = measures_dir() / f"{kind}-{year}.csv"
    try:
        stat = own.stat()
    except OSError:
        return "-"
    return f"{stat.st_mtime_ns}:{stat.st_size}"


def _computed(plan_code: str, period: PeriodRef, version_key: str, illustrative: bool) -> _Computed:
    """The period's assessment for every city, computed at most once per data version and scores file."""
    key = (plan_code, period.text)
    from ecer.services.tasks import scores_stamp

    stamp = f"{version_key}|{_file_key(period.kind, period.year)}|{scores_stamp()}"
    hit = _memory.get(key)
    if hit and hit[0] == stamp:
        return hit[1]
    with _lock:
        hit = _memory.get(key)
        if hit and hit[0] == stamp:
            return hit[1]
        computed = _compute(plan_code, period.kind, period.year, period.text, illustrative)
        _memory[key] = (stamp, computed)
        return computed


def forget_memory() -> None:
    """Drop this process's assessments (tests, benchmarks)."""
    _memory.clear()


def _rubric_view(rubric: Any, lang: str, indicator_names: dict[str, str]) -> RubricView:
    en = lang == "en"
    q = rubric.quantitative
    b = q.bonus
    if b is None:
        bonus = "—"
    elif en:
        bonus = f"+{b.points_per_step:g} per full {b.step_pct:g}% above 100%, at most +{b.max_points:g}"
    else:
        bonus = f"超过100%每满{b.step_pct:g}%加{b.points_per_step:g}分，最多加{b.max_points:g}分"
    grades = {g.code: (g.name_en if en else g.name_zh) for g in rubric.grades}
    if rubric.veto is None:
        veto = "—"
    else:
        names = "、".join(indicator_names.get(i, i) for i in rubric.veto.indicators)
        periods_text = ", ".join(_period_kind_name(k, lang) for k in rubric.veto.periods)
        veto = (f"missing the requirement of {names} → {grades.get(rubric.veto.grade, rubric.veto.grade)} "
                f"whatever the total ({periods_text})" if en else
                f"未完成{names}目标要求 → {grades.get(rubric.veto.grade, rubric.veto.grade)}，不论总分（{periods_text}）")
    return RubricView(
        rubric.code, rubric.name_en if en else rubric.name_zh, q.method, q.met_points,
        [(s.min_pct, s.points) for s in q.ladder], q.below_points, bonus, rubric.measures.max_points,
        [(i.code, i.name_en if en else i.name_zh, i.max_points, i.source) for i in rubric.measures.items],
        [(g.code, g.name_en if en else g.name_zh, g.min_score) for g in rubric.grades], veto,
        rubric.scale.max_points, rubric.scale.total_may_exceed_max)


def _period_kind_name(kind: str, lang: str) -> str:
    from ecer.core.assessment import PERIOD_NAMES

    return PERIOD_NAMES[kind][1 if lang == "en" else 0]


def _city(r: Any, name: str, items: list[ItemScore], rubric: Any, lang: str) -> CityResult:
    en = lang == "en"
    o, q = r.outcome, r.quantitative
    names = {i.code: (i.name_en if en else i.name_zh) for i in rubric.measures.items}
    shown = [replace(i, name=names.get(i.code, i.name)) for i in items]
    has = r.measures is not None
    grade = r.grade
    return CityResult(
        None, r.region_code, name, o.achieved_reduction_pct, o.required_reduction_pct,
        (o.requirement_en if en else o.requirement_zh), q.completion_pct, q.step, q.base_points, r.bonus,
        r.measures.points if has else None, r.score if has else None, r.total if has else None,
        grade.code if grade else "", (grade.name_en if en else grade.name_zh) if grade else "", r.veto_applied,
        # The core writes the region's Chinese name into both explanations.
        r.explanation_en.replace(r.region_name, name) if en else r.explanation_zh, shown)


def _ranked(cities: list[CityResult], rubric: Any) -> list[CityResult]:
    """By grade (best first), then total (highest first); equal grade and total share a rank.
    Cities without a grade (no measures scores) follow unranked, in the province's order."""
    order = {g.code: i for i, g in enumerate(rubric.grades)}
    graded = sorted((c for c in cities if c.grade_code), key=lambda c: (order[c.grade_code], -(c.total or 0.0)))
    out: list[CityResult] = []
    for i, c in enumerate(graded):
        prev = out[-1] if out else None
        same = prev is not None and prev.grade_code == c.grade_code and prev.total == c.total
        out.append(replace(c, rank=prev.rank if same and prev else i + 1))
    return out + [c for c in cities if not c.grade_code]


def find_period(text: str, found: list[PeriodRef]) -> PeriodRef:
    for p in found:
        if text == p.text or (text == f"{p.kind}:{p.year}" and p.kind == "midterm"):
            return p
    raise NotFound(f"no assessment period '{text}'; periods: {', '.join(p.text for p in found)}")


def assessment_page(period_text: str, plan_code: str = DEFAULT_PLAN, *, actor: Actor,
                    lang: str = "zh") -> AssessmentPage:
    """The assessment of `period_text` (annual:YEAR | midterm | final) for the cities the actor may see,
    ranked in the province. Raises NotFound (no such period), InvalidRequest (no data for it yet),
    ServiceError (unusable data, from the assessment)."""
    ctx = context(plan_code)
    found = periods(plan_code, actor=actor, lang=lang)
    period = find_period(period_text, found)
    if not period.available:
        raise InvalidRequest(f"{period.name}: {period.reason}", param="period")
    report = ctx.report(period.year)
    computed = _computed(plan_code, period, ctx.version.key, report.illustrative)
    done = computed.done
    region_names = {row.region_code: row.region_name(lang) for row in report.rows}
    cities = _ranked([_city(r, region_names.get(r.region_code, r.region_name), computed.items.get(r.region_code, []),
                            done.rubric, lang) for r in done.results], done.rubric)
    visible = visible_region_codes(actor)
    cities = [c for c in cities if visible is None or c.code in visible]
    if not cities:
        raise NotFound(f"{actor.username} may see none of the assessed cities")
    en = lang == "en"
    counts = [(g.code, g.name_en if en else g.name_zh, sum(1 for c in cities if c.grade_code == g.code))
              for g in done.rubric.grades]
    names = {t.indicator: t.name(lang) for t in ctx.meta.targets}
    return AssessmentPage(ctx.meta.code, period, found, _rubric_view(done.rubric, lang, names), computed.source, cities,
                          counts, sum(1 for c in cities if c.veto), done.illustrative_data, ctx.version.key,
                          visible is None)
