"""Benchmark: the monitoring analytics (issue 10) at province scale — monthly roll-up, incremental day.

Run:  python benchmarks/bench_analytics.py --data-dir /work/bench-lake [--rows 1e9] [--update-docs]
      python benchmarks/bench_analytics.py --only monthly --rows 1e7 --data-dir /tmp/lake   (one part)
      python benchmarks/bench_analytics.py --smoke --data-dir /tmp/x                       (seconds)

Sub-benchmarks (`--only monthly,incremental`, default both):

- monthly: `--rows` synthetic readings written by DuckDB SQL straight into the lake's layout
  (measurements/date=YYYY-MM-DD/day-*.parquet, registered in index.sqlite's part list and change log
  as the gateway's compactor leaves a closed date; docs/lake.md), then the project's roll-up chain
  (`ecer.analytics.store.update`: Ibis hourly per date → daily → monthly) on DuckDB, in a fresh
  process whose peak RSS (VmHWM, DuckDB's memory included) and CPU time are reported. Baselines in the same
  run on a sample of the same data (the first `--sample-points` points): the same roll-up as SQL
  on PostgreSQL with 2 parallel workers (rows loaded with COPY) and in pandas, extrapolated
  linearly to the full row count (both are linear scans + hash aggregations; said in the table).
- incremental: a province day (`--points`, real-time every 30 s, minute data every 10 min and
  hourly data) appended to a lake that already holds N days of history and whose roll-ups are up
  to date; times `store.update` (the change-log path: only the new date and its month), for N = 1
  and N = `--history-days`.

The monitoring pages (issue 10's third goal) are not benchmarked here yet: see the notes in
docs/performance.md (several of them still query the raw lake).

Generated lakes are cached under --data-dir (keyed by their parameters), so a rerun does not
regenerate; the command checks free disk space before generating.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "performance.md"
HEADING = "## Monitoring analytics (issue 10): monthly roll-up, incremental day"
MONTH_START = dt.date(2025, 6, 1)

# Factors per point (flow first): code, typical value. Water: L/s and mg/L; flue gas: m³/h and mg/m³.
FACTORS = {
    "w": [("w00000", 20.0), ("w01018", 40.0), ("w21003", 3.0), ("w21011", 0.5)],
    "a": [("a00000", 50000.0), ("a21026", 60.0), ("a21002", 90.0), ("a34013", 10.0)],
}
# Real-time upload interval mix of the monthly benchmark's points (share of points, seconds); the
# incremental and page benchmarks use 30 s for every point, as the issue states.
INTERVAL_MIX = [(0.4, 30), (0.3, 60), (0.3, 300)]
# Data flags of real-time readings, per mille (HJ 212-2017 6.3.3): mostly N, the rest invalid.
FLAG_MIX = [("N", 940), ("F", 10), ("M", 10), ("D", 15), ("C", 10), ("T", 5), ("B", 5), ("S", 5)]


# -- generation ----------------------------------------------------------------------------------
def _interval_sql(mix: list[tuple[float, int]]) -> str:
    cases, edge = [], 0.0
    for share, seconds in mix[:-1]:
        edge += share
        cases.append(f"WHEN (i * 7919) % 1000 < {round(edge * 1000)} THEN {seconds}")
    return f"CASE {' '.join(cases)} ELSE {mix[-1][1]} END" if cases else str(mix[-1][1])


def _flag_sql(r: str) -> str:
    cases, edge = [], 0
    for flag, per_mille in FLAG_MIX[:-1]:
        edge += per_mille
        cases.append(f"WHEN {r} < {edge} THEN '{flag}'")
    return f"CASE {' '.join(cases)} ELSE '{FLAG_MIX[-1][0]}' END"


def day_sql(date: dt.date, points: int, mix: list[tuple[float, int]], first_point: int = 0) -> str:
    """SELECT of one DataTime date of `points` loggers in the lake schema (docs/lake.md), deterministic.

    Per point and factor: real-time Rtd at the point's interval (flags by FLAG_MIX, 0.2 % negative),
    minute data (2051 Avg/Min/Max every 10 min) and hourly data (2061 Avg/Min/Max; ZsAvg for flue gas
    pollutants; Cou for pollutants in one hour of five)."""
    facs = ", ".join(f"('{k}', {j}, '{code}', {typ})" for k, rows in FACTORS.items() for j, (code, typ) in enumerate(rows))
    day = f"TIMESTAMP '{date.isoformat()} 00:00:00'"
    seed = date.toordinal()
    return f"""
