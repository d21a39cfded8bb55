"""`ecer assess`: score cities for a period (年度评价 / 中期评估 / 五年考核) with a rubric.

Achieved reductions are computed from a statistics file (`--data`): intensity = (energy_total −
energy_raw_material [− energy_listed_projects in the assessed year]) / constant-price GDP chained
from the base year's gdp_current and gdp_index (上年=100), using the accounting core. City targets
come from `--targets` (the CSV written by `ecer decompose --format csv`) or the plan's regional targets.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from ecer.cli.assessment import (
    DEFAULT_PLAN,
    INDICATOR,
    _cities,
    _emit_json,
    _energy_for_intensity,
    _plan_target,
    load_values,
)
from ecer.errors import InputFileError, Problem


def _parse_period(text: str, base_year: int, target_year: int) -> tuple[str, int]:
    """`annual:2023` | `midterm` | `midterm:2023` | `final` → (kind, data year)."""
    kind, _, year = text.partition(":")
    if kind not in ("annual", "midterm", "final") or (kind == "annual" and not year) or (kind == "final" and year):
        raise click.BadParameter(f"'{text}': expected annual:YEAR, midterm[:YEAR] or final", param_hint="--period")
    if kind == "final":
        return kind, target_year
    if not year:
        # Mid-term = the first year past the middle of the period (2023 for 2021–2025); configurable.
        return kind, base_year + math.ceil((target_year - base_year) / 2)
    if not year.isdigit() or not base_year < int(year) <= target_year:
        raise click.BadParameter(f"'{text}': year must be in {base_year + 1}–{target_year}", param_hint="--period")
    return kind, int(year)


def _targets_file(path: str) -> dict[str, tuple[float, dict[int, float]]]:
    """region_code → (basic reduction pct, {}) from a CSV with region_code and basic_reduction_pct."""
    text = Path(path).read_text(encoding="utf-8-sig")
    reader = csv.DictReader(text.splitlines())
    if not reader.fieldnames or not {"region_code", "basic_reduction_pct"} <= set(reader.fieldnames):
        raise InputFileError([Problem(path, "header", "need columns region_code and basic_reduction_pct")])
    out: dict[str, tuple[float, dict[int, float]]] = {}
    problems = []
    for row, rec in enumerate(reader, start=2):
        try:
            out[rec["region_code"].strip()] = (float(rec["basic_reduction_pct"]), {})
        except ValueError:
            problems.append(Problem(path, f"row {row}", "not a number", "basic_reduction_pct"))
    if problems:
        raise InputFileError(problems)
    return out


def _requirement(basic: float, annual: dict[int, float], kind: str, year: int, base: int, target: int) -> tuple[float, str, str]:
    """Cumulative reduction (pct) required by `year`, with its description in zh and en.

    Annual values are each year's own reduction (年度目标, e.g. 3 = "下降3%"); they are chained when
    every year from base+1 to `year` has one, otherwise the geometric path of METHODOLOGY §1 is used.
    """
    if kind == "final":
        return basic, f"五年目标{basic:g}%", f"five-year target {basic:g}%"
    years = range(base + 1, year + 1)
    if all(y in annual for y in years):
        required = (1 - math.prod(1 - annual[y] / 100 for y in years)) * 100
        return required, "年度目标累计", "annual targets chained"
    required = (1 - (1 - basic / 100) ** ((year - base) / (target - base))) * 100
    return required, f"按{basic:g}%目标的进度要求", f"progress requirement of the {basic:g}% target"


def _achieved(values: dict[tuple[str, int, str], float], codes: Sequence[str], base: int, year: int) -> dict[str, float]:
    """Cumulative intensity reduction (pct) from `base` to `year` per city, via the accounting core."""
    import numpy as np

    from ecer.core.intensity import change_since, constant_price_series, intensity
    from ecer.core.panel import Panel

    years = tuple(range(base, year + 1))

    def panel(variable: str, unit: str, cell: Any) -> Panel:
        arr = np.array([[cell(c, y) for y in years] for c in codes], dtype=np.float64)
        return Panel(variable, unit, tuple(codes), years, arr)

    gdp_current = panel("gdp_current", "100m_yuan", lambda c, y: values.get((c, y, "gdp_current"), math.nan))
    index = panel("gdp_index", "index_prev_year_100", lambda c, y: values.get((c, y, "gdp_index"), 100.0 if y == base else math.nan))
    energy = panel("energy_total", "10k_tce", lambda c, y: _energy_for_intensity(values, c, y, listed=y != base))
    gdp = constant_price_series(gdp_current, index, price_base_year=base)
    change = change_since(intensity(energy, gdp, "tce_per_10k_yuan"), base)
    return {c: float(-change[i, -1] * 100) for i, c in enumerate(codes)}


@click.command()
@click.option("--period", "period_text", required=True, help="annual:YEAR | midterm[:YEAR] | final")
@click.option("--plan", "plan_code", default=DEFAULT_PLAN, show_default=True, help="Plan code or YAML path.")
@click.option("--data", "data_file", type=click.Path(exists=True, dir_okay=False),
              help="Statistics file with energy_total, gdp_current (base year) and gdp_index per city and year; "
                   "default: current approved observations in the database.")
@click.option("--targets", "targets_file", type=click.Path(exists=True, dir_okay=False),
              help="City targets CSV (region_code, basic_reduction_pct), e.g. from `ecer decompose --format csv`.")
@click.option("--measures", "measures_file", type=click.Path(exists=True, dir_okay=False),
              help="Reviewers' scores CSV: region_code, item, score, max, reviewer, note.")
@click.option("--rubric", "rubric_code", default="classic-40-60", show_default=True, help="Rubric code or YAML path.")
@click.option("--base-year", type=int, help="Default from the plan.")
@click.option("--target-year", type=int, help="Default from the plan.")
@click.option("--province", help="Province code; default inferred from the cities in the data.")
@click.option("--format", "fmt", default="table", type=click.Choice(["table", "json"]), show_default=True)
def assess(period_text: str, plan_code: str, data_file: str | None, targets_file: str | None, measures_file: str | None,
           rubric_code: str, base_year: int | None, target_year: int | None, province: str | None, fmt: str) -> None:
    """Assess cities' target responsibility for a period (年度评价、中期评估、五年考核)."""
    from ecer.core import assessment as core
    from ecer.core.errors import AccountingInputError

    found = _plan_target(plan_code, INDICATOR)
    if found is not None:
        base_year = found[1].base_year if base_year is None else base_year
        target_year = found[1].target_year if target_year is None else target_year
    if base_year is None or target_year is None:
        raise click.UsageError(f"plan '{plan_code}' has no {INDICATOR} target here: give --base-year and --target-year")
    kind, year = _parse_period(period_text, base_year, target_year)
    try:
        rubric = core.load_rubric(rubric_code)
        targets = _targets_file(targets_file) if targets_file else _plan_regional_targets(found)
        values = load_values(data_file, list(range(base_year, year + 1)))
        _, cities = _cities({k[0] for k in values}, province)
        missing = [c.code for c in cities if c.code not in targets]
        if missing:
            raise click.ClickException(f"no {INDICATOR} target for region(s) {', '.join(missing)}: give --targets")
        achieved = _achieved(values, [c.code for c in cities], base_year, year)
        outcomes = []
        for c in cities:
            basic, annual = targets[c.code]
            req, zh, en = _requirement(basic, annual, kind, year, base_year, target_year)
            outcomes.append(core.TargetOutcome(c.code, c.name_zh, INDICATOR, req, achieved[c.code], zh, en))
        measures = None
        if measures_file:
            scores = core.parse_measures_csv(Path(measures_file).read_text(encoding="utf-8-sig"), measures_file)
            measures = core.measures_totals(scores, rubric.measures.max_points, measures_file)
        results = core.assess(outcomes, rubric, core.Period(kind, year), measures)  # type: ignore[arg-type]
    except (InputFileError, AccountingInputError) as err:
        raise click.ClickException(str(err)) from err
    if fmt == "json":
        _emit_json({"rubric": rubric.code, "period": {"kind": kind, "year": year}, "regions": [_as_dict(r) for r in results]})
    else:
        click.echo(_table(results, rubric, kind, year))


