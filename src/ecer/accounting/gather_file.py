"""Gather from files, without a database: a plan file, the bundled catalogs and a statistics file
(`ecer.catalogs.statistics` layout) become the same plain inputs as `gather_db` produces."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from ecer.accounting.inputs import IndicatorInfo, PlanInputs, RegionalTargetInput, RegionInfo, TargetInput
from ecer.accounting.panels import PanelBuilder, PanelSet
from ecer.catalogs.statistics import StatRow
from ecer.core.provenance import InputRef

#: A statistics row whose source contains one of these is labelled illustrative (示例数据), as the
#: bundled demo data set is (and as `ecer data import --illustrative` labels rows in the database).
ILLUSTRATIVE_MARKERS = ("illustrative", "示例")


def catalog_region(code: str) -> RegionInfo:
    from ecer.catalogs import load_regions

    r = load_regions().get(code)
    return RegionInfo(r.code, r.name_zh, r.name_en, r.level, r.parent)


def _plan_region(issuer_zh: str) -> RegionInfo:
    """As `masterdata.services.plans.plan_region`: the deepest region whose name starts the issuer's
    name (四川省人民政府 → 四川省); else the catalog's root (the country)."""
    from ecer.catalogs import load_regions

    catalog = load_regions()
    matches = [r for r in catalog.tree_order() if issuer_zh.startswith(r.name_zh)]
    chosen = max(matches, key=lambda r: len(catalog.path(r.code))) if matches else catalog.roots()[0]
    return catalog_region(chosen.code)


def plan_inputs_from_file(code_or_path: str) -> PlanInputs:
    """A bundled plan (by code) or a plan file (by path) as PlanInputs; raises InputFileError."""
    from ecer.catalogs.indicators import load_indicators
    from ecer.plans import load_plan, plan_path

    path = plan_path(code_or_path)
    plan = load_plan(path)
    version = f"plan:{plan.code} sha256:{hashlib.sha256(path.read_bytes()).hexdigest()[:12]}"
    indicators = load_indicators()
    region = _plan_region(plan.issuer_zh)
    targets = tuple(
        TargetInput(t.code, IndicatorInfo(t.indicator, indicators[t.indicator].name_zh,
                                          indicators[t.indicator].name_en, indicators[t.indicator].unit,
                                          indicators[t.indicator].formula_text, indicators[t.indicator].direction),
                    t.unit, t.kind, t.comparator, t.value, t.incentive, t.base_year, t.target_year, t.clause,
                    region, plan.annual_for(t.code))
        for t in plan.targets
    )
    regional = tuple(
        RegionalTargetInput(rt.region, rt.indicator, rt.basic, rt.incentive, dict(rt.annual),
                            "RegionalTarget", version, rt.note)
        for rt in plan.regional_targets
    )
    return PlanInputs(plan.code, version, path.name, region, targets, regional)


def panels_from_rows(rows: Sequence[StatRow], file_label: str, region_codes: Sequence[str],
                     variables: Sequence[str], years: Sequence[int]) -> PanelSet:
    """The panels of a statistics file for these regions, variables and years (NaN where no row)."""
    from ecer.catalogs.variables import load_variables

    catalog = load_variables()
    units = {v: (catalog.get(v).unit if v in catalog else "") for v in variables}
    builder = PanelBuilder(tuple(region_codes), tuple(years), units)
    for row in rows:
        ref = InputRef(row.variable, float(row.value), row.unit or units.get(row.variable, ""), row.region_code,
                       int(row.year), f"{file_label} row {row.row_number}", row.source or None)
        illustrative = any(m in (row.source or "").lower() for m in ILLUSTRATIVE_MARKERS)
        builder.add(row.region_code, row.variable, int(row.year), float(row.value),
                    row.unit or units.get(row.variable, ""), ref, illustrative)
    return builder.build()


def read_statistics(path: str | Path) -> tuple[list[StatRow], str]:
    """The rows of a statistics file (InputFileError on any problem) and its label: name and sha256."""
    from ecer.catalogs.statistics import read_statistics_file

    path = Path(path)
    rows = read_statistics_file(path)
    return rows, f"file:{path.name} sha256:{hashlib.sha256(path.read_bytes()).hexdigest()[:12]}"
