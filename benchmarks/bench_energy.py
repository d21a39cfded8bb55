"""Benchmark: online energy monitoring (issue 11) — one enterprise's year on its page, and the province roll-up.

Run:  python benchmarks/bench_energy.py [--only page,rollup] [--days 365] [--enterprises 2000 --rollup-days 31]
      ECER_DATABASE_URL=postgres://…/scratch python benchmarks/bench_energy.py --only page
      python benchmarks/bench_energy.py --smoke --json /tmp/f.json                      (seconds)

Sub-benchmarks:

- page: the demo register's chemical unit (示例 绵阳某化工: three 15-minute metering points, one of them
  cumulative) gets `--days` of simulated meters (`ecer.energy.simulator`, planted gaps and repeats)
  uploaded through the real view (`POST /api/energy/uploads`, Django's test client, a day per upload),
  into a fresh database (ECER_DATABASE_URL, default SQLite in a temporary data dir; it is migrated,
  not emptied: use a scratch one). Then its year is read `--requests` times:
    * after: the unit page's API twin `/api/energy/units/<code>/energy?year=` (full request stack), which
      reads the stored daily roll-up (`EnergyDay`);
    * baseline, in the same run: what the page did before the roll-up existed — every interval and
      closing reading of the year from the database, through `ecer.core.energy_rollup` and
      `ecer.core.energy_quality` (`old_year`, a copy of the former service code, no HTTP).
  Both are checked against the simulator's ground truth (monthly tce on both bases, rel 1e-9).
- rollup: `--enterprises` × `--rollup-days` of 15-minute interval consumption (one electricity point
  per enterprise, as DuckDB writes it into the energy lake's layout, `energy/intervals/date=…`),
  rolled up to daily and monthly energy per enterprise with `ecer.analytics.energy_rollup` (Ibis on
  DuckDB), and, on the same files, the same monthly sum in pandas. Seconds are extrapolated linearly
  to the issue's 700 M readings (20,000 enterprises × 35,040 intervals: a scan plus a hash
  aggregation, linear in the rows; the daily files of a year are 20,000 × 365 rows and the monthly
  step reads those, not the intervals).

Figures: docs/performance.md, "Energy monitoring (issue 11)"; `--update-docs` rewrites that section.
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
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs" / "performance.md"
HEADING = "## Energy monitoring (issue 11): one enterprise's year, province roll-up"
CHEMICAL = "91510700MADEM0002X"  # 示例 绵阳某化工 (demo register, illustrative)
YEAR = 2025
TARGET_READINGS = 20_000 * 35_040  # the issue's ≈ 700 M
BUDGET_S_PER_1E9 = 60.0  # issue 10's monitoring-analytics budget on DuckDB
PAGE_BUDGET_MS = 100.0


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))]


def machine() -> dict[str, str]:
    info = {"python": platform.python_version()}
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
    for key in ("Model name", "CPU(s)"):
        m = re.search(rf"^{re.escape(key)}:\s*(.+)$", lscpu, re.M)
        if m:
            info[key] = m.group(1).strip()
    info["load (1/5/15 min) at the end, 2 cores shared with ~7 other agents"] = " / ".join(
        f"{x:.2f}" for x in os.getloadavg())
    return info


# --- page ---------------------------------------------------------------------------------------------


def _setup_django(data_dir: Path) -> None:
    os.environ.setdefault("ECER_DATA_DIR", str(data_dir))
    os.environ.setdefault("ECER_COAL_RATES", f"{YEAR}:0.3")  # illustrative, so both bases are shown
    from ecer.site.django_setup import setup

    setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]  # the test client's host name
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", interactive=False, verbosity=0)


def old_year(code: str, year: int) -> dict[str, tuple[float, float | None, int]]:
    """The page's former path (before EnergyDay): every interval and closing reading of the year from the
    database, then the core's monthly and daily energy and the completeness per month. Returns per month
    (calorific tce, coal-equivalent tce, received)."""
    from ecer.catalogs.energy_units import load_unit_fits
    from ecer.core.energy_quality import QualityRules, completeness, daily_vs_monthly
    from ecer.core.energy_rollup import EnterpriseMeter, daily_energy, monthly_energy
    from ecer.core.meters import CHINA_TZ, IntervalConsumption, IntervalSource, MeterConsumption
    from ecer.energy.models import IntervalEnergy, MeteringPoint, MeterReading
    from ecer.services.energy_monitoring import CALORIFIC, COAL_EQUIVALENT, factor_tables
    from ecer.services.energy_uploads import declaration

    start = dt.datetime(year, 1, 1, tzinfo=CHINA_TZ)
    end = dt.datetime(year + 1, 1, 1, tzinfo=CHINA_TZ)
    meters = []
    for point in MeteringPoint.objects.filter(energy_unit__enterprise__credit_code=code).prefetch_related("resets"):
        step = dt.timedelta(minutes=point.interval_minutes)
        intervals = tuple(IntervalConsumption(s, e, v, IntervalSource(src)) for s, e, v, src in
                          IntervalEnergy.objects.filter(point=point, local_date__year=year)
                          .order_by("start").values_list("start", "end", "value", "source"))
        read_at = tuple(MeterReading.objects.filter(point=point, closes_interval=True, at__gt=start,
                                                    at__lte=end + step - dt.timedelta(microseconds=1))
                        .order_by("at").values_list("at", flat=True))
        meters.append(EnterpriseMeter(code, MeterConsumption(declaration(point), intervals, (), (), (), None, read_at)))
    tables, bases, _ = factor_tables(year)
    fits = load_unit_fits()
    months = monthly_energy(meters, fits, tables, bases=bases)
    days = daily_energy(meters, fits, tables, bases=bases)
    out = {}
    for m in months:
        y, mo = int(m.period[:4]), int(m.period[5:])
        first, after = dt.date(y, mo, 1), dt.date(y + (mo == 12), mo % 12 + 1, 1)
        share = completeness([mt.consumption for mt in meters], first, after, QualityRules())
        daily_vs_monthly([d.tce(CALORIFIC) for d in days if d.period.startswith(m.period)], m.tce(CALORIFIC))
        out[m.period] = (m.tce(CALORIFIC), m.tce(COAL_EQUIVALENT) if len(bases) > 1 else None, share.received)
    return out


def bench_page(days: int, requests: int, baseline_requests: int) -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from ecer.accounts.roles import bind_user
    from ecer.config import coal_rates
    from ecer.core.meters import CHINA_TZ
    from ecer.energy.models import EnergyDay, EnergyUpload, IntervalEnergy
    from ecer.energy.simulator import SimPoint, Simulator, SimUnit, base_steps_for, truth_tce
    from ecer.masterdata.services.catalogs import load_catalogs
    from ecer.services.actor import system_actor
    from ecer.services.energy_monitoring import seed_demo_metering_points, simulator_units
    from ecer.services.energy_register import seed_demo_register

    load_catalogs()
    seed_demo_register()
    seed_demo_metering_points()
    # a rerun on the same database: the unit's uploads go (readings and intervals with them) and its roll-up
    EnergyUpload.objects.filter(enterprise__credit_code=CHEMICAL).delete()
    EnergyDay.objects.filter(point__energy_unit__enterprise__credit_code=CHEMICAL).delete()
    [registered] = simulator_units(actor=system_actor(), credit_codes=[CHEMICAL])
    gap_intervals = 8
    unit = SimUnit(registered.credit_code, registered.token, tuple(
        SimPoint(p["code"], p["energy_type"], p["unit"], p["kind"], p["interval_minutes"], p["rollover_value"],
                 p["enthalpy_gj_per_t"], base_steps_for(p["energy_type"], p["unit"], p["enthalpy_gj_per_t"],
                                                        p["interval_minutes"], registered.annual_energy_tce,
                                                        len(registered.points), p["rollover_value"], gap_intervals))
        for p in registered.points))
    uploader = Client()

    def post(token: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        answer = uploader.post("/api/energy/uploads", body, content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {token}")
        if answer.get("Content-Type", "").startswith("application/json"):
            return answer.status_code, answer.json()
        return answer.status_code, {"body": answer.content.decode()[:500]}

    started = time.perf_counter()
    sim = Simulator([unit], dt.datetime(YEAR, 1, 1, tzinfo=CHINA_TZ), days, post, batch_minutes=1440,
                    gap_every_days=7, gap_intervals=gap_intervals, resend_every=10)
    truth = sim.run()
    upload_s = time.perf_counter() - started
    if truth.rejected:
        raise SystemExit(f"uploads rejected: {truth.rejected[:2]}")
    expected = truth_tce([unit], truth, coal_rates())[CHEMICAL]
    intervals = IntervalEnergy.objects.filter(point__energy_unit__enterprise__credit_code=CHEMICAL).count()

    user = get_user_model().objects.filter(username="bench-province").first()
    if user is None:
        user = get_user_model().objects.create_user("bench-province", password="bench-password-1")
        bind_user(user, "province_admin", "510000")
    reader = Client()
    reader.force_login(user)
    path = f"/api/energy/units/{CHEMICAL}/energy?year={YEAR}"

    def after() -> dict[str, tuple[float, float | None, int]]:
        answer = reader.get(path)
        if answer.status_code != 200:
            raise SystemExit(f"{path}: HTTP {answer.status_code}")
        return {m["month"]: (m["calorific_tce"], m["coal_equivalent_tce"], m["received"]) for m in answer.json()["months"]}

    def timed(fn: Any, n: int) -> tuple[list[float], list[float], Any]:
        wall, cpu, result = [], [], None
        for _ in range(n):
            t0, c0 = time.perf_counter(), time.process_time()
            result = fn()
            wall.append((time.perf_counter() - t0) * 1000)
            cpu.append((time.process_time() - c0) * 1000)
        return wall, cpu, result

    after()  # warm
    new_wall, new_cpu, new = timed(after, requests)
    old_wall, old_cpu, old = timed(lambda: old_year(CHEMICAL, YEAR), baseline_requests)
    _check(expected, new, old)

    def stats(wall: list[float], cpu: list[float]) -> dict[str, float]:
        return {"n": len(wall), "p50_ms": statistics_median(wall), "p95_ms": percentile(wall, 95),
                "cpu_p50_ms": statistics_median(cpu), "cpu_p95_ms": percentile(cpu, 95)}

    return {"enterprise": CHEMICAL, "points": len(unit.points), "days": days, "intervals": intervals,
            "upload_seconds": upload_s, "uploads": truth.uploads, "months_checked": len(expected),
            "database": _engine(), "after": stats(new_wall, new_cpu), "baseline": stats(old_wall, old_cpu)}


def _check(expected: dict[str, dict[str, float | None]], new: dict[str, Any], old: dict[str, Any]) -> None:
    """Both paths give the simulator's ground truth per month (both bases), and the same received count."""
    for month, bases in expected.items():
        for name, got in (("after", new), ("baseline", old)):
            calorific, coal, _ = got[month]
            if not math.isclose(calorific, bases["calorific"] or 0.0, rel_tol=1e-9) or (
                    coal is not None and not math.isclose(coal, bases["coal_equivalent"] or 0.0, rel_tol=1e-9)):
                raise SystemExit(f"{name} {month}: {calorific}, {coal} ≠ truth {bases}")
        if new[month][2] != old[month][2]:
            raise SystemExit(f"{month}: received {new[month][2]} (after) ≠ {old[month][2]} (baseline)")


