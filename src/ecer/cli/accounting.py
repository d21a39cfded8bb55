"""`ecer progress` and `ecer explain`: target progress, barometer lights and why, from the database.

Both read the loaded plan and the current approved observations (run `ecer demo` first for the
illustrative data set). Methodology: docs/methodology.md.
"""

from __future__ import annotations

import json
from typing import Any

import click

from ecer.cli._actor import cli_actor, django, service_errors

DEFAULT_PLAN = "sichuan-14fyp"
USER_OPTION = click.option("--user", "username", default=None, help="act as this account (its region scope); "
                           "default: the system operator")


@click.command()
@click.option("--year", "-y", type=int, required=True, help="assessed year (e.g. 2023)")
@click.option("--plan", "-p", default=DEFAULT_PLAN, show_default=True, help="plan code")
@click.option("--region", "-r", "regions", multiple=True, help="region code or name (repeatable); default: the "
              "plan's region and its children")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@USER_OPTION
def progress(year: int, plan: str, regions: tuple[str, ...], fmt: str, lang: str, username: str | None) -> None:
    """Progress of every target: actual, requirement, gap, completion, lights (进度与晴雨表)."""
    django()
    from ecer.accounting.report import render_csv, render_json, render_table
    from ecer.services.progress import progress_report

    with service_errors():
        report = progress_report(plan, year, list(regions) or None, actor=cli_actor(username))
    if fmt == "json":
        click.echo(render_json(report))
    elif fmt == "csv":
        click.echo(render_csv(report, lang), nl=False)
    else:
        click.echo(render_table(report, lang))


LIGHTS_ZH = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "not_assessed": "不考核", "exempt": "免考核"}


def _fmt(value: Any) -> str:
    from ecer.accounting.report import format_number  # after django_setup: the package loads models

    if value is None:
        return "-"
    return format_number(value) if isinstance(value, float) else str(value)


def _unit(row: Any, zh: bool) -> str:
    """The unit's name in the language (万吨 / 10⁴ tonnes), not its code."""
    from ecer.accounting.report import unit_name
    from ecer.catalogs.units import load_units

    return unit_name(row.value_unit, "zh" if zh else "en", dict(load_units()))


def _figures(row: Any, zh: bool) -> list[tuple[str, Any, str]]:
    """(label, value, unit) of the row's figures, worded for a reduction or a level target."""
    pct = row.kind == "reduction"  # a level in percent (a share) is a level, not a reduction
    unit = _unit(row, zh)
    points = ("个百分点" if zh else "percentage points") if pct else unit
    if pct:
        labels = (("累计降低（实际）", "cumulative reduction (actual)"), ("进度要求（累计降低）", "progress requirement"),
                  ("差距", "gap"), ("完成进度", "completion"), ("今后每年需降低", "needed per remaining year"),
                  ("本年比上年降低", "reduction this year"), ("本年目标降低", "annual target"))
    else:
        labels = (("实际值", "actual"), ("进度要求", "required"), ("差距", "gap"), ("完成进度", "completion"),
                  ("今后每年需", "needed per remaining year"), ("本年实际", "annual actual"), ("本年目标", "annual target"))
    values = (row.actual, row.required, row.gap, row.completion_pct, row.remaining_per_year, row.annual_actual,
              row.annual_required)
    units = (unit, unit, points, "%", unit, unit, unit)
    return [(label[0] if zh else label[1], v, u) for label, v, u in zip(labels, values, units, strict=True)]


def _target_line(row: Any, zh: bool) -> str | None:
    if row.target_value is None:
        return None
    pct = row.kind == "reduction"
    unit = "%" if pct else ("" if zh else " ") + _unit(row, zh)
    incentive = row.target_incentive
    if zh:
        verb = "下降" if pct else ""
        text = f"  本地区目标: 基本目标{verb}{row.target_value:g}{unit}"
        return text + (f"，激励目标{verb}{incentive:g}{unit}" if incentive is not None else "")
    text = f"  target of this region: basic {'−' if pct else ''}{row.target_value:g}{unit}"
    return text + (f", incentive {'−' if pct else ''}{incentive:g}{unit}" if incentive is not None else "")


