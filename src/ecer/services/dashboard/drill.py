"""Drill-down (为什么): how one number was computed — the row's figures, rule and version, parameters,
every input with its data version, notes and forecast, from the stored provenance."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ecer.accounting import ReportRow
from ecer.services.actor import Actor, require_region
from ecer.services.dashboard.common import DEFAULT_PLAN, TargetMeta, context, index_rows, pick_year
from ecer.services.dashboard.levels import Level, level, level_of
from ecer.services.dashboard.region import DataRef, data_refs
from ecer.services.errors import NotFound


@dataclass(frozen=True)
class InputLine:
    name: str
    region: str
    year: str
    value: Any
    unit: str
    data_version: str
    source: str
    refs: list[DataRef]


@dataclass(frozen=True)
class Computation:
    plan_code: str
    target: TargetMeta
    name: str
    region_name: str
    year: int
    row: ReportRow
    level: Level
    annual_level: Level | None
    explanation_zh: str
    explanation_en: str
    rule: str
    rule_version: str
    parameters: list[tuple[str, str]]
    inputs: list[InputLine]
    notes: list[str]
    refs: list[DataRef]
    report_parameters: list[tuple[str, str]]
    illustrative: bool
    data_version: str


def _flat(prefix: str, value: Any, out: list[tuple[str, str]]) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _flat(f"{prefix}.{k}" if prefix else str(k), v, out)
    else:
        out.append((prefix, "—" if value is None else str(value)))


def flatten(params: dict[str, Any]) -> list[tuple[str, str]]:
    """{"barometer": {"threshold": 0.1}} → [("barometer.threshold", "0.1")]."""
    out: list[tuple[str, str]] = []
    _flat("", params, out)
    return out


def _input(item: dict[str, Any]) -> InputLine:
    text = str(item.get("data_version", ""))
    fake = ReportRow("", "", "", "", "", "", "", "", 0, "", provenance={"inputs": [item]})
    return InputLine(str(item.get("name", "")), str(item.get("region", "") or ""), str(item.get("year", "") or ""),
                     item.get("value"), str(item.get("unit", "") or ""), text, str(item.get("source", "") or ""),
                     data_refs(fake))


def computation(region_code: str, target_code: str, year: int, plan_code: str = DEFAULT_PLAN, *, actor: Actor,
                lang: str = "zh") -> Computation:
    """The computation of one region × target × year. Raises PermissionDenied, NotFound."""
    require_region(actor, region_code)
    ctx = context(plan_code)
    target = ctx.meta.target(target_code)
    chosen = pick_year(ctx.years, year)
    report = ctx.report(chosen)
    row = index_rows(report.rows).get((region_code, target.code))
    if row is None:
        raise NotFound(f"no row for region {region_code}, target {target.code}, {chosen}")
    prov = row.provenance or {}
    annual = level(row.light_annual, lang) if row.status == "ok" and row.light_annual else None
    return Computation(
        plan_code=ctx.meta.code, target=target, name=target.name(lang), region_name=row.region_name(lang),
        year=chosen, row=row, level=level_of(row, lang), annual_level=annual,
        explanation_zh=row.explanation("zh"), explanation_en=row.explanation("en"),
        rule=str(prov.get("rule", "")), rule_version=str(prov.get("rule_version", "")),
        parameters=flatten(prov.get("parameters", {}) or {}),
        inputs=[_input(i) for i in prov.get("inputs", [])], notes=[str(n) for n in prov.get("notes", [])],
        refs=data_refs(row), report_parameters=flatten(report.parameters), illustrative=report.illustrative,
        data_version=ctx.version.key)
