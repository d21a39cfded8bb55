"""The energy benchmark still runs (tiny scale), so it cannot rot between full runs.

Runs `benchmarks/bench_energy.py --smoke` as a user would (three days of the demo chemical unit's
meters through the upload endpoint; 50 enterprises × 2 days in the energy lake) and checks that each
part measured something and that what it timed agrees with what it generated (the script itself stops
when the page or the baseline differ from the simulator's ground truth, or the monthly roll-up does not
count every interval). Speed is not asserted: that is the benchmark's job (docs/performance.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]


def test_the_energy_benchmark_runs_at_a_tiny_scale(tmp_path: Path) -> None:
    out = tmp_path / "figures.json"
    env = {k: v for k, v in os.environ.items() if k not in ("ECER_DATA_DIR", "ECER_DATABASE_URL")}
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "bench_energy.py"), "--smoke",
                           "--data-dir", str(tmp_path), "--json", str(out)], capture_output=True, text=True,
                          timeout=600, check=False, env=env)
    assert done.returncode == 0, done.stderr[-3000:]
    figures = json.loads(out.read_text())
    page = figures["page"]
    assert page["months_checked"] == 1 and page["intervals"] > 0
    assert page["after"]["p95_ms"] > 0 and page["baseline"]["p95_ms"] > 0
    roll = figures["rollup"]
    assert roll["readings"] == 50 * 2 * 96 and roll["monthly_rows"] == 50
    assert roll["duckdb"]["extrapolated_seconds_700m"] > 0 and roll["pandas"]["extrapolated_seconds_700m"] > 0
    # the monthly files hold each enterprise's month: 2 days × 96 intervals, tce = kWh × the factor row
    total = duckdb.connect().execute(
        "SELECT sum(intervals), sum(days), sum(abs(calorific_tce - quantity * 0.1229e-3)) FROM read_parquet(?)",
        [str(tmp_path / "rollups" / "energy" / "monthly" / "*.parquet")]).fetchone()
    assert total is not None and total[0] == 50 * 2 * 96 and total[1] == 50 * 2 and total[2] < 1e-6
    assert "| after:" in done.stdout and "| Ibis on DuckDB" in done.stdout