def statistics_median(values: list[float]) -> float:
    import statistics

    return float(statistics.median(values))


def _engine() -> str:
    from django.db import connection

    return str(connection.vendor)


# --- roll-up ------------------------------------------------------------------------------------------


def generate_lake(data_dir: Path, enterprises: int, days: int) -> int:
    """`enterprises` × `days` × 96 interval rows in the energy lake's layout (one file per date), written by
    DuckDB SQL (one electricity point per enterprise, a daily load curve, values in kWh)."""
    import duckdb

    from ecer.analytics.energy_rollup import intervals_dir

    root = intervals_dir(data_dir)
    con = duckdb.connect()
    con.execute("SET threads TO 2")
    start = dt.datetime(YEAR, 1, 1)  # local time; the lake stores UTC instants and the local date
    rows = 0
    for d in range(days):
        day = (start + dt.timedelta(days=d)).date()
        folder = root / f"date={day.isoformat()}"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / "part-bench.parquet"
        if target.exists():
            rows += enterprises * 96
            continue
        con.execute(f"""
            COPY (
              SELECT printf('BENCH%013d', e) AS enterprise, 'E01' AS point, 'electricity' AS energy_type,
                     'kwh' AS unit, CAST(NULL AS DOUBLE) AS enthalpy_gj_per_t,
                     (TIMESTAMP '{day.isoformat()} 00:00:00' - INTERVAL 8 HOUR + i * INTERVAL 15 MINUTE)
                        AT TIME ZONE 'UTC' AS start,
                     DATE '{day.isoformat()}' AS local_date,
                     (500 + (e % 97) * 10) * (1.0 + 0.3 * sin(i * 2 * pi() / 96)) AS value,
                     'measured' AS source, 0::BIGINT AS upload
              FROM range({enterprises}) t(e), range(96) s(i)
            ) TO '{target}.tmp' (FORMAT PARQUET, COMPRESSION ZSTD)""")
        Path(f"{target}.tmp").replace(target)
        rows += enterprises * 96
    return rows


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_rollup(data_dir: Path, enterprises: int, days: int) -> dict[str, Any]:
    import duckdb
    import pandas as pd

    from ecer.analytics import energy_rollup

    t0 = time.perf_counter()
    rows = generate_lake(data_dir, enterprises, days)
    generate_s = time.perf_counter() - t0
    energy_rollup.rollup_root(data_dir).joinpath("state.json").unlink(missing_ok=True)
    t0, c0 = time.perf_counter(), time.process_time()
    result = energy_rollup.update(data_dir, factors=energy_rollup.FactorRows(rows=[
        energy_rollup.FactorRow("electricity", "kwh", None, YEAR, 0.1229e-3, 0.3e-3)]))
    duck_s, duck_cpu = time.perf_counter() - t0, time.process_time() - c0
    monthly = duckdb.connect().execute(
        "SELECT enterprise, month, sum(quantity) q, sum(calorific_tce) t, sum(intervals) n FROM read_parquet(?) "
        "GROUP BY ALL ORDER BY ALL", [str(energy_rollup.rollup_root(data_dir) / "monthly" / "*.parquet")]).fetchall()
    counted = sum(r[4] for r in monthly)
    if counted != rows:
        raise SystemExit(f"the monthly roll-up counts {counted} intervals, the lake holds {rows}")
    # pandas baseline on the same files: read, monthly sum per enterprise
    files = sorted(str(p) for p in energy_rollup.intervals_dir(data_dir).rglob("*.parquet"))
    sample = files[: max(1, min(len(files), 3))]
    t0 = time.perf_counter()
    frame = pd.concat([pd.read_parquet(f, columns=["enterprise", "energy_type", "unit", "local_date", "value"])
                       for f in sample])
    frame["month"] = pd.to_datetime(frame["local_date"]).dt.strftime("%Y-%m")
    frame.groupby(["enterprise", "month", "energy_type", "unit"], sort=True)["value"].sum()
    pandas_s = time.perf_counter() - t0
    pandas_rows = len(frame)
    scale = TARGET_READINGS / rows
    return {"enterprises": enterprises, "days": days, "readings": rows, "generate_seconds": generate_s,
            "duckdb": {"seconds": duck_s, "cpu_seconds": duck_cpu, "dates": len(result.dates),
                       "months": len(result.months), "peak_rss_mib": _peak_rss_mib(),
                       "extrapolated_seconds_700m": duck_s * scale,
                       "seconds_per_1e9": duck_s * 1e9 / rows},
            "pandas": {"rows": pandas_rows, "seconds": pandas_s,
                       "extrapolated_seconds_700m": pandas_s * TARGET_READINGS / pandas_rows,
                       "seconds_per_1e9": pandas_s * 1e9 / pandas_rows},
            "monthly_rows": len(monthly)}


