"""Conversion and emission factors: values of METHODOLOGY §6, units, sources, lookups that never guess."""

from __future__ import annotations

import pytest

from ecer.catalogs import (
    FactorMissingError,
    electricity_factor,
    electricity_factor_row,
    energy_factor,
    grid_factor,
    load_co2_fuel_factors,
    load_energy_factors,
    load_grid_factors,
)
from ecer.catalogs._csv import known_unit_codes


def test_every_factor_row_has_a_known_unit_and_a_source() -> None:
    units = known_unit_codes()
    rows = [*load_energy_factors(), *load_co2_fuel_factors().values(), *load_grid_factors()]
    assert rows
    for row in rows:
        assert row.unit in units
        assert row.source


def test_standard_coal_factors_of_gb_t_2589() -> None:
    assert energy_factor("raw_coal").value == 0.7143
    assert energy_factor("diesel").value == 0.4571 + 1
    assert energy_factor("natural_gas").unit == "kgce_per_m3"
    assert energy_factor("heat").value == 0.03412
    with pytest.raises(FactorMissingError, match="no standard-coal factor for 'plutonium'"):
        energy_factor("plutonium")


def test_co2_factors() -> None:
    factors = load_co2_fuel_factors()
    assert factors["raw_coal"].value == 1.9003
    assert factors["natural_gas_oilfield"].unit == "kgco2_per_m3"


def test_electricity_both_bases() -> None:
    assert electricity_factor(2022, "calorific") == 0.1229
    # coal-equivalent (等价值): the year's coal rate of thermal power supply, per year with its source
    assert electricity_factor(2022, "coal_equivalent") == 0.3007
    row = electricity_factor_row(2023, "coal_equivalent")
    assert (row.year, row.value, row.status) == (2023, 0.3036, "assumed") and "供电标准煤耗" in row.source
    assert electricity_factor_row(2020, "coal_equivalent").status == "published"
    with pytest.raises(FactorMissingError, match="no coal-equivalent electricity factor for 2024"):
        electricity_factor(2024, "coal_equivalent")
    earlier = electricity_factor_row(2024, "coal_equivalent", allow_earlier_year=True)
    assert (earlier.year, earlier.value) == (2023, 0.3036)
    assert electricity_factor(2024, "coal_equivalent", overrides={2024: 0.3}) == 0.3
    assert electricity_factor(2024, "coal_equivalent", allow_undated_example=True) == 0.404
    with pytest.raises(ValueError, match="basis must be one of"):
        electricity_factor(2022, "equivalent")


def test_grid_factors_by_year_and_region() -> None:
    assert grid_factor(2021, basis="national").value == 0.5568
    assert grid_factor(2022, "100000", basis="national").value == 0.5366
    assert grid_factor(2023, basis="national").value == 0.5306
    sichuan = grid_factor(2022, "510000")
    assert (sichuan.value, sichuan.unit, sichuan.requested_year) == (0.1404, "kgco2_per_kwh", None)
    assert grid_factor(2022, "513400").value == 0.1404  # a city uses its province's factor
    assert {f.region: f.value for f in load_grid_factors() if f.scope == "regional_grid"} == {
        "southwest": 0.2268
    }


def test_missing_grid_factor_is_an_error_unless_a_fallback_is_asked_for() -> None:
    with pytest.raises(FactorMissingError, match="510000 in 2023 .bundled years: 2022"):
        grid_factor(2023, "510000")
    with pytest.raises(FactorMissingError, match="national grid"):
        grid_factor(2020, basis="national")
    fallback = grid_factor(2024, "510000", allow_earlier_year=True)
    assert (fallback.year, fallback.requested_year, fallback.value) == (2022, 2024, 0.1404)
    with pytest.raises(FactorMissingError, match="unknown region"):
        grid_factor(2022, "990000")
    with pytest.raises(ValueError, match="basis must be"):
        grid_factor(2022, basis="regional")
