"""The monitoring pages benchmark still runs (tiny scale), so it cannot rot between full runs.

Runs `benchmarks/bench_monitoring_pages.py --smoke` as a user would (20 points, 3 days, a few
requests) and checks that every page was measured in both phases (1 day and all days stored) and that
the roll-up files it wrote are what the store writes and the pages read. Speed is not asserted: that
is the benchmark's job, with its figures in docs/performance.md."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]


def test_the_benchmark_runs_at_a_tiny_scale(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    env = {k: v for k, v in os.environ.items() if k != "ECER_DATABASE_URL"}  # its own SQLite: it flushes
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_monitoring_pages.py"), "--smoke",
                           "--data-dir", str(tmp_path / "data"), "--json", str(out)], capture_output=True, text=True,
                          timeout=600, check=False, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(out.read_text())
    assert figures["points"] == 20 and figures["days"] == 3
    assert set(figures["one_day"]) == set(figures["all_days"]) and len(figures["one_day"]) >= 13
    assert all(m["n"] >= 1 and m["p95"] > 0 for phase in ("one_day", "all_days") for m in figures[phase].values())
    rollups = tmp_path / "data" / "rollups"
    con = duckdb.connect()
    hourly = con.execute("SELECT count(DISTINCT mn), count(DISTINCT hour::DATE) FROM read_parquet(?)",
                         [str(rollups / "hourly" / "*.parquet")]).fetchone()
    assert hourly == (20, 3)
    # the daily files were computed from the hourly ones by the project's roll-up
    sums = con.execute("SELECT (SELECT sum(n_valid) FROM read_parquet(?)), (SELECT sum(n_valid) FROM read_parquet(?))",
                       [str(rollups / "hourly" / "*.parquet"), str(rollups / "daily" / "*.parquet")]).fetchone()
    assert sums is not None and sums[0] == sums[1] > 0
    # the latest values: every point's factors and series, merged with the day of raw parts
    assert figures["latest"]["rows"] == 20 * 4 * 3