WITH pts AS (SELECT i, 'BENCH' || lpad(i::VARCHAR, 19, '0') AS mn, CASE WHEN i % 2 = 0 THEN 'w' ELSE 'a' END AS kind,
                    {_interval_sql(mix)} AS iv
             FROM range({first_point}, {first_point + points}) t(i)),
fac(kind, j, factor, typical) AS (VALUES {facs}),
pf AS (SELECT pts.*, fac.j, fac.factor, fac.typical FROM pts JOIN fac USING (kind)),
rt AS (SELECT mn, kind, factor, typical, i, j, unnest(range(0, 86400, iv)) AS s FROM pf),
rt_rows AS (
  SELECT mn, kind, factor, '2011' AS cn, s, 'Rtd' AS field,
         CASE WHEN j = 2 AND hash(i, s, {seed}, 'neg') % 1000 < 2 THEN -0.5
              ELSE round(typical * (0.6 + 0.8 * (hash(i, j, s, {seed}) % 10000) / 10000.0), 3) END AS value,
         {_flag_sql(f"hash(i, j, s, {seed}, 'flag') % 1000")} AS flag
  FROM rt),
minute_rows AS (
  SELECT mn, kind, factor, '2051' AS cn, s, field,
         round(typical * (0.8 + 0.4 * (hash(i, j, s, {seed}, field) % 1000) / 1000.0), 3) AS value, 'N' AS flag
  FROM pf, (SELECT unnest(range(0, 86400, 600)) AS s), (VALUES ('Avg'), ('Min'), ('Max')) f(field)),
hour_rows AS (
  SELECT mn, kind, factor, '2061' AS cn, s, field,
         CASE WHEN field = 'Cou' THEN round(0.1 + (hash(i, j, s, {seed}, 'cou') % 4900) / 1000.0, 4)
              ELSE round(typical * (0.8 + 0.4 * (hash(i, j, s, {seed}, field) % 1000) / 1000.0), 3) END AS value,
         'N' AS flag
  FROM pf, (SELECT unnest(range(0, 86400, 3600)) AS s), (VALUES ('Avg'), ('Min'), ('Max'), ('ZsAvg'), ('Cou')) f(field)
  WHERE field IN ('Avg', 'Min', 'Max') OR (j > 0 AND field = 'ZsAvg' AND kind = 'a')
        OR (j > 0 AND field = 'Cou' AND hash(i, j, s, {seed}) % 5 = 0)),
all_rows AS (SELECT * FROM rt_rows UNION ALL SELECT * FROM minute_rows UNION ALL SELECT * FROM hour_rows)
SELECT mn, CASE WHEN kind = 'w' THEN '32' ELSE '31' END AS st, cn,
       ({day} + to_seconds(s))::TIMESTAMP_MS AS data_time, factor, field, value, value::VARCHAR AS value_text, flag,
       (({day} + to_seconds(s + 2 - 8 * 3600))::TIMESTAMP_MS AT TIME ZONE 'UTC') AS received_at,
       {seed}::BIGINT AS wal_seq, factor AS factor_sent
