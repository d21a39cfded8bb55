"""Decompose a plan's provincial amount targets (万吨, 万公里, 万立方米/日 …) to its cities and store them.

Which targets: the plan's `level` targets in an extensive unit (`ecer.accounting.options.EXTENSIVE_UNITS`)
set for a region that has cities, for which the plan file gives no regional targets of its own (an
issued regional target is never overwritten by a computed one). Method: `ecer.core.decomposition_amounts`
(pro rata by a basis variable in the base year; default basis per indicator). Each indicator gets its
own DecompositionRun (same storage rule as the intensity decomposition: one current set per plan and
indicator; unchanged inputs → unchanged run).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from typing import Any

from ecer.masterdata.services.decomposition import RunRecord, SavedDecomposition, store_run

#: The method of `ecer.core.decomposition_amounts`; bump the version when its arithmetic changes.
METHOD = "decomposition.pro_rata_basis"
METHOD_NAME_ZH = "按基数占比分摊法"
RULE_VERSION = "1"

#: Keyword arguments of `AmountParams` a caller may override per indicator.
OVERRIDABLE = ("basis", "basis_year", "margin_pct", "round_step", "incentive_extra_pct")


def amount_targets(plan: Any) -> list[Any]:
    """The plan's amount targets that are decomposed (see the module docstring); `plan` is PlanInputs."""
    from ecer.accounting.options import EXTENSIVE_UNITS

    issued = {r.indicator for r in plan.regional if r.source == "RegionalTarget"}
    return [t for t in plan.targets
            if t.kind == "level" and t.unit in EXTENSIVE_UNITS and t.indicator.code not in issued]


def _params(target: Any, overrides: Mapping[str, Any]) -> Any:
    from ecer.core.decomposition_amounts import AmountParams, default_basis

    unknown = sorted(set(overrides) - set(OVERRIDABLE))
    if unknown:
        raise TypeError(f"{target.indicator.code}: unknown decomposition parameter(s) {', '.join(unknown)}; "
                        f"allowed: {', '.join(OVERRIDABLE)}")
    values: dict[str, Any] = {"basis": default_basis(target.indicator.code), "basis_year": target.base_year}
    values.update(overrides)
    return AmountParams(target.indicator.code, target.value, target.unit, target.base_year, target.target_year,
                        **values)


def _names(unit: str, basis: str) -> dict[str, str]:
    """Display names stored with the run, so its explanation needs nothing but the run."""
    from ecer.catalogs.units import load_units
    from ecer.catalogs.variables import load_variables

    units, variables = load_units(), load_variables()
    out = {"unit_name_zh": units[unit].name_zh, "unit_name_en": units[unit].name_en} if unit in units else {}
    if basis in variables:
        var = variables.get(basis)
        out.update(basis_name_zh=var.name_zh, basis_name_en=var.name_en)
        if var.unit in units:
            out.update(basis_unit_name_zh=units[var.unit].name_zh, basis_unit_name_en=units[var.unit].name_en)
    return out


def decompose_amount_target(plan_code: str, target: Any, cities: list[Any],
                            overrides: Mapping[str, Any] | None = None) -> SavedDecomposition:
    """Decompose one amount target (a `TargetInput`) to `cities` (RegionInfo) from the current approved
    observations of the basis variable, and store it. Raises AccountingInputError naming a city
    whose basis value is missing or unusable."""
    from ecer.accounting.decomposition import basis_values
    from ecer.accounting.gather_db import load_panels
    from ecer.core.decomposition_amounts import DEFAULT_BASIS, FALLBACK_BASIS, decompose_amount

    params = _params(target, overrides or {})
    data = load_panels([c.code for c in cities], [params.basis], [params.basis_year])
    gathered = basis_values(data, cities, params.basis, params.basis_year)
    result = decompose_amount(gathered.values, params, expected_codes=[c.code for c in cities])
    parameters = json.loads(json.dumps(dataclasses.asdict(params), default=str))
    default, reason = DEFAULT_BASIS.get(params.indicator, (FALLBACK_BASIS, "default for other amount indicators"))
    parameters["basis_reason"] = reason if params.basis == default else "chosen by the caller"
    parameters["illustrative_method"] = True
    parameters.update(_names(params.unit, params.basis))
    outputs = {"allocations": [dataclasses.asdict(a) for a in result.allocations],
               "check": dataclasses.asdict(result.check), "basis_total": result.basis_total,
               "notes": list(result.notes)}
    targets = [(a.region_code, a.basic_amount, a.incentive_amount) for a in result.allocations]
    record = RunRecord(params.indicator, METHOD, METHOD_NAME_ZH, RULE_VERSION, parameters, gathered.inputs,
                       outputs, targets)
    return store_run(plan_code, record, "database", gathered.illustrative)


def decompose_amounts_from_database(plan_code: str, cities: list[Any],
                                    amounts: Mapping[str, Mapping[str, Any]] | None = None
                                    ) -> tuple[SavedDecomposition, ...]:
    """Decompose every amount target of the loaded plan to `cities` (see the module docstring).

    `amounts`: per indicator code, overrides of `OVERRIDABLE` parameters (e.g. {"cod_key_project_reduction":
    {"basis": "industrial_va_current", "margin_pct": 5}}).
    """
    from ecer.accounting.gather_db import plan_inputs_from_db

    plan = plan_inputs_from_db(plan_code)
    if plan is None:
        raise LookupError(f"plan '{plan_code}' is not loaded in the database")
    overrides = dict(amounts or {})
    targets = [t for t in amount_targets(plan) if t.region.code == plan.region.code]
    unknown = sorted(set(overrides) - {t.indicator.code for t in targets})
    if unknown:
        raise LookupError(f"no amount target to decompose for {', '.join(unknown)} in plan '{plan_code}'")
    return tuple(decompose_amount_target(plan_code, t, cities, overrides.get(t.indicator.code)) for t in targets)
