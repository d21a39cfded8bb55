"""Daily and monthly tce per enterprise, and the quality rules of METHODOLOGY §8, by hand and as properties."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecer.catalogs.energy_units import factor_table, load_unit_fits
from ecer.core.energy import ElectricityBasis
from ecer.core.energy_quality import QualityRules, completeness, daily_vs_monthly, expected_intervals
from ecer.core.energy_rollup import EnterpriseMeter, daily_energy, local_date, monthly_energy
from ecer.core.energy_units import ConversionError
from ecer.core.meters import (
    CHINA_TZ,
    GapRule,
    MeterConsumption,
    MeterDeclaration,
    MeterRules,
    Reading,
    ReadingKind,
    interval_consumption,
)

FITS = load_unit_fits()
TABLES = {2023: factor_table(2023)}
CAL, COAL = ElectricityBasis.CALORIFIC, ElectricityBasis.COAL_EQUIVALENT
Q, H = dt.timedelta(minutes=15), dt.timedelta(hours=1)
DAY1 = dt.datetime(2023, 3, 1, tzinfo=CHINA_TZ)
NOW = dt.datetime(2024, 1, 1, tzinfo=CHINA_TZ)
POWER = MeterDeclaration("E1-P1", "electricity", "kwh", Q)
GAS = MeterDeclaration("E1-G1", "natural_gas", "m3", H)


def cumulative(meter: MeterDeclaration, start: dt.datetime, values: list[float],
               rules: MeterRules = MeterRules()) -> MeterConsumption:  # noqa: B008
    readings = [Reading(start + k * meter.interval, v, ReadingKind.CUMULATIVE) for k, v in enumerate(values)]
    return interval_consumption(meter, readings, now=NOW, rules=rules)


def test_a_day_of_power_and_gas_by_hand() -> None:
    # 97 readings 00:00 … 24:00, 10 kWh a quarter: 960 kWh on 1 March
    power = cumulative(POWER, DAY1, [10.0 * k for k in range(97)])
    # gas read hourly 23:00, 24:00, 01:00: 50 m³ on 1 March, 20 m³ on 2 March (day = local date of the start)
    gas = cumulative(GAS, DAY1 + 23 * H, [100.0, 150.0, 170.0])
    meters = [EnterpriseMeter("E1", power), EnterpriseMeter("E1", gas)]
    first, second = daily_energy(meters, FITS, TABLES)
    assert (first.period, second.period) == ("2023-03-01", "2023-03-02")
    # calorific: 960 × 0.1229 / 1000 + 50 × 1.2143 / 1000; coal-equivalent: 960 × 0.3036 / 1000 + the same gas
    assert first.tce(CAL) == pytest.approx(0.117984 + 0.060715)
    assert first.tce(COAL) == pytest.approx(0.291456 + 0.060715)
    assert second.tce(CAL) == pytest.approx(0.024286) and second.tce(COAL) == pytest.approx(0.024286)
    assert [(f.energy_type, f.quantity, f.basis) for f in first.figures] == [
        ("electricity", 960.0, CAL), ("electricity", 960.0, COAL), ("natural_gas", 50.0, CAL),
        ("natural_gas", 50.0, COAL)]
    assert "2023" in first.figures[1].why and "GB/T 2589" in first.figures[2].factor.source
    (month,) = monthly_energy(meters, FITS, TABLES)
    assert month.period == "2023-03" and month.tce(COAL) == pytest.approx(first.tce(COAL) + second.tce(COAL))


def test_the_reading_at_midnight_closes_the_previous_day() -> None:
    power = cumulative(POWER, DAY1 - Q, [0.0, 4.0, 9.0])  # 23:45 (28 Feb), 00:00, 00:15
    assert [local_date(i) for i in power.intervals] == [dt.date(2023, 2, 28), dt.date(2023, 3, 1)]
    assert [e.period for e in daily_energy([EnterpriseMeter("E1", power)], FITS, TABLES)] == [
        "2023-02-28", "2023-03-01"]


def test_steam_by_mass_uses_the_declared_enthalpy() -> None:
    steam = MeterDeclaration("E1-S1", "heat", "t", H, enthalpy_gj_per_t=2.8)
    (day,) = daily_energy([EnterpriseMeter("E1", cumulative(steam, DAY1, [0.0, 10.0]))], FITS, TABLES)
    assert day.tce(CAL) == pytest.approx(0.95536)  # 10 t × 2800 MJ/t × 0.03412 kgce/MJ


def test_a_unit_that_does_not_fit_and_a_year_without_factors_are_refused() -> None:
    wrong = MeterDeclaration("E1-P2", "electricity", "m3", Q)
    with pytest.raises(ConversionError, match="field 'unit' = 'm3': expected a unit of electricity"):
        daily_energy([EnterpriseMeter("E1", cumulative(wrong, DAY1, [0.0, 1.0]))], FITS, TABLES)
    with pytest.raises(ConversionError, match=r"field 'year' = 2023: expected a factor table for 2023 \(given: 2020\)"):
        daily_energy([EnterpriseMeter("E1", cumulative(POWER, DAY1, [0.0, 1.0]))], FITS, {2020: factor_table(2020)})


# --- quality rules ---------------------------------------------------------------------------------

def test_completeness_of_a_day() -> None:
    day, next_day = dt.date(2023, 3, 1), dt.date(2023, 3, 2)
    assert expected_intervals(Q, day, next_day) == 96 and expected_intervals(H, day, dt.date(2023, 4, 1)) == 744
    full = cumulative(POWER, DAY1, [float(k) for k in range(97)])
    result = completeness([full], day, next_day)
    assert (result.received, result.expected, result.share, result.threshold, result.passed) == (96, 96, 1.0, 0.9, True)
    # 87 of 96 received (90.6%) passes, 86 (89.6%) fails; the gaps are spread but only readings count
    for kept, passed in ((87, True), (86, False)):
        values = [(k, float(k)) for k in range(97) if k == 0 or k > 96 - kept]
        readings = [Reading(DAY1 + k * Q, v, ReadingKind.CUMULATIVE) for k, v in values]
        batch = interval_consumption(POWER, readings, now=NOW, rules=MeterRules(gap_rule=GapRule.SPREAD))
        figure = completeness([batch], day, next_day)
        assert (figure.received, figure.passed) == (kept, passed)
        assert math.isclose(batch.total, 96.0)  # the energy is all there, spread over the gap


def test_completeness_of_an_enterprise_counts_each_point_once() -> None:
    day, next_day = dt.date(2023, 3, 1), dt.date(2023, 3, 2)
    power = cumulative(POWER, DAY1, [float(k) for k in range(97)])
    gas = cumulative(GAS, DAY1, [float(k) for k in range(13)])  # 12 of 24 hours
    result = completeness([power, gas, power], day, next_day)
    assert (result.received, result.expected) == (108, 120) and result.passed  # 90.0 %
    assert not completeness([power, gas], day, next_day, QualityRules(min_completeness=0.95)).passed
    assert not completeness([], day, next_day).passed


@pytest.mark.parametrize(("daily", "monthly", "deviation", "passed"), [
    ([10.0] * 30, 310.0, 10 / 310, True),
    ([10.0] * 30, 320.0, 20 / 320, False),
    ([52.5, 52.5], 100.0, 0.05, True),  # exactly the threshold passes
    ([], 0.0, 0.0, True),
    ([1.0], 0.0, None, False),
])
def test_daily_against_monthly(daily: list[float], monthly: float, deviation: float | None, passed: bool) -> None:
    result = daily_vs_monthly(daily, monthly)
    assert result.deviation == (None if deviation is None else pytest.approx(deviation))
    assert (result.passed, result.threshold) == (passed, 0.05)


def test_daily_against_monthly_threshold_is_a_parameter_and_bad_values_are_refused() -> None:
    assert daily_vs_monthly([10.0] * 30, 320.0, QualityRules(max_daily_monthly_deviation=0.07)).passed
    with pytest.raises(ValueError, match="finite and ≥ 0"):
        daily_vs_monthly([-1.0], 10.0)


# --- properties ------------------------------------------------------------------------------------

@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=500), min_size=1, max_size=300),
       st.integers(min_value=0, max_value=24 * 4 * 40))
def test_months_are_the_sum_of_their_days_and_nothing_is_lost(increments: list[float], offset: int) -> None:
    start = dt.datetime(2023, 1, 1, tzinfo=CHINA_TZ) + offset * Q  # crosses days and the month end
    values = [0.0]
    for inc in increments:
        values.append(values[-1] + inc)
    power = EnterpriseMeter("E1", cumulative(POWER, start, values))
    days = daily_energy([power], FITS, TABLES)
    months = monthly_energy([power], FITS, TABLES)
    for basis in (CAL, COAL):
        for month in months:
            in_month = [d.tce(basis) for d in days if d.period.startswith(month.period)]
            assert math.isclose(month.tce(basis), math.fsum(in_month), rel_tol=1e-9, abs_tol=1e-12)
    kwh = math.fsum(f.quantity for m in months for f in m.figures if f.basis is CAL)
    assert math.isclose(kwh, values[-1] - values[0], rel_tol=1e-9, abs_tol=1e-9)
    assert daily_vs_monthly([d.tce(CAL) for d in days], math.fsum(m.tce(CAL) for m in months)).passed


def test_a_gap_across_midnight_is_split_between_the_days_by_the_gap_rule() -> None:
    # read 23:00 and 01:00 (the 24:00 reading missing): 80 m³ over two hours
    gas = MeterDeclaration("E1-G1", "natural_gas", "m3", H)
    readings = [Reading(DAY1 + 23 * H, 0.0, ReadingKind.CUMULATIVE), Reading(DAY1 + 25 * H, 80.0, ReadingKind.CUMULATIVE)]
    spread = interval_consumption(gas, readings, now=NOW)
    last = interval_consumption(gas, readings, now=NOW, rules=MeterRules(gap_rule=GapRule.LAST_INTERVAL))
    by_day = {e.period: e.figures[0].quantity for e in daily_energy([EnterpriseMeter("E1", spread)], FITS, TABLES)}
    assert by_day == {"2023-03-01": 40.0, "2023-03-02": 40.0}
    by_day = {e.period: e.figures[0].quantity for e in daily_energy([EnterpriseMeter("E1", last)], FITS, TABLES)}
    assert by_day == {"2023-03-02": 80.0}
