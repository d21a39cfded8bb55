"""The hourly roll-up adds up three partial aggregations (valid real-time readings, the other real-time
readings by flag, everything else): hours that only one of them sees still get the right row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ecer.analytics import reads, store
from ecer.analytics.params import AnalyticsParams
from ecer.analytics.simulate import RX
from ecer.gateway.lake import Lake, LakeRow

MN = "HOURPARTS000000000000001"
DAY = dt.datetime(2025, 3, 1)
NOW = dt.datetime(2025, 3, 10)


def _row(cn: str, at: dt.datetime, factor: str, field: str, value: float | None, flag: str = "N") -> LakeRow:
    return LakeRow(MN, "32", cn, at, factor, field, value, f"{value}", flag, RX, 1, factor)


def test_hours_seen_by_one_part_only(tmp_path: Path) -> None:
    h = [DAY + dt.timedelta(hours=i) for i in range(6)]
    rows = [
        # 00: valid and invalid real-time readings, a negative valid one, the logger's hourly record
        _row("2011", h[0], "w01018", "Rtd", 40.0), _row("2011", h[0] + dt.timedelta(minutes=10), "w01018", "Rtd", -1.0),
        _row("2011", h[0] + dt.timedelta(minutes=20), "w01018", "Rtd", 99.0, "F"),
        _row("2011", h[0] + dt.timedelta(minutes=30), "w01018", "Rtd", 98.0, "D"),
        _row("2061", h[0], "w01018", "Avg", 39.0), _row("2061", h[0], "w01018", "Cou", 2.5),
        _row("2061", h[0], "w01018", "Min", 1.0),
        # 01: only invalid readings (and one without a value, flag N: a reading, neither valid nor invalid)
        _row("2011", h[1], "w01018", "Rtd", 50.0, "M"), _row("2011", h[1] + dt.timedelta(minutes=5), "w01018", "Rtd", None),
        # 02: only minute data: the hour has a row, with nothing counted
        _row("2051", h[2], "w01018", "Avg", 41.0), _row("2051", h[2], "w01018", "Max", 42.0),
        # 03: only the hourly record
        _row("2061", h[3], "w01018", "Avg", 45.0),
        # 04: only valid readings
        _row("2011", h[4], "w01018", "Rtd", 10.0), _row("2011", h[4] + dt.timedelta(minutes=30), "w01018", "Rtd", 20.0),
    ]
    lake = Lake(tmp_path / "lake")
    try:
        lake.write(rows, lake.checkpoint + 1)
    finally:
        lake.close()
    store.update(tmp_path, now=NOW, params=AnalyticsParams())
    got = {r["hour"].hour: r for r in reads.rows(tmp_path, "hourly", DAY.date(), DAY.date())}
    assert sorted(got) == [0, 1, 2, 3, 4]

    zero = got[0]
    assert (zero["n_readings"], zero["n_valid"], zero["n_invalid"], zero["n_flag_f"], zero["n_flag_d"]) == (4, 2, 2, 1, 1)
    assert (zero["n_negative"], zero["min"], zero["max"], zero["avg"]) == (1, -1.0, 40.0, 19.5)
    assert (zero["hourly_avg"], zero["cou_sent"], zero["amount_source"]) == (39.0, 2.5, "cou")
    one = got[1]
    assert (one["n_readings"], one["n_valid"], one["n_invalid"], one["n_flag_m"]) == (2, 0, 1, 1)
    assert one["min"] is None and one["avg"] is None and one["sum_valid"] is None
    two = got[2]
    assert two["n_readings"] == two["n_valid"] == two["n_invalid"] == 0 and two["hourly_avg"] is None
    assert got[3]["hourly_avg"] == 45.0 and got[3]["n_readings"] == 0
    four = got[4]
    assert (four["n_readings"], four["n_valid"], four["n_invalid"], four["avg"], four["hourly_avg"]) == (2, 2, 0, 15.0, None)
    assert all(r["n_bad_time"] == 0 and r["n_unit_mismatch"] == 0 for r in got.values())
    daily = reads.rows(tmp_path, "daily", DAY.date(), DAY.date())
    assert [(d["hours"], d["n_readings"], d["n_valid"], d["n_invalid"]) for d in daily] == [(5, 8, 4, 3)]
