"""Benchmark: progress + barometer for a synthetic national-scale panel, vectorised core vs a per-region loop.

Run:  python benchmarks/bench_core.py [--regions 2900] [--indicators 25] [--years 10] [--update-docs]

Synthetic data (seeded): ~2,900 county regions × 25 indicators (15 reduction, 10 level) × 10 years
(2020 = base year, target year 2025, later years hold the target-year requirement). For
energy intensity the whole chain runs: constant-price GDP from 上年=100 indices, raw-material
deduction, intensity. Every indicator gets progress, completion, remaining task and both lights
(annual, progress). The baseline is a straightforward per-region Python loop over the same rules,
timed on a subset and extrapolated linearly; its lights are checked against the core's.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import re
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

from ecer.core.barometer import Light
from ecer.core.deductions import energy_for_intensity
from ecer.core.evaluate import ProgressResult, TargetKind, TargetSpec, evaluate_target
from ecer.core.intensity import constant_price_series, intensity
from ecer.core.panel import Panel

BASE, TARGET = 2020, 2025
DOCS = Path(__file__).resolve().parents[1] / "docs" / "performance.md"


def synthetic(n_regions: int, n_indicators: int, n_years: int, seed: int = 2025) -> dict[str, object]:
    rng = np.random.default_rng(seed)
    regions = tuple(f"{510000 + i:06d}" for i in range(n_regions))
    years = tuple(range(BASE, BASE + n_years))
    n_reduction = max(1, n_indicators * 3 // 5)
    changes = rng.normal(-0.025, 0.02, size=(n_indicators, n_regions, n_years))
    changes[:, :, 0] = 0.0
    values = 100.0 * np.exp(np.cumsum(np.log1p(changes), axis=2))
    targets = rng.uniform(0.08, 0.18, size=(n_indicators, n_regions))
    level_targets = values[:, :, 0] * rng.uniform(0.9, 1.3, size=(n_indicators, n_regions))
    kinds = [TargetKind.REDUCTION] * n_reduction + [TargetKind.LEVEL] * (n_indicators - n_reduction)
    gdp_current = rng.uniform(50, 2000, size=(n_regions, n_years))
    gdp_index = np.full((n_regions, n_years), np.nan)
    gdp_index[:, 1:] = rng.uniform(101, 109, size=(n_regions, n_years - 1))
    energy = gdp_current * rng.uniform(0.2, 0.8, size=(n_regions, 1))
    raw = energy * 0.05
    return dict(regions=regions, years=years, values=values, targets=targets, level_targets=level_targets,
                kinds=kinds, gdp_current=gdp_current, gdp_index=gdp_index, energy=energy, raw=raw)


def run_core(data: dict[str, object]) -> list[ProgressResult]:
    regions, years = data["regions"], data["years"]
    gdp = constant_price_series(Panel("gdp_current", "100m_yuan", regions, years, data["gdp_current"]),
                                Panel("gdp_index", "index_prev_year_100", regions, years, data["gdp_index"]), BASE)
    energy = energy_for_intensity(Panel("energy_total", "10k_tce", regions, years, data["energy"]),
                                  Panel("energy_raw_material", "10k_tce", regions, years, data["raw"]))
    ei = intensity(energy, gdp, "tce_per_10k_yuan")
    results = [evaluate_target(ei, TargetSpec("energy_intensity", TargetKind.REDUCTION, BASE, TARGET, 0.14))]
    for k, kind in enumerate(data["kinds"]):
        panel = Panel(f"ind{k}", "u", regions, years, data["values"][k])
        value = data["targets"][k] if kind is TargetKind.REDUCTION else data["level_targets"][k]
        results.append(evaluate_target(panel, TargetSpec(f"ind{k}", kind, BASE, TARGET, value)))
    return results


def loop_light(met: bool, gap: float, target: float) -> int:
    if met:
        return int(Light.GREEN)
    return int(Light.RED) if gap > 0.10 * abs(target) else int(Light.YELLOW)


def run_loop(data: dict[str, object], region_indices: range) -> list[list[tuple[int, int]]]:
    """Per-region, per-indicator, per-year Python implementation of the same rules (the baseline)."""
    years = data["years"]
    out: list[list[tuple[int, int]]] = []
    for k, kind in enumerate(data["kinds"]):
        rows: list[tuple[int, int]] = []
        for i in region_indices:
            v = data["values"][k][i].tolist()  # plain floats: a fair pure-Python baseline
            if kind is TargetKind.REDUCTION:
                r = float(data["targets"][k][i])
                avg = 1 - (1 - r) ** (1 / (TARGET - BASE))
                for j in range(1, len(years)):
                    elapsed = min(years[j], TARGET) - BASE
                    k_cum = 1 - v[j] / v[0]
                    p = 1 - (1 - r) ** (elapsed / (TARGET - BASE))
                    _completion = math.log(1 - k_cum) / math.log(1 - r)
                    _remaining = 1 - (1 - r) / (1 - k_cum)
                    a_actual = 1 - v[j] / v[j - 1]
                    a_req = avg if years[j] <= TARGET else 0.0
                    rows.append((loop_light(k_cum >= p - 1e-12, p - k_cum, p),
                                 loop_light(a_actual >= a_req - 1e-12, a_req - a_actual, a_req)))
            else:
                v0, target = v[0], float(data["level_targets"][k][i])
                for j in range(1, len(years)):
                    share = min((years[j] - BASE) / (TARGET - BASE), 1.0)
                    req = v0 + (target - v0) * share
                    _completion = (v[j] - v0) / (target - v0) if target != v0 else 1.0
                    light = loop_light(v[j] >= req - 1e-12, req - v[j], req)
                    rows.append((light, light))
        out.append(rows)
    return out


def machine() -> dict[str, str]:
    info = {"python": platform.python_version(), "numpy": np.__version__}
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        for key in ("Model name", "CPU(s)"):
            m = re.search(rf"^{re.escape(key)}:\s*(.+)$", lscpu, re.M)
            if m:
                info[key] = m.group(1).strip()
    except OSError:
        pass
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        m = re.search(r"MemTotal:\s*(\d+) kB", meminfo.read_text())
        if m:
            info["RAM"] = f"{int(m.group(1)) / 1024 / 1024:.1f} GiB"
    info["load (1/5/15 min)"] = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    return info


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=2900)
    parser.add_argument("--indicators", type=int, default=25)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--baseline-regions", type=int, default=290, help="subset for the loop baseline")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--update-docs", action="store_true", help="write the figures into docs/performance.md")
    args = parser.parse_args()

    # the energy-intensity chain is one extra indicator on top of the synthetic ones
    data = synthetic(args.regions, args.indicators - 1, args.years)
    cells = args.regions * args.indicators * (args.years - 1)
    run_core(data)  # warm-up (imports, first allocations)
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        results = run_core(data)
        times.append(time.perf_counter() - start)
    core_s = min(times)
    tracemalloc.start()
    run_core(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    subset = range(min(args.baseline_regions, args.regions))
    start = time.perf_counter()
    loop = run_loop(data, subset)
    loop_subset_s = time.perf_counter() - start
    # the loop covers the synthetic indicators; scale to all of them (the intensity chain included)
    loop_s = loop_subset_s * args.regions / len(subset) * args.indicators / (args.indicators - 1)
    # correctness: the baseline's lights equal the core's on the subset (synthetic indicators)
    mismatches = 0
    for k, rows in enumerate(loop):
        res = results[k + 1]
        core_rows = [(int(res.light_progress[i, j]), int(res.light_annual[i, j]))
                     for i in subset for j in range(len(res.years))]
        mismatches += sum(a != b for a, b in zip(rows, core_rows, strict=True))

    maxrss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = {
        "scale": f"{args.regions} regions × {args.indicators} indicators × {args.years} years "
                 f"({cells:,} assessed region-indicator-years, 2 lights each)",
        f"vectorised core (best of {args.repeat})": f"{core_s:.3f} s",
        "per-region Python loop baseline": f"{loop_s:.2f} s (measured {loop_subset_s:.2f} s on {len(subset)} "
                                           f"regions × {args.indicators - 1} indicators, extrapolated linearly)",
        "speed-up": f"{loop_s / core_s:.0f}×",
        "peak traced memory of one core run (tracemalloc)": f"{peak / 2**20:.1f} MiB",
        "process max RSS": f"{maxrss_mib:.0f} MiB",
        "light mismatches core vs baseline (subset)": str(mismatches),
    }
    figures.update(machine())
    for key, value in figures.items():
        print(f"{key}: {value}")
    if mismatches:
        sys.exit("baseline and core disagree")
    if args.update_docs:
        update_docs(figures)


def update_docs(figures: dict[str, str]) -> None:
    text = DOCS.read_text(encoding="utf-8")
    heading = "## Target accounting core (progress and barometer, national scale)"
    start = text.index(heading) + len(heading)
    end = text.find("\n## ", start)
    body = ["", "", "Command: `.venv/bin/python benchmarks/bench_core.py --update-docs` (writes this section).",
            "Synthetic seeded data; the energy-intensity indicator runs the whole chain (constant-price GDP,",
            "raw-material deduction, intensity); all indicators get progress, completion, remaining task and",
            "both lights. The machine is shared with other engineers: see the load at measurement time.", "",
            "| measure | value |", "|---|---|"]
    body += [f"| {k} | {v} |" for k, v in figures.items()]
    text = text[:start] + "\n".join(body) + "\n" + (text[end:] if end != -1 else "")
    DOCS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
