"""The indicator page: one indicator across the regions in one year — completion sorted, the table,
the lights."""

from __future__ import annotations

from dataclasses import dataclass

from ecer.services.actor import Actor
from ecer.services.dashboard.common import (
    DEFAULT_PLAN,
    TargetMeta,
    context,
    pick_year,
    scope_key,
    scoped_rows,
)
from ecer.services.dashboard.levels import COUNTED, Level, level, level_code
from ecer.services.dashboard.overview import RegionCell, cell


@dataclass(frozen=True)
class IndicatorPage:
    plan_code: str
    target: TargetMeta
    name: str
    year: int
    years: list[int]
    province: RegionCell | None
    regions: list[RegionCell]  # cities, highest completion first (no completion: last, by gap)
    counts: list[tuple[Level, int]]
    illustrative: bool
    data_version: str
    scope: str = "all"  # which regions the actor sees ("all" or a digest): part of any cache key of the page


def indicator_page(target_code: str, year: int | None = None, plan_code: str = DEFAULT_PLAN, *, actor: Actor,
                   lang: str = "zh") -> IndicatorPage:
    ctx = context(plan_code)
    target = ctx.meta.target(target_code)
    chosen = pick_year(ctx.years, year)
    report = ctx.report(chosen)
    rows = [r for r in scoped_rows(report, actor) if r.target_code == target.code]
    root = ctx.meta.region_code
    cities = [cell(r, lang) for r in rows if r.region_code != root]
    cities.sort(key=lambda c: (c.completion_pct is None, -(c.completion_pct or 0.0), -(c.gap or 0.0), c.code))
    counted: dict[str, int] = dict.fromkeys(COUNTED, 0)
    for r in rows:
        if r.region_code != root:
            counted[level_code(r)] = counted.get(level_code(r), 0) + 1
    province = next((cell(r, lang) for r in rows if r.region_code == root), None)
    return IndicatorPage(ctx.meta.code, target, target.name(lang), chosen, ctx.years, province, cities,
                         [(level(c, lang), n) for c, n in counted.items()], report.illustrative, ctx.version.key,
                         scope_key(actor))