def _plan_regional_targets(found: tuple[Any, Any] | None) -> dict[str, tuple[float, dict[int, float]]]:
    if found is None:
        return {}
    return {t.region: (t.basic, dict(t.annual)) for t in found[0].regional_targets if t.indicator == INDICATOR}


def _as_dict(r: Any) -> dict[str, Any]:
    import dataclasses

    out = dataclasses.asdict(r)
    out["quantitative"]["points"] = r.quantitative.points
    out["grade"] = r.grade.model_dump() if r.grade else None
    return out


def _table(results: Sequence[Any], rubric: Any, kind: str, year: int) -> str:
    lines = [
        f"{results[0].period.name_zh if results else kind} / {results[0].period.name_en if results else year} — rubric {rubric.code}",
        f"{'code':<7}{'region':<10}{'K %':>8}{'P %':>8}{'compl %':>9}{'step':>7}{'quant':>7}{'meas':>7}{'total':>7}  grade (veto)",
    ]
    for r in results:
        q = r.quantitative
        done = f"{q.completion_pct:.2f}" if q.completion_pct is not None else "—"
        meas = f"{r.measures.points:g}" if r.measures else "—"
        grade = f"{r.grade.name_zh} {r.grade.name_en}" if r.grade else "— (no measures)"
        lines.append(
            f"{r.region_code:<7}{r.region_name:<10}{r.outcome.achieved_reduction_pct:>8.2f}{r.outcome.required_reduction_pct:>8.2f}"
            f"{done:>9}{q.step:>7}{q.points:>7g}{meas:>7}{r.total:>7g}  {grade}{' (一票否决 veto)' if r.veto_applied else ''}"
        )
    lines.append("")
    lines += [f"{r.region_code}: {r.explanation_zh}\n        {r.explanation_en}" for r in results]
    return "\n".join(lines)
