"""`ecer assess`: score cities for a period (年度评价 / 中期评估 / 五年考核) with a rubric.

The work is `ecer.services.assess` (data source, plan, city targets, the accounting evaluation, the
rubric); this module parses the options and renders the table or JSON. Achieved and required
reductions are those of `ecer progress`; city targets come from `--targets` (the CSV written by
`ecer decompose --format csv`) or else the plan's stored regional targets (`ecer decompose --save`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

from ecer.cli._actor import cli_actor, django, emit_json, service_errors
from ecer.services.source import DEFAULT_PLAN
from ecer.texttable import render_table


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
                   "bundled illustrative scores of the period's year (示例评分, not a real review). The province "
                   "reviewer's recorded task scores of the year (ecer tasks) are used too, and replace the "
                   "file's rows of the same city and item (with statistics from the database).")
@click.option("--rubric", "rubric_code", default="classic-40-60", show_default=True, help="Rubric code or YAML path.")
@click.option("--base-year", type=int, help="Default from the plan.")
@click.option("--target-year", type=int, help="Default from the plan.")
@click.option("--province", help="Province code; default the plan's region (or inferred from the data file).")
@click.option("--format", "fmt", default="table", type=click.Choice(["table", "json"]), show_default=True)
@click.option("--user", "username", default=None, help="act as this account (its region scope); "
              "default: the system operator")
def assess(period_text: str, plan_code: str, data_file: str | None, targets_file: str | None, measures_file: str | None,
           rubric_code: str, base_year: int | None, target_year: int | None, province: str | None, fmt: str,
           username: str | None) -> None:
    """Assess cities' target responsibility for a period (年度评价、中期评估、五年考核)."""
    from ecer.services.assess import MISSING_HINT
    from ecer.services.assess import assess as run

    if data_file is None:
        django()
    with service_errors():
        done = run(period_text, plan_code, actor=cli_actor(username), data_file=data_file, targets_file=targets_file,
                   measures=measures_file, rubric_code=rubric_code, base_year=base_year, target_year=target_year,
                   province=province)
    if fmt == "json":
        emit_json({"rubric": done.rubric.code, "scale": done.rubric.scale.model_dump(), "period": {"kind": done.kind, "year": done.year},
                   "illustrative_data": done.illustrative_data, "measures": done.measures,
                   "regions": [_as_dict(r) for r in done.results]})
    else:
        click.echo(_table(done.results, done.rubric, done.measures, done.illustrative_data))
    if done.measures is None:
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


def _measures_lines(used: dict[str, Any]) -> list[str]:
    """Where the measures part came from: recorded task scores, a scores file, or both."""
    lines = []
    rec = used.get("recorded") or {}
    if rec.get("items"):
        lines.append(f"措施得分 measures: 任务跟踪评分 recorded task scores — {rec['items']} item(s) of "
                     f"{rec['regions']} city(ies) (ecer tasks; a recorded item replaces the file's)")
    if used.get("file"):
        tag = "示例评分，非真实评审 / illustrative scores, not a real review" if used["illustrative"] else "reviewers' scores"
        lines.append(f"措施得分 measures: {used['file']} ({tag})")
    for region, share in sorted((rec.get("incomplete") or {}).items()):
        lines.append(f"措施得分 measures: {region} recorded task scores cover {share} items only and no file "
                     "completes them — no measures for this city yet")
    return lines or ["措施得分 measures: none given — totals and grades wait for the reviewers' scores"]


def _table(results: Sequence[Any], rubric: Any, used: dict[str, Any] | None, illustrative_data: bool) -> str:
    from ecer.accounting.report import ILLUSTRATIVE_BANNER

    period = results[0].period if results else None
    lines = [f"{period.name_zh} / {period.name_en} — rubric {rubric.code} "
             f"(定量 quantitative {rubric.quantitative.met_points:g} + 措施 measures {rubric.measures.max_points:g})"
             if period else f"rubric {rubric.code}"]
    if used is None:
        lines.append("措施得分 measures: none given — totals and grades wait for the reviewers' scores")
    else:
        lines += _measures_lines(used)
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
