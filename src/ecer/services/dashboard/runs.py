"""Stored decomposition runs (目标分解): method, rule version, parameters, inputs with their data
versions, every step of the allocation and the resulting city targets. Rows of regions outside the
actor's scope are left out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ecer.services.actor import Actor, visible_region_codes
from ecer.services.dashboard.drill import flatten
from ecer.services.errors import NotFound


@dataclass(frozen=True)
class RunSummary:
    id: int
    plan_code: str
    indicator: str
    indicator_name: str
    method: str
    method_name: str
    rule_version: str
    created_at: datetime
    is_illustrative: bool
    targets: int
    data_source: str


@dataclass(frozen=True)
class CityTarget:
    region_code: str
    region_name: str
    basic_value: float
    incentive_value: float | None


@dataclass(frozen=True)
class RunPage:
    summary: RunSummary
    parameters: list[tuple[str, str]]
    columns: list[str]  # of the allocation steps
    steps: list[list[str]]  # one row per region, cells in `columns` order
    check: list[tuple[str, str]]
    notes: list[str]
    inputs: list[dict[str, Any]]  # per region: base-year values and their data versions
    targets: list[CityTarget]
    fingerprint: str
    replaced: list[Any]


def _summary(run: Any, lang: str) -> RunSummary:
    ind = run.indicator
    return RunSummary(run.pk, run.plan.code, ind.code, ind.name_en if lang == "en" else ind.name_zh, run.method,
                      run.method if lang == "en" else (run.method_name_zh or run.method), run.rule_version,
                      run.created_at, run.is_illustrative, run.targets.count(), run.data_source)


def list_runs(*, actor: Actor, lang: str = "zh") -> list[RunSummary]:
    from ecer.masterdata.models import DecompositionRun

    runs = DecompositionRun.objects.select_related("plan", "indicator").order_by("-created_at", "-pk")
    return [_summary(r, lang) for r in runs]


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def _visible(code: Any, visible: frozenset[str] | None) -> bool:
    return visible is None or str(code) in visible


def run_page(run_id: int, *, actor: Actor, lang: str = "zh") -> RunPage:
    from ecer.masterdata.models import DecompositionRun

    run = DecompositionRun.objects.select_related("plan", "indicator").filter(pk=run_id).first()
    if run is None:
        raise NotFound(f"no decomposition run {run_id}")
    visible = visible_region_codes(actor)
    outputs = run.outputs or {}
    steps = [a for a in outputs.get("allocations", []) if _visible(a.get("region_code"), visible)]
    columns: list[str] = []
    for step in steps:
        columns += [k for k in step if k not in columns]
    rows = [[_cell(step.get(c)) for c in columns] for step in steps]
    check = {k: v for k, v in outputs.items() if k not in ("allocations", "notes")}
    inputs = [i for i in (run.inputs or []) if _visible(i.get("region"), visible)]
    targets = [CityTarget(t.region.code, t.region.name_en if lang == "en" else t.region.name_zh, t.basic_value,
                          t.incentive_value)
               for t in run.targets.select_related("region").order_by("region__path")
               if _visible(t.region.code, visible)]
    return RunPage(_summary(run, lang), flatten(run.parameters or {}), columns, rows, flatten(check),
                   [str(n) for n in outputs.get("notes", [])], inputs, targets, run.fingerprint, run.replaced or [])