FROM all_rows"""


def rows_per_point_day(mix: list[tuple[float, int]]) -> float:
    factors = len(FACTORS["w"])
    realtime = sum(share * 86400 / seconds for share, seconds in mix) * factors
    minute = 144 * 3 * factors
    hourly = 24 * (3 * factors + 0.5 * (factors - 1) + 0.2 * (factors - 1))  # ZsAvg on air points only
    return realtime + minute + hourly


def free_gb(path: Path) -> float:
    path.mkdir(parents=True, exist_ok=True)
    return shutil.disk_usage(path).free / 1e9


def make_lake(data_dir: Path, dates: list[dt.date], points: int, mix: list[tuple[float, int]],
              threads: int = 2, share: tuple[Path, ...] = ()) -> dict[str, Any]:
    """A lake under data_dir/lake with one closed `day-*` file per date (cached: skips dates present;
    a date already generated in one of the `share` lakes, with the same parameters, is hard-linked)."""
    import duckdb

    from ecer.gateway.lake import Lake

    lake_root = data_dir / "lake"
    Lake(lake_root).close()  # creates index.sqlite (parts, changes, schema version) before any file
    con = duckdb.connect(config={"threads": threads, "preserve_insertion_order": True})
    db = sqlite3.connect(lake_root / "index.sqlite", isolation_level=None)
    stats = {"generated": 0, "cached": 0, "seconds": 0.0}
    try:
        for date in dates:
            name = f"date={date.isoformat()}/day-bench{points}.parquet"
            path = lake_root / "measurements" / name
            if db.execute("SELECT 1 FROM parts WHERE name = ?", (name,)).fetchone() and path.exists():
                stats["cached"] += 1
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".tmp-{path.name}")
            tmp.unlink(missing_ok=True)
            started = time.perf_counter()
            twins = [p for p in (s / "lake" / "measurements" / name for s in share) if p.exists()]
            if twins:
                os.link(twins[0], tmp)
            else:
                con.execute(f"COPY ({day_sql(date, points, mix)}) TO '{tmp}' "
                            "(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE 262144)")
            n = con.execute(f"SELECT count(*) FROM read_parquet('{tmp}')").fetchone()[0]  # type: ignore[index]
            tmp.rename(path)
            db.execute("BEGIN IMMEDIATE")
            db.execute("INSERT OR IGNORE INTO parts VALUES (?)", (name,))
            db.execute("INSERT INTO changes (date, rows) VALUES (?, ?)", (date.isoformat(), n))
            db.execute("COMMIT")
            stats["generated"] += 1
            stats["seconds"] += time.perf_counter() - started
            print(f"  generated {date} ({n:,} rows) in {time.perf_counter() - started:.1f} s", file=sys.stderr,
                  flush=True)
    finally:
        db.close()
        con.close()
    return stats


def lake_rows(data_dir: Path, dates: list[dt.date]) -> int:
    db = sqlite3.connect(data_dir / "lake" / "index.sqlite")
    try:
        wanted = {d.isoformat() for d in dates}
        return sum(n for d, n in db.execute("SELECT date, max(rows) FROM changes GROUP BY date") if d in wanted)
    finally:
        db.close()


def lake_bytes(data_dir: Path) -> int:
    return sum(p.stat().st_size for p in (data_dir / "lake" / "measurements").rglob("*.parquet"))


# -- the measured runs (each in a fresh process, so its peak RSS is its own) ----------------------
def child(kind: str, **kw: Any) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "_child", kind, json.dumps(kw, default=str)],
                         capture_output=True, text=True, check=False, env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
    if out.returncode != 0:
        raise SystemExit(f"child {kind} failed:\n{out.stderr[-4000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _peak_rss_mib() -> float:
    """This process's peak RSS (DuckDB's memory included). VmHWM, not getrusage: ru_maxrss survives
    exec, so a child would report the parent's peak if that was higher."""
    status = Path("/proc/self/status")
    if status.exists():
        m = re.search(r"^VmHWM:\s*(\d+) kB", status.read_text(), re.M)
        if m:
            return int(m.group(1)) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(kind: str, kw: dict[str, Any]) -> dict[str, Any]:
    if kind == "rollup":
        return _child_rollup(**kw)
    if kind == "postgres":
        return _child_postgres(**kw)
    if kind == "pandas":
        return _child_pandas(**kw)
    raise SystemExit(f"unknown child {kind}")


def _child_rollup(data_dir: str, dates: list[str] | None = None, now: str = "2025-07-15T00:00:00") -> dict[str, Any]:
    """The project's roll-up chain (store.update) on DuckDB; dates=None: the change-log path."""
    from ecer.analytics import store

    started, cpu = time.perf_counter(), time.process_time()
    result = store.update(Path(data_dir), now=dt.datetime.fromisoformat(now), dates=dates)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {"seconds": seconds, "cpu_seconds": cpu, "dates": result.dates, "months": result.months, "hourly_rows": result.hourly_rows,
            "peak_rss_mib": _peak_rss_mib()}


