"""Deductions: raw material, new renewable electricity, listed projects (METHODOLOGY §2)."""

from __future__ import annotations

import numpy as np
import pytest

from ecer.core.deductions import (
    DeductionOptions,
    energy_for_intensity,
    energy_for_total_assessment,
    renewable_increase_10k_tce,
)
from ecer.core.errors import AccountingInputError
from ecer.core.intensity import change_since
from ecer.core.panel import Panel

REGIONS = ("510100", "510800")
YEARS = (2020, 2021, 2022)


def energy(values: list[list[float]], variable: str = "energy_total") -> Panel:
    return Panel(variable, "10k_tce", REGIONS, YEARS, np.array(values))


def test_renewable_increase_uses_previous_year_and_2020_baseline() -> None:
    renewable = Panel("renewable_electricity", "100m_kwh", REGIONS, YEARS,
                      np.array([[100.0, 110.0, 105.0], [50.0, 40.0, 60.0]]))
    annual, cumulative = renewable_increase_10k_tce(renewable, {2021: 0.1229, 2022: 0.1229})
    # 1 亿kWh × 0.1229 kgce/kWh = 1.229 万tce, so +10 亿kWh → 12.29 万tce
    assert annual[0].tolist() == pytest.approx([0.0, 12.29, 0.0])  # a fall gives no (negative) deduction
    assert cumulative[0].tolist() == pytest.approx([0.0, 12.29, 6.145])
    assert cumulative[1].tolist() == pytest.approx([0.0, 0.0, 12.29])


def test_renewable_factor_per_year_is_required() -> None:
    renewable = Panel("renewable_electricity", "100m_kwh", REGIONS, YEARS, np.full((2, 3), 10.0))
    with pytest.raises(AccountingInputError, match="kWh→tce") as err:
        renewable_increase_10k_tce(renewable, {2021: 0.1229})
    assert err.value.year == 2022
    wrong_unit = Panel("renewable_electricity", "10k_kwh", REGIONS, YEARS, np.full((2, 3), 10.0))
    with pytest.raises(AccountingInputError, match="unit"):
        renewable_increase_10k_tce(wrong_unit, {2021: 0.1229, 2022: 0.1229})


def test_raw_material_is_subtracted_in_base_and_assessed_year() -> None:
    total = energy([[1000.0, 1020.0, 1030.0], [200.0, 205.0, 210.0]])
    raw = energy([[100.0, 130.0, 150.0], [0.0, 0.0, 0.0]], "energy_raw_material")
    adjusted = energy_for_intensity(total, raw)
    assert adjusted.values[0].tolist() == [900.0, 890.0, 880.0]
    # growth of raw-material use no longer counts against the region
    assert change_since(adjusted, 2020)[0, 2] < 0 < change_since(total, 2020)[0, 2]


def test_renewables_switch_and_total_assessment() -> None:
    total = energy([[1000.0, 1020.0, 1030.0], [200.0, 205.0, 210.0]])
    renew = energy([[0.0, 10.0, 20.0], [0.0, 1.0, 2.0]], "renewable_deduction")
    listed = energy([[0.0, 5.0, 5.0], [0.0, 0.0, 0.0]], "energy_listed_projects")
    default = energy_for_intensity(total, None, renew, listed)
    assert default.values[0].tolist() == [1000.0, 1015.0, 1025.0]  # renewables still count in intensity
    switched = energy_for_intensity(total, None, renew, listed, DeductionOptions(deduct_renewables_from_intensity=True))
    assert switched.values[0].tolist() == [1000.0, 1005.0, 1005.0]
    assessed = energy_for_total_assessment(total, None, renew, listed)
    assert assessed.values[0].tolist() == [1000.0, 1005.0, 1005.0]


def test_negative_deduction_is_an_error() -> None:
    total = energy([[1000.0, 1020.0, 1030.0], [200.0, 205.0, 210.0]])
    raw = energy([[100.0, 130.0, 150.0], [0.0, -1.0, 0.0]], "energy_raw_material")
    with pytest.raises(AccountingInputError, match="negative") as err:
        energy_for_total_assessment(total, raw)
    assert (err.value.region, err.value.indicator, err.value.year) == ("510800", "energy_raw_material", 2021)


def test_deductions_larger_than_consumption_are_an_error() -> None:
    total = energy([[1000.0, 1020.0, 1030.0], [200.0, 205.0, 210.0]])
    raw = energy([[100.0, 130.0, 150.0], [0.0, 0.0, 250.0]], "energy_raw_material")
    with pytest.raises(AccountingInputError, match="not smaller") as err:
        energy_for_intensity(total, raw)
    assert (err.value.region, err.value.year) == ("510800", 2022)
