"""`ecer plan`: list, show and check plan files (综合工作方案 as data)."""

from __future__ import annotations

import json

import click

from ecer.catalogs.units import load_units
from ecer.cli._actor import cli_actor
from ecer.errors import InputFileError
from ecer.plans import Plan, Target
from ecer.services import plans as service
from ecer.texttable import render_table

COMPARATOR_WORD = {"zh": {"ge": "不低于", "le": "不高于", "about": "左右"},
                   "en": {"ge": "at least", "le": "at most", "about": "about"}}
HEADERS = {
    "zh": ["代码", "名称", "目标值", "单位", "比较", "年份", "重点工程", "牵头部门", "配合部门", "条款"],
    "en": ["code", "name", "value", "unit", "cmp", "years", "programme", "lead", "co-responsible", "clause"],
}


def _value_text(target: Target) -> str:
    # The comparator has its own column; a reduction reads "14% ↓" (percent below the base year).
    text = f"{target.value:g}"
    if target.kind == "reduction":
        text = f"{text}% ↓"
    if target.incentive is not None:
        text += f" (incentive {target.incentive:g})"
    return text


def _names(plan: Plan, codes: list[str], lang: str) -> str:
    separator = "、" if lang == "zh" else ", "
    return separator.join(plan.department(code).name_zh if lang == "zh" else plan.department(code).name_en
                          for code in codes) or "—"


def _target_row(plan: Plan, target: Target, lang: str, unit_names: dict[str, str]) -> list[str]:
    programme = plan.programme(target.programme)
    programme_name = ("总体目标" if lang == "zh" else "overall goals") if programme is None else (
        programme.name_zh if lang == "zh" else programme.name_en)
    return [
        target.code,
        target.name_zh if lang == "zh" else target.name_en,
        _value_text(target),
        unit_names.get(target.unit, target.unit),
        COMPARATOR_WORD[lang][target.comparator],
        f"{target.base_year}→{target.target_year}",
        programme_name,
        _names(plan, target.lead_departments, lang),
        _names(plan, target.co_departments, lang),
        target.clause,
    ]


def _load_or_exit(code_or_path: str) -> Plan:
    try:
        return service.plan_document(code_or_path, actor=cli_actor(None))  # type: ignore[no-any-return]
    except InputFileError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        raise SystemExit(1) from None


@click.group()
def plan() -> None:
    """Plans (综合工作方案): list the bundled ones, show targets, check a plan file, load one."""


@plan.command("list")
def list_plans() -> None:
    """List the bundled plans."""
    rows = [[p.code, p.document_number, p.issued, p.name_zh, str(p.targets), str(p.tasks)]
            for p in service.bundled_plans(actor=cli_actor(None))]
    click.echo(render_table(["code", "document", "issued", "name", "targets", "tasks"], rows, max_cell=40))


@plan.command("show")
@click.argument("plan_ref", metavar="[PLAN]", default="sichuan-14fyp")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
def show(plan_ref: str, fmt: str, lang: str) -> None:
    """Show a plan's targets. PLAN is a bundled plan code or a path to a plan file."""
    loaded = _load_or_exit(plan_ref)
    if fmt == "json":
        payload = {
            "code": loaded.code, "name_zh": loaded.name_zh, "name_en": loaded.name_en,
            "document_number": loaded.document_number, "issued": loaded.issued.isoformat(),
            "period": loaded.period.model_dump(),
            "targets": [service.target_document(loaded, target) for target in loaded.targets],
        }
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    units = load_units()
    unit_names = {code: unit.name(lang) for code, unit in units.items()}
    title = loaded.name_zh if lang == "zh" else loaded.name_en
    click.echo(f"{title} ({loaded.document_number}, {loaded.issued.isoformat()})")
    rows = [_target_row(loaded, target, lang, unit_names) for target in loaded.targets]
    # Codes never wrap (they are copied into commands); long names and department lists do.
    click.echo(render_table(HEADERS[lang], rows, max_cell=[None, 24, None, 16, None, None, 20, 24, 24, None]))


@plan.command("check")
@click.argument("file", type=click.Path(dir_okay=False))
def check(file: str) -> None:
    """Check a plan file; print every problem (one per line) and exit 1, or print OK."""
    problems = service.check_plan_file(file, actor=cli_actor(None))
    if problems:
        for problem in problems:
            click.echo(str(problem))
        click.echo(f"{len(problems)} problem(s); the plan cannot be loaded", err=True)
        raise SystemExit(1)
    loaded = _load_or_exit(file)
    click.echo(f"OK: {len(loaded.targets)} targets, {len(loaded.tasks)} tasks")


@plan.command("load")
@click.argument("plan_ref", metavar="[PLAN]", default="sichuan-14fyp")
@click.option("--user", "username", default=None, help="act as this account (a province administrator); "
              "default: the system operator")
def load(plan_ref: str, username: str | None) -> None:
    """Load the catalogs and a plan (bundled code or file path) into the database; the web pages then
    show it. Loading the same file again changes nothing."""
    from ecer.cli._actor import django, service_errors

    django()
    with service_errors():
        try:
            done = service.load_plan(plan_ref, actor=cli_actor(username))
        except InputFileError as exc:
            for problem in exc.problems:
                click.echo(str(problem), err=True)
            raise SystemExit(1) from None
    state = "loaded" if done.changed else "unchanged"
    click.echo(f"方案 / plan {done.code}: {done.targets} targets ({state}); catalogs: {done.regions} regions")
