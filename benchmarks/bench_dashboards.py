"""Benchmark: dashboard pages served from precomputed progress vs computed on every request.

Run:  python benchmarks/bench_dashboards.py [--requests 60] [--update-docs]
      ECER_DATABASE_URL=postgres://…/scratch python benchmarks/bench_dashboards.py --update-docs

Uses its own fresh data directory; the database is ECER_DATABASE_URL (default: SQLite in that
directory) and is EMPTIED first (flush), so point it at a scratch database. Loads what `ecer demo`
loads (catalogs, the Sichuan plan, the illustrative statistics, the decomposed targets, the demo
accounts), then requests the overview (/), Guangyuan's region page (/regions/510800/) and the
2023 annual assessment (/assessment/annual:2023/, with the demo's illustrative measures) through
Django's full request stack (test client: middleware, session, view, template; no network),
logged in as the provincial administrator:

- cached: the way pages run — progress read from this process's memory at the current data
  version (the version check's queries included);
- snapshot: this process's copy dropped before each request, the report read from the
  ProgressSnapshot table (a fresh server process, or another worker); the assessment's own result
  stays in memory here (it has no table: a fresh process computes it once, see the baseline);
- baseline (uncached): memory and snapshots dropped before each request, so the request computes
  progress itself (every reported year: the overview's cards and the region's paths need them).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs" / "performance.md"
HEADING = "## Dashboard pages (precomputed progress vs computed per request)"
PAGES = {"overview": "/", "region page": "/regions/510800/", "assessment": "/assessment/annual:2023/"}
#: The issue's goals (overview, region); the assessment page is held to the region page's.
BUDGET_MS = {"overview": 100.0, "region page": 150.0, "assessment": 150.0}


def setup() -> None:
    os.environ.setdefault("ECER_DATA_DIR", tempfile.mkdtemp(prefix="ecer-bench-dash-"))
    from ecer.site.django_setup import setup as django_setup

    django_setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", interactive=False, verbosity=0)
    call_command("flush", interactive=False, verbosity=0)

    from ecer.cli.demo import illustrative_dataset
    from ecer.masterdata.services.accounts import ensure_demo_accounts
    from ecer.masterdata.services.catalogs import load_catalogs
    from ecer.masterdata.services.imports import import_statistics
    from ecer.masterdata.services.plans import load_plan_into_db
    from ecer.services.actor import system_actor
    from ecer.services.decompose import decompose_from_database

    load_catalogs()
    load_plan_into_db("sichuan-14fyp")
    import_statistics(illustrative_dataset(), illustrative=True)
    decompose_from_database("sichuan-14fyp", actor=system_actor())
    ensure_demo_accounts()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def timed(client: object, path: str, n: int,
          before: Callable[[], None] = lambda: None) -> tuple[list[float], list[float]]:
    """(wall-clock ms, this process's CPU ms) per request. The CPU time is what a request costs
    when the machine is not shared (the wall clock also counts waiting for the other processes)."""
    wall, cpu = [], []
    for _ in range(n):
        before()
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)  # type: ignore[attr-defined]
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")
    return wall, cpu


def machine() -> dict[str, str]:
    info = {"python": platform.python_version()}
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
    for key in ("Model name", "CPU(s)"):
        m = re.search(rf"^{re.escape(key)}:\s*(.+)$", lscpu, re.M)
        if m:
            info[key] = m.group(1).strip()
    info["load (1/5/15 min) at the end, on 2 cores shared with 7 other engineers"] = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    return info


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=60, help="requests per page for the cached path")
    parser.add_argument("--baseline-requests", type=int, default=3, help="requests per page without the cache")
    parser.add_argument("--update-docs", action="store_true", help="write the figures into docs/performance.md")
    args = parser.parse_args()

    started = time.perf_counter()
    setup()
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client

    from ecer.results.models import ProgressSnapshot
    from ecer.services.dashboard import assessment as assessments
    from ecer.services.dashboard import cache
    from ecer.services.dashboard.common import context

    print(f"set-up (demo data) {time.perf_counter() - started:.1f} s", file=sys.stderr)
    client = Client()
    client.force_login(User.objects.get(username="province"))
    years = context("sichuan-14fyp").years

    def uncached() -> None:
        cache.forget_memory()
        assessments.forget_memory()
        ProgressSnapshot.objects.all().delete()

    rows: list[tuple[str, str, tuple[list[float], list[float]]]] = []
    for name, path in PAGES.items():
        rows.append((name, "baseline: computed per request", timed(client, path, args.baseline_requests, uncached)))
        timed(client, path, 2)  # warm this process
        rows.append((name, "snapshot: read from the ProgressSnapshot table", timed(client, path, 10,
                                                                                    cache.forget_memory)))
        timed(client, path, 2)
        rows.append((name, "cached: memory at the current data version", timed(client, path, args.requests)))
    engine = connection.vendor
    figures = [(name, how, len(wall), statistics.median(wall), percentile(wall, 95), statistics.median(cpu),
                percentile(cpu, 95)) for name, how, (wall, cpu) in rows]
    for name, how, n, p50, p95, c50, c95 in figures:
        print(f"{name:12} {how:50} n={n:3} wall p50 {p50:8.1f} p95 {p95:8.1f}  cpu p50 {c50:8.1f} p95 {c95:8.1f} ms")
    if args.update_docs:
        update_docs(engine, years, figures, machine())


def update_docs(engine: str, years: list[int], figures: list[tuple[str, str, int, float, float, float, float]],
                info: dict[str, str]) -> None:
    text = DOCS.read_text(encoding="utf-8")
    if HEADING not in text:
        text = text.rstrip("\n") + f"\n\n{HEADING}\n\n"
    start = text.index(HEADING) + len(HEADING)
    end = text.find("\n## ", start)
    section = text[start:end] if end != -1 else text[start:]
    marker = f"<!-- {engine} -->"
    lines = [marker, f"**{engine}** — run {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC with "
             f"`python benchmarks/bench_dashboards.py --update-docs`"
             f"{' (ECER_DATABASE_URL=postgres://…)' if engine == 'postgresql' else ''}; demo data, "
             f"reported years {years[0]}–{years[-1]}; " + "; ".join(f"{k}: {v}" for k, v in info.items()) + ".", "",
             "| page | how progress is obtained | requests | wall p50 ms | wall p95 ms | CPU p50 ms | CPU p95 ms "
             "| budget (p95) |",
             "|---|---|---:|---:|---:|---:|---:|---|"]
    for name, how, n, p50, p95, c50, c95 in figures:
        budget = f"≤ {BUDGET_MS[name]:.0f} ms" if how.startswith("cached") else ""
        lines.append(f"| {name} | {how} | {n} | {p50:.1f} | {p95:.1f} | {c50:.1f} | {c95:.1f} | {budget} |")
    block = "\n".join(lines) + f"\n<!-- /{engine} -->"
    pattern = re.compile(rf"{re.escape(marker)}.*?<!-- /{engine} -->", re.S)
    section = pattern.sub(block, section) if pattern.search(section) else section.rstrip("\n") + "\n\n" + block
    intro = ("\n\nRequests through Django's full stack (test client, logged in, no network) on the demo data; "
             "see the benchmark's docstring for the three paths. The baseline is what a page costs when "
             "progress is not precomputed. Wall-clock times depend on the machine's load at the time (given "
             "with each run); the CPU time of the serving process is the cost of a request on an idle core.")
    if "Requests through Django's full stack" not in section:
        section = intro + section
    text = text[:start] + section.rstrip("\n") + "\n" + (text[end:] if end != -1 else "")
    DOCS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