# --- docs ---------------------------------------------------------------------------------------------


def section(figures: dict[str, Any], command: str) -> str:
    lines = [f"Run {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC with `{command}`; "
             + "; ".join(f"{k}: {v}" for k, v in figures["machine"].items()) + ".", ""]
    page = figures.get("page")
    if page:
        a, b = page["after"], page["baseline"]
        lines += [f"**One enterprise's year** ({page['database']}; the demo chemical unit, {page['points']} "
                  f"15-minute points, {page['days']} days simulated, {page['intervals']:,} stored intervals, "
                  f"{page['uploads']} uploads through `POST /api/energy/uploads` in {page['upload_seconds']:.0f} s; "
                  f"both paths equal the simulator's ground truth for all {page['months_checked']} months):", "",
                  "| path | reads | n | wall p50 ms | wall p95 ms | CPU p50 ms | CPU p95 ms | goal (p95) |",
                  "|---|---|---:|---:|---:|---:|---:|---|",
                  f"| after: `/api/energy/units/<code>/energy?year=` (full request stack) | daily roll-up "
                  f"`EnergyDay`, 365 rows a point | {a['n']} | {a['p50_ms']:.1f} | {a['p95_ms']:.1f} | "
                  f"{a['cpu_p50_ms']:.1f} | {a['cpu_p95_ms']:.1f} | ≤ {PAGE_BUDGET_MS:.0f} ms |",
                  f"| baseline: the former service path (`old_year`, no HTTP) | every interval and closing "
                  f"reading of the year | {b['n']} | {b['p50_ms']:.1f} | {b['p95_ms']:.1f} | {b['cpu_p50_ms']:.1f} | "
                  f"{b['cpu_p95_ms']:.1f} | |", ""]
    roll = figures.get("rollup")
    if roll:
        d, p = roll["duckdb"], roll["pandas"]
        lines += [f"**Province roll-up** ({roll['enterprises']:,} enterprises × {roll['days']} days × 96 intervals "
                  f"= {roll['readings']:,} readings in the energy lake; extrapolated linearly to 700 M = 20,000 × "
                  "35,040, the issue's year: scan + hash aggregation per date, linear in the rows):", "",
                  "| engine | rows timed | wall s | CPU s (all threads) | wall s per 1e9 | CPU s per 1e9 | "
                  "wall extrapolated to 700 M | CPU extrapolated to 700 M | budget |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---|",
                  f"| Ibis on DuckDB, 2 threads (`ecer.analytics.energy_rollup.update`: daily per date, monthly "
                  f"from the daily files, tce) | {roll['readings']:,} | {d['seconds']:.1f} | {d['cpu_seconds']:.1f} | "
                  f"{d['seconds_per_1e9']:.0f} | {d['cpu_seconds'] * 1e9 / roll['readings']:.0f} | "
                  f"{d['extrapolated_seconds_700m']:.0f} s | {d['cpu_seconds'] * TARGET_READINGS / roll['readings']:.0f} s "
                  f"| ≤ {BUDGET_S_PER_1E9:.0f} s per 1e9 (≤ {BUDGET_S_PER_1E9 * TARGET_READINGS / 1e9:.0f} s for 700 M) |",
                  f"| pandas (read + monthly groupby sum, a sample of {p['rows']:,} rows) | {p['rows']:,} | "
                  f"{p['seconds']:.1f} | | {p['seconds_per_1e9']:.0f} | | {p['extrapolated_seconds_700m']:.0f} s | | |", ""]
    return "\n".join(lines)


