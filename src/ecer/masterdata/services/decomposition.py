"""Storing a target decomposition as RegionalTargets, with a DecompositionRun as its provenance.

Rule: one set of decomposed targets per (plan, indicator) is current. Saving a decomposition
replaces that indicator's RegionalTargets of the plan in one transaction; the new run records the
targets it replaced (values and the run that had produced them), so nothing about an earlier target
is lost. Saving again with the same method, parameters and inputs (by fingerprint) while the run's
targets are still current changes nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from ecer.core.decomposition import INDICATOR
from ecer.masterdata.models import DecompositionRun, Indicator, Plan, Region, RegionalTarget

#: The method of `ecer.core.decomposition`; bump the version when its arithmetic changes.
METHOD = "decomposition.productivity_tiers"
METHOD_NAME_ZH = "能源产出率分档法"
RULE_VERSION = "1"


@dataclass(frozen=True)
class SavedDecomposition:
    run: DecompositionRun
    changed: bool  # False: an identical run's targets were already current; nothing was written
    replaced: int  # how many regional targets the run replaced


def _is_current(run: DecompositionRun | None, fingerprint: str, n_regions: int) -> bool:
    return (run is not None and run.fingerprint == fingerprint
            and RegionalTarget.objects.filter(decomposition=run).count() == n_regions)


@dataclass(frozen=True)
class RunRecord:
    """What a decomposition method hands to storage: its identity, parameters, inputs, every step's
    output, and the targets per region `(region_code, basic, incentive)`."""

    indicator: str
    method: str
    method_name_zh: str
    rule_version: str
    parameters: dict[str, Any]
    inputs: list[dict[str, Any]]
    outputs: dict[str, Any]
    targets: list[tuple[str, float, float | None]]


def store_run(plan_code: str, record: RunRecord, data_source: str, illustrative: bool,
              user: AbstractBaseUser | None = None) -> SavedDecomposition:
    """Store a decomposition run and make its targets the plan's current ones for the indicator (the
    rule of the module docstring). Raises LookupError when the plan or a region is not loaded."""
    plan = Plan.objects.filter(code=plan_code).first()
    if plan is None:
        raise LookupError(f"plan '{plan_code}' is not loaded in the database (run `ecer demo` or load the plan)")
    indicator = Indicator.objects.get(code=record.indicator)
    text = json.dumps({"method": record.method, "version": record.rule_version, "parameters": record.parameters,
                       "inputs": record.inputs}, sort_keys=True, ensure_ascii=False, default=str)
    fingerprint = hashlib.sha256(text.encode("utf-8")).hexdigest()
    with transaction.atomic():
        latest = DecompositionRun.objects.filter(plan=plan, indicator=indicator).first()
        if _is_current(latest, fingerprint, len(record.targets)):
            assert latest is not None
            return SavedDecomposition(latest, changed=False, replaced=0)
        old = list(RegionalTarget.objects.filter(plan=plan, indicator=indicator).select_related("region"))
        run = DecompositionRun.objects.create(
            plan=plan, indicator=indicator, method=record.method, method_name_zh=record.method_name_zh,
            rule_version=record.rule_version, parameters=record.parameters, inputs=record.inputs,
            outputs=record.outputs, data_source=data_source, fingerprint=fingerprint, is_illustrative=illustrative,
            created_by=user if user is not None and user.is_authenticated else None,
            replaced=[{"region": t.region.code, "basic": t.basic_value, "incentive": t.incentive_value,
                       "annual": t.annual, "decomposition_run": t.decomposition_id} for t in old],
        )
        RegionalTarget.objects.filter(pk__in=[t.pk for t in old]).delete()
        regions = {r.code: r for r in Region.objects.filter(code__in=[code for code, _, _ in record.targets])}
        unknown = [code for code, _, _ in record.targets if code not in regions]
        if unknown:
            raise LookupError(f"region(s) {', '.join(unknown)} not loaded in the database")
        RegionalTarget.objects.bulk_create([
            RegionalTarget(plan=plan, region=regions[code], indicator=indicator, basic_value=basic,
                           incentive_value=incentive, annual={}, decomposition=run)
            for code, basic, incentive in record.targets
        ])
    return SavedDecomposition(run, changed=True, replaced=len(old))


def save_decomposition(
    plan_code: str,
    result: Any,
    inputs: list[dict[str, Any]],
    data_source: str,
    illustrative: bool,
    user: AbstractBaseUser | None = None,
) -> SavedDecomposition:
    """Store `result` (an `ecer.core.decomposition.Decomposition`) as the plan's regional targets.

    `inputs`: per city, the base-year values used and their data versions; `data_source`: "database"
    or the statistics file's name and sha256. Raises LookupError when the plan is not loaded.
    """
    parameters = json.loads(json.dumps(dataclasses.asdict(result.params), default=str))
    outputs = {"allocations": [dataclasses.asdict(a) for a in result.allocations],
               "check": dataclasses.asdict(result.check), "shift_pct": result.shift_pct,
               "provincial_productivity_10k_yuan_per_tce": result.provincial_productivity_10k_yuan_per_tce,
               "notes": list(result.notes)}
    targets = [(a.region_code, a.basic_reduction_pct, a.incentive_reduction_pct) for a in result.allocations]
    record = RunRecord(INDICATOR, METHOD, METHOD_NAME_ZH, RULE_VERSION, parameters, inputs, outputs, targets)
    return store_run(plan_code, record, data_source, illustrative, user)
