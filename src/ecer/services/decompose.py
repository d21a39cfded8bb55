"""Use case: decompose the plan's provincial targets to its cities (目标分解), and store them.

- `decompose_intensity`: the energy-intensity reduction target, by the productivity-tier method
  (`ecer.core.decomposition`), from the database or a statistics file; with `save`, stored as the
  plan's regional targets with a DecompositionRun as provenance.
- `decompose_amounts`: the plan's amount targets (万吨 …), pro rata by a basis variable
  (`ecer.core.decomposition_amounts`), stored one run per indicator.
- `decompose_from_database`: both, from the database, as `ecer demo` runs them.

Reading needs the province in the actor's scope; saving needs a province administrator (or the
system). See docs/decomposition-and-assessment.md.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ecer.core.errors import AccountingInputError
from ecer.errors import InputFileError
from ecer.services.actor import Actor, Role, require_region, require_role
from ecer.services.errors import InvalidRequest, NotFound, ServiceError
from ecer.services.source import DEFAULT_PLAN, INTENSITY, cities, open_source, reduction_target
from ecer.services.users import django_user

#: Who may store decomposed targets (they become every city's assessed target).
SAVE_ROLES = (Role.PROVINCE_ADMIN,)


@dataclass(frozen=True)
class SavedRun:
    """A stored decomposition run: its id, whether anything was written, how many targets it replaced."""

    run_id: int
    changed: bool
    replaced: int
    targets: int


@dataclass(frozen=True)
class IntensityDecomposition:
    plan_code: str
    province: str
    data_source: str  # "database" or the statistics file's name and sha256
    result: Any  # ecer.core.decomposition.Decomposition
    saved: SavedRun | None = None


def _saved_run(saved: Any) -> SavedRun:
    return SavedRun(saved.run.pk, saved.changed, saved.replaced, saved.run.targets.count())


def decompose_intensity(plan_code: str = DEFAULT_PLAN, *, actor: Actor, data_file: str | None = None,
                        province: str | None = None, reduction: float | None = None, base_year: int | None = None,
                        target_year: int | None = None, margin: float = 0.5, incentive_extra: float = 0.5,
                        growth: float = 6.0, growth_for: Mapping[str, float] | None = None,
                        round_step: float = 0.1, save: bool = False) -> IntensityDecomposition:
    """Decompose the provincial intensity-reduction target to the province's cities, every step shown.

    Reduction and years default to the plan's target. Raises InvalidRequest (no target and no
    reduction given, unknown province), InputFileError (bad statistics file: every problem),
    ServiceError (unusable data: names city, variable and year), PermissionDenied."""
    from ecer.accounting.decomposition import VARIABLES, city_bases
    from ecer.core.decomposition import DecompositionParams, decompose

    if save:
        require_role(actor, *SAVE_ROLES)
    source = open_source(plan_code, data_file)
    target = reduction_target(source, INTENSITY)
    if target is not None:
        reduction = target.value if reduction is None else reduction
        base_year = target.base_year if base_year is None else base_year
        target_year = target.target_year if target_year is None else target_year
    if reduction is None or base_year is None or target_year is None:
        raise InvalidRequest(f"plan '{plan_code}' has no {INTENSITY} reduction target here: "
                             "give the reduction, base year and target year", param="reduction")
    province, city_list = cities(source, province)
    require_region(actor, province)
    try:
        data = source.panels([c.code for c in city_list], VARIABLES, [base_year])
        gathered = city_bases(data, city_list, base_year, growth, dict(growth_for or {}))
        params = DecompositionParams(reduction, base_year, target_year, margin_pct=margin,
                                     incentive_extra_pct=incentive_extra, round_step_pct=round_step)
        result = decompose(gathered.bases, params, expected_codes=[c.code for c in city_list])
    except AccountingInputError as err:
        raise ServiceError(str(err)) from err
    out = IntensityDecomposition(plan_code, province, source.label, result)
    if not save:
        return out
    if source.plan is None:
        raise NotFound("saving needs the plan loaded in the database (run `ecer demo`)")
    from ecer.masterdata.services.decomposition import save_decomposition

    try:
        saved = save_decomposition(source.plan.code, result, gathered.inputs, source.label, gathered.illustrative,
                                   django_user(actor))
    except LookupError as err:
        raise NotFound(str(err)) from err
    return dataclasses.replace(out, saved=_saved_run(saved))


def _plan_cities(plan_code: str) -> tuple[Any, Any, list[Any]]:
    from ecer.accounting.gather_db import plan_inputs_from_db, region_info
    from ecer.masterdata.models import Region

    plan = plan_inputs_from_db(plan_code)
    target = plan.reduction_target(INTENSITY) if plan else None
    if plan is None or target is None:
        raise NotFound(f"plan '{plan_code}' is not loaded or has no {INTENSITY} reduction target")
    root = Region.objects.get(code=target.region.code)
    return plan, target, [region_info(r) for r in Region.objects.get_children(root) if r.level == "city"]


def decompose_amounts(plan_code: str = DEFAULT_PLAN, *, actor: Actor,
                      amounts: Mapping[str, Mapping[str, Any]] | None = None) -> list[SavedRun]:
    """Decompose and store every amount target of the loaded plan to the cities of its region.

    `amounts`: per indicator code, overrides of its parameters (basis, basis_year, margin_pct,
    round_step, incentive_extra_pct)."""
    from ecer.masterdata.services.decomposition_amounts import decompose_amounts_from_database

    require_role(actor, *SAVE_ROLES)
    plan, _, city_list = _plan_cities(plan_code)
    require_region(actor, plan.region.code)
    try:
        saved = decompose_amounts_from_database(plan_code, city_list, amounts)
    except LookupError as err:
        raise NotFound(str(err)) from err
    except AccountingInputError as err:
        raise ServiceError(str(err)) from err
    return [_saved_run(s) for s in saved]


@dataclass(frozen=True)
class DatabaseDecomposition:
    intensity: SavedRun
    amounts: tuple[SavedRun, ...] = ()


def decompose_from_database(plan_code: str = DEFAULT_PLAN, *, actor: Actor, with_amounts: bool = True,
                            amounts: Mapping[str, Mapping[str, Any]] | None = None,
                            growth_pct: float = 6.0, **params: Any) -> DatabaseDecomposition:
    """Decompose and store the plan's intensity target (and, unless `with_amounts` is False, its
    amount targets) from the current approved base-year observations: what `ecer demo` runs.

    `params`: keyword arguments of `ecer.core.decomposition.DecompositionParams` other than the
    plan's reduction and years (margin_pct, incentive_extra_pct, round_step_pct, ...)."""
    from ecer.accounting.decomposition import VARIABLES, city_bases
    from ecer.accounting.gather_db import load_panels
    from ecer.core.decomposition import DecompositionParams, decompose
    from ecer.masterdata.services.decomposition import save_decomposition

    require_role(actor, *SAVE_ROLES)
    _, target, city_list = _plan_cities(plan_code)
    require_region(actor, target.region.code)
    try:
        data = load_panels([c.code for c in city_list], VARIABLES, [target.base_year])
        gathered = city_bases(data, city_list, target.base_year, growth_pct, {})
        result = decompose(gathered.bases, DecompositionParams(target.value, target.base_year, target.target_year,
                                                               **params), expected_codes=[c.code for c in city_list])
    except AccountingInputError as err:
        raise ServiceError(str(err)) from err
    saved = save_decomposition(plan_code, result, gathered.inputs, "database", gathered.illustrative,
                               django_user(actor))
    runs = tuple(decompose_amounts(plan_code, actor=actor, amounts=amounts)) if with_amounts else ()
    return DatabaseDecomposition(_saved_run(saved), runs)


def growth_map(entries: Sequence[str]) -> dict[str, float]:
    """`CODE=PCT` entries (510100=6.5) as {code: pct}; InvalidRequest naming the bad entry."""
    out: dict[str, float] = {}
    for entry in entries:
        code, sep, pct = entry.partition("=")
        if not sep:
            raise InvalidRequest(f"'{entry}': expected CODE=PCT, e.g. 510100=6.5", param="growth_for")
        try:
            out[code.strip()] = float(pct)
        except ValueError:
            raise InvalidRequest(f"'{entry}': expected CODE=PCT, e.g. 510100=6.5", param="growth_for") from None
    return out


__all__ = ["DatabaseDecomposition", "InputFileError", "IntensityDecomposition", "SavedRun", "decompose_amounts",
           "decompose_from_database", "decompose_intensity", "growth_map"]