def update_docs(text_block: str) -> None:
    text = DOCS.read_text(encoding="utf-8")
    if HEADING not in text:
        text = text.rstrip("\n") + f"\n\n{HEADING}\n\n"
    start = text.index(HEADING) + len(HEADING)
    end = text.find("\n## ", start)
    intro, _, _ = text[start:end if end != -1 else len(text)].partition("<!-- figures -->")
    new = f"{intro.rstrip()}\n\n<!-- figures -->\n{text_block}\n"
    text = text[:start] + new + (text[end:] if end != -1 else "")
    DOCS.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="page,rollup", help="page, rollup or both (comma-separated)")
    parser.add_argument("--days", type=int, default=365, help="days of simulated meters for the page")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--baseline-requests", type=int, default=5)
    parser.add_argument("--enterprises", type=int, default=2000)
    parser.add_argument("--rollup-days", type=int, default=31)
    parser.add_argument("--data-dir", type=Path, default=None, help="default: a new temporary directory")
    parser.add_argument("--smoke", action="store_true", help="tiny: 3 days, 50 enterprises × 2 days")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--update-docs", action="store_true")
    args = parser.parse_args()
    if args.smoke:
        args.days, args.requests, args.baseline_requests, args.enterprises, args.rollup_days = 3, 3, 2, 50, 2
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="ecer-bench-energy-"))
    only = set(args.only.split(","))
    figures: dict[str, Any] = {}
    if "rollup" in only:  # first: before Django's import and the page's memory
        figures["rollup"] = bench_rollup(data_dir, args.enterprises, args.rollup_days)
        print(json.dumps(figures["rollup"], indent=1), file=sys.stderr)
    if "page" in only:
        _setup_django(data_dir)
        figures["page"] = bench_page(args.days, args.requests, args.baseline_requests)
        print(json.dumps(figures["page"], indent=1), file=sys.stderr)
    figures["machine"] = machine()
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
    block = section(figures, "python benchmarks/bench_energy.py " + " ".join(sys.argv[1:]))
    print(block)
    if args.update_docs:
        update_docs(block)


if __name__ == "__main__":
    main()
