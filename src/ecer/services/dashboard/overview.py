"""The overview (驾驶舱): one indicator in one year across the 市(州) — map cells, ranking by gap,
counts per level — and the cards of the plan's headline targets (province: actual, required, light,
trend)."""

from __future__ import annotations

from dataclasses import dataclass, field

from ecer.accounting import ReportRow
from ecer.services.actor import Actor, visible_region_codes
from ecer.services.dashboard.common import (
    DEFAULT_INDICATOR,
    DEFAULT_PLAN,
    Context,
    TargetMeta,
    context,
    figure,
    index_rows,
    pick_year,
    scope_key,
    scoped_rows,
)
from ecer.services.dashboard.levels import COUNTED, Level, level, level_code, level_of


@dataclass(frozen=True)
class RegionCell:
    """One region's figures for the chosen indicator and year (numbers in the row's `unit`)."""

    code: str
    name: str
    level: Level
    actual: float | None
    required: float | None
    gap: float | None  # > 0: short of the requirement (reductions: percentage points)
    completion_pct: float | None
    unit: str  # unit code of actual/required ("pct" for a reduction)
    explanation: str


@dataclass(frozen=True)
class TrendPoint:
    year: int
    actual: float | None
    required: float | None


@dataclass(frozen=True)
class Card:
    target: TargetMeta
    name: str
    cell: RegionCell
    trend: list[TrendPoint]
    trend_word: str  # gap narrowed / widened / unchanged against the year before, in the page language
    trend_code: str  # narrowed | widened | same | none


@dataclass(frozen=True)
class Overview:
    plan_code: str
    plan_name: str
    year: int
    years: list[int]
    indicator: TargetMeta
    indicators: list[tuple[str, str]]  # (target code, name) in plan order
    province: RegionCell | None
    cities: list[RegionCell]  # in the plan's region order
    ranking: list[RegionCell]  # largest gap first; regions without a gap last
    counts: list[tuple[Level, int]]
    cards: list[Card]
    illustrative: bool
    data_version: str
    scope: str = "all"  # which regions the actor sees ("all" or a digest): part of any cache key of the page
    notes: list[str] = field(default_factory=list)


def cell(row: ReportRow, lang: str) -> RegionCell:
    return RegionCell(row.region_code, row.region_name(lang), level_of(row, lang), figure(row.actual),
                      figure(row.required), figure(row.gap), figure(row.completion_pct), row.value_unit,
                      row.explanation(lang))


def _trend_word(points: list[TrendPoint], rows: list[ReportRow | None], lang: str) -> tuple[str, str]:
    gaps = [r.gap for r in rows[-2:] if r is not None and r.gap is not None]
    if len(gaps) < 2:
        return ("—", "none")
    change = gaps[1] - gaps[0]
    if abs(change) < 1e-9:
        return ("持平" if lang != "en" else "unchanged", "same")
    if change < 0:
        return ("差距缩小" if lang != "en" else "gap narrowed", "narrowed")
    return ("差距扩大" if lang != "en" else "gap widened", "widened")


def _cards(ctx: Context, year: int, region: str, lang: str) -> list[Card]:
    years = [y for y in ctx.years if y <= year]
    indexed = {y: index_rows(ctx.report(y).rows) for y in years}
    cards = []
    for target in ctx.meta.targets:
        if not target.headline:
            continue
        row = indexed[year].get((region, target.code))
        if row is None:
            continue
        history = [indexed[y].get((region, target.code)) for y in years]
        points = [TrendPoint(y, figure(r.actual) if r else None, figure(r.required) if r else None)
                  for y, r in zip(years, history, strict=True)]
        word, code = _trend_word(points, history, lang)
        cards.append(Card(target, target.name(lang), cell(row, lang), points, word, code))
    return cards


def overview(plan_code: str = DEFAULT_PLAN, indicator: str | None = None, year: int | None = None, *,
             actor: Actor, lang: str = "zh") -> Overview:
    """The overview of `indicator` (a target code of the plan; default energy intensity) in `year`
    (default the latest year with data), cut to the actor's regions. Raises NotFound/InvalidRequest."""
    ctx = context(plan_code)
    target = ctx.meta.target(indicator or DEFAULT_INDICATOR)
    chosen = pick_year(ctx.years, year)
    report = ctx.report(chosen)
    rows = [r for r in scoped_rows(report, actor) if r.target_code == target.code]
    root = ctx.meta.region_code
    province = next((cell(r, lang) for r in rows if r.region_code == root), None)
    cities = [cell(r, lang) for r in rows if r.region_code != root]
    ranked = sorted(cities, key=lambda c: (c.gap is None, -(c.gap or 0.0), c.code))
    counted: dict[str, int] = dict.fromkeys(COUNTED, 0)
    for r in rows:
        if r.region_code != root:
            counted[level_code(r)] = counted.get(level_code(r), 0) + 1
    visible = visible_region_codes(actor)
    card_region = root if visible is None or root in visible else (cities[0].code if cities else root)
    return Overview(
        plan_code=ctx.meta.code, plan_name=ctx.meta.name(lang), year=chosen, years=ctx.years, indicator=target,
        indicators=[(t.code, t.name(lang)) for t in ctx.meta.targets], province=province, cities=cities,
        ranking=ranked, counts=[(level(code, lang), n) for code, n in counted.items()],
        cards=_cards(ctx, chosen, card_region, lang), illustrative=report.illustrative,
        data_version=ctx.version.key, notes=report.notes, scope=scope_key(actor))

