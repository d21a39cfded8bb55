"""`progress_report`: read targets and current observations, call the core, return rows with provenance.

Per target of the plan: the indicator formula (catalog) is evaluated on the regions' observations,
energy deductions applied, the region's target taken from RegionalTarget if present or else the
plan's own target value (the fallback is recorded in the row's provenance), and the core computes
progress, completion, remaining task, both lights, forecast and the bilingual explanation.
A region whose inputs are missing or bad gets a row with status "error" naming variable and year;
the other regions are still computed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from ecer.accounting.options import AccountingOptions
from ecer.accounting.report import ProgressReport, ReportRow
from ecer.accounting.target_rows import TargetContext, evaluate_target_rows
from ecer.core.errors import AccountingInputError


def _regions(plan: Any, region_codes: Sequence[str] | None) -> list[Any]:
    from ecer.masterdata.models import Region

    if region_codes:
        found = {r.code: r for r in Region.objects.filter(code__in=list(region_codes))}
        unknown = [c for c in region_codes if c not in found]
        if unknown:
            raise AccountingInputError(f"unknown region code(s): {', '.join(unknown)}", region=unknown[0])
        return [found[c] for c in region_codes]
    first = plan.targets.select_related("region").first()
    if first is None:
        return []
    root = first.region
    return [root, *Region.objects.get_children(root)]


def resolve_region(text: str) -> str:
    """Region code from a code or a Chinese/English name (广元, 广元市, Guangyuan)."""
    from django.db.models import Q

    from ecer.masterdata.models import Region

    if text.isdigit():
        return text
    matches = list(Region.objects.filter(Q(name_zh=text) | Q(name_zh__startswith=text) | Q(name_en__iexact=text)))
    exact = [r for r in matches if text in (r.name_zh, r.name_en)]
    chosen = exact or matches
    if len(chosen) != 1:
        names = ", ".join(f"{r.code} {r.name_zh}" for r in chosen[:10]) or "none"
        raise AccountingInputError(f"region '{text}' matches {len(chosen)} regions ({names})")
    return str(chosen[0].code)


def progress_report(
    plan_code: str,
    year: int,
    region_codes: list[str] | None = None,
    options: AccountingOptions | None = None,
) -> ProgressReport:
    """Progress of every target of `plan_code` in `year` for the given regions (default: the plan's
    region and its children), one row per region × target."""
    from ecer.catalogs.units import load_units
    from ecer.masterdata.models import Plan

    opts = options or AccountingOptions()
    plan = Plan.objects.filter(code=plan_code).first()
    if plan is None:
        raise AccountingInputError(f"plan '{plan_code}' is not loaded (run `ecer demo` or load the plan)")
    regions = _regions(plan, region_codes)
    report = ProgressReport(plan.code, year, [], _parameters(opts, plan))
    context = TargetContext(plan=plan, year=year, regions=regions, options=opts, units=load_units())
    for target in plan.targets.select_related("indicator", "region").prefetch_related("annual"):
        if year <= target.base_year:
            report.notes.append(f"{target.code}: {year} is not after base year {target.base_year}; not assessed")
            continue
        rows, illustrative = evaluate_target_rows(context, target)
        report.rows.extend(rows)
        report.illustrative = report.illustrative or illustrative
    return report


def find_row(report: ProgressReport, region_code: str, indicator_or_target: str) -> ReportRow:
    """The row of one region and indicator (or target code); AccountingInputError when absent."""
    for row in report.rows:
        if row.region_code == region_code and indicator_or_target in (row.indicator, row.target_code):
            return row
    raise AccountingInputError("no such target in the plan for this region", region=region_code,
                               indicator=indicator_or_target, year=report.year)


def _parameters(opts: AccountingOptions, plan: Any) -> dict[str, Any]:
    progress = opts.progress
    return {
        "plan_source": f"{plan.source_file} sha256:{plan.source_sha256[:12]}",
        "price_base_year": opts.price_base_year or "target base year",
        "apply_energy_deductions": opts.apply_energy_deductions,
        "deductions": asdict(opts.deductions),
        "default_renewable_kgce_per_kwh": opts.default_renewable_kgce_per_kwh,
        "completion": progress.completion.value,
        "interpolation": progress.interpolation.value,
        "about_tolerance": progress.about_tolerance,
        "barometer": {"variant": progress.barometer.variant.value, "threshold": progress.barometer.threshold,
                      "threshold_basis": progress.barometer.threshold_basis.value},
        "fallback_for_extensive_levels": opts.fallback_for_extensive_levels,
    }
