"""The bundled Sichuan plan holds every numeric target of 川府发〔2022〕20号, as read from the seed text.

The expectation table below was written from the seed document, independently of the YAML.
"""

from __future__ import annotations

import pytest

from ecer.plans import load_plan

# indicator: (kind, comparator, value, unit, clause)
EXPECTED = {
    "energy_intensity": ("reduction", "ge", 14, "tce_per_10k_yuan", "二"),
    "cod_key_project_reduction": ("level", "ge", 14.92, "10k_t", "二"),
    "nh3n_key_project_reduction": ("level", "ge", 0.79, "10k_t", "二"),
    "nox_key_project_reduction": ("level", "ge", 5.95, "10k_t", "二"),
    "voc_key_project_reduction": ("level", "ge", 2.53, "10k_t", "二"),
    "industrial_energy_intensity": ("reduction", "ge", 14, "tce_per_10k_yuan", "三(一)"),
    "industrial_water_intensity": ("reduction", "ge", 16, "m3_per_10k_yuan", "三(一)"),
    "park_circular_retrofit_rate": ("level", "ge", 100, "pct", "三(二)"),
    "green_building_share_new": ("level", "ge", 100, "pct", "三(三)"),
    "rural_sewage_treatment_rate": ("level", "ge", 75, "pct", "三(五)"),
    "straw_utilisation_rate": ("level", "ge", 90, "pct", "三(五)"),
    "fertiliser_use_efficiency": ("level", "ge", 43, "pct", "三(五)"),
    "manure_utilisation_rate": ("level", "ge", 80, "pct", "三(五)"),
    "green_pest_control_coverage": ("level", "ge", 55, "pct", "三(五)"),
    "unified_pest_control_coverage": ("level", "ge", 50, "pct", "三(五)"),
    "frugal_agency_share": ("level", "ge", 80, "pct", "三(六)"),
    "pi_energy_per_area": ("reduction", "ge", 4, "kgce_per_m2", "三(六)"),
    "pi_energy_per_capita": ("reduction", "ge", 5, "kgce_per_person", "三(六)"),
    "pi_water_per_capita": ("reduction", "ge", 7, "m3_per_person", "三(六)"),
    "pi_co2_per_area": ("reduction", "ge", 7, "kgco2_per_m2", "三(六)"),
    "non_fossil_share": ("level", "about", 41.5, "pct", "三(八)"),
    "sewage_pipe_new_length": ("level", "ge", 1.3, "10k_km", "三(十)"),
    "sewage_capacity_new": ("level", "ge", 300, "10k_m3_per_day", "三(十)"),
    "sludge_safe_disposal_rate": ("level", "ge", 90, "pct", "三(十)"),
}

# Lead departments as the seed names them (牵头, or the single department that is 负责).
EXPECTED_LEAD = {
    "energy_intensity": ["drc"],  # §四(一) 省发展改革委牵头
    "cod_key_project_reduction": ["eco_env"],  # §四(二) 生态环境厅负责
    "rural_sewage_treatment_rate": ["agri_rural", "eco_env", "energy", "rural_revital"],  # §三(五)
    "industrial_energy_intensity": [],  # §三(一) names no 牵头
}


@pytest.fixture(scope="module")
def plan():
    return load_plan("sichuan-14fyp")


def test_every_seed_target_is_present_once(plan) -> None:
    by_indicator = {}
    for target in plan.targets:
        assert target.indicator not in by_indicator, f"two targets for {target.indicator}"
        by_indicator[target.indicator] = target
    assert set(by_indicator) == set(EXPECTED)


@pytest.mark.parametrize("indicator", sorted(EXPECTED))
def test_target_value_unit_clause(plan, indicator: str) -> None:
    kind, comparator, value, unit, clause = EXPECTED[indicator]
    target = next(t for t in plan.targets if t.indicator == indicator)
    assert (target.kind, target.comparator, target.unit, target.clause) == (kind, comparator, unit, clause)
    assert target.value == pytest.approx(value)
    assert (target.base_year, target.target_year) == (2020, 2025)


@pytest.mark.parametrize("code", sorted(EXPECTED_LEAD))
def test_lead_departments(plan, code: str) -> None:
    assert plan.target(code).lead_departments == EXPECTED_LEAD[code]


def test_departments_of_transport_clause_are_complete(plan) -> None:
    programme = plan.programme("transport_logistics")
    names = [plan.department(code).name_zh for code in programme.co_departments]
    assert names[0] == "科技厅" and names[-1] == "中国铁路成都局集团公司" and len(names) == 12


def test_non_plain_wording_is_noted(plan) -> None:
    assert "全部" in plan.target("park_circular_retrofit_rate").note
    assert "左右" in plan.target("non_fossil_share").note
    assert plan.target("energy_intensity").incentive is None
    assert "incentive" in plan.target("energy_intensity").note


def test_tasks_cover_every_clause_of_chapters_three_to_five(plan) -> None:
    clauses = {task.clause for task in plan.tasks}
    numerals = "一二三四五六七八九十"
    expected = {f"三({n})" for n in numerals} | {f"四({n})" for n in numerals[:8]} | {f"五({n})" for n in numerals[:3]}
    assert expected <= clauses
    kinds = {task.clause[0]: task.kind for task in plan.tasks if task.clause != "二"}
    assert kinds == {"三": "task", "四": "mechanism", "五": "arrangement"}


def test_national_plan_loads() -> None:
    national = load_plan("national-14fyp")
    assert national.document_number == "国发〔2021〕33号"
    assert str(national.issued) == "2021-12-28"
    values = {t.code: (t.kind, t.comparator, t.value) for t in national.targets}
    assert values == {
        "energy_intensity": ("reduction", "ge", 13.5),
        "cod_emission": ("reduction", "ge", 8),
        "nh3n_emission": ("reduction", "ge", 8),
        "nox_emission": ("reduction", "ge", 10),
        "voc_emission": ("reduction", "ge", 10),
    }
    assert any(task.code == "total_energy_reasonably_controlled" for task in national.tasks)
