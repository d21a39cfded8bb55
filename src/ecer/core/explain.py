"""Bilingual explanations and provenance for one cell (region × year) of a ProgressResult."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from ecer.core.barometer import BarometerOptions, Light, ThresholdBasis, Variant
from ecer.core.evaluate import ProgressOptions, ProgressResult, TargetKind
from ecer.core.explanation_templates import (
    HEAD,
    RENEWABLE_BASIS,
    TAIL,
    TOLERANCE_NOTE,
    TOTAL_BUDGET_BASIS,
    TOTAL_HEAD,
    TOTAL_TAIL,
    WORDS,
)
from ecer.core.progress import Comparator
from ecer.core.provenance import InputRef, Provenance, rule_version

Period = Literal["progress", "annual"]


@dataclass(frozen=True)
class Names:
    """Display names for explanations (the caller looks them up in the catalogs)."""

    region_zh: str
    region_en: str
    indicator_zh: str
    indicator_en: str
    unit_zh: str = ""
    unit_en: str = ""


def format_number(value: float, digits: int = 2, *, keep_small: bool = False) -> str:
    """Round to `digits` decimals and drop trailing zeros: 0.051 → "5.1" after ×100.

    With `keep_small`, a small non-zero value keeps two significant digits instead: for amounts a gap
    of 0.0036 万吨 is 36 t, and "差距0万吨" beside a red light would contradict it. Percentages keep
    plain rounding, where -0.001 points is noise and reads 0.
    """
    if keep_small and value != 0 and math.isfinite(value):
        digits = max(digits, 1 - math.floor(math.log10(abs(value))))
    text = f"{value:.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _outcome(light: Light, barometer: BarometerOptions) -> str:
    if light is Light.GREEN:
        return "green"
    if light is Light.NOT_ASSESSED:
        return "not_assessed"
    if light is Light.EXEMPT:
        return "exempt"
    colour = "red" if light is Light.RED else "yellow"
    if barometer.variant is Variant.NDRC2021_RISE:
        return f"{colour}_rise"
    return f"{colour}_{barometer.threshold_basis.value}"


def _tolerance_note(result: ProgressResult, required: float, opts: ProgressOptions, names: Names, lang: str,
                    amount: bool) -> str:
    if result.spec.comparator is not Comparator.ABOUT:
        return ""
    unit = names.unit_zh if lang == "zh" else names.unit_en
    return TOLERANCE_NOTE[result.spec.judged.value][lang].format(
        pct=format_number(opts.about_tolerance * 100), amount=format_number(opts.about_tolerance * abs(required),
                                                                            keep_small=amount), unit=unit)


def explain_cell(
    result: ProgressResult,
    region: str,
    year: int,
    names: Names,
    period: Period = "progress",
    options: ProgressOptions | None = None,
) -> tuple[str, str]:
    """(zh, en) sentence for one region and year, e.g. "广元市 2023年单位GDP能耗累计下降8%，进度要求累计
    下降8.65%，差距0.65个百分点，在目标值的10%以内 → 黄灯（二级预警）"."""
    opts = options or ProgressOptions()
    i, j = result.cell(region, year)
    annual = period == "annual"
    actual = float((result.annual_actual if annual else result.actual)[i, j])
    required = float((result.annual_required if annual else result.required)[i, j])
    gap = float((result.annual_gap if annual else result.gap)[i, j])
    light = Light(int((result.light_annual if annual else result.light_progress)[i, j]))
    reduction = result.spec.kind is TargetKind.REDUCTION
    scale = 100.0 if reduction else 1.0
    # Amounts (万吨, 万公里 …) can be small and still real; percentages cannot usefully go below 0.01.
    amount = not reduction and names.unit_en not in ("%", "percent")
    outcome = _outcome(light, opts.barometer)
    threshold = opts.barometer.threshold * (100.0 if opts.barometer.threshold_basis is ThresholdBasis.RELATIVE
                                            or reduction else 1.0)
    sentences = []
    for lang in ("zh", "en"):
        values = {
            "region": names.region_zh if lang == "zh" else names.region_en,
            "indicator": names.indicator_zh if lang == "zh" else names.indicator_en,
            "year": year,
            "direction": WORDS["fell" if actual >= 0 else "rose"][lang],
            "actual": format_number(abs(actual) * scale if reduction else actual, keep_small=amount),
            "required": format_number(required * scale, keep_small=amount),
            "comparator": WORDS[result.spec.comparator.value][lang],
            "requirement": WORDS[f"require_{result.spec.comparator.value}"][lang],
            "unit": names.unit_zh if lang == "zh" else names.unit_en,
            "gap": format_number(gap * scale, keep_small=amount),
            "gap_unit": WORDS["percentage_points"][lang] if reduction else (
                names.unit_zh if lang == "zh" else names.unit_en),
            "threshold": format_number(threshold),
            "tolerance_note": _tolerance_note(result, required * scale, opts, names, lang, amount),
        }
        head = HEAD[(result.spec.kind.value, period)][lang]
        sentences.append((head + TAIL[outcome][lang]).format(**values))
    return sentences[0], sentences[1]


