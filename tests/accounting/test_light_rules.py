"""Regression tests of issue 7 §1.1 and §1.3 over whole reports: every light agrees with the documented
rule recomputed from its row (direction, comparator, tolerance, status); no region beyond its level
target in the good direction is yellow or red; provincial levels reach cities only by a stated
decomposition; exempt is never green."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import pytest

from ecer.accounting import AccountingOptions, find_row, progress_report

PLAN = "sichuan-14fyp"
HYDRO = ("511800", "513200", "513300", "513400")  # 雅安, 阿坝, 甘孜, 凉山


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_data")
@pytest.mark.parametrize("levels", ["issued", "base_plus_increment"])
def test_every_light_follows_the_documented_rule(levels: str, light_rule: Any) -> None:
    report = progress_report(PLAN, 2023, options=AccountingOptions(level_city_targets=levels))
    rows = [asdict(r) for r in report.rows]
    assert len(rows) > 500
    assert light_rule.disagreements(rows) == []
    assert light_rule.beyond_target_but_warned(rows) == []
    lights = {r["light"] for r in rows}
    assert {"green", "yellow", "red"} <= lights


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_data")
def test_a_provincial_level_is_not_a_city_target() -> None:
    report = progress_report(PLAN, 2023)
    province = find_row(report, "510000", "non_fossil_share")
    assert province.status == "ok" and province.comparator == "about" and province.direction == "higher"
    assert province.tolerance == pytest.approx(0.05 * province.required)
    assert "左右：可低于要求值的5%" in province.explanation_zh and "above it is never worse" in province.explanation_en
    for code in (*HYDRO, "511100"):
        row = find_row(report, code, "non_fossil_share")
        assert row.status == "not_assessed" and row.light == row.light_annual == "not_assessed"
        assert "不考核" in (row.reason or "") and "41.5" in (row.reason or "")
        assert row.actual is None and row.required is None


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_data")
def test_base_plus_increment_never_asks_a_hydropower_region_to_fall() -> None:
    """Before the fix 雅安 (72.4% against a falling 52.9% requirement), 阿坝, 甘孜, 凉山 were red and 乐山
    yellow on the province's 41.5%左右 judged two-sided."""
    report = progress_report(PLAN, 2023, options=AccountingOptions(level_city_targets="base_plus_increment"))
    province = find_row(report, "510000", "non_fossil_share")
    base_2020 = province.provenance["inputs"]  # the province's own row: its base year is an input
    assert base_2020
    for code in (*HYDRO, "511100"):
        row = find_row(report, code, "non_fossil_share")
        assert row.status == "ok" and row.light == "green", (code, row.explanation_zh)
        assert row.completion_pct is not None and row.completion_pct >= 0
        assert row.target_value is not None and row.required is not None
        assert row.target_value >= row.required  # the required path rises toward the derived target
        assert any("基数加全省增量" in n for n in row.provenance["notes"])
