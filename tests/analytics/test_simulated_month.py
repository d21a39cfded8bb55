"""Done-when of issue 10: a simulated month of loggers, rolled up incrementally; monthly emission totals
and quality rates equal the generator's ground truth, on DuckDB and on Spark."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from ecer.analytics import reads, simulate, store
from ecer.analytics.params import AnalyticsParams
from ecer.analytics.quality import quality
from ecer.gateway.lake import Lake

INTERVAL_S = 600  # compressed: one real-time reading per factor every 10 minutes of DataTime
NOW = dt.datetime(2025, 4, 2, 12, 0)  # the clock the run judges future readings against
PARAMS = AnalyticsParams(upload_interval_s=INTERVAL_S, stuck_hours=6)
MONTH = list(simulate.month_days(2025, 3))


def _write(root: Path, rows: list) -> int:  # type: ignore[type-arg]
    lake = Lake(root / "lake")
    try:
        return lake.write(rows, lake.checkpoint + 1)
    finally:
        lake.close()


@pytest.fixture(scope="module")
def month(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, simulate.Truth, list[simulate.Spec], list]:  # type: ignore[type-arg]
    data = tmp_path_factory.mktemp("month")
    specs, truth = simulate.specs(4), simulate.Truth()
    held_back = []
    runs = []
    for day in MONTH:
        rows = [r for s in specs for r in simulate.simulate_day(s, day, INTERVAL_S, truth, PARAMS)]
        if day.day == 2:  # the evening of 2 March arrives late, after that day was rolled up
            held_back = [r for r in rows if r.data_time.hour >= 20]
            rows = [r for r in rows if r.data_time.hour < 20]
        _write(data, rows)
        if day.day == 12:  # a logger re-sends 3 March after an outage: the lake refuses the copies
            again = [r for s in specs[:1] for r in simulate.simulate_day(s, MONTH[2], INTERVAL_S,
                                                                         simulate.Truth(), PARAMS)]
            assert _write(data, again) == 0
        if day.day % 10 == 0:
            runs.append(store.update(data, now=NOW, params=PARAMS, units=simulate.declarations(specs)))
    runs.append(store.update(data, now=NOW, params=PARAMS, units=simulate.declarations(specs)))
    _write(data, held_back + [r for s in specs for r in simulate.future_rows(s, NOW, truth)])
    late = store.update(data, now=NOW, params=PARAMS, units=simulate.declarations(specs))
    return data, truth, specs, [runs, late]


def test_incremental_runs_touch_only_new_and_late_dates(month) -> None:  # type: ignore[no-untyped-def]
    _, _, _, (runs, late) = month
    assert [len(r.dates) for r in runs] == [10, 10, 10, 1]
    assert runs[1].dates[0] == "2025-03-11" and runs[-1].dates == ["2025-03-31"]
    # 3 March is recomputed too: its first totaliser reading is compared with the 2nd's last
    assert late.dates == ["2025-03-02", "2025-03-03", "2025-04-03"] and late.months == ["2025-03", "2025-04"]


def _check_against_truth(data: Path, truth: simulate.Truth, specs: list[simulate.Spec]) -> None:
    monthly = reads.rows(data, "monthly", MONTH[0], MONTH[-1])
    amounts = {(r["mn"], r["factor"]): r["amount_kg"] for r in monthly if r["amount_kg"] is not None}
    assert set(amounts) == set(truth.amount_kg)
    for key, expected in truth.amount_kg.items():
        assert amounts[key] == pytest.approx(expected, rel=1e-9), key
    rates = {q.mn: q for q in quality(data, MONTH[0], MONTH[-1], params=PARAMS)}
    expected_packets = 31 * 86400 // INTERVAL_S
    for spec in specs:
        q = rates[spec.mn]
        assert q.received == truth.received[spec.mn]
        assert q.transmission_rate == pytest.approx(truth.received[spec.mn] / expected_packets)
        assert q.valid_rate == pytest.approx(truth.valid[spec.mn] / truth.readings[spec.mn])
        assert q.negative == truth.negative[spec.mn]
        assert q.stuck_runs == 1  # the frozen sensor of 7 March, 8 hours
        assert q.cou_backwards == truth.cou_backwards[spec.mn]
        assert q.cou_backwards == (3 if spec.kind == "water" else 1)  # glitch, reset at midnight, negative Cou
        assert q.unit_mismatch == truth.unit_mismatch.get(spec.mn, 0)
        assert len(q.unit_notes) == len(spec.sends)
        assert 0 < q.gap_hours < 31 * 24 * 0.1
    # SIMMONTH…1 sends NOx in mg/L: every real-time reading counted, none averaged, no amount at all
    mismatch = specs[1].mn
    assert rates[mismatch].unit_mismatch == 31 * 86400 // INTERVAL_S - rates[mismatch].gap_hours * 3600 // INTERVAL_S
    assert "a21002: declared mg_per_l, expected mg_per_m3: not convertible" in rates[mismatch].unit_notes[0]
    nox = [r for r in monthly if r["mn"] == mismatch and r["factor"] == "a21002"]
    assert nox[0]["n_valid"] == 0 and nox[0]["avg"] is None and nox[0]["amount_kg"] is None
    assert rates[specs[3].mn].unit_notes == ("a21026: declared ug_per_m3, converted to mg_per_m3 × 0.001",)
    # the negative hourly Cou of 9 March 05:00 is flagged and not the amount (concentration × flow is)
    nine = reads.rows(data, "hourly", MONTH[8], MONTH[8], factors=["w01018", "a21026"])
    flagged = [r for r in nine if r["n_cou_backwards"]]
    assert len(flagged) == len(specs) and all(r["hour"].hour == 5 for r in flagged)
    assert all(r["cou_sent"] is None and r["amount_source"] == "concentration_x_flow" for r in flagged)
    future = quality(data, dt.date(2025, 4, 1), dt.date(2025, 4, 30), params=PARAMS)
    assert {q.mn: q.bad_time for q in future} == truth.bad_time


def test_duckdb_monthly_totals_and_rates_equal_the_ground_truth(month) -> None:  # type: ignore[no-untyped-def]
    data, truth, specs, _ = month
    _check_against_truth(data, truth, specs)


def test_a_full_rebuild_gives_the_same_files_as_the_incremental_runs(month, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    data, _, specs, _ = month
    copy = tmp_path / "copy"
    shutil.copytree(data / "lake", copy / "lake")
    store.update(copy, now=NOW, params=PARAMS, units=simulate.declarations(specs))  # everything in one run
    for period in ("daily", "monthly"):
        _assert_same_rows(reads.rows(copy, period, MONTH[0], MONTH[-1]), reads.rows(data, period, MONTH[0], MONTH[-1]))


def _assert_same_rows(got: list[dict], want: list[dict]) -> None:  # type: ignore[type-arg]
    """Equal rows, floats to 1e-12: DuckDB and Spark add in parallel, in no fixed order, so a sum of
    thousands of doubles can differ in its last bit between two runs over the same files."""
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g.keys() == w.keys()
        for col in g:
            if isinstance(w[col], float):
                assert g[col] == pytest.approx(w[col], rel=1e-12), (col, w)
            else:
                assert g[col] == w[col], (col, w)


@pytest.mark.once
@pytest.mark.slow
def test_spark_gives_the_same_numbers(month, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("pyspark")
    data, truth, specs, _ = month
    copy = tmp_path / "spark"
    shutil.copytree(data / "lake", copy / "lake")
    engine = store.SparkEngine()
    try:
        result = store.update(copy, engine=engine, now=NOW, params=PARAMS, units=simulate.declarations(specs))
    finally:
        engine.spark.stop()
    assert result.engine == "spark" and len(result.dates) == 32
    _check_against_truth(copy, truth, specs)
    for period in ("daily", "monthly"):
        _assert_same_rows(reads.rows(copy, period, MONTH[0], MONTH[-1]), reads.rows(data, period, MONTH[0], MONTH[-1]))