def cell_provenance(
    result: ProgressResult,
    region: str,
    year: int,
    names: Names,
    inputs: Sequence[InputRef],
    period: Period = "progress",
    options: ProgressOptions | None = None,
    extra_parameters: Mapping[str, Any] | None = None,
    notes: Sequence[str] = (),
) -> Provenance:
    """Provenance of one cell: the caller's inputs (with data versions), rule + version, parameters."""
    opts = options or ProgressOptions()
    zh, en = explain_cell(result, region, year, names, period, opts)
    spec = result.spec
    rule = f"progress.{spec.kind.value}"
    parameters: dict[str, Any] = {
        "period": period,
        "base_year": spec.base_year,
        "target_year": spec.target_year,
        "comparator": spec.comparator.value,
        "completion": opts.completion.value,
        "interpolation": opts.interpolation.value,
        "about_tolerance": opts.about_tolerance,
        "barometer_variant": opts.barometer.variant.value,
        "barometer_rule_version": rule_version(f"barometer.{opts.barometer.variant.value}"),
        "barometer_threshold": opts.barometer.threshold,
        "barometer_threshold_basis": opts.barometer.threshold_basis.value,
    }
    parameters.update(extra_parameters or {})
    return Provenance(rule, rule_version(rule), tuple(inputs), parameters, zh, en, tuple(notes))


@dataclass(frozen=True)
class TotalBreakdown:
    """One region-year of total-consumption control, in 10k_tce: the consumption, each deduction, the
    assessed consumption, the budget and how the budget was obtained ("issued", or "growth" at
    `growth_pct` a year from `base_year`)."""

    total: float
    raw_material: float
    renewable: float
    listed: float
    assessed: float
    budget: float
    budget_basis: str = "issued"
    base_year: int | None = None
    growth_pct: float | None = None
    #: kWh→tce basis of the renewable deduction ("coal_equivalent" 等价值 / "calorific" 当量值) and the
    #: assessed year's factor in kgce/kWh (each year's factor is in the provenance)
    renewable_basis: str = "coal_equivalent"
    renewable_kgce_per_kwh: float | None = None


def explain_total_control(
    names: Names, year: int, breakdown: TotalBreakdown, light: Light, barometer: BarometerOptions | None = None,
) -> tuple[str, str]:
    """(zh, en) sentence, e.g. "广元市 2023年能源消费总量考核值为…（能源消费总量…，扣除原料用能…），用能预算…，
    超出预算…，超过预算的10% → 红灯（一级预警）"; `light` EXEMPT = 免考核 (incentive target met)."""
    opts = barometer or BarometerOptions()
    outcome = _outcome(light, opts)
    relative = opts.threshold_basis is ThresholdBasis.RELATIVE
    b = breakdown
    sentences = []
    for lang in ("zh", "en"):
        basis = TOTAL_BUDGET_BASIS[b.budget_basis][lang].format(
            base_year=b.base_year, growth=format_number(b.growth_pct or 0.0))
        values = {
            "region": names.region_zh if lang == "zh" else names.region_en,
            "year": year,
            "unit": names.unit_zh if lang == "zh" else names.unit_en,
            "actual": format_number(b.assessed), "required": format_number(b.budget),
            "total": format_number(b.total), "raw": format_number(b.raw_material),
            "renewable": format_number(b.renewable), "listed": format_number(b.listed),
            "budget_basis": basis, "gap": format_number(b.assessed - b.budget, keep_small=True),
            "renewable_basis": RENEWABLE_BASIS[b.renewable_basis][lang].format(
                factor=format_number((b.renewable_kgce_per_kwh or 0.0) * 1000, 1), year=year),
            "threshold": format_number(opts.threshold * (100.0 if relative else 1.0)),
        }
        sentences.append((TOTAL_HEAD[lang] + TOTAL_TAIL[outcome][lang]).format(**values))
    return sentences[0], sentences[1]
