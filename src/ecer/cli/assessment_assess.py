"""`ecer assess`: score cities for a period (年度评价 / 中期评估 / 五年考核) with a rubric.

Achieved and required reductions come from the accounting evaluation (`ecer.accounting.evaluate`,
the same path as `ecer progress`), on current approved observations in the database or, with
`--data`, on a statistics file. City targets come from `--targets` (the CSV written by
`ecer decompose --format csv`) or else the plan's stored regional targets (`ecer decompose --save`).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from ecer.cli.assessment import DEFAULT_PLAN, INDICATOR, _emit_json, cities, open_source, reduction_target
from ecer.errors import InputFileError, Problem
from ecer.texttable import render_table


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


def _percent(rec: dict[str, Any], column: str, path: str, row: int, problems: list[Problem],
             required: bool) -> float | None:
    """A finite number (percent) from `column`, or None when empty and optional; else a Problem naming
    file, row and column (a NaN here would otherwise surface later without the file's row)."""
    text = (rec.get(column) or "").strip()
    if not text:
        if required:
            problems.append(Problem(path, f"row {row}", "value is empty", column))
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        problems.append(Problem(path, f"row {row}", f"not a finite number: '{text}'", column))
        return None
    return value


def _targets_file(path: str) -> tuple[Any, ...]:
    """Regional targets from a CSV with region_code and basic_reduction_pct (incentive_reduction_pct optional)."""
    import hashlib

    from ecer.accounting.inputs import RegionalTargetInput

    data = Path(path).read_bytes()
    reader = csv.DictReader(data.decode("utf-8-sig").splitlines())
    if not reader.fieldnames or not {"region_code", "basic_reduction_pct"} <= set(reader.fieldnames):
        raise InputFileError([Problem(path, "header", "need columns region_code and basic_reduction_pct")])
    version = f"file:{Path(path).name} sha256:{hashlib.sha256(data).hexdigest()[:12]}"
    out = []
    problems: list[Problem] = []
    for row, rec in enumerate(reader, start=2):
        code = (rec.get("region_code") or "").strip()
        if not code:
            problems.append(Problem(path, f"row {row}", "region code is empty", "region_code"))
        basic = _percent(rec, "basic_reduction_pct", path, row, problems, required=True)
        incentive = _percent(rec, "incentive_reduction_pct", path, row, problems, required=False)
        if code and basic is not None:
            out.append(RegionalTargetInput(code, INDICATOR, basic, incentive, {}, f"targets file {path}", version))
    if problems:
        raise InputFileError(problems)
    return tuple(out)


MISSING_HINT = ("measures part missing (措施得分缺失): pass --measures FILE (reviewers' scores) "
                "or --measures demo for the illustrative scores; no grade is given without it, except vetoes")
#: A scores file whose reviewer or note contains one of these is shown as illustrative (示例评分).
ILLUSTRATIVE_MARKERS = ("illustrative", "示例")


def _measures(option: str, year: int, rubric: Any) -> tuple[Any, dict[str, Any]]:
    """Totals per region from `--measures FILE|demo`, and what was used (file, illustrative or not)."""
    from ecer.core import assessment as core
    from ecer.demo import measures as demo

    if option == "demo":
        path = demo.bundled_path(year)
        if not path.is_file():
            raise click.ClickException(f"--measures demo: no illustrative measures scores for {year}; "
                                       f"bundled years: {', '.join(map(str, demo.YEARS))}")
    else:
        path = Path(option)
        if not path.is_file():
            raise click.BadParameter(f"'{option}': no such file (or `demo` for the illustrative scores)",
                                     param_hint="--measures")
    name = path.name if option == "demo" else option
    scores = core.parse_measures_csv(path.read_text(encoding="utf-8-sig"), name)
    totals = core.measures_totals(scores, rubric.measures.max_points, name)
    illustrative = any(m in f"{s.reviewer} {s.note}".lower() for s in scores for m in ILLUSTRATIVE_MARKERS)
    return totals, {"file": name, "bundled_demo": option == "demo", "illustrative": illustrative,
                    "regions": len(totals)}


@click.command()
@click.option("--period", "period_text", required=True, help="annual:YEAR | midterm[:YEAR] | final")
@click.option("--plan", "plan_code", default=DEFAULT_PLAN, show_default=True, help="Plan code or YAML path.")
@click.option("--data", "data_file", type=click.Path(exists=True, dir_okay=False),
              help="Statistics file with energy_total, gdp_current (base year) and gdp_index per city and year; "
                   "default: current approved observations in the database.")
@click.option("--targets", "targets_file", type=click.Path(exists=True, dir_okay=False),
              help="City targets CSV (region_code, basic_reduction_pct), e.g. from `ecer decompose --format csv`; "
                   "default: the plan's stored regional targets.")
@click.option("--measures", "measures_file", metavar="FILE|demo",
              help="Reviewers' scores CSV (region_code, item, score, max, reviewer, note), or `demo` for the "
                   "bundled illustrative scores of the period's year (示例评分, not a real review).")
@click.option("--rubric", "rubric_code", default="classic-40-60", show_default=True, help="Rubric code or YAML path.")
@click.option("--base-year", type=int, help="Default from the plan.")
@click.option("--target-year", type=int, help="Default from the plan.")
@click.option("--province", help="Province code; default the plan's region (or inferred from the data file).")
@click.option("--format", "fmt", default="table", type=click.Choice(["table", "json"]), show_default=True)
def assess(period_text: str, plan_code: str, data_file: str | None, targets_file: str | None, measures_file: str | None,
           rubric_code: str, base_year: int | None, target_year: int | None, province: str | None, fmt: str) -> None:
    """Assess cities' target responsibility for a period (年度评价、中期评估、五年考核)."""
    from ecer.accounting import AccountingOptions
    from ecer.accounting.assessment import assessment_plan, outcomes
    from ecer.core import assessment as core
    from ecer.core.errors import AccountingInputError
    from ecer.core.evaluate import ProgressOptions
    from ecer.core.progress import Completion

    try:
        source = open_source(plan_code, data_file)
    except InputFileError as err:
        raise click.ClickException(str(err)) from err
    target = reduction_target(source, INDICATOR)
    if target is None:
        raise click.UsageError(f"plan '{plan_code}' has no {INDICATOR} reduction target to assess")
    base_year = target.base_year if base_year is None else base_year
    target_year = target.target_year if target_year is None else target_year
    kind, year = _parse_period(period_text, base_year, target_year)
    _, city_list = cities(source, province)
    try:
        rubric = core.load_rubric(rubric_code)
        # Read the reviewers' scores first: a bad or missing file is reported before the evaluation runs.
        measures, used = _measures(measures_file, year, rubric) if measures_file else (None, None)
        regional = _targets_file(targets_file) if targets_file else None
        ap = assessment_plan(source.plan, INDICATOR, city_list, regional, base_year, target_year)
        # The completion shown in the progress report uses the rubric's method, so both agree.
        options = AccountingOptions(progress=ProgressOptions(completion=Completion(rubric.quantitative.method)))
        data = source.panels([c.code for c in city_list], ap.variables(options), ap.years(year, options))
        found, report = outcomes(ap, kind, year, data, options)
        results = core.assess(found, rubric, core.Period(kind, year), measures)  # type: ignore[arg-type]
    except (InputFileError, AccountingInputError) as err:
        raise click.ClickException(str(err)) from err
    if fmt == "json":
        _emit_json({"rubric": rubric.code, "scale": rubric.scale.model_dump(), "period": {"kind": kind, "year": year},
                    "illustrative_data": report.illustrative, "measures": used,
                    "regions": [_as_dict(r) for r in results]})
    else:
        click.echo(_table(results, rubric, used, report.illustrative))
    if used is None:
        click.echo(MISSING_HINT, err=True)


def _as_dict(r: Any) -> dict[str, Any]:
    import dataclasses

    out = dataclasses.asdict(r)
    out["quantitative"]["points"] = r.quantitative.points
    out["grade"] = r.grade.model_dump() if r.grade else None
    return out


def _grade_cell(r: Any) -> str:
    if r.grade is None:
        return "— (no measures)"
    return f"{r.grade.name_zh} {r.grade.name_en}" + (" (一票否决 veto)" if r.veto_applied else "")


def _summary(results: Sequence[Any], rubric: Any) -> str:
    counts = [(g, sum(1 for r in results if r.grade is not None and r.grade.code == g.code)) for g in rubric.grades]
    vetoed = sum(1 for r in results if r.veto_applied)
    pending = sum(1 for r in results if r.grade is None)
    parts = [f"{g.name_zh} {n}" for g, n in counts] + [f"其中一票否决 veto {vetoed}"]
    if pending:
        parts.append(f"未定等级 no grade {pending}")
    return "等级分布 / grades: " + ", ".join(parts)


def _table(results: Sequence[Any], rubric: Any, used: dict[str, Any] | None, illustrative_data: bool) -> str:
    from ecer.accounting.report import ILLUSTRATIVE_BANNER

    period = results[0].period if results else None
    lines = [f"{period.name_zh} / {period.name_en} — rubric {rubric.code} "
             f"(定量 quantitative {rubric.quantitative.met_points:g} + 措施 measures {rubric.measures.max_points:g})"
             if period else f"rubric {rubric.code}"]
    if used is None:
        lines.append("措施得分 measures: none given — totals and grades wait for the reviewers' scores")
    else:
        tag = "示例评分，非真实评审 / illustrative scores, not a real review" if used["illustrative"] else "reviewers' scores"
        lines.append(f"措施得分 measures: {used['file']} ({tag})")
    lines.append("")
    rows = []
    for r in results:
        q = r.quantitative
        rows.append([
            r.region_code, r.region_name, f"{r.outcome.achieved_reduction_pct:.2f}",
            f"{r.outcome.required_reduction_pct:.2f}",
            f"{q.completion_pct:.2f}" if q.completion_pct is not None else "—", str(q.step), f"{q.base_points:.1f}",
            f"{r.measures.points:.1f}" if r.measures else "—", f"{r.score:.1f}" if r.measures else "—",
            f"+{r.bonus:g}" if r.bonus else "", f"{r.total:.1f}" if r.measures else "—", _grade_cell(r),
        ])
    scale = rubric.scale.max_points
    headers = ["code", "region", "K %", "P %", "compl %", "step", "quant", "meas", f"score/{scale:g}", "加分 bonus",
               "total", "grade"]
    lines.append(render_table(headers, rows, max_cell=None, right=[False, False] + [True] * 9 + [False]))
    exceed = ("may exceed" if rubric.scale.total_may_exceed_max else "is capped at")
    lines += [f"K: achieved cumulative reduction 累计降低; P: required 要求; compl: completion 完成进度 ({rubric.quantitative.method} method)",
              f"score: quantitative + measures on the {scale:g}-point scale 得分; 加分 bonus: the rubric's bonus for "
              f"exceeding the target, outside the score; total = score + 加分, which {exceed} {scale:g} "
              f"(rubric scale.total_may_exceed_max) 总分",
              _summary(results, rubric)]
    if illustrative_data:
        lines.append(ILLUSTRATIVE_BANNER)
    lines += ["", "说明 / explanation:"]
    lines += [f"{r.region_code}: {r.explanation_zh}\n        {r.explanation_en}" for r in results]
    return "\n".join(lines)
