"""The pure detection rules (ecer.alarms.detect): merge, peak, oxygen-corrected basis, offline, quality."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ecer.alarms import detect

T0 = dt.datetime(2025, 3, 4, 0)
LIMITS = {("MN1", "a21026"): (None, 200.0), ("MN1", "w01001"): (6.0, 9.0)}


def hour(h: int, avg: float | None = None, zs: float | None = None, rt: float | None = None,
         factor: str = "a21026") -> dict[str, Any]:
    return {"mn": "MN1", "factor": factor, "hour": T0 + dt.timedelta(hours=h), "hourly_avg": avg,
            "hourly_zs_avg": zs, "avg": rt}


def test_consecutive_exceeding_hours_are_one_episode_with_start_end_and_peak() -> None:
    rows = [hour(0, 150), hour(1, 210), hour(2, 260), hour(3, 230), hour(4, 180)]
    (ep,) = detect.exceedances(rows, LIMITS)
    assert (ep.start, ep.end, ep.hours) == (T0 + dt.timedelta(hours=1), T0 + dt.timedelta(hours=4), 3)
    assert (ep.peak_value, ep.peak_at, ep.limit_upper) == (260, T0 + dt.timedelta(hours=2), 200.0)
    assert ep.ongoing is False  # hour 4 is back inside the range
    assert ep.key == "exceedance:MN1:a21026:2025-03-04T01:00:00"


def test_a_missing_hour_splits_and_an_exceedance_at_the_end_is_ongoing() -> None:
    eps = detect.exceedances([hour(0, 210), hour(2, 220), hour(3, 230)], LIMITS)
    assert [(e.start.hour, e.end.hour, e.ongoing) for e in eps] == [(0, 1, False), (2, 4, True)]


def test_the_oxygen_corrected_value_is_judged_where_sent() -> None:
    # measured 150 is within the limit, but corrected to the reference O2 it is 240: exceedance
    (ep,) = detect.exceedances([hour(0, avg=150, zs=240), hour(1, avg=250, zs=190)], LIMITS)
    assert (ep.start.hour, ep.peak_value, ep.basis, ep.hours) == (0, 240, "ZsAvg", 1)
    # no hourly record at all: the mean of the valid real-time values
    (rt,) = detect.exceedances([hour(0, rt=300.0)], LIMITS)
    assert rt.basis == "Rtd" and rt.peak_value == 300.0
    assert detect.judged_value({"hourly_zs_avg": float("nan"), "hourly_avg": 5.0}) == (5.0, "Avg")


def test_a_range_is_violated_on_both_sides_and_the_peak_is_the_farthest_out() -> None:
    rows = [hour(0, 5.5, factor="w01001"), hour(1, 3.0, factor="w01001"), hour(2, 9.5, factor="w01001")]
    (ep,) = detect.exceedances(rows, LIMITS)
    assert (ep.hours, ep.peak_value, ep.limit_lower) == (3, 3.0, 6.0)


def test_factors_without_a_limit_are_not_judged() -> None:
    assert detect.exceedances([hour(0, 9999, factor="a00000")], LIMITS) == []


def test_judging_the_same_hours_again_gives_the_same_keys_and_late_data_moves_only_end_and_peak() -> None:
    first = detect.exceedances([hour(0, 210), hour(1, 220)], LIMITS)
    again = detect.exceedances([hour(0, 210), hour(1, 220)], LIMITS)
    assert [e.key for e in first] == [e.key for e in again]
    late = detect.exceedances([hour(0, 210), hour(1, 220), hour(2, 400)], LIMITS)
    assert [e.key for e in late] == [first[0].key]
    assert (late[0].end.hour, late[0].peak_value) == (3, 400)


def test_offline_after_the_device_or_default_threshold() -> None:
    now = dt.datetime(2025, 3, 4, 12, 0, tzinfo=dt.UTC)
    devices = [("A", now - dt.timedelta(minutes=45), None), ("B", now - dt.timedelta(minutes=45), 60),
               ("C", now - dt.timedelta(minutes=10), None), ("D", None, None)]
    (ep,) = detect.offline(devices, now, detect.Thresholds(offline_minutes=30))
    assert (ep.mn, ep.start, ep.end, ep.ongoing) == ("A", now - dt.timedelta(minutes=45), None, True)
    assert ep.detail == {"threshold_minutes": 30, "silent_minutes": 45}


def test_quality_alarms_on_complete_days_below_the_thresholds() -> None:
    days = [{"mn": "A", "period": "2025-03-03", "transmission_rate": 0.5, "valid_rate": 0.95},
            {"mn": "A", "period": "2025-03-04", "transmission_rate": 0.1, "valid_rate": 0.1}]  # today: not judged
    eps = detect.quality_alarms(days, dt.date(2025, 3, 4), detect.Thresholds(min_transmission_rate=0.9))
    assert [(e.factor, e.breach, e.peak_value) for e in eps] == [("transmission_rate", True, 0.5),
                                                                 ("valid_rate", False, 0.95)]
    assert eps[0].start == dt.datetime(2025, 3, 3) and eps[0].end == dt.datetime(2025, 3, 4)
