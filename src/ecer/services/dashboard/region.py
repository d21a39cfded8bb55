"""The region page: every indicator's actual path against its required path from the base year to
the target year, the annual table, the light, the forecast with its interval, the explanation, and
the data versions (observations, import batches, decomposition runs) the figures came from."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ecer.accounting import ReportRow
from ecer.services.actor import Actor
from ecer.services.dashboard.common import DEFAULT_PLAN, TargetMeta, context, figure, index_rows, pick_year
from ecer.services.dashboard.levels import Level, level_of
from ecer.services.errors import NotFound

_REF = re.compile(r"(observation|batch|decomposition):(\d+)")


@dataclass(frozen=True)
class YearFigures:
    year: int
    actual: float | None
    required: float | None
    gap: float | None
    completion_pct: float | None
    level: Level | None  # None: the base year (nothing assessed)
    computed: bool  # False: no row for this year (the base year, or a year without data yet)


@dataclass(frozen=True)
class DataRef:
    """A data version named in a figure's provenance, with what a link needs."""

    kind: str  # observation | batch | decomposition
    id: int
    text: str  # the provenance text, e.g. "observation:1159 v1 batch:1 (illustrative-statistics.csv)"


@dataclass(frozen=True)
class IndicatorPanel:
    target: TargetMeta
    name: str
    unit: str  # unit code of the figures ("pct": cumulative reduction in percent)
    row: ReportRow  # the chosen year's row (status, light, explanation, provenance)
    level: Level
    years: list[YearFigures]  # base year … target year
    target_value: float | None
    target_incentive: float | None
    forecast: dict[str, object] | None
    explanation: str
    refs: list[DataRef]  # import batches and decomposition runs (observations: on the drill-down page)
    observations: int  # how many observation versions the chosen year's figures read


@dataclass(frozen=True)
class RegionPage:
    plan_code: str
    region_code: str
    region_name: str
    year: int
    years: list[int]
    panels: list[IndicatorPanel]
    illustrative: bool
    data_version: str


def data_refs(row: ReportRow) -> list[DataRef]:
    """The distinct batches and decomposition runs behind a row, then its observations (in order)."""
    seen: dict[tuple[str, int], DataRef] = {}
    for item in row.provenance.get("inputs", []):
        text = str(item.get("data_version", ""))
        for kind, ident in _REF.findall(text):
            seen.setdefault((kind, int(ident)), DataRef(kind, int(ident), text))
    order = {"batch": 0, "decomposition": 1, "observation": 2}
    return sorted(seen.values(), key=lambda r: (order.get(r.kind, 3), r.id))


def _base_figures(target: TargetMeta) -> YearFigures:
    # A reduction is measured from the base year: 0 achieved, 0 required there.
    zero = 0.0 if target.kind == "reduction" else None
    return YearFigures(target.base_year, zero, zero, None, None, None, False)


def _panel(target: TargetMeta, rows: dict[int, ReportRow | None], year: int, lang: str) -> IndicatorPanel | None:
    row = rows.get(year)
    if row is None:
        return None
    figures = [_base_figures(target)]
    for y in range(target.base_year + 1, target.target_year + 1):
        r = rows.get(y)
        if r is None:
            # The requirement of the target year is the region's target itself (cumulative for a reduction).
            end = figure(row.target_value) if y == target.target_year else None
            figures.append(YearFigures(y, None, end, None, None, None, False))
        else:
            figures.append(YearFigures(y, figure(r.actual), figure(r.required), figure(r.gap),
                                       figure(r.completion_pct), level_of(r, lang), True))
    refs = data_refs(row)
    return IndicatorPanel(target, target.name(lang), row.value_unit, row, level_of(row, lang), figures,
                          figure(row.target_value), figure(row.target_incentive), row.forecast or {},
                          row.explanation(lang), [r for r in refs if r.kind != "observation"],
                          sum(1 for r in refs if r.kind == "observation"))


def region_page(region_code: str, year: int | None = None, plan_code: str = DEFAULT_PLAN, *, actor: Actor,
                lang: str = "zh") -> RegionPage:
    """Every target of the plan for one region (the actor must may read it): paths, tables, lights."""
    from ecer.services.actor import require_region

    require_region(actor, region_code)
    ctx = context(plan_code)
    chosen = pick_year(ctx.years, year)
    by_year = {y: index_rows(ctx.report(y).rows) for y in ctx.years}
    sample = next((r for r in ctx.report(chosen).rows if r.region_code == region_code), None)
    if sample is None:
        raise NotFound(f"region {region_code} is not reported in plan '{plan_code}'")
    panels = []
    for target in ctx.meta.targets:
        rows = {y: by_year[y].get((region_code, target.code)) for y in ctx.years}
        panel = _panel(target, rows, chosen, lang)
        if panel is not None:
            panels.append(panel)
    return RegionPage(ctx.meta.code, region_code, sample.region_name(lang), chosen, ctx.years, panels,
                      ctx.report(chosen).illustrative, ctx.version.key)
