"""Use case: plan listing and targets — the bundled plan files (`ecer plan`), the plans loaded in the
database with their targets (API, home page).

Plans and their targets are public master data (the plan documents are published): every actor
may read them. Checking a plan file reads a file only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ecer.errors import InputFileError
from ecer.services.actor import Actor, Role, require_role
from ecer.services.errors import NotFound


@dataclass(frozen=True)
class PlanSummary:
    code: str
    document_number: str
    issued: str
    name_zh: str
    name_en: str
    targets: int
    tasks: int


def bundled_plans(*, actor: Actor) -> list[PlanSummary]:
    """The plan files that ship with ECER, by code."""
    from ecer.plans import bundled_plans as codes
    from ecer.plans import load_plan

    out = []
    for code in codes():
        plan = load_plan(code)
        out.append(PlanSummary(code, plan.document_number, plan.issued.isoformat(), plan.name_zh, plan.name_en,
                               len(plan.targets), len(plan.tasks)))
    return out


def plan_document(code_or_path: str, *, actor: Actor) -> Any:
    """A bundled plan (by code) or a plan file (by path) as `ecer.plans.Plan`; InputFileError listing
    every problem when it cannot be loaded."""
    from ecer.plans import load_plan

    return load_plan(code_or_path)


@dataclass(frozen=True)
class PlanLoadResult:
    code: str
    targets: int
    changed: bool  # False: the same file was loaded before
    regions: int  # regions in the catalogs (loaded first)


def load_plan(code_or_path: str, *, actor: Actor) -> PlanLoadResult:
    """Load the catalogs and a bundled plan (by code) or a plan file (by path) into the database, so
    the pages have a plan (a fresh installation after `ecer manage migrate`). Province administrators
    only; InputFileError listing every problem of a bad file."""
    from ecer.masterdata.services.catalogs import load_catalogs
    from ecer.masterdata.services.plans import load_plan_into_db

    require_role(actor, Role.PROVINCE_ADMIN)
    counts = load_catalogs()
    loaded = load_plan_into_db(code_or_path)
    return PlanLoadResult(loaded.plan.code, loaded.plan.targets.count(), loaded.changed, counts.regions)


def check_plan_file(path: str, *, actor: Actor) -> list[Any]:
    """Every problem of a plan file (empty: the plan loads)."""
    from ecer.plans import check_plan_file as check

    return list(check(path))


def target_document(plan: Any, target: Any) -> dict[str, Any]:
    """One target of a plan file as JSON-ready data, with its unit of value and annual path."""
    data: dict[str, Any] = target.model_dump(mode="json")
    data["value_unit"] = target.value_unit
    data["annual"] = {str(year): value for year, value in plan.annual_for(target.code).items()}
    return data


def loaded_plans(*, actor: Actor) -> list[dict[str, Any]]:
    """The plans loaded in the database: code, names, document number, period, file sha256."""
    from ecer.masterdata.models import Plan

    return [{"code": p.code, "name_zh": p.name_zh, "name_en": p.name_en, "document_number": p.document_number,
             "base_year": p.base_year, "target_year": p.target_year, "source_sha256": p.source_sha256}
            for p in Plan.objects.all()]


def _target(t: Any) -> dict[str, Any]:
    return {"code": t.code, "indicator": t.indicator.code, "region": t.region.code,
            "programme": t.programme.code if t.programme else None, "name_zh": t.name_zh, "name_en": t.name_en,
            "unit": t.unit, "base_year": t.base_year, "target_year": t.target_year, "kind": t.kind,
            "comparator": t.comparator, "value": t.value, "incentive_value": t.incentive_value, "clause": t.clause,
            "lead_departments": [d.code for d in t.lead_departments.all()],
            "co_departments": [d.code for d in t.co_departments.all()],
            "annual": {a.year: a.value for a in t.annual.all()}}


def plan_targets(code: str, *, actor: Actor) -> list[dict[str, Any]]:
    """The targets of a loaded plan; NotFound when no plan with this code is loaded."""
    from ecer.masterdata.models import Plan

    plan = Plan.objects.filter(code=code).first()
    if plan is None:
        raise NotFound(f"plan '{code}' is not loaded")
    targets = (plan.targets.select_related("indicator", "region", "programme")
               .prefetch_related("lead_departments", "co_departments", "annual"))
    return [_target(t) for t in targets]


@dataclass
class ProgrammeGroup:
    programme: Any  # masterdata Programme, or None for the plan's overall goals
    targets: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class PlanOverview:
    """What the home page shows: the chosen plan, every loaded plan (for the selector) and the
    plan's targets grouped by programme. Holds the ORM rows, read-only, for the template's
    language-aware `name` properties."""

    plan: Any
    plans: list[Any]
    groups: list[ProgrammeGroup]


def plan_overview(code: str | None, default: str, *, actor: Actor) -> PlanOverview:
    """The plan `code` (else `default`, else the first loaded), with its targets in programme order;
    targets of no programme (the plan's overall goals, §二) come first."""
    from django.db.models import Prefetch

    from ecer.masterdata.models import Department, Plan, Programme, Target

    plans = list(Plan.objects.all())
    by_code = {p.code: p for p in plans}
    plan = by_code.get(code or "") or by_code.get(default) or (plans[0] if plans else None)
    if plan is None:
        return PlanOverview(None, plans, [])
    depts = Department.objects.order_by("code")
    targets = (Target.objects.filter(plan=plan)
               .select_related("indicator", "region", "programme")
               .prefetch_related(Prefetch("lead_departments", queryset=depts),
                                 Prefetch("co_departments", queryset=depts))
               .order_by("order", "code"))
    groups = {p.pk: ProgrammeGroup(p) for p in Programme.objects.filter(plan=plan).order_by("order", "code")}
    loose = ProgrammeGroup(None)
    for t in targets:
        groups.get(t.programme_id or -1, loose).targets.append(t)
    return PlanOverview(plan, plans, ([loose] if loose.targets else []) + [g for g in groups.values() if g.targets])


__all__ = ["InputFileError", "PlanOverview", "PlanSummary", "bundled_plans", "check_plan_file", "loaded_plans",
           "plan_document", "plan_overview", "plan_targets", "target_document"]
