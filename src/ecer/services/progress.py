"""Use case: the progress report (进度与晴雨表) of a plan's targets for one year.

One row per region × target: actual, requirement, gap, completion, both lights, forecast, the
bilingual explanation and its provenance (`ecer.accounting.ReportRow`). The actor sees only the
regions of its scope: asking for another region is refused; by default the plan's region and its
children are reported, cut to what the actor may see.
"""

from __future__ import annotations

from collections.abc import Sequence

from ecer.accounting import AccountingOptions, ProgressReport
from ecer.core.errors import AccountingInputError
from ecer.services.actor import Actor, restrict_regions, visible_region_codes
from ecer.services.errors import InvalidRequest, NotFound, ServiceError

DEFAULT_PLAN = "sichuan-14fyp"


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
        return evaluate(plan_code, year, codes, options)
    except AccountingInputError as exc:
        raise InvalidRequest(str(exc)) from exc
    except DatabaseError as exc:
        raise ServiceError(f"database not ready ({exc}); run `ecer demo` first") from exc
