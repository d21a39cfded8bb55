"""Energy → tce and → CO₂ with explicit electricity basis and grid factor (METHODOLOGY §6)."""

from __future__ import annotations

import pytest

from ecer.core.energy import (
    ElectricityBasis,
    GridScope,
    electricity_kgce_per_kwh,
    fuel_co2_factor,
    select_grid_factor,
    to_co2_t,
    to_tce,
)
from ecer.core.errors import AccountingInputError

KGCE = {"raw_coal": 0.7143, "natural_gas": 1.2143, "diesel": 1.4571}
KGCO2 = {"raw_coal": 1.9003, "natural_gas": 2.1622, "diesel": 3.0959}


def test_electricity_basis_is_explicit() -> None:
    q = {"raw_coal": 1000.0, "electricity": 10000.0}  # 1 t coal, 10 MWh
    calorific = to_tce(q, KGCE, ElectricityBasis.CALORIFIC)
    coal_eq = to_tce(q, KGCE, ElectricityBasis.COAL_EQUIVALENT, coal_rate_gce_per_kwh=404)
    assert float(calorific) == pytest.approx(0.7143 + 1.229)
    assert float(coal_eq) == pytest.approx(0.7143 + 4.04)
    with pytest.raises(AccountingInputError, match="coal rate"):
        electricity_kgce_per_kwh(ElectricityBasis.COAL_EQUIVALENT)
    with pytest.raises(AccountingInputError, match="gce/kWh"):
        electricity_kgce_per_kwh(ElectricityBasis.COAL_EQUIVALENT, 0.404)  # kgce given, not gce


def test_unknown_type_and_negative_quantity_are_errors() -> None:
    with pytest.raises(AccountingInputError, match="no standard-coal factor"):
        to_tce({"peat": 1.0}, KGCE, ElectricityBasis.CALORIFIC)
    with pytest.raises(AccountingInputError, match="≥ 0"):
        to_tce({"diesel": -1.0}, KGCE, ElectricityBasis.CALORIFIC)


def test_co2_with_national_or_provincial_grid_factor() -> None:
    national = {2022: 0.5366, 2023: 0.5306}
    sichuan = {2022: 0.1404}
    q = {"electricity": 1_000_000.0, "natural_gas": 1000.0}
    nat = to_co2_t(q, KGCO2, select_grid_factor(2022, GridScope.NATIONAL, national, sichuan))
    prov = to_co2_t(q, KGCO2, select_grid_factor(2022, GridScope.PROVINCIAL, national, sichuan))
    assert float(nat) == pytest.approx(536.6 + 2.1622)
    assert float(prov) == pytest.approx(140.4 + 2.1622)
    with pytest.raises(AccountingInputError, match="provincial grid") as err:
        select_grid_factor(2023, GridScope.PROVINCIAL, national, sichuan, region="510000")
    assert (err.value.region, err.value.year) == ("510000", 2023)


def test_fuel_co2_factor_from_carbon_content() -> None:
    assert round(fuel_co2_factor(20.908, 26.37, 0.94), 3) == 1.900
