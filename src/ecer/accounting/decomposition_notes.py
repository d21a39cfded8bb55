"""The bilingual note that says where a region's decomposed target came from (pure; no Django).

Built from the stored DecompositionRun alone (method, parameters, the region's allocation), so an
explanation always shows the numbers of the run that produced the target, not a recomputation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ecer.core.explain import format_number

AMOUNT_METHOD = "decomposition.pro_rata_basis"


@dataclass(frozen=True)
class RunInfo:
    pk: int
    method: str
    method_name_zh: str
    rule_version: str
    day: str
    illustrative: bool
    parameters: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)


def _allocation(run: RunInfo, region_code: str) -> dict[str, Any] | None:
    return next((a for a in run.outputs.get("allocations", []) if a.get("region_code") == region_code), None)


def _head(run: RunInfo, region_name_zh: str) -> tuple[str, str]:
    basis = "示例数据测算，非正式下达" if run.illustrative else "据统计数据测算"
    zh = f"{region_name_zh}目标由全省目标分解而来（目标分解第{run.pk}号，{run.method_name_zh}，{run.day}，{basis}）"
    en = (f"Target decomposed from the provincial target by run #{run.pk} ({run.method} v{run.rule_version}, "
          f"{run.day}{', illustrative data, not an issued target' if run.illustrative else ''})")
    return zh, en


def _amount_steps(run: RunInfo, region_name_zh: str, basic: float, a: dict[str, Any]) -> tuple[str, str]:
    p = run.parameters
    unit_zh, unit_en = p.get("unit_name_zh", p.get("unit", "")), p.get("unit_name_en", p.get("unit", ""))
    basis_zh, basis_en = p.get("basis_name_zh", p.get("basis", "")), p.get("basis_name_en", p.get("basis", ""))
    basis_unit_zh, basis_unit_en = p.get("basis_unit_name_zh", ""), p.get("basis_unit_name_en", "")
    total, margin, step = p.get("provincial_amount"), p.get("margin_pct", 0.0), p.get("round_step", 0.0)
    share = format_number(a["share"] * 100)
    value = format_number(a["basis_value"])
    sum_ = format_number(run.outputs.get("basis_total", float("nan")))
    amount = format_number(basic, 4)
    zh = (f"全省{total:g}{unit_zh}（安全裕度{margin:g}%）按{p.get('basis_year')}年{basis_zh}占比分摊，"
          f"{region_name_zh}{value}{basis_unit_zh}，占各市州合计{sum_}{basis_unit_zh}的{share}%，"
          f"得{format_number(a['raw_amount'], 6)}{unit_zh}，向上取整到{step:g}{unit_zh} → 基本目标{amount}{unit_zh}")
    en = (f"the provincial {total:g} {unit_en} (margin {margin:g}%) shared by {p.get('basis_year')} {basis_en}: "
          f"{value} {basis_unit_en} of the cities' {sum_} {basis_unit_en} = {share}% → {format_number(a['raw_amount'], 6)} "
          f"{unit_en}, rounded up to {step:g} → basic target {amount} {unit_en}")
    return zh, en


def decomposition_note(run: RunInfo, region_code: str, region_name_zh: str, basic: float,
                       incentive: float | None) -> str:
    """One line, Chinese then English, e.g. "成都市目标由全省目标分解而来（…）：全省14.92万吨…"."""
    head_zh, head_en = _head(run, region_name_zh)
    allocation = _allocation(run, region_code)
    if run.method == AMOUNT_METHOD and allocation is not None:
        steps_zh, steps_en = _amount_steps(run, region_name_zh, basic, allocation)
        return f"{head_zh}：{steps_zh}。/ {head_en}: {steps_en}."
    text = (f"{head_zh}：基本目标下降{basic:g}%"
            + (f"，激励目标下降{incentive:g}%" if incentive is not None else "") + f"。/ {head_en}.")
    return text
