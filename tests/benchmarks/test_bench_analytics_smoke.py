"""The analytics benchmark still runs (tiny scale), so it cannot rot between full runs.

Runs `benchmarks/bench_analytics.py --smoke` as a user would (two points, a day or two) and checks
that each part measured something and that the roll-up it timed agrees with the lake it generated.
Speed is not asserted: that is the benchmark's job, with its figures in docs/performance.md."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]


def test_the_benchmark_runs_at_a_tiny_scale(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_analytics.py"), "--smoke",
                           "--only", "monthly,incremental", "--pg-url", "", "--data-dir", str(tmp_path),
                           "--json", str(out)], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(out.read_text())
    monthly = figures["monthly"]
    assert monthly["duckdb"]["seconds"] > 0 and monthly["duckdb"]["peak_rss_mib"] > 0
    assert monthly["pandas"]["extrapolated_seconds"] > 0
    # the monthly files the timed run wrote count every real-time reading the generator wrote
    lake = tmp_path / f"monthly-{monthly['points']}p"
    con = duckdb.connect()
    readings = con.execute("SELECT count(*) FROM read_parquet(?, hive_partitioning=false) "
                           "WHERE cn = '2011' AND field = 'Rtd'",
                           [[str(p) for p in (lake / "lake" / "measurements").rglob("*.parquet")]]).fetchone()
    counted = con.execute("SELECT sum(n_readings) FROM read_parquet(?)",
                          [str(lake / "rollups" / "monthly" / "*.parquet")]).fetchone()
    assert readings is not None and counted is not None and readings[0] == counted[0] > 0
    runs = figures["incremental"]["runs"]
    assert [r["history_days"] for r in runs] == [1, 2]
    assert all(len(r["dates"]) == 1 and r["hourly_rows"] > 0 for r in runs)