# The same roll-up as plain SQL (hourly → daily → monthly, the rules of ecer.analytics.rollup) for
# PostgreSQL; the pandas baseline below computes the same columns.
PG_SQL = """
WITH h AS (
  SELECT mn, factor, date_trunc('hour', data_time) AS hour,
    count(*) FILTER (WHERE rt) AS n_readings,
    count(*) FILTER (WHERE valid) AS n_valid,
    count(*) FILTER (WHERE rt AND flag <> 'N') AS n_invalid,
    {flag_counts},
    count(*) FILTER (WHERE valid AND value < 0) AS n_negative,
    min(value) FILTER (WHERE valid) AS min, max(value) FILTER (WHERE valid) AS max,
    sum(value) FILTER (WHERE valid) AS sum_valid, avg(value) FILTER (WHERE valid) AS avg,
    max(value) FILTER (WHERE cn = '2061' AND field = 'Avg') AS hourly_avg,
    max(value) FILTER (WHERE cn = '2061' AND field = 'Cou') AS cou_sent
  FROM (SELECT *, cn = '2011' AND field = 'Rtd' AS rt, cn = '2011' AND field = 'Rtd' AND flag = 'N'
               AND value IS NOT NULL AS valid FROM measurements) m
  GROUP BY 1, 2, 3),
f AS (SELECT mn, hour, coalesce(hourly_avg, avg) AS flow FROM h WHERE factor IN ('w00000', 'a00000')),
ha AS (SELECT h.*, CASE WHEN h.factor IN ('w00000', 'a00000') THEN NULL
                   ELSE coalesce(cou_sent, coalesce(hourly_avg, h.avg) * f.flow
                                 * CASE WHEN h.factor LIKE 'w%' THEN 3.6e-3 ELSE 1e-6 END) END AS amount_kg
       FROM h LEFT JOIN f USING (mn, hour)),
d AS (SELECT mn, factor, hour::date AS day, sum(n_readings) n_readings, sum(n_valid) n_valid,
             sum(n_invalid) n_invalid, sum(n_negative) n_negative, count(*) AS hours, min(min) min, max(max) max,
             sum(sum_valid) sum_valid, sum(amount_kg) amount_kg FROM ha GROUP BY 1, 2, 3)
SELECT mn, factor, date_trunc('month', day) AS month, sum(n_readings) n_readings, sum(n_valid) n_valid,
       sum(n_invalid) n_invalid, sum(n_negative) n_negative, sum(hours) hours, min(min) min, max(max) max,
       sum(sum_valid) / nullif(sum(n_valid), 0) AS avg, sum(amount_kg) amount_kg
FROM d GROUP BY 1, 2, 3"""


def _child_postgres(url: str, csv: str, rows: int) -> dict[str, Any]:
    import psycopg

    from ecer.analytics.params import INVALID_FLAGS

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS measurements")
        conn.execute("CREATE UNLOGGED TABLE measurements (mn text, st text, cn text, data_time timestamp, factor text,"
                     " field text, value double precision, value_text text, flag text, received_at timestamptz,"
                     " wal_seq bigint, factor_sent text)")
        started = time.perf_counter()
        with conn.cursor() as cur, cur.copy("COPY measurements FROM STDIN (FORMAT csv, HEADER true)") as copy, \
                open(csv, "rb") as f:
            while block := f.read(1 << 20):
                copy.write(block)
        load = time.perf_counter() - started
        conn.execute("ALTER TABLE measurements SET (parallel_workers = 2)")
        conn.execute("VACUUM ANALYZE measurements")
        conn.execute("SET max_parallel_workers_per_gather = 2")
        conn.execute("SET work_mem = '256MB'")
        flag_counts = ", ".join(f"count(*) FILTER (WHERE rt AND flag = '{f}') AS n_flag_{f.lower()}"
                                for f in INVALID_FLAGS)
        sql = PG_SQL.format(flag_counts=flag_counts)
        plan = "\n".join(r[0] for r in conn.execute("EXPLAIN " + sql).fetchall())
        started = time.perf_counter()
        out = conn.execute(sql).fetchall()
        seconds = time.perf_counter() - started
        conn.execute("DROP TABLE measurements")
    return {"seconds": seconds, "load_seconds": load, "rows": rows, "monthly_rows": len(out),
            "parallel": "Gather" in plan, "workers": re.findall(r"Workers Planned: (\d+)", plan)[:1]}


