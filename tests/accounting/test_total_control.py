"""Total energy consumption control rows (能源消费总量控制): budget, deductions, exemption, growth option.

The first test runs on the database (the demo data via the master-data services); the others on the
same illustrative statistics file through the pure evaluation path (`gather_file` + `evaluate_progress`),
where a budget can be left out or an incentive target added without touching stored data.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecer.accounting import AccountingOptions, find_row
from ecer.accounting.evaluate import evaluate_progress, needed_variables, needed_years
from ecer.accounting.gather_file import (
    catalog_region,
    panels_from_rows,
    plan_inputs_from_file,
    read_statistics,
)
from ecer.accounting.inputs import PlanInputs, RegionalTargetInput
from ecer.accounting.panels import PanelSet
from ecer.accounting.report import ProgressReport
from ecer.catalogs.statistics import StatRow
from ecer.demo.assumptions import data_path

PLAN = "sichuan-14fyp"
CODE = "energy_total_control"
REGIONS = ("510000", "510100", "510800", "513400")


#: The catalog's coal-equivalent factors (energy_factors.csv): each year's increase converts at its own year's rate.
COAL_EQUIVALENT = {2021: 0.3025, 2022: 0.3007, 2023: 0.3036}


def assessed_by_hand(v: dict[tuple[str, int], float], year: int, kgce_per_kwh: dict[int, float] | None = None) -> float:
    factors = COAL_EQUIVALENT if kgce_per_kwh is None else kgce_per_kwh
    steps = sum((v[("renewable_electricity", y)] - v[("renewable_electricity", y - 1)]) * factors[y] * 10
                for y in range(2021, year + 1))
    renewable = max(0.0, steps)
    return (v[("energy_total", year)] - v[("energy_raw_material", year)] - v[("energy_listed_projects", year)]
            - renewable)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_data")
def test_rows_match_an_independent_computation_with_provenance() -> None:
    from ecer.accounting import progress_report
    from ecer.masterdata.models import current_observations

    report = progress_report(PLAN, 2023)
    rows = [r for r in report.rows if r.target_code == CODE]
    assert len(rows) == 22 and report.illustrative
    variables = ["energy_total", "energy_raw_material", "energy_listed_projects", "renewable_electricity",
                 "energy_budget"]
    for row in rows:
        v = {(o.variable.code, o.year): o.value for o in current_observations([row.region_code], variables)}
        assert row.status == "ok", row.error  # no incentive targets in the bundled plan: nobody exempt
        assert row.value_unit == "10k_tce" and row.indicator_name_zh == "能源消费总量控制"
        assert row.actual == pytest.approx(assessed_by_hand(v, 2023), rel=1e-9)
        assert row.actual <= v[("energy_total", 2023)]  # deductions never increase assessed consumption
        assert row.required == row.target_value == v[("energy_budget", 2023)]
        assert row.gap == pytest.approx(row.actual - row.required)
        expected = "green" if row.gap <= 0 else "red" if row.gap > 0.1 * row.required else "yellow"
        assert row.light == row.light_annual == expected
        names = {i["name"] for i in row.provenance["inputs"]}
        assert {"energy_total", "energy_budget", "renewable_electricity"} <= names
        assert all(i["data_version"].startswith("observation:") for i in row.provenance["inputs"]
                   if i["name"] == "energy_budget")
        assert row.provenance["rule"] == "total_energy.budget"
    assert {r.light for r in rows} == {"green", "yellow", "red"}
    guangyuan = find_row(report, "510800", CODE)
    assert guangyuan.light == "red"
    assert "扣除原料用能" in guangyuan.explanation_zh and "用能预算629.06万吨标准煤（下达值）" in guangyuan.explanation_zh
    assert "按等价值折算，2023年火电供电煤耗303.6克标准煤/千瓦时" in guangyuan.explanation_zh
    assert "超过预算的10% → 红灯" in guangyuan.explanation_zh
    assert "over the budget, more than 10% of it → red" in guangyuan.explanation_en


@pytest.fixture(scope="module")
def stat_rows() -> tuple[list[StatRow], str]:
    return read_statistics(data_path("illustrative-statistics.csv"))


def evaluate(stat_rows: tuple[list[StatRow], str], plan: PlanInputs | None = None,
             options: AccountingOptions | None = None, drop: Collection[tuple[str, str]] = (),
             year: int = 2023) -> ProgressReport:
    plan = plan or plan_inputs_from_file(PLAN).only("energy_intensity")
    opts = options or AccountingOptions()
    rows = [r for r in stat_rows[0] if (r.region_code, r.variable) not in drop]
    data: PanelSet = panels_from_rows(rows, stat_rows[1], REGIONS, needed_variables(plan, opts),
                                      needed_years(plan, year, opts))
    return evaluate_progress(plan, [catalog_region(c) for c in REGIONS], year, data, opts)


def test_a_region_without_budget_gets_no_row_unless_growth_is_allowed(stat_rows: tuple[list[StatRow], str]) -> None:
    report = evaluate(stat_rows, drop={("510100", "energy_budget")})
    assert {r.region_code for r in report.rows if r.target_code == CODE} == {"510000", "510800", "513400"}
    growth = evaluate(stat_rows, options=AccountingOptions(energy_allowed_growth_pct=2.0),
                      drop={("510100", "energy_budget")})
    chengdu = find_row(growth, "510100", CODE)
    base = find_row(growth, "510100", CODE).provenance["inputs"]
    v = {(i["name"], i["year"]): i["value"] for i in base}
    base_assessed = v[("energy_total", 2020)] - v[("energy_raw_material", 2020)] - v[("energy_listed_projects", 2020)]
    assert chengdu.required == pytest.approx(base_assessed * 1.02 ** 3)
    assert chengdu.provenance["parameters"]["budget_basis"] == "growth"
    assert "按2020年考核值年均增长2%测算" in chengdu.explanation_zh
    assert "growing 2% a year" in chengdu.explanation_en
    # an issued budget takes precedence over the growth option
    assert find_row(growth, "510800", CODE).required == find_row(report, "510800", CODE).required
    assert growth.parameters["energy_allowed_growth_pct"] == 2.0


def test_incentive_target_met_exempts_the_region(stat_rows: tuple[list[StatRow], str]) -> None:
    plan = plan_inputs_from_file(PLAN).only("energy_intensity")
    regional = (RegionalTargetInput("510800", "energy_intensity", 14.0, 15.0, {}, "RegionalTarget", "test"),
                RegionalTargetInput("510100", "energy_intensity", 5.0, 6.0, {}, "RegionalTarget", "test"))
    report = evaluate(stat_rows, plan.with_regional("energy_intensity", regional))
    assert find_row(report, "510100", "energy_intensity").incentive_met is True
    chengdu = find_row(report, "510100", CODE)
    assert chengdu.status == "exempt" and chengdu.light == "exempt" and chengdu.incentive_met is True
    # Regression (issue 7 §1.3): exempt is its own light (免考核), never green
    assert "免予能源消费总量考核（发改环资〔2021〕1310号） → 免考核（不计为绿灯）" in chengdu.explanation("zh")
    assert "→ exempt (not counted as green)" in chengdu.explanation("en") and "green (" not in chengdu.explanation("en")
    assert any(i["name"] == "progress:energy_intensity" and "met" in i["source"]
               for i in chengdu.provenance["inputs"])
    guangyuan = find_row(report, "510800", CODE)  # incentive not reached: assessed, red
    assert guangyuan.status == "ok" and guangyuan.light == "red" and guangyuan.incentive_met is False


def test_exemption_undecidable_when_the_intensity_row_fails(stat_rows: tuple[list[StatRow], str]) -> None:
    report = evaluate(stat_rows, drop={("513400", "gdp_index")})
    assert find_row(report, "513400", "energy_intensity").status == "error"
    row = find_row(report, "513400", CODE)
    assert row.status == "error" and row.light is None and "exemption cannot be decided" in (row.error or "")


def test_the_assessment_sees_only_its_own_target(stat_rows: tuple[list[StatRow], str]) -> None:
    """The total-control rows follow the intensity rows in the report, yet an assessment of
    energy_intensity gets exactly one outcome per region, from the intensity rows."""
    from ecer.accounting.assessment import assessment_plan, outcomes

    plan = plan_inputs_from_file(PLAN)
    regional = tuple(RegionalTargetInput(c, "energy_intensity", 14.0, None, {}, "RegionalTarget", "test")
                     for c in REGIONS)
    ap = assessment_plan(plan, "energy_intensity", [catalog_region(c) for c in REGIONS], regional)
    opts = AccountingOptions()
    data = panels_from_rows(stat_rows[0], stat_rows[1], REGIONS, ap.variables(opts), ap.years(2023, opts))
    found, report = outcomes(ap, "annual", 2023, data, opts)
    assert [r.target_code for r in report.rows].count(CODE) == len(REGIONS)
    assert [o.region_code for o in found] == list(REGIONS)
    assert {o.indicator for o in found} == {"energy_intensity"}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.floats(0, 2000), listed=st.floats(0, 2000), renewable=st.floats(0, 500))
def test_deductions_never_increase_assessed_consumption(stat_rows: tuple[list[StatRow], str], raw: float,
                                                         listed: float, renewable: float) -> None:
    """Whatever the (non-negative) deductions, the row is an error or its assessed value ≤ total
    consumption, and more deduction never gives more assessed consumption."""
    extra = {"energy_raw_material": raw, "energy_listed_projects": listed, "renewable_electricity": renewable}
    changed = [replace(r, value=r.value + extra[r.variable] * (r.year - 2020))
               if r.region_code == "510800" and r.variable in extra else r for r in stat_rows[0]]
    plain = find_row(evaluate(stat_rows), "510800", CODE)
    row = find_row(evaluate((changed, stat_rows[1])), "510800", CODE)
    if row.status == "error":
        assert "not smaller than total energy consumption" in (row.error or "")
        return
    total = next(i["value"] for i in row.provenance["inputs"] if i["name"] == "energy_total" and i["year"] == 2023)
    assert row.actual is not None and plain.actual is not None
    assert row.actual <= total and row.actual <= plain.actual + 1e-9
