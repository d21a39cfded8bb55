"""Constant-price chaining, intensities and changes (METHODOLOGY §1)."""

from __future__ import annotations

import numpy as np
import pytest

from ecer.core.errors import AccountingInputError
from ecer.core.intensity import (
    annual_change,
    average_annual_change,
    average_annual_reduction,
    change_since,
    constant_price_series,
    cumulative_change,
    intensity,
)
from ecer.core.panel import Panel

REGIONS = ("510000", "510800")
YEARS = (2019, 2020, 2021, 2022)


def gdp_panels(index_values: list[list[float]] | None = None) -> tuple[Panel, Panel]:
    current = Panel("gdp_current", "100m_yuan", REGIONS, YEARS,
                    np.array([[46000.0, 48598.8, 53850.8, 56610.2], [1000.0, 1008.0, 1100.0, 1160.0]]))
    index = Panel("gdp_index", "index_prev_year_100", REGIONS, YEARS,
                  np.array(index_values or [[np.nan, 103.8, 108.2, 102.9], [np.nan, 104.0, 108.0, 103.0]]))
    return current, index


def test_constant_price_chains_forward_and_backward_from_price_base_year() -> None:
    current, index = gdp_panels()
    constant = constant_price_series(current, index, price_base_year=2020)
    sichuan = constant.values[0]
    assert sichuan[1] == pytest.approx(48598.8)  # anchor = current price in the base year
    assert sichuan[2] == pytest.approx(48598.8 * 1.082)
    assert sichuan[3] == pytest.approx(48598.8 * 1.082 * 1.029)
    assert sichuan[0] == pytest.approx(48598.8 / 1.038)
    # a different price base year changes the level, never the real growth
    other = constant_price_series(current, index, price_base_year=2022)
    assert other.values[0, 3] == pytest.approx(56610.2)
    np.testing.assert_allclose(annual_change(other), annual_change(constant))


def test_index_typed_as_percentage_is_rejected_with_region_and_year() -> None:
    current, index = gdp_panels([[np.nan, 103.8, 8.2, 102.9], [np.nan, 104.0, 108.0, 103.0]])
    with pytest.raises(AccountingInputError, match="looks like a growth rate") as err:
        constant_price_series(current, index, 2020)
    assert (err.value.region, err.value.indicator, err.value.year) == ("510000", "gdp_index", 2021)


def test_missing_index_year_is_an_error_not_nan() -> None:
    current, index = gdp_panels([[np.nan, 103.8, 108.2, 102.9], [np.nan, 104.0, np.nan, 103.0]])
    with pytest.raises(AccountingInputError, match="missing") as err:
        constant_price_series(current, index, 2020)
    assert (err.value.region, err.value.year) == ("510800", 2021)


def test_index_unit_must_match() -> None:
    current, _ = gdp_panels()
    wrong = Panel("gdp_index", "pct", REGIONS, YEARS, np.full((2, 4), 105.0))
    with pytest.raises(AccountingInputError, match="unit is 'pct'"):
        constant_price_series(current, wrong, 2020)


def test_price_base_year_outside_data_is_an_error() -> None:
    current, index = gdp_panels()
    with pytest.raises(AccountingInputError, match="not in the data") as err:
        constant_price_series(current, index, 2015)
    assert err.value.year == 2015


@pytest.mark.parametrize("bad", [0.0, -3.0, np.nan])
def test_intensity_rejects_zero_negative_or_missing_energy_and_gdp(bad: float) -> None:
    energy = Panel("energy_total", "10k_tce", REGIONS, YEARS, np.full((2, 4), 100.0))
    gdp_values = np.full((2, 4), 1000.0)
    gdp_values[1, 2] = bad
    gdp = Panel("gdp", "100m_yuan", REGIONS, YEARS, gdp_values)
    with pytest.raises(AccountingInputError) as err:
        intensity(energy, gdp, "tce_per_10k_yuan")
    assert (err.value.region, err.value.year) == ("510800", 2021)
    with pytest.raises(AccountingInputError):
        intensity(gdp.with_values(gdp_values), energy, "x")


def test_intensity_and_changes() -> None:
    energy = Panel("energy_total", "10k_tce", ("a",), (2020, 2021, 2022), np.array([[100.0, 103.0, 104.0]]))
    gdp = Panel("gdp", "100m_yuan", ("a",), (2020, 2021, 2022), np.array([[1000.0, 1050.0, 1100.0]]))
    ratio = intensity(energy, gdp, "tce_per_10k_yuan")
    changes = annual_change(ratio)
    assert changes.shape == (1, 2)
    assert changes[0, 0] == pytest.approx((1.03 / 1.05) - 1)
    since = change_since(ratio, 2020)
    assert since[0, 0] == 0.0
    assert since[0, 2] == pytest.approx(cumulative_change(changes)[0])


def test_cumulative_change_worked_example() -> None:
    assert round(float(cumulative_change(np.array([0.0151, -0.022, -0.0418]))) * 100, 2) == -4.87


def test_average_annual_rates() -> None:
    assert round(float(average_annual_reduction(0.17, 5)) * 100, 2) == 3.66
    assert float(average_annual_change(-0.17, 5)) == pytest.approx(-float(average_annual_reduction(0.17, 5)))
    with pytest.raises(AccountingInputError):
        average_annual_change(0.1, 0)


def test_panel_years_must_be_consecutive_and_shape_must_match() -> None:
    with pytest.raises(AccountingInputError, match="consecutive"):
        Panel("x", "pct", ("a",), (2020, 2022), np.array([[1.0, 2.0]]))
    with pytest.raises(AccountingInputError, match="shape"):
        Panel("x", "pct", ("a", "b"), (2020, 2021), np.array([[1.0, 2.0]]))
