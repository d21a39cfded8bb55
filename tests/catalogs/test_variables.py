"""The variables catalog holds every variable of the common brief, with the agreed unit."""

from __future__ import annotations

from ecer.catalogs import load_variables
from ecer.catalogs._csv import known_unit_codes

BRIEF_UNITS = {
    "gdp_current": "100m_yuan",
    "gdp_index": "index_prev_year_100",
    "energy_total": "10k_tce",
    "energy_raw_material": "10k_tce",
    "renewable_electricity": "100m_kwh",
    "energy_listed_projects": "10k_tce",
    "energy_budget": "10k_tce",  # 用能预算 (total-consumption control task)
    "industrial_va_current": "100m_yuan",
    "industrial_va_index": "index_prev_year_100",
    "industrial_energy": "10k_tce",
    "industrial_water": "10k_m3",
    "non_fossil_energy": "10k_tce",
    "pi_building_area": "10k_m2",
    "pi_energy": "tce",
    "pi_persons": "person",
    "pi_water": "10k_m3",
    "pi_co2": "t_co2",
    "cod_key_project_reduction": "10k_t",
    "nh3n_key_project_reduction": "10k_t",
    "nox_key_project_reduction": "10k_t",
    "voc_key_project_reduction": "10k_t",
    "park_circular_retrofit_rate": "pct",
    "green_building_share_new": "pct",
    "rural_sewage_treatment_rate": "pct",
    "straw_utilisation_rate": "pct",
    "fertiliser_use_efficiency": "pct",
    "manure_utilisation_rate": "pct",
    "green_pest_control_coverage": "pct",
    "unified_pest_control_coverage": "pct",
    "frugal_agency_share": "pct",
    "sludge_safe_disposal_rate": "pct",
    "sewage_pipe_new_length": "10k_km",
    "sewage_capacity_new": "10k_m3_per_day",
    "cod_emission": "10k_t",
    "nh3n_emission": "10k_t",
    "nox_emission": "10k_t",
    "voc_emission": "10k_t",
}


def test_every_brief_variable_with_its_unit() -> None:
    variables = load_variables()
    assert {v.code: v.unit for v in variables} == BRIEF_UNITS


def test_rows_are_complete() -> None:
    units = known_unit_codes()
    for variable in load_variables():
        assert variable.unit in units
        assert variable.name_zh and variable.name_en and variable.definition and variable.source
    kinds = {v.code: v.kind for v in load_variables()}
    assert kinds["gdp_index"] == "index" and kinds["pi_persons"] == "stock"
    assert kinds["straw_utilisation_rate"] == "level" and kinds["energy_total"] == "flow"
    assert load_variables().get("cod_key_project_reduction").additive_across_regions
    assert not load_variables().get("frugal_agency_share").additive_across_regions
