"""Benchmark: generating each report (kind × format) on the demo data, from precomputed progress vs
with progress computed for the report (the baseline: the caches dropped before each report).

Run:  python benchmarks/bench_reports.py [--runs 3] [--update-docs]

Uses its own fresh data directory and the database ECER_DATABASE_URL (default: SQLite there), which
it EMPTIES first (bench_dashboards.setup). Goal: a report in ≤ 10 s. The PDF includes LibreOffice's
start and layout of the Word file (a new headless LibreOffice per report, as the worker runs it).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_dashboards import machine, setup  # noqa: E402 - the same demo database and machine facts

DOCS = Path(__file__).resolve().parents[1] / "docs" / "performance.md"
HEADING = "## Reports (ecer report: Word, PDF, Excel)"
YEAR = 2023
GOAL_S = 10.0


def drop_caches() -> None:
    from ecer.results.models import ProgressSnapshot
    from ecer.services.dashboard import assessment, cache

    cache.forget_memory()
    assessment.forget_memory()
    ProgressSnapshot.objects.all().delete()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="reports per kind and format (precomputed path)")
    parser.add_argument("--update-docs", action="store_true")
    args = parser.parse_args()
    setup()
    from ecer.services import reports
    from ecer.services.actor import system_actor

    actor = system_actor()
    rows = []
    for kind in reports.KINDS:
        for fmt in reports.FORMATS:
            req = reports.Request(kind, YEAR, fmt)
            reports.generate(req, actor=actor)  # warm: progress precomputed, as after `ecer demo`
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                size = len(reports.generate(req, actor=actor))
                times.append(time.perf_counter() - started)
            drop_caches()
            started = time.perf_counter()
            reports.generate(req, actor=actor)
            baseline = time.perf_counter() - started
            rows.append((kind, fmt, size, statistics.median(times), max(times), baseline))
            print(f"{kind:10} {fmt:4} {size:>9,} B  median {rows[-1][3]:5.2f} s  max {rows[-1][4]:5.2f} s  "
                  f"uncached {baseline:5.2f} s", flush=True)
    if args.update_docs:
        update_docs(rows, args.runs)


def update_docs(rows: list[tuple[str, str, int, float, float, float]], runs: int) -> None:
    engine = "PostgreSQL" if os.environ.get("ECER_DATABASE_URL", "").startswith("postgres") else "SQLite"
    lines = [HEADING, "",
             f"`python benchmarks/bench_reports.py --update-docs` on {engine}, the demo data, year {YEAR}; "
             f"median and maximum of {runs} reports with progress precomputed (as pages and the worker run), and "
             f"one with every cache dropped first (baseline: the report computes progress itself). Goal: ≤ {GOAL_S:g} s.",
             "", "| report | format | size | median (s) | max (s) | uncached baseline (s) | goal met |",
             "|---|---|---:|---:|---:|---:|---|"]
    for kind, fmt, size, median, worst, baseline in rows:
        lines.append(f"| {kind} | {fmt} | {size:,} B | {median:.2f} | {worst:.2f} | {baseline:.2f} | "
                     f"{'yes' if worst <= GOAL_S else 'no'} |")
    lines += ["", "Machine: " + "; ".join(f"{k}: {v}" for k, v in machine().items()) + ".", ""]
    text = DOCS.read_text(encoding="utf-8")
    section = "\n".join(lines)
    if HEADING in text:
        start = text.index(HEADING)
        end = text.find("\n## ", start + len(HEADING))
        text = text[:start] + section + (text[end + 1:] if end != -1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOCS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
