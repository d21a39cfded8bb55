"""Units that fit an energy type, and physical energy → tce on both bases with the factor's source."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecer.catalogs.energy_units import factor_table, load_unit_fits
from ecer.core.energy import ElectricityBasis
from ecer.core.energy_units import ConversionError, to_tce, to_tce_both, unit_problem

FITS = load_unit_fits()
CAL, COAL = ElectricityBasis.CALORIFIC, ElectricityBasis.COAL_EQUIVALENT


@pytest.mark.parametrize(("energy_type", "quantity", "unit", "calorific", "coal_equivalent"), [
    ("electricity", 1000.0, "kwh", 0.1229, 0.3055),  # 2020 coal rate 305.5 gce/kWh
    ("electricity", 1.0, "mwh", 0.1229, 0.3055),
    ("electricity", 1.0, "10k_kwh", 1.229, 3.055),
    ("raw_coal", 10.0, "t", 7.143, 7.143),  # 10 000 kg × 0.7143 kgce/kg
    ("natural_gas", 1.0, "10k_m3", 12.143, 12.143),  # 10 000 m³ × 1.2143 kgce/m³
    ("diesel", 2.0, "t", 2.9142, 2.9142),
    ("heat", 100.0, "gj", 3.412, 3.412),  # 100 000 MJ × 0.03412 kgce/MJ
])
def test_worked_examples(energy_type: str, quantity: float, unit: str, calorific: float,
                         coal_equivalent: float) -> None:
    cal, coal = to_tce_both(energy_type, quantity, unit, FITS, factor_table(2020))
    assert (cal.basis, coal.basis) == (CAL, COAL)
    assert cal.tce == pytest.approx(calorific) and coal.tce == pytest.approx(coal_equivalent)
    assert "GB/T 2589" in cal.factor.source


def test_every_figure_says_why() -> None:
    coal = to_tce("electricity", 1000.0, "kwh", COAL, FITS, factor_table(2020))
    assert coal.factor.year == 2020 and coal.factor.status == "published" and "305.5" in coal.factor.source
    assert coal.why.startswith("1000 kwh × 1 kwh/kwh × 0.3055 kgce/kwh ÷ 1000 = 0.3055 tce (coal_equivalent, 2020")


def test_steam_by_mass_needs_its_declared_enthalpy() -> None:
    # 10 t of steam at 2.8 GJ/t = 28 000 MJ × 0.03412 kgce/MJ = 955.36 kgce
    figure = to_tce("heat", 10.0, "t", CAL, FITS, factor_table(2020), enthalpy_gj_per_t=2.8)
    assert figure.tce == pytest.approx(0.95536) and figure.base_per_unit == 2800.0
    with pytest.raises(ConversionError, match=r"field 'enthalpy_gj_per_t' = None: expected the declared enthalpy"):
        to_tce("heat", 10.0, "t", CAL, FITS, factor_table(2020))


@pytest.mark.parametrize(("energy_type", "unit", "message"), [
    ("electricity", "m3", "field 'unit' = 'm3': expected a unit of electricity: 10k_kwh, kwh, mwh"),
    ("natural_gas", "kwh", "field 'unit' = 'kwh': expected a unit of natural_gas: 10k_m3, m3"),
    ("raw_coal", "m3", "field 'unit' = 'm3': expected a unit of raw_coal: 10k_t, t"),
    ("peat", "t", "field 'energy_type' = 'peat': expected one of the catalog's energy types"),
])
def test_a_unit_that_does_not_fit_the_energy_type_is_rejected(energy_type: str, unit: str, message: str) -> None:
    found = unit_problem(energy_type, unit, FITS)
    assert found is not None and str(found).startswith(message)
    with pytest.raises(ConversionError, match=message.split(":")[0]):
        to_tce(energy_type, 1.0, unit, CAL, FITS, factor_table(2020))


def test_negative_quantity_is_rejected() -> None:
    with pytest.raises(ConversionError, match=r"field 'quantity' = -1.0: expected a finite quantity ≥ 0"):
        to_tce("raw_coal", -1.0, "t", CAL, FITS, factor_table(2020))


def test_a_year_without_a_coal_rate_says_what_to_configure() -> None:
    table = factor_table(2025)
    assert to_tce("electricity", 1000.0, "kwh", CAL, FITS, table).tce == pytest.approx(0.1229)
    with pytest.raises(ConversionError, match=r"field 'factor' = electricity \(coal_equivalent, 2025\).*configure"):
        to_tce("electricity", 1000.0, "kwh", COAL, FITS, table)
    earlier = to_tce("electricity", 1000.0, "kwh", COAL, FITS, factor_table(2025, allow_earlier_year=True))
    assert earlier.factor.year == 2023 and earlier.tce == pytest.approx(0.3036)
    configured = to_tce("electricity", 1000.0, "kwh", COAL, FITS,
                        factor_table(2025, coal_equivalent_overrides={2025: 0.301}))
    assert configured.factor.status == "configured" and configured.tce == pytest.approx(0.301)


def test_every_energy_type_with_a_factor_has_a_unit() -> None:
    table = factor_table(2020)
    assert {t for t, _ in table.factors} == {t for t, _ in FITS}


@given(st.sampled_from(sorted(k for k, f in FITS.items() if f.base_per_unit is not None)),
       st.floats(min_value=0, max_value=1e9), st.floats(min_value=0, max_value=1e9))
def test_conversion_is_additive(pair: tuple[str, str], a: float, b: float) -> None:
    """Summing quantities then converting equals converting then summing (so roll-ups may do either)."""
    energy_type, unit = pair
    table = factor_table(2021)
    for basis in (CAL, COAL):
        whole = to_tce(energy_type, a + b, unit, basis, FITS, table).tce
        parts = to_tce(energy_type, a, unit, basis, FITS, table).tce + to_tce(energy_type, b, unit, basis, FITS, table).tce
        assert math.isclose(whole, parts, rel_tol=1e-12, abs_tol=1e-9)
