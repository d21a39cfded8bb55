"""Readings → interval consumption: worked examples by hand, every bad input, and properties."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ecer.core.meters import (
    CHINA_TZ,
    GapRule,
    IntervalSource,
    MeterDeclaration,
    MeterReset,
    MeterRules,
    Reading,
    ReadingKind,
    ReadingsRejected,
    interval_consumption,
)

Q = dt.timedelta(minutes=15)
T0 = dt.datetime(2026, 3, 1, 0, 0, tzinfo=CHINA_TZ)
NOW = dt.datetime(2026, 4, 1, tzinfo=CHINA_TZ)
C, IV = ReadingKind.CUMULATIVE, ReadingKind.INTERVAL
METER = MeterDeclaration("P1", "electricity", "kwh", Q, rollover_value=1_000_000.0)


def cum(*values: float, start: dt.datetime = T0, step: dt.timedelta = Q) -> list[Reading]:
    return [Reading(start + k * step, v, C) for k, v in enumerate(values)]


def convert(readings: list[Reading], meter: MeterDeclaration = METER, **kw: object) -> list[float]:
    return [i.value for i in interval_consumption(meter, readings, now=NOW, **kw).intervals]  # type: ignore[arg-type]


def rejected(readings: list[Reading], meter: MeterDeclaration = METER, **kw: object) -> list[str]:
    with pytest.raises(ReadingsRejected) as caught:
        interval_consumption(meter, readings, now=NOW, **kw)  # type: ignore[arg-type]
    return [str(p) for p in caught.value.problems]


# --- worked examples -------------------------------------------------------------------------------

def test_cumulative_differences_by_hand() -> None:
    # 100.0 → 112.5 → 130.0 → 130.0: 12.5, 17.5, 0 kWh in the intervals ending 00:15, 00:30, 00:45
    result = interval_consumption(METER, cum(100.0, 112.5, 130.0, 130.0), now=NOW)
    assert [(i.start.strftime("%H:%M"), i.end.strftime("%H:%M"), i.value) for i in result.intervals] == [
        ("00:00", "00:15", 12.5), ("00:15", "00:30", 17.5), ("00:30", "00:45", 0.0)]
    assert result.total == 30.0 and result.received == 3 and result.gaps == () and result.rollovers == ()
    assert result.last_reading == Reading(T0 + 3 * Q, 130.0, C)


def test_rollover_by_hand() -> None:
    # register counts modulo 1,000,000: 999,990 → 15 is 1,000,000 − 999,990 + 15 = 25 kWh
    result = interval_consumption(METER, cum(999_980.0, 999_990.0, 15.0, 40.0), now=NOW)
    assert [i.value for i in result.intervals] == [10.0, 25.0, 25.0]
    assert result.rollovers == (T0 + 2 * Q,)


def test_the_brief_example_register_of_999999_9() -> None:
    meter = MeterDeclaration("P1", "electricity", "kwh", Q, rollover_value=999_999.9)
    assert convert(cum(999_999.0, 0.6), meter) == [pytest.approx(1.5)]  # 999999.9 − 999999.0 + 0.6


def test_declared_reset_restarts_counting() -> None:
    # meter exchanged at 00:20: the old register ended at 5,030, the new one starts at 0
    meter = MeterDeclaration("P1", "electricity", "kwh", Q,
                             resets=(MeterReset(T0 + dt.timedelta(minutes=20), 0.0, 5_030.0),))
    result = interval_consumption(meter, cum(5_000.0, 5_020.0, 12.0, 30.0), now=NOW)
    # 20 | (5030 − 5020) + (12 − 0) = 22 | 18
    assert [i.value for i in result.intervals] == [20.0, 22.0, 18.0]
    assert result.resets == meter.resets


def test_reset_without_final_value_counts_from_the_start_value() -> None:
    meter = MeterDeclaration("P1", "electricity", "kwh", Q, resets=(MeterReset(T0 + Q, 100.0),))
    # the reading at the reset time is the new register's: 100 → 100 is 0, then 100 → 107 is 7
    assert convert(cum(5_000.0, 100.0, 107.0), meter) == [0.0, 7.0]


def test_gap_spread_evenly() -> None:
    # 00:00 then 01:00: three intervals missing, 40 kWh spread over the four intervals
    result = interval_consumption(METER, cum(100.0, 140.0, start=T0, step=4 * Q), now=NOW)
    assert [i.value for i in result.intervals] == [10.0] * 4
    assert {i.source for i in result.intervals} == {IntervalSource.SPREAD}
    assert result.read_at == (T0 + 4 * Q,) and result.received == 1  # one reading closed an interval
    (gap,) = result.gaps
    assert (gap.missing, gap.consumption, gap.rule) == (3, 40.0, GapRule.SPREAD)


def test_gap_assigned_to_the_interval_read_in() -> None:
    rules = MeterRules(gap_rule=GapRule.LAST_INTERVAL)
    result = interval_consumption(METER, cum(100.0, 140.0, step=4 * Q), now=NOW, rules=rules)
    (only,) = result.intervals
    assert (only.start, only.end, only.value, only.source) == (T0 + 3 * Q, T0 + 4 * Q, 40.0, IntervalSource.MEASURED)


def test_interval_values_and_their_gaps() -> None:
    readings = [Reading(T0 + Q, 3.0, IV), Reading(T0 + 2 * Q, 4.0, IV), Reading(T0 + 5 * Q, 6.0, IV)]
    result = interval_consumption(METER, readings, now=NOW)
    assert [(i.start, i.value) for i in result.intervals] == [(T0, 3.0), (T0 + Q, 4.0), (T0 + 4 * Q, 6.0)]
    (gap,) = result.gaps
    assert (gap.missing, gap.consumption) == (2, None)


def test_duplicates_with_the_same_value_count_once_and_order_does_not_matter() -> None:
    readings = cum(100.0, 110.0, 125.0)
    assert convert(readings[::-1] + readings[:2]) == [10.0, 15.0]


def test_the_next_batch_continues_from_the_stored_reading() -> None:
    first = interval_consumption(METER, cum(100.0, 110.0), now=NOW)
    second = interval_consumption(METER, cum(110.0, 125.0, start=T0 + Q), now=NOW, previous=first.last_reading)
    assert [i.value for i in second.intervals] == [15.0]


def test_utc_timestamps_are_on_the_local_grid() -> None:
    utc = [Reading(r.at.astimezone(dt.UTC), r.value, r.kind) for r in cum(1.0, 2.0)]
    assert convert(utc) == [1.0]


# --- bad input: every problem names field, value and expectation, and nothing is converted -----------

def test_backwards_without_reset_is_rejected() -> None:
    (problem,) = rejected(cum(100.0, 90.0), MeterDeclaration("P1", "electricity", "kwh", Q))
    assert "readings[1]" in problem and "'value' = 90.0" in problem and "expected ≥ 100.0" in problem
    assert "declared reset" in problem


def test_a_small_drop_on_a_rollover_meter_is_not_a_rollover() -> None:
    (problem,) = rejected(cum(500_000.0, 499_990.0))
    assert "'value' = 499990.0" in problem and "not plausible" in problem and "999990" in problem


def test_below_the_start_value_after_a_reset_is_rejected() -> None:
    meter = MeterDeclaration("P1", "electricity", "kwh", Q, resets=(MeterReset(T0 + Q, 100.0),))
    (problem,) = rejected(cum(5_000.0, 90.0), meter)
    assert "'value' = 90.0" in problem and "≥ 100.0" in problem and "after the declared reset" in problem


def test_final_value_below_the_previous_reading_is_rejected() -> None:
    meter = MeterDeclaration("P1", "electricity", "kwh", Q, resets=(MeterReset(T0 + Q, 0.0, 4_000.0),))
    (problem,) = rejected(cum(5_000.0, 3.0), meter)
    assert "'resets.final_value' = 4000.0" in problem and "≥ 5000.0" in problem


def test_duplicate_with_a_different_value_is_rejected() -> None:
    (problem,) = rejected(cum(100.0, 110.0) + [Reading(T0 + Q, 111.0, C)])
    assert "readings[2]" in problem and "'value' = 111.0" in problem and "110.0 as in readings[1]" in problem


def test_duplicate_of_the_stored_reading_with_a_different_value_is_rejected() -> None:
    (problem,) = rejected(cum(101.0, 110.0), previous=Reading(T0, 100.0, C))
    assert "readings[0]" in problem and "100.0 as in the stored reading" in problem


def test_future_timestamp_is_rejected() -> None:
    late = NOW + dt.timedelta(minutes=15)
    (problem,) = rejected([Reading(NOW - Q, 1.0, C), Reading(late, 2.0, C)])
    assert "'at' = 2026-04-01T00:15:00+08:00" in problem and "not after now" in problem
    assert convert([Reading(NOW, 1.0, C), Reading(late, 2.0, C)],
                   rules=MeterRules(future_tolerance=dt.timedelta(minutes=20))) == [1.0]


@pytest.mark.parametrize(("reading", "field", "expected"), [
    (Reading(T0.replace(tzinfo=None), 1.0, C), "'at'", "aware timestamp"),
    (Reading(T0 + dt.timedelta(minutes=7), 1.0, C), "'at'", "15:00 grid"),
    (Reading(T0, -1.0, C), "'value' = -1.0", "finite value ≥ 0"),
    (Reading(T0, math.nan, C), "'value' = nan", "finite value ≥ 0"),
    (Reading(T0, 1_000_000.0, C), "'value' = 1000000.0", "below the register's declared rollover"),
    (Reading(T0, 1.0, IV), "'kind' = 'interval'", "'cumulative' like the point's other readings"),
])
def test_bad_readings_are_named(reading: Reading, field: str, expected: str) -> None:
    problems = rejected([Reading(T0 - Q, 0.0, C), reading])
    assert any("readings[1]" in p and field in p and expected in p for p in problems), problems


def test_a_late_reading_before_the_stored_one_is_rejected() -> None:
    (problem,) = rejected(cum(90.0), previous=Reading(T0 + Q, 100.0, C))
    assert "after the last stored reading" in problem


@pytest.mark.parametrize(("meter", "field"), [
    (MeterDeclaration("P1", "electricity", "kwh", dt.timedelta(minutes=7)), "interval"),
    (MeterDeclaration("P1", "electricity", "kwh", Q, rollover_value=0.0), "rollover_value"),
    (MeterDeclaration("P1", "electricity", "kwh", Q, resets=(MeterReset(T0, -1.0),)), "resets.start_value"),
])
def test_bad_declarations_are_named(meter: MeterDeclaration, field: str) -> None:
    problems = rejected(cum(1.0, 2.0), meter)
    assert any(f"declaration, field '{field}'" in p for p in problems), problems


def test_now_must_be_aware() -> None:
    with pytest.raises(ValueError, match="now must be an aware"):
        interval_consumption(METER, cum(1.0), now=NOW.replace(tzinfo=None))


def test_every_problem_of_a_batch_is_reported() -> None:
    readings = [Reading(T0, -1.0, C), Reading(T0 + dt.timedelta(minutes=3), 1.0, C), Reading(NOW + DAYS, 2.0, C)]
    assert len(rejected(readings)) == 3


DAYS = dt.timedelta(days=2)


# --- properties -----------------------------------------------------------------------------------

R = 1_000_000.0
increments = st.lists(st.floats(min_value=0, max_value=0.09 * R, allow_nan=False), min_size=1, max_size=40)
steps = st.lists(st.integers(min_value=1, max_value=4), min_size=40, max_size=40)


def metered(start: float, incs: list[float], gaps: list[int]) -> tuple[list[Reading], float]:
    """Cumulative readings of a register modulo R after `incs`, read `gaps[k]` intervals apart."""
    register, at, out = start, T0, [Reading(T0, start, C)]
    for inc, g in zip(incs, gaps, strict=False):
        register = math.fmod(register + inc, R)
        at += g * Q
        out.append(Reading(at, register, C))
    return out, math.fsum(incs)


@settings(max_examples=150, deadline=None)
@given(st.floats(min_value=0, max_value=R * 0.999, allow_nan=False), increments, steps,
       st.sampled_from(list(GapRule)))
def test_total_is_last_minus_first_plus_rollovers(start: float, incs: list[float], gaps: list[int],
                                                  rule: GapRule) -> None:
    readings, truth = metered(start, incs, gaps)
    result = interval_consumption(METER, readings, now=NOW, rules=MeterRules(gap_rule=rule))
    by_formula = readings[-1].value - readings[0].value + R * len(result.rollovers)
    assert math.isclose(result.total, truth, rel_tol=1e-9, abs_tol=1e-6)
    assert math.isclose(result.total, by_formula, rel_tol=1e-9, abs_tol=1e-6)
    assert all(i.value >= 0 and i.end - i.start == Q for i in result.intervals)
    ends = [i.end for i in result.intervals]
    assert ends == sorted(set(ends))  # each interval once, in order


@settings(max_examples=100, deadline=None)
@given(st.floats(min_value=0, max_value=R * 0.999, allow_nan=False), increments, steps, st.data())
def test_split_shuffled_and_repeated_batches_give_the_same_result(start: float, incs: list[float],
                                                                  gaps: list[int], data: st.DataObject) -> None:
    readings, _ = metered(start, incs, gaps)
    whole = interval_consumption(METER, readings, now=NOW)
    k = data.draw(st.integers(min_value=1, max_value=len(readings)))
    first = interval_consumption(METER, data.draw(st.permutations(readings[:k])), now=NOW)
    rest = readings[k - 1:] if data.draw(st.booleans()) else readings[k:]  # the stored reading may be re-sent
    second = interval_consumption(METER, data.draw(st.permutations(rest)), now=NOW, previous=first.last_reading)
    assert first.intervals + second.intervals == whole.intervals
    assert second.last_reading == whole.last_reading
    repeated = interval_consumption(METER, readings + data.draw(st.permutations(readings))[:k], now=NOW)
    assert repeated == whole


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.floats(min_value=0, max_value=1e4), st.booleans(),
                          st.floats(min_value=0, max_value=1e3), st.floats(min_value=0, max_value=50)),
                min_size=1, max_size=30))
def test_declared_resets_lose_nothing_when_the_final_value_is_recorded(
        steps_: list[tuple[float, bool, float, float]]) -> None:
    """Ground truth with meter exchanges: between two readings the old register runs `before` more, is
    exchanged (its final value recorded), and the new one starts at `start` and runs `after`."""
    register, at, truth = 0.0, T0, 0.0
    readings, resets = [Reading(T0, 0.0, C)], []
    for before, exchanged, start, after in steps_:
        at += Q
        if exchanged:
            resets.append(MeterReset(at - dt.timedelta(minutes=5), start, register + before))
            register, truth = start + after, truth + before + after
        else:
            register, truth = register + before, truth + before
        readings.append(Reading(at, register, C))
    meter = MeterDeclaration("P1", "electricity", "kwh", Q, resets=tuple(resets))
    result = interval_consumption(meter, readings, now=NOW)
    assert math.isclose(result.total, truth, rel_tol=1e-9, abs_tol=1e-6)
    assert result.resets == tuple(resets)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1e3), min_size=2, max_size=30), st.data())
def test_one_bad_reading_rejects_the_whole_batch_and_is_named(incs: list[float], data: st.DataObject) -> None:
    readings, _ = metered(0.0, incs, [1] * len(incs))
    k = data.draw(st.integers(min_value=1, max_value=len(readings) - 1))
    bad_kind = data.draw(st.sampled_from(["backwards", "future", "negative", "off_grid", "conflict"]))
    r = readings[k]
    bad = {
        "backwards": Reading(r.at, readings[k - 1].value - 1.0 - 0.001 * k, C),
        "future": Reading(NOW + dt.timedelta(hours=1), r.value, C),
        "negative": Reading(r.at, -0.5, C),
        "off_grid": Reading(r.at + dt.timedelta(minutes=1), r.value, C),
        "conflict": Reading(r.at, r.value + 1.0, C),
    }[bad_kind]
    batch = readings + [bad] if bad_kind == "conflict" else readings[:k] + [bad] + readings[k + 1:]
    assume(bad_kind != "backwards" or readings[k - 1].value >= 1.0 + 0.001 * k)  # else it is 'negative'
    meter = MeterDeclaration("P1", "electricity", "kwh", Q)  # no rollover: any drop is backwards
    with pytest.raises(ReadingsRejected) as caught:
        interval_consumption(meter, data.draw(st.permutations(batch)), now=NOW)
    fields = {p.field for p in caught.value.problems}
    assert fields & {"value", "at"} and all(p.expected for p in caught.value.problems)
