"""Use case: the progress report (进度与晴雨表) of a plan's targets for one year.

One row per region × target: actual, requirement, gap, completion, both lights, forecast, the
bilingual explanation and its provenance (`ecer.accounting.ReportRow`). The actor sees only the
regions of its scope: asking for another region is refused; by default the plan's region and its
children are reported, cut to what the actor may see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from ecer.accounting import AccountingOptions, ProgressReport
from ecer.accounting.ledger_cells import SOURCE_FALLBACK, SOURCE_LEDGER, SOURCE_MIXED, LedgerCell
from ecer.core.errors import AccountingInputError
from ecer.core.provenance import InputRef
from ecer.services.actor import Actor, restrict_regions, visible_region_codes
from ecer.services.errors import InvalidRequest, NotFound, ServiceError

DEFAULT_PLAN = "sichuan-14fyp"


def key_project_cells(plan_code: str, *, as_of: dt.date | None = None) -> dict[tuple[str, str], LedgerCell]:
    """Where each region's key-project reduction (COD, NH₃-N, NOx, VOCs) comes from (docs/key-projects.md,
    "Progress from the ledger"):

    - a city with ledger projects reducing the pollutant: the ledger's sum of them in every accounting
      year (the stable-operation rule of `ecer.core.reduction`), 0 in the reference year, each input
      naming its projects and formula versions;
    - a city without: its typed statistics, marked `fallback: typed statistics`;
    - the plan's region (the province): the sum of its cities' figures as above (plus projects kept at
      province level), marked `ledger + fallback: typed statistics` when some cities are typed; the
      typed province number is used only when no city has a ledger project.
    """
    from ecer.accounting.gather_db import plan_inputs_from_db
    from ecer.core.reduction import POLLUTANTS, variable_code
    from ecer.masterdata.models import Region
    from ecer.masterdata.models.observations import current_observations
    from ecer.services.key_projects import OPTIONS, accounting_years, reductions_by_city

    plan = plan_inputs_from_db(plan_code)
    if plan is None or not plan.region.code:
        return {}
    variables = {variable_code(p): p for p in POLLUTANTS}
    wanted = [v for v in variables if any(t.indicator.code == v for t in plan.targets)]
    if not wanted:
        return {}
    root = plan.region.code
    root_region = Region.objects.filter(code=root).first()
    if root_region is None:
        return {}
    cities = [r.code for r in Region.objects.get_children(root_region)]
    figures = reductions_by_city(as_of=as_of)
    years = [OPTIONS.reference_year, *accounting_years()]
    typed: dict[tuple[str, str, int], tuple[float, str]] = {}
    for obs in current_observations(cities, wanted, years).select_related("region", "variable"):
        typed[(obs.region.code, obs.variable.code, int(obs.year))] = (obs.value, f"observation:{obs.pk} v{obs.version}")
    cells: dict[tuple[str, str], LedgerCell] = {}
    for var in wanted:
        pollutant = variables[var]
        for city in cities:
            by_year = figures.get((city, pollutant))
            cells[(city, var)] = (_ledger_cell(city, var, by_year, years) if by_year else
                                  LedgerCell(city, var, SOURCE_FALLBACK, _FALLBACK_NOTE))
        from_ledger = [c for c in cities if cells[(c, var)].source == SOURCE_LEDGER]
        own = figures.get((root, pollutant))
        if not from_ledger and not own:
            cells[(root, var)] = LedgerCell(root, var, SOURCE_FALLBACK, _FALLBACK_NOTE)
            continue
        cells[(root, var)] = _province_cell(root, var, cities, cells, typed, own, years)
    return cells


_FALLBACK_NOTE = ("本地区台账中无该污染物的重点工程项目，实际值采用统计报表填报数（fallback: typed statistics）。/ No project of "
                  "the ledger reduces this pollutant in this region: the typed statistics number is used "
                  "(fallback: typed statistics).")


def _ledger_cell(region: str, var: str, by_year: dict[int, Any], years: list[int]) -> LedgerCell:
    values, refs = {}, {}
    for year in years:
        figure = by_year.get(year)
        if figure is None:  # the reference year: reductions are counted against it
            values[year] = 0.0
            refs[year] = InputRef(var, 0.0, "10k_t", region, year, "ledger: reference year (0 by definition)",
                                  "key-project ledger")
            continue
        values[year] = figure.amount_10k_t
        parts = [f"{p.code} {p.amount_t:.4f} t ({p.formula}, share {p.counted_share:.4f}"
                 + (f"; not counted: {p.not_counted}" if p.not_counted else "") + ")" for p in figure.projects]
        refs[year] = InputRef(var, round(figure.amount_10k_t, 6), "10k_t", region, year,
                              "ledger: " + "; ".join(parts), "key-project ledger")
    any_figure = next(iter(by_year.values()))
    codes = [p.code for p in any_figure.projects]
    formulas = sorted({p.formula for p in any_figure.projects})
    flagged = [f"{p.code}: {', '.join(p.findings)}" for p in any_figure.projects if p.findings]
    note = (f"实际值取自重点工程项目台账：{len(codes)}个项目（{'、'.join(codes)}），按公式 {'、'.join(formulas)} 计算，"
            f"自稳定运行后计入。/ Actual from the key-project ledger: {len(codes)} project(s) ({', '.join(codes)}), "
            f"formulas {', '.join(formulas)}, counted from stable operation.")
    if flagged:
        note += (f" 待核查（已计入，待审核处理）/ open verification findings (counted until resolved): "
                 f"{'; '.join(flagged)}.")
    return LedgerCell(region, var, SOURCE_LEDGER, note, values, refs, any(f.illustrative for f in by_year.values()))


def _province_cell(root: str, var: str, cities: list[str], cells: dict[tuple[str, str], LedgerCell],
                   typed: dict[tuple[str, str, int], tuple[float, str]], own: dict[int, Any] | None,
                   years: list[int]) -> LedgerCell:
    fallback = [c for c in cities if cells[(c, var)].source == SOURCE_FALLBACK]
    values, refs = {}, {}
    illustrative = False
    for year in years:
        total, missing = 0.0, []
        for city in cities:
            cell = cells[(city, var)]
            if cell.source == SOURCE_LEDGER:
                total += cell.values[year]
                illustrative = illustrative or cell.illustrative
            elif (city, var, year) in typed:
                total += typed[(city, var, year)][0]
            else:
                missing.append(city)
        if own and year in own:
            total += own[year].amount_10k_t
        value = float("nan") if missing else total
        ledger_n = len(cities) - len(fallback)
        version = (f"sum of {len(cities)} cities: {ledger_n} from the ledger, {len(fallback)} typed statistics"
                   + (f", province-level projects {', '.join(p.code for p in own[year].projects)}"
                      if own and year in own else "")
                   + (f"; no typed value for {', '.join(missing)}" if missing else ""))
        values[year] = value
        refs[year] = InputRef(var, None if missing else round(total, 6), "10k_t", root, year, version,
                              SOURCE_MIXED if fallback else SOURCE_LEDGER)
    source = SOURCE_MIXED if fallback else SOURCE_LEDGER
    note = (f"全省实际值为各市州之和：{len(cities) - len(fallback)}个市州取自台账，{len(fallback)}个市州为统计报表填报数"
            f"（fallback: typed statistics）。/ The province's actual is the sum of its cities: "
            f"{len(cities) - len(fallback)} from the ledger, {len(fallback)} typed statistics (fallback).")
    return LedgerCell(root, var, source, note, values, refs, illustrative or any(
        (c, var, y) in typed for c in fallback for y in years))


def resolve_regions(regions: Sequence[str]) -> list[str]:
    """Region codes from codes or Chinese/English names (广元, 广元市, Guangyuan)."""
    from ecer.accounting import resolve_region

    try:
        return [resolve_region(text) for text in regions]
    except AccountingInputError as exc:
        raise InvalidRequest(str(exc)) from exc


def default_regions(plan_code: str, actor: Actor) -> list[str]:
    """The plan's region and its children that the actor may see (in the plan's order)."""
    from ecer.accounting.gather_db import plan_inputs_from_db, regions_from_db

    plan = plan_inputs_from_db(plan_code)
    if plan is None:
        raise NotFound(f"plan '{plan_code}' is not loaded (run `ecer demo` or load the plan)")
    codes = [r.code for r in regions_from_db(plan, None)]
    visible = visible_region_codes(actor)
    return codes if visible is None else [c for c in codes if c in visible]


def progress_report(plan_code: str, year: int, regions: Sequence[str] | None = None, *, actor: Actor,
                    options: AccountingOptions | None = None) -> ProgressReport:
    """Progress of every target of `plan_code` in `year` for `regions` (codes or names; default: the
    plan's region and its children within the actor's scope).

    Raises InvalidRequest (unknown region), NotFound (plan not loaded), PermissionDenied (a region
    outside the actor's scope), ServiceError (the database is not ready)."""
    from django.db.utils import DatabaseError

    from ecer.accounting import progress_report as evaluate

    try:
        if regions:
            codes = restrict_regions(actor, resolve_regions(regions)) or []
        else:
            codes = default_regions(plan_code, actor)
        if not codes:
            return ProgressReport(plan_code, year, [])
        return evaluate(plan_code, year, codes, options, ledger=key_project_cells(plan_code))
    except AccountingInputError as exc:
        raise InvalidRequest(str(exc)) from exc
    except DatabaseError as exc:
        raise ServiceError(f"database not ready ({exc}); run `ecer demo` first") from exc