def _child_pandas(files: list[str], rows: int) -> dict[str, Any]:
    import numpy as np
    import pandas as pd
    import pyarrow.parquet as pq

    from ecer.analytics.params import INVALID_FLAGS

    started = time.perf_counter()
    cols = ["mn", "cn", "data_time", "factor", "field", "value", "flag"]
    m = pd.concat([pq.read_table(f, columns=cols).to_pandas() for f in files], ignore_index=True)
    read = time.perf_counter() - started
    rt = (m.cn == "2011") & (m.field == "Rtd")
    valid = rt & (m.flag == "N") & m.value.notna()
    m["hour"] = m.data_time.dt.floor("h")
    parts = {"n_readings": rt, "n_valid": valid, "n_invalid": rt & (m.flag != "N"),
             "n_negative": valid & (m.value < 0),
             **{f"n_flag_{f.lower()}": rt & (m.flag == f) for f in INVALID_FLAGS}}
    w = pd.DataFrame({k: v.astype("int64") for k, v in parts.items()})
    w["v_valid"] = m.value.where(valid)
    w["hourly_avg"] = m.value.where((m.cn == "2061") & (m.field == "Avg"))
    w["cou_sent"] = m.value.where((m.cn == "2061") & (m.field == "Cou"))
    for k in ("mn", "factor", "hour"):
        w[k] = m[k]
    g = w.groupby(["mn", "factor", "hour"], sort=False, observed=True)
    h = g[[*parts]].sum()
    h["min"], h["max"] = g.v_valid.min(), g.v_valid.max()
    h["sum_valid"], h["avg"] = g.v_valid.sum(min_count=1), g.v_valid.mean()
    h["hourly_avg"], h["cou_sent"] = g.hourly_avg.max(), g.cou_sent.max()
    h = h.reset_index()
    is_flow = h.factor.isin(["w00000", "a00000"])
    flow = h[is_flow].assign(flow=lambda x: x.hourly_avg.fillna(x.avg))[["mn", "hour", "flow"]]
    h = h.merge(flow, on=["mn", "hour"], how="left")
    kg_per_hour = np.where(h.factor.str.startswith("w"), 3.6e-3, 1e-6)
    h["amount_kg"] = h.cou_sent.fillna(h.hourly_avg.fillna(h.avg) * h.flow * kg_per_hour).where(~h.factor.isin(["w00000", "a00000"]))
    h["day"] = h.hour.dt.floor("D")
    sums = [*parts, "sum_valid", "amount_kg"]
    d = h.groupby(["mn", "factor", "day"], sort=False).agg(**{c: (c, "sum") for c in sums}, hours=("hour", "size"),
                                                           min=("min", "min"), max=("max", "max")).reset_index()
    d["month"] = d.day.dt.to_period("M")
    mo = d.groupby(["mn", "factor", "month"], sort=False).agg(**{c: (c, "sum") for c in [*sums, "hours"]},
                                                              min=("min", "min"), max=("max", "max")).reset_index()
    mo["avg"] = mo.sum_valid / mo.n_valid.where(mo.n_valid > 0)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "read_seconds": read, "rows": rows, "monthly_rows": len(mo),
            "peak_rss_mib": _peak_rss_mib()}