def _forecast_line(forecast: dict[str, Any], pct: bool, zh: bool) -> str:
    unit = "%" if pct else ""
    if "likely" not in forecast:
        reason = forecast.get("error") or forecast.get("method") or forecast.get("status")
        return f"  {'预测' if zh else 'forecast'}: {reason}"
    year, likely = forecast.get("target_year"), forecast["likely"]
    interval = forecast.get("interval")
    if zh:
        text = f"  预测: 按现有趋势，{year}年{'累计降低' if pct else '约为'}{likely:.2f}{unit}"
        if interval:
            text += f"（区间 {interval[0]:.2f}{unit} ～ {interval[1]:.2f}{unit}）"
        return text + f"；方法: {forecast.get('method', '')}"
    text = f"  forecast: on the current trend, {'cumulative reduction' if pct else 'value'} {likely:.2f}{unit} in {year}"
    if interval:
        text += f" (interval {interval[0]:.2f}{unit} to {interval[1]:.2f}{unit})"
    return text + f"; method: {forecast.get('method', '')}"


def _details(row: Any, lang: str) -> list[str]:
    zh = lang == "zh"
    lines = [f"  {label}: {_fmt(v)} {u}".rstrip() for label, v, u in _figures(row, zh)]
    lights = (row.light, row.light_annual)
    shown = "/".join(LIGHTS_ZH.get(x or "", _fmt(x)) for x in lights) if zh else "/".join(_fmt(x) for x in lights)
    lines.append(f"  {'预警灯（进度/年度）' if zh else 'light (progress/annual)'}: {shown}")
    target = _target_line(row, zh)
    if target:
        lines.append(target)
    if row.forecast:
        lines.append(_forecast_line(row.forecast, row.value_unit == "pct", zh))
    prov = row.provenance
    lines.append(f"  {'规则' if zh else 'rule'}: {prov['rule']} v{prov['rule_version']}")
    lines.append(f"  {'参数' if zh else 'parameters'}: {json.dumps(prov['parameters'], ensure_ascii=False)}")
    lines.append(f"  {'输入数据' if zh else 'inputs'}:")
    for item in prov["inputs"]:
        where = f"{item.get('region', '')} {item.get('year', '')}".strip()
        lines.append(f"    {item['name']} {where} = {item.get('value')} {item.get('unit', '')}"
                     f"  [{item.get('data_version', '')}]")
    for note in prov["notes"]:
        lines.append(f"  {'说明' if zh else 'note'}: {note}")
    return lines


@click.command()
@click.argument("region")
@click.argument("indicator")
@click.argument("year", type=int)
@click.option("--plan", "-p", default=DEFAULT_PLAN, show_default=True, help="plan code")
@click.option("--lang", type=click.Choice(["zh", "en", "both"]), default="both", show_default=True)
@USER_OPTION
def explain(region: str, indicator: str, year: int, plan: str, lang: str, username: str | None) -> None:
    """Why a region's indicator has its value and light in YEAR (REGION: code or name, e.g. 广元)."""
    django()
    from ecer.accounting.report import ILLUSTRATIVE_BANNER
    from ecer.services.explain import explain as why

    with service_errors():
        found = why(region, indicator, year, plan, actor=cli_actor(username))
    row = found.row
    if row.status == "not_assessed":
        click.echo(row.reason)
        return
    for language in (("zh", "en") if lang == "both" else (lang,)):
        click.echo(row.explanation(language))
    click.echo("\n".join(_details(row, "en" if lang == "en" else "zh")))
    if found.illustrative:
        click.echo(ILLUSTRATIVE_BANNER)
