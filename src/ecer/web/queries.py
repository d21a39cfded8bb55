"""Read-side helpers for pages: fetch what a page shows in a few queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from ecer.masterdata.models import Department, Plan, Programme, Target


@dataclass
class ProgrammeGroup:
    programme: Programme | None
    targets: list[Target] = field(default_factory=list)


def selected_plan(code: str | None, default: str) -> tuple[Plan | None, list[Plan]]:
    plans = list(Plan.objects.all())
    by_code = {p.code: p for p in plans}
    plan = by_code.get(code or "") or by_code.get(default) or (plans[0] if plans else None)
    return plan, plans


def plan_overview(plan: Plan) -> list[ProgrammeGroup]:
    """The plan's targets in programme order. Targets of no programme (the plan's overall goals, §二)
    come first."""
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
    return ([loose] if loose.targets else []) + [g for g in groups.values() if g.targets]