# -- 1. monthly roll-up --------------------------------------------------------------------------
def bench_monthly(args: argparse.Namespace) -> dict[str, Any]:
    import duckdb

    per_day = rows_per_point_day(INTERVAL_MIX)
    points = args.points
    days = max(1, math.ceil(args.rows / (points * per_day) - 0.05))
    if days > 30:  # more readings than a month of these points: more points, a whole month
        days, points = 30, round(args.rows / (30 * per_day))
    dates = [MONTH_START + dt.timedelta(days=i) for i in range(days)]
    data_dir = args.data_dir / f"monthly-{points}p"  # days are cached per date: a smaller run reuses a bigger one's first days
    need_gb = args.rows * 9e-9  # measured ~7-9 bytes per row (zstd) at 1e7
    if free_gb(args.data_dir) < need_gb * 1.3 + 5:
        raise SystemExit(f"not enough disk under {args.data_dir}: need ~{need_gb:.0f} GB")
    print(f"monthly: {points} points × {days} days, ~{points * days * per_day:,.0f} readings → {data_dir}",
          file=sys.stderr, flush=True)
    gen = make_lake(data_dir, dates, points, INTERVAL_MIX)
    n_rows = lake_rows(data_dir, dates)
    if args.generate_only:
        return {"rows": n_rows, "generation": gen}
    shutil.rmtree(data_dir / "rollups", ignore_errors=True)
    run = child("rollup", data_dir=str(data_dir), dates=[d.isoformat() for d in dates])
    con = duckdb.connect()
    monthly = con.execute(f"SELECT count(*), sum(n_readings) FROM '{data_dir}/rollups/monthly/*.parquet'").fetchone()
    out: dict[str, Any] = {"points": points, "days": days, "rows": n_rows, "bytes": lake_bytes(data_dir),
                           "generation": gen, "duckdb": run, "monthly_rows": monthly[0] if monthly else 0,
                           "threads": con.execute("SELECT current_setting('threads')").fetchone()[0]}  # type: ignore[index]
    # baselines on a sample: the first sample_points points, all days
    sample_points = min(args.sample_points, points)
    sample_dir = args.data_dir / f"sample-{sample_points}of{points}p-{days}d"
    sample_dir.mkdir(parents=True, exist_ok=True)
    files = [str(data_dir / "lake" / "measurements" / f"date={d.isoformat()}" / f"day-bench{points}.parquet")
             for d in dates]
    sample_files = [str(sample_dir / f"{d.isoformat()}.parquet") for d in dates]
    for src, dst in zip(files, sample_files, strict=True):
        if not Path(dst).exists():
            con.execute(f"COPY (SELECT * FROM read_parquet('{src}', hive_partitioning=false) WHERE mn < 'BENCH{sample_points:019d}') "
                        f"TO '{dst}' (FORMAT parquet, COMPRESSION zstd)")
    sample_rows = con.execute("SELECT count(*) FROM read_parquet(?)", [sample_files]).fetchone()[0]  # type: ignore[index]
    out["sample"] = {"points": sample_points, "rows": sample_rows}
    out["pandas"] = child("pandas", files=sample_files, rows=sample_rows)
    if args.pg_url:
        csv = sample_dir / "sample.csv"
        if not csv.exists():
            con.execute(f"COPY (SELECT * FROM read_parquet(?)) TO '{csv}' (FORMAT csv, HEADER true)", [sample_files])
        out["postgres"] = child("postgres", url=args.pg_url, csv=str(csv), rows=sample_rows)
    for name in ("pandas", "postgres"):
        if name in out:
            out[name]["extrapolated_seconds"] = out[name]["seconds"] * n_rows / sample_rows
    return out


# -- 2. incremental day --------------------------------------------------------------------------
REALTIME_30S = [(1.0, 30)]


def _timed_new_day(data_dir: Path, history: list[dt.date], new: dt.date, points: int) -> dict[str, Any]:
    """Roll-ups of `history` up to date; then `new` arrives (its change-log entry) and the store's
    incremental path (store.update without dates) is timed in a fresh process."""
    import pyarrow.parquet as pq

    from ecer.analytics import store

    siblings = tuple(p for p in data_dir.parent.glob(f"incremental-{points}p-*") if p != data_dir)
    make_lake(data_dir, [*history, new], points, REALTIME_30S, share=siblings)
    db = sqlite3.connect(data_dir / "lake" / "index.sqlite", isolation_level=None)
    try:  # the new day "arrives" after the history is rolled up: its change-log entry is written then
        rows = sum(pq.read_metadata(data_dir / "lake" / "measurements" / n).num_rows
                   for (n,) in db.execute("SELECT name FROM parts WHERE name LIKE ?", (f"date={new.isoformat()}/%",)))
        db.execute("DELETE FROM changes WHERE date = ?", (new.isoformat(),))
        shutil.rmtree(data_dir / "rollups", ignore_errors=True)
        store.update(data_dir, now=dt.datetime(2025, 7, 15))  # the history, by the change-log path
        db.execute("INSERT INTO changes (date, rows) VALUES (?, ?)", (new.isoformat(), rows))
    finally:
        db.close()
    run = child("rollup", data_dir=str(data_dir))
    if run["dates"] != [new.isoformat()]:
        raise SystemExit(f"incremental run did {run['dates']}, not {new}")
    return {"history_days": len(history), "new_day_rows": rows, **run}


