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


def _fingerprint(parameters: dict[str, Any], inputs: list[dict[str, Any]]) -> str:
    text = json.dumps({"method": METHOD, "version": RULE_VERSION, "parameters": parameters, "inputs": inputs},
                      sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _is_current(run: DecompositionRun | None, fingerprint: str, n_regions: int) -> bool:
    return (run is not None and run.fingerprint == fingerprint
            and RegionalTarget.objects.filter(decomposition=run).count() == n_regions)


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
    plan = Plan.objects.filter(code=plan_code).first()
    if plan is None:
        raise LookupError(f"plan '{plan_code}' is not loaded in the database (run `ecer demo` or load the plan)")
    indicator = Indicator.objects.get(code=INDICATOR)
    parameters = json.loads(json.dumps(dataclasses.asdict(result.params), default=str))
    fingerprint = _fingerprint(parameters, inputs)
    allocations = result.allocations
    with transaction.atomic():
        latest = DecompositionRun.objects.filter(plan=plan, indicator=indicator).first()
        if _is_current(latest, fingerprint, len(allocations)):
            assert latest is not None
            return SavedDecomposition(latest, changed=False, replaced=0)
        old = list(RegionalTarget.objects.filter(plan=plan, indicator=indicator).select_related("region"))
        outputs = {"allocations": [dataclasses.asdict(a) for a in allocations],
                   "check": dataclasses.asdict(result.check), "shift_pct": result.shift_pct,
                   "provincial_productivity_10k_yuan_per_tce": result.provincial_productivity_10k_yuan_per_tce,
                   "notes": list(result.notes)}
        run = DecompositionRun.objects.create(
            plan=plan, indicator=indicator, method=METHOD, method_name_zh=METHOD_NAME_ZH, rule_version=RULE_VERSION,
            parameters=parameters, inputs=inputs, outputs=outputs, data_source=data_source, fingerprint=fingerprint,
            is_illustrative=illustrative, created_by=user if user is not None and user.is_authenticated else None,
            replaced=[{"region": t.region.code, "basic": t.basic_value, "incentive": t.incentive_value,
                       "annual": t.annual, "decomposition_run": t.decomposition_id} for t in old],
        )
        RegionalTarget.objects.filter(pk__in=[t.pk for t in old]).delete()
        regions = {r.code: r for r in Region.objects.filter(code__in=[a.region_code for a in allocations])}
        unknown = [a.region_code for a in allocations if a.region_code not in regions]
        if unknown:
            raise LookupError(f"region(s) {', '.join(unknown)} not loaded in the database")
        RegionalTarget.objects.bulk_create([
            RegionalTarget(plan=plan, region=regions[a.region_code], indicator=indicator,
                           basic_value=a.basic_reduction_pct, incentive_value=a.incentive_reduction_pct,
                           annual={}, decomposition=run)
            for a in allocations
        ])
    return SavedDecomposition(run, changed=True, replaced=len(old))


def decompose_from_database(plan_code: str, **params: Any) -> SavedDecomposition:
    """Decompose the plan's energy-intensity reduction target to the cities of the plan's region from
    the current approved base-year observations, and save it (what `ecer demo` runs).

    `params`: keyword arguments of `ecer.core.decomposition.DecompositionParams` other than the
    plan's reduction and years (margin_pct, incentive_extra_pct, ...), and `growth_pct` (default 6.0).
    Raises LookupError (plan or target missing) or AccountingInputError (unusable data, named).
    """
    from ecer.accounting.decomposition import VARIABLES, city_bases
    from ecer.accounting.gather_db import load_panels, plan_inputs_from_db, region_info
    from ecer.core.decomposition import DecompositionParams, decompose

    plan = plan_inputs_from_db(plan_code)
    target = next((t for t in plan.targets if t.indicator.code == INDICATOR and t.kind == "reduction"),
                  None) if plan else None
    if plan is None or target is None:
        raise LookupError(f"plan '{plan_code}' is not loaded or has no {INDICATOR} reduction target")
    root = Region.objects.get(code=target.region.code)
    cities = [region_info(r) for r in Region.objects.get_children(root) if r.level == "city"]
    growth = params.pop("growth_pct", 6.0)
    data = load_panels([c.code for c in cities], VARIABLES, [target.base_year])
    gathered = city_bases(data, cities, target.base_year, growth, {})
    result = decompose(gathered.bases, DecompositionParams(target.value, target.base_year, target.target_year, **params),
                       expected_codes=[c.code for c in cities])
    return save_decomposition(plan_code, result, gathered.inputs, "database", gathered.illustrative)
