"""Gather from the database: plan targets, regional targets (with their decomposition runs), regions
and current approved observations, as the plain inputs of `evaluate`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from ecer.accounting.decomposition_notes import RunInfo, decomposition_note
from ecer.accounting.inputs import IndicatorInfo, PlanInputs, RegionalTargetInput, RegionInfo, TargetInput
from ecer.accounting.ledger_cells import LedgerCells
from ecer.accounting.panels import PanelBuilder, PanelSet
from ecer.core.errors import AccountingInputError
from ecer.core.provenance import InputRef


def region_info(region: Any) -> RegionInfo:
    return RegionInfo(region.code, region.name_zh, region.name_en, region.level)


def _regional_input(rt: Any, plan_version: str) -> RegionalTargetInput:
    annual = {int(y): float(v) for y, v in rt.annual.items()}
    run = rt.decomposition
    if run is None:
        return RegionalTargetInput(rt.region.code, rt.indicator.code, rt.basic_value, rt.incentive_value, annual,
                                   "RegionalTarget", plan_version)
    day = run.created_at.date().isoformat()
    info = RunInfo(run.pk, run.method, run.method_name_zh, run.rule_version, day, run.is_illustrative,
                   run.parameters, run.outputs)
    note = decomposition_note(info, rt.region.code, rt.region.name_zh, rt.basic_value, rt.incentive_value)
    label = "illustrative" if run.is_illustrative else "statistics"
    return RegionalTargetInput(
        rt.region.code, rt.indicator.code, rt.basic_value, rt.incentive_value, annual,
        f"RegionalTarget ← decomposition run {run.pk} ({label}: {run.method} v{run.rule_version})",
        f"decomposition:{run.pk} {day} inputs sha256:{run.fingerprint[:12]}", note)


def plan_inputs_from_db(plan_code: str) -> PlanInputs | None:
    """The loaded plan as PlanInputs, or None when no plan with this code is loaded."""
    from ecer.catalogs.indicators import load_indicators
    from ecer.masterdata.models import Plan, RegionalTarget

    plan = Plan.objects.filter(code=plan_code).first()
    if plan is None:
        return None
    # The good direction is catalog data (not a column of the relational Indicator): read it there.
    catalog = load_indicators()
    version = f"plan:{plan.code} sha256:{plan.source_sha256[:12]}"
    targets = []
    for t in plan.targets.select_related("indicator", "region").prefetch_related("annual"):
        ind = t.indicator
        targets.append(TargetInput(
            t.code, IndicatorInfo(ind.code, ind.name_zh, ind.name_en, ind.unit, ind.formula,
                                  catalog[ind.code].direction if ind.code in catalog else ""), t.unit, t.kind,
            t.comparator, t.value, t.incentive_value, t.base_year, t.target_year, t.clause, region_info(t.region),
            {a.year: a.value for a in t.annual.all()}))
    regional = tuple(_regional_input(rt, version) for rt in RegionalTarget.objects.filter(plan=plan)
                     .select_related("region", "indicator", "decomposition"))
    # The plan's region is its first target's (all of a plan's own targets share it): no second query.
    root = targets[0].region if targets else RegionInfo("", "", "")
    return PlanInputs(plan.code, version, plan.source_file, root, tuple(targets), regional)


def regions_from_db(plan: PlanInputs, region_codes: Sequence[str] | None) -> list[RegionInfo]:
    """The regions asked for (unknown codes raise), or the plan's region and its children."""
    from ecer.masterdata.models import Region

    if region_codes:
        found = {r.code: r for r in Region.objects.filter(code__in=list(region_codes))}
        unknown = [c for c in region_codes if c not in found]
        if unknown:
            raise AccountingInputError(f"unknown region code(s): {', '.join(unknown)}", region=unknown[0])
        return [region_info(found[c]) for c in region_codes]
    if not plan.region.code:
        return []
    root = Region.objects.get(code=plan.region.code)
    return [region_info(root), *(region_info(r) for r in Region.objects.get_children(root))]


def load_panels(region_codes: Sequence[str], variables: Sequence[str], years: Sequence[int],
                ledger: LedgerCells | None = None) -> PanelSet:
    """Current approved values (NaN where none) for every region, variable and year asked for.

    `ledger` (ledger_cells): the key-project reductions of a region taken from the project ledger in
    place of its observations, or its observations kept and marked as the typed fallback."""
    from ecer.masterdata.models import Variable, current_observations

    units = dict(Variable.objects.filter(code__in=variables).values_list("code", "unit"))
    units.update({v: "" for v in variables if v not in units})
    builder = PanelBuilder(tuple(region_codes), tuple(years), units)
    rows = current_observations(region_codes, variables, years).select_related("batch")
    for obs in rows:
        code, var, year = obs.region.code, obs.variable.code, int(obs.year)
        version = f"observation:{obs.pk} v{obs.version}"
        if obs.batch_id:
            version += f" batch:{obs.batch_id} ({obs.batch.file_name})"
        builder.add(code, var, year, obs.value, obs.unit,
                    InputRef(var, obs.value, obs.unit, code, year, version, obs.source or None), obs.is_illustrative)
    wanted = set(region_codes)
    sources = {}
    for (code, var), cell in (ledger or {}).items():
        if code not in wanted or var not in units:
            continue
        sources[(code, var)] = cell
        for year, value in cell.values.items():
            builder.add(code, var, year, value, units[var], cell.refs[year], cell.illustrative)
        if not cell.values:  # the typed observations stay; their inputs say they are the fallback
            for key, ref in list(builder.refs.items()):
                if key[:2] == (code, var):
                    builder.refs[key] = replace(ref, data_version=f"{ref.data_version} — {cell.source}")
    data = builder.build()
    data.sources = sources
    return data
