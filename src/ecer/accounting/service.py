"""`progress_report`: gather targets and current observations from the database, then evaluate.

Gathering (`gather_db`) turns the plan, its regional targets, the regions and the current approved
observations into plain inputs; `evaluate.evaluate_progress` (pure) computes every row: the indicator
formula (catalog) on the regions' observations, energy deductions, the region's target
(RegionalTarget if present, else the plan's own value, recorded as a fallback in provenance),
progress, completion, remaining task, both lights, forecast and the bilingual explanation. A region
whose inputs are missing or bad gets a row with status "error" naming variable and year; the other
regions are still computed.
"""

from __future__ import annotations

from ecer.accounting.evaluate import evaluate_progress, needed_variables, needed_years
from ecer.accounting.gather_db import load_panels, plan_inputs_from_db, regions_from_db
from ecer.accounting.ledger_cells import LedgerCells
from ecer.accounting.options import AccountingOptions
from ecer.accounting.report import ProgressReport, ReportRow
from ecer.core.errors import AccountingInputError


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
    ledger: LedgerCells | None = None,
) -> ProgressReport:
    """Progress of every target of `plan_code` in `year` for the given regions (default: the plan's
    region and its children), one row per region × target. `ledger`: the key-project reductions from
    the project ledger (ledger_cells), built by the services layer."""
    opts = options or AccountingOptions()
    plan = plan_inputs_from_db(plan_code)
    if plan is None:
        raise AccountingInputError(f"plan '{plan_code}' is not loaded (run `ecer demo` or load the plan)")
    regions = regions_from_db(plan, region_codes)
    # The plan's own region is always loaded: a city's level derived as "base plus the province's
    # increment" needs the provincial base value even when only that city is asked for.
    codes = list(dict.fromkeys([*(r.code for r in regions), *([plan.region.code] if plan.region.code else [])]))
    data = load_panels(codes, needed_variables(plan, opts), needed_years(plan, year, opts), ledger)
    return evaluate_progress(plan, regions, year, data, opts)


def find_row(report: ProgressReport, region_code: str, indicator_or_target: str) -> ReportRow:
    """The row of one region and indicator (or target code); AccountingInputError when absent."""
    for row in report.rows:
        if row.region_code == region_code and indicator_or_target in (row.indicator, row.target_code):
            return row
    raise AccountingInputError("no such target in the plan for this region", region=region_code,
                               indicator=indicator_or_target, year=report.year)