def bench_incremental(args: argparse.Namespace) -> dict[str, Any]:
    per_day = rows_per_point_day(REALTIME_30S)
    need_gb = (args.history_days + 3) * args.points * per_day * 5e-9
    if free_gb(args.data_dir) < need_gb * 1.3 + 5:
        raise SystemExit(f"not enough disk under {args.data_dir}: need ~{need_gb:.0f} GB")
    days = [MONTH_START + dt.timedelta(days=i) for i in range(args.history_days + 1)]
    out = {"points": args.points, "rows_per_point_day": per_day, "runs": []}
    for n in sorted({1, args.history_days}):
        data_dir = args.data_dir / f"incremental-{args.points}p-{n}h"
        print(f"incremental: {args.points} points, {n} day(s) of history → {data_dir}", file=sys.stderr, flush=True)
        out["runs"].append(_timed_new_day(data_dir, days[:n], days[n], args.points))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="generated lakes are cached here")
    parser.add_argument("--only", default="monthly,incremental", help="comma list of sub-benchmarks")
    parser.add_argument("--rows", type=float, default=1e9, help="readings of the monthly roll-up")
    parser.add_argument("--points", type=int, default=10_000, help="monitoring points (province)")
    parser.add_argument("--sample-points", type=int, default=100, help="points of the baselines' sample")
    parser.add_argument("--history-days", type=int, default=10)
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", ""),
                        help="PostgreSQL for the baseline (a scratch database: a table is created and dropped)")
    parser.add_argument("--generate-only", action="store_true", help="write (or keep) the lakes, time nothing")
    parser.add_argument("--smoke", action="store_true", help="tiny scale for the smoke test")
    parser.add_argument("--json", type=Path, help="write the figures as JSON here")
    parser.add_argument("--update-docs", action="store_true")
    parser.add_argument("--docs-from-json", type=Path, help="only write the figures of an earlier --json run into the docs")
    args = parser.parse_args()
    if args.docs_from_json:
        saved = json.loads(args.docs_from_json.read_text())
        update_docs(saved, saved["args"].get("command", "(see the JSON)"))
        return
    if args.smoke:
        args.rows, args.points, args.sample_points, args.history_days = 4e4, 2, 1, 2
    args.rows = int(args.rows)
    figures: dict[str, Any] = {"machine": machine(), "args": {**{k: str(v) for k, v in vars(args).items()},
                                                              "command": " ".join(sys.argv[1:])}}
    for part in args.only.split(","):
        started = time.perf_counter()
        figures[part] = {"monthly": bench_monthly, "incremental": bench_incremental}[part](args)
        print(f"{part}: {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)
        print(json.dumps({part: figures[part]}, indent=1, default=str))
    figures["machine"]["load at the end"] = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1, default=str))
    if args.update_docs:
        update_docs(figures, " ".join(sys.argv[1:]))


def _s(x: float) -> str:
    return f"{x:,.1f} s" if x < 1000 else f"{x / 60:,.0f} min"


