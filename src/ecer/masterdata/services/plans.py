"""Loading a plan file into the relational store.

Rule (documented in docs/architecture.md): a plan is identified by its code. Loading a file whose
sha256 equals the stored `source_sha256` does nothing. Loading a changed file replaces the plan's
content in one transaction: programmes, targets and tasks are matched on their codes and updated in
place (so their database ids, which other records point at, survive), entries no longer in the file are
deleted, and annual and regional targets are rewritten. The file itself, by its hash, is the version
of record; keep old files in version control to see what a plan said before.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from ecer.masterdata.models import (
    AnnualTarget,
    Department,
    Indicator,
    Plan,
    PlanTask,
    Programme,
    Region,
    RegionalTarget,
    Target,
)
from ecer.plans import load_plan, plan_path
from ecer.plans import model as pm


@dataclass(frozen=True)
class PlanLoaded:
    plan: Plan
    changed: bool  # False: the same file (by sha256) was already loaded; nothing was written


def plan_region(plan: pm.Plan) -> Region:
    """The region a plan's own targets apply to: the deepest region whose Chinese name starts the
    issuer's name (四川省人民政府 → 四川省); a plan whose issuer names no region (国务院) applies to
    the root region (the country)."""
    matches = [r for r in Region.objects.all() if plan.issuer_zh.startswith(r.name_zh)]
    if matches:
        deepest: Region = max(matches, key=lambda r: r.depth)
        return deepest
    root: Region | None = Region.objects.get_first_root_node()
    if root is None:
        raise LookupError("no regions are loaded; run load_catalogs() before loading a plan")
    return root


def _sync_departments(plan: pm.Plan) -> dict[str, Department]:
    for d in plan.departments:
        Department.objects.update_or_create(code=d.code, defaults={"name_zh": d.name_zh, "name_en": d.name_en})
    return {d.code: d for d in Department.objects.filter(code__in=[d.code for d in plan.departments])}


def _sync_programmes(row: Plan, plan: pm.Plan) -> dict[str, Programme]:
    keep = []
    for order, p in enumerate(plan.programmes):
        obj, _ = Programme.objects.update_or_create(plan=row, code=p.code, defaults={
            "name_zh": p.name_zh, "name_en": p.name_en, "clause": p.clause, "order": order + 1})
        keep.append(obj.pk)
    Programme.objects.filter(plan=row).exclude(pk__in=keep).delete()
    return {p.code: p for p in Programme.objects.filter(plan=row)}


def _sync_targets(row: Plan, plan: pm.Plan, region: Region, depts: dict[str, Department]) -> None:
    programmes = _sync_programmes(row, plan)
    indicators = {i.code: i for i in Indicator.objects.all()}
    keep = []
    for order, t in enumerate(plan.targets):
        if t.indicator not in indicators:
            raise LookupError(f"plan {plan.code}: target {t.code} uses indicator {t.indicator!r}, "
                              "which is not loaded; run load_catalogs() first")
        obj, _ = Target.objects.update_or_create(plan=row, code=t.code, defaults={
            "programme": programmes.get(t.programme), "indicator": indicators[t.indicator], "region": region,
            "name_zh": t.name_zh, "name_en": t.name_en, "unit": t.unit, "base_year": t.base_year,
            "target_year": t.target_year, "kind": t.kind, "comparator": t.comparator, "value": t.value,
            "incentive_value": t.incentive, "clause": t.clause, "order": order + 1})
        obj.lead_departments.set([depts[c] for c in t.lead_departments])
        obj.co_departments.set([depts[c] for c in t.co_departments])
        AnnualTarget.objects.filter(target=obj).delete()
        AnnualTarget.objects.bulk_create(
            [AnnualTarget(target=obj, year=y, value=v) for y, v in plan.annual_for(t.code).items()])
        keep.append(obj.pk)
    Target.objects.filter(plan=row).exclude(pk__in=keep).delete()


def _sync_regional(row: Plan, plan: pm.Plan) -> None:
    RegionalTarget.objects.filter(plan=row).delete()
    regions = {r.code: r for r in Region.objects.filter(code__in={rt.region for rt in plan.regional_targets})}
    indicators = {i.code: i for i in Indicator.objects.all()}
    RegionalTarget.objects.bulk_create([
        RegionalTarget(plan=row, region=regions[rt.region], indicator=indicators[rt.indicator],
                       basic_value=rt.basic, incentive_value=rt.incentive,
                       annual={str(y): v for y, v in rt.annual.items()})
        for rt in plan.regional_targets
    ])


def _sync_tasks(row: Plan, plan: pm.Plan, depts: dict[str, Department]) -> None:
    keep = []
    for t in plan.tasks:
        obj, _ = PlanTask.objects.update_or_create(plan=row, code=t.code, defaults={
            "title": t.title_zh, "title_en": t.title_en, "clause": t.clause, "kind": t.kind})
        obj.departments.set([depts[c] for c in [*t.lead_departments, *t.co_departments]])
        keep.append(obj.pk)
    PlanTask.objects.filter(plan=row).exclude(pk__in=keep).delete()


def load_plan_into_db(code_or_path: str | Path) -> PlanLoaded:
    """Load a bundled plan (by code) or a plan file (by path); see the module docstring for the rule."""
    path = plan_path(code_or_path)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    plan = load_plan(path)  # raises InputFileError listing every problem in the file
    existing = Plan.objects.filter(code=plan.code).first()
    if existing is not None and existing.source_sha256 == sha:
        return PlanLoaded(existing, changed=False)
    with transaction.atomic():
        row, _ = Plan.objects.update_or_create(code=plan.code, defaults={
            "name_zh": plan.name_zh, "name_en": plan.name_en, "document_number": plan.document_number,
            "issuer": plan.issuer_zh, "base_year": plan.period.base_year, "target_year": plan.period.target_year,
            "source_file": path.name, "source_sha256": sha})
        depts = _sync_departments(plan)
        _sync_targets(row, plan, plan_region(plan), depts)
        _sync_regional(row, plan)
        _sync_tasks(row, plan, depts)
    return PlanLoaded(row, changed=True)
