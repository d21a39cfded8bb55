"""Bilingual explanations and provenance."""

from __future__ import annotations

import numpy as np

from ecer.core.barometer import BarometerOptions, Variant
from ecer.core.evaluate import ProgressOptions, TargetKind, TargetSpec, evaluate_target
from ecer.core.explain import Names, cell_provenance, explain_cell, format_number
from ecer.core.panel import Panel
from ecer.core.progress import Comparator
from ecer.core.provenance import InputRef

NAMES = Names("广元市", "Guangyuan", "单位GDP能耗", "energy intensity")


def result(values: list[float], options: ProgressOptions | None = None):
    years = tuple(range(2020, 2020 + len(values)))
    panel = Panel("energy_intensity", "tce_per_10k_yuan", ("510800",), years, np.array([values]))
    return evaluate_target(panel, TargetSpec("energy_intensity", TargetKind.REDUCTION, 2020, 2025, 0.14), options)


def test_yellow_explanation_zh_en() -> None:
    zh, en = explain_cell(result([1.0, 0.97, 0.94, 0.92]), "510800", 2023, NAMES)
    assert zh == ("广元市 2023年单位GDP能耗累计下降8%，进度要求累计下降8.65%，差距0.65个百分点，"
                  "在目标值的10%以内 → 黄灯（二级预警）")
    assert en == ("Guangyuan: energy intensity fell 8% cumulatively by 2023; progress requirement: a cumulative fall "
                  "of 8.65%; the gap of 0.65 percentage points is within 10% of the target value → yellow "
                  "(level-2 warning)")


def test_red_explanation_uses_901_wording() -> None:
    zh, en = explain_cell(result([1.0, 0.98, 0.97, 0.96]), "510800", 2023, NAMES)
    assert zh == ("广元市 2023年单位GDP能耗累计下降4%，进度要求累计下降8.65%，差距4.65个百分点，"
                  "差距超过目标值的10% → 红灯（一级预警）")
    assert en == ("Guangyuan: energy intensity fell 4% cumulatively by 2023; progress requirement: a cumulative fall "
                  "of 8.65%; the gap of 4.65 percentage points is more than 10% of the target value → red "
                  "(level-1 warning)")


def test_rise_red_explanation_says_rose() -> None:
    opts = ProgressOptions(barometer=BarometerOptions(variant=Variant.NDRC2021_RISE))
    zh, en = explain_cell(result([1.0, 1.02], opts), "510800", 2021, NAMES, "annual", opts)
    assert zh.startswith("广元市 2021年单位GDP能耗比上年上升2%")
    assert "不降反升" in zh and "红灯" in zh and "rose 2%" in en


def test_level_explanation_and_provenance() -> None:
    panel = Panel("non_fossil_share", "pct", ("510000",), (2020, 2021), np.array([[30.0, 33.0]]))
    res = evaluate_target(panel, TargetSpec("non_fossil_share", TargetKind.LEVEL, 2020, 2025, 40.0, Comparator.GE))
    names = Names("四川省", "Sichuan", "非化石能源占比", "non-fossil share", "%", "%")
    inputs = [InputRef("non_fossil_share", 33.0, "pct", "510000", 2021, data_version="obs:42")]
    prov = cell_provenance(res, "510000", 2021, names, inputs, notes=["illustrative data"])
    assert prov.rule == "progress.level" and prov.rule_version == "1"
    assert prov.explanation_zh == "四川省 2021年非化石能源占比为33%，进度要求达到32%，已达到要求 → 绿灯（三级）"
    assert prov.explanation_en == ("Sichuan: non-fossil share was 33 % in 2021; progress requirement: at least 32 %; "
                                   "requirement met → green (level 3)")
    data = prov.to_dict()
    assert data["inputs"][0]["data_version"] == "obs:42"
    assert data["parameters"]["barometer_variant"] == "ndrc2020_ten_percent"


def test_level_at_most_requirement_wording() -> None:
    panel = Panel("pi_water_per_capita", "m3_per_person", ("510000",), (2020, 2021), np.array([[30.0, 29.0]]))
    res = evaluate_target(panel, TargetSpec("pi_water_per_capita", TargetKind.LEVEL, 2020, 2025, 25.0, Comparator.LE))
    names = Names("四川省", "Sichuan", "人均用水量", "water per person", "立方米/人", "m³/person")
    zh, en = explain_cell(res, "510000", 2021, names)
    assert zh == "四川省 2021年人均用水量为29立方米/人，进度要求不高于29立方米/人，已达到要求 → 绿灯（三级）"
    assert en == ("Sichuan: water per person was 29 m³/person in 2021; progress requirement: at most 29 m³/person; "
                  "requirement met → green (level 3)")


def test_format_number() -> None:
    assert format_number(5.1000001) == "5.1"
    assert format_number(14.0) == "14"
    assert format_number(-0.001) == "0"


def test_small_amounts_keep_two_significant_digits() -> None:
    from ecer.core.explain import format_number

    assert [format_number(v, keep_small=True) for v in (0.0036, 0.0317, 0.444, 5.1, 8.654, 0.0, -0.00358)] == [
        "0.0036", "0.032", "0.44", "5.1", "8.65", "0", "-0.0036"]
    assert format_number(0.0036) == "0"  # percentages: plain rounding