def render(figures: dict[str, Any], command: str) -> str:
    m = figures["machine"]
    lines = [f"Run {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC with "
             f"`python benchmarks/bench_analytics.py {command}`. Machine: {m.get('CPU', '?')}, "
             f"{m['cores (nproc)']} cores, {m.get('RAM', '?')} RAM, Python {m['python']}; load average (1/5/15 min) "
             f"{m['load at the start']} at the start and {m.get('load at the end', '?')} at the end. Wall-clock "
             "times depend on that load (the cores are shared); the CPU time of the measured process is what the "
             "same work costs on idle cores.", ""]
    if "monthly" in figures:
        f = figures["monthly"]
        d, samp = f["duckdb"], f["sample"]
        lines += [f"**Monthly roll-up** of {f['rows']:,} readings: {f['points']:,} points × {f['days']} day(s) "
                  f"of June 2025, four factors per point (flow + three pollutants, water and flue gas), real-time "
                  f"every 30/60/300 s (40/30/30 % of points), minute and hourly data, flags "
                  f"{', '.join(f'{k} {v / 10:g} %' for k, v in FLAG_MIX)}; {f['bytes'] / 1e9:.2f} GB of Parquet "
                  "in the lake's layout. DuckDB runs the project's chain (`store.update`: Ibis hourly per date → "
                  f"daily → monthly) with {f['threads']} threads in a fresh process. The baselines compute the same "
                  f"roll-up on a sample, the first {samp['points']} points ({samp['rows']:,} readings), and are "
                  "**extrapolated linearly** to the full row count.", "",
                  "| engine | readings run | wall | CPU | extrapolated to all readings | peak RSS |",
                  "|---|---:|---:|---:|---:|---:|",
                  f"| Ibis on DuckDB (`store.update`) | {f['rows']:,} | {_s(d['seconds'])} | {_s(d['cpu_seconds'])} "
                  f"| — | {d['peak_rss_mib']:,.0f} MiB |"]
        if "postgres" in f:
            p = f["postgres"]
            lines.append(f"| PostgreSQL 15, SQL, {p['workers'][0] if p['workers'] else '?'} parallel workers "
                         f"(COPY load {p['load_seconds']:.1f} s not counted) | {p['rows']:,} | {_s(p['seconds'])} | "
                         f"— | {_s(p['extrapolated_seconds'])} | — |")
        if "pandas" in f:
            p = f["pandas"]
            lines.append(f"| pandas (read + group-bys) | {p['rows']:,} | {_s(p['seconds'])} | — | "
                         f"{_s(p['extrapolated_seconds'])} | {p['peak_rss_mib']:,.0f} MiB |")
        lines.append("")
    if "incremental" in figures:
        f = figures["incremental"]
        lines += [f"**Incremental roll-up of one new day**: {f['points']:,} points, real-time every 30 s plus "
                  f"minute and hourly data ({f['rows_per_point_day']:,.0f} readings per point and day), appended "
                  "to a lake whose roll-ups are up to date; `store.update` finds the day in the change log and "
                  "recomputes that date and its month only.", "",
                  "| days of history | readings of the new day | wall | CPU | peak RSS |", "|---:|---:|---:|---:|---:|"]
        lines += [f"| {r['history_days']} | {r['new_day_rows']:,} | {_s(r['seconds'])} | {_s(r['cpu_seconds'])} | "
                  f"{r['peak_rss_mib']:,.0f} MiB |" for r in f["runs"]]
        lines.append("")
    return "\n".join(lines)


def update_docs(figures: dict[str, Any], command: str) -> None:
    """Replace the block of this kind of run (`--smoke` or full) in the section; keep the section's notes."""
    text = DOCS.read_text(encoding="utf-8")
    if HEADING not in text:
        text = text.rstrip("\n") + f"\n\n{HEADING}\n\n<!-- notes -->\n"
    start = text.index(HEADING) + len(HEADING)
    end = text.find("\n## ", start)
    section = text[start:end] if end != -1 else text[start:]
    marker = "figures"
    block = f"<!-- {marker} -->\n{render(figures, command)}\n<!-- /{marker} -->"
    pattern = re.compile(rf"<!-- {marker} -->.*?<!-- /{marker} -->", re.S)
    section = pattern.sub(lambda _: block, section) if pattern.search(section) else "\n\n" + block + section
    text = text[:start] + section.rstrip("\n") + "\n" + (text[end:] if end != -1 else "")
    DOCS.write_text(text, encoding="utf-8")


def machine() -> dict[str, str]:
    info = {"python": platform.python_version(), "cores (nproc)": str(os.cpu_count())}
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    m = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    if m:
        info["CPU"] = m.group(1).strip()
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    m = re.search(r"^MemTotal:\s*(\d+) kB", meminfo, re.M)
    if m:
        info["RAM"] = f"{int(m.group(1)) / 1024 / 1024:.1f} GiB"
    info["load at the start"] = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    return info


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "_child":
        print(json.dumps(run_child(sys.argv[2], json.loads(sys.argv[3])), default=str))
    else:
        main()
