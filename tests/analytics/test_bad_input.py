"""Bad input the roll-ups flag and count, never sum: cumulative values going backwards (a real-time
totaliser below its previous value, also across midnight; an interval Cou below zero)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ecer.analytics import reads, store
from ecer.analytics.params import AnalyticsParams
from ecer.analytics.simulate import RX
from ecer.gateway.lake import Lake, LakeRow

MN = "BADINPUT0000000000000001"
NOW = dt.datetime(2025, 3, 10)


def _row(cn: str, at: dt.datetime, factor: str, field: str, value: float) -> LakeRow:
    return LakeRow(MN, "32", cn, at, factor, field, value, f"{value}", "N", RX, 1, factor)


def _write(data: Path, rows: list[LakeRow]) -> None:
    lake = Lake(data / "lake")
    try:
        lake.write(rows, lake.checkpoint + 1)
    finally:
        lake.close()


def _hourly(data: Path, day: dt.date) -> dict[tuple[str, int], dict]:  # type: ignore[type-arg]
    return {(r["factor"], r["hour"].hour): r for r in reads.rows(data, "hourly", day, day)}


def test_cumulative_values_going_backwards_are_counted_and_not_summed(tmp_path: Path) -> None:
    d1, d2 = dt.datetime(2025, 3, 1), dt.datetime(2025, 3, 2)
    rows = [_row("2011", d1 + dt.timedelta(hours=h, minutes=m), "w00000", "Cou", v)
            for h, m, v in [(1, 0, 100.0), (1, 30, 90.0), (2, 0, 110.0), (23, 50, 500.0)]]
    rows += [_row("2011", d1 + dt.timedelta(hours=h), "w00000", "Rtd", 20.0) for h in (1, 2, 23)]
    rows += [_row("2011", d1 + dt.timedelta(hours=h), "w01018", "Rtd", 40.0) for h in (1, 2, 23)]
    rows += [_row("2061", d1 + dt.timedelta(hours=1), "w01018", "Cou", -2.0),  # negative hourly amount
             _row("2061", d1 + dt.timedelta(hours=2), "w01018", "Cou", 3.0),
             _row("2051", d1 + dt.timedelta(hours=2, minutes=10), "w01018", "Cou", -0.1),  # minute record
             _row("2031", d1, "w01018", "Cou", -5.0)]  # daily record, DataTime 00:00
    # the next day's first totaliser reading is below the 1st's last: a reset across midnight
    rows += [_row("2011", d2 + dt.timedelta(minutes=m), "w00000", "Cou", v) for m, v in [(0, 3.0), (10, 4.0)]]
    _write(tmp_path, rows)
    store.update(tmp_path, now=NOW, params=AnalyticsParams())

    one, two = _hourly(tmp_path, d1.date()), _hourly(tmp_path, d2.date())
    assert one[("w00000", 1)]["n_cou_backwards"] == 1  # 90 after 100
    assert one[("w00000", 2)]["n_cou_backwards"] == 0 and one[("w00000", 23)]["cou_last"] == 500.0
    assert two[("w00000", 0)]["n_cou_backwards"] == 1  # 3 after 500 the evening before
    assert one[("w01018", 0)]["n_cou_backwards"] == 1  # the daily Cou
    hour1, hour2 = one[("w01018", 1)], one[("w01018", 2)]
    assert hour1["n_cou_backwards"] == 1 and hour1["cou_sent"] is None
    assert hour1["amount_source"] == "concentration_x_flow"
    assert hour1["amount_kg"] == 40.0 * 20.0 * 3.6e-3  # not -2.0
    assert hour2["n_cou_backwards"] == 1 and hour2["amount_kg"] == 3.0  # the minute Cou, flagged only

    monthly = {r["factor"]: r for r in reads.rows(tmp_path, "monthly", d1.date(), d2.date())}
    assert monthly["w00000"]["n_cou_backwards"] == 2 and monthly["w01018"]["n_cou_backwards"] == 3
    assert monthly["w01018"]["amount_kg"] == 40.0 * 20.0 * 3.6e-3 * 2 + 3.0


def test_late_data_on_a_date_rejudges_the_next_dates_first_totaliser_reading(tmp_path: Path) -> None:
    d1, d2 = dt.datetime(2025, 3, 1), dt.datetime(2025, 3, 2)
    _write(tmp_path, [_row("2011", d2, "w00000", "Cou", 50.0)])
    store.update(tmp_path, now=NOW, params=AnalyticsParams())
    assert _hourly(tmp_path, d2.date())[("w00000", 0)]["n_cou_backwards"] == 0
    _write(tmp_path, [_row("2011", d1 + dt.timedelta(hours=23), "w00000", "Cou", 60.0)])  # arrives late
    run = store.update(tmp_path, now=NOW, params=AnalyticsParams())
    assert run.dates == ["2025-03-01", "2025-03-02"]
    assert _hourly(tmp_path, d2.date())[("w00000", 0)]["n_cou_backwards"] == 1
