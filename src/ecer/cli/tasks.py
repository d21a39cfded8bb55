"""`ecer tasks`: task tracking (任务跟踪) of the plan's tasks, mechanisms and arrangements
(docs/task-tracking.md), through `ecer.services.tasks` with the account's role (--user)."""

from __future__ import annotations

import dataclasses

import click

from ecer.cli._actor import cli_actor, django, emit_json, service_errors

USER = click.option("--user", help="act as this account (its role and department); default: the console operator")
FORMAT = click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)


@click.group()
def tasks() -> None:
    """Task tracking: status, evidence, self-assessment and review scores of the plan's tasks."""


@tasks.command("list")
@click.option("--department", help="plan department code (lead or co-responsible), e.g. drc")
@click.option("--kind", type=click.Choice(["task", "mechanism", "arrangement"]))
@click.option("--status", type=click.Choice(["not_started", "on_track", "delayed", "done"]))
@click.option("--year", type=int, help="default: last year")
@FORMAT
@USER
def list_(department: str | None, kind: str | None, status: str | None, year: int | None, fmt: str,
          user: str | None) -> None:
    """The plan's tasks the account may see, with the year's status."""
    django()
    from ecer.services.tasks import list_tasks

    with service_errors():
        rows = list_tasks(actor=cli_actor(user), department=department, kind=kind, status=status, year=year)
    if fmt == "json":
        emit_json([dataclasses.asdict(r) for r in rows])
        return
    from ecer.texttable import render_table

    table = [[str(r.id), r.clause, r.kind_name, r.code, "、".join(d.name for d in r.lead) or "—", str(r.year),
              r.status_name, "" if r.self_score is None else f"{r.self_score:g}", "✓" if r.scored else "",
              r.item_name] for r in rows]
    click.echo(render_table(["id", "条款", "类型", "代码", "牵头", "年度", "状态", "自评", "已评分", "措施项"], table,
                            max_cell=None))  # codes are what `ecer tasks show` and scripts read: never wrapped


@tasks.command()
@click.argument("task", type=int)
@FORMAT
@USER
def show(task: int, fmt: str, user: str | None) -> None:
    """One task (by id): responsibility, and per year status, milestones, evidence and review."""
    django()
    from ecer.services.tasks import task_detail

    with service_errors():
        d = task_detail(task, actor=cli_actor(user))
    if fmt == "json":
        emit_json(dataclasses.asdict(d))
        return
    t = d.task
    click.echo(f"{t.title} ({t.code}, {t.kind_name}, §{t.clause})")
    click.echo(f"  牵头 lead: {'、'.join(x.name for x in t.lead) or '—'}")
    click.echo(f"  配合 co: {'、'.join(x.name for x in t.co) or '—'}")
    if t.item:
        click.echo(f"  措施项 measure item: {t.item_name} (≤ {d.item_max:g})")
    for y in d.years:
        line = f"  {y.year}: {y.status_name}"
        if y.reported:
            line += f", 报告 {y.department} ({y.reported_by})"
        if y.self_score is not None:
            line += f", 自评 {y.self_score:g}"
        if y.evidence:
            line += f", 佐证 {len(y.evidence)}"
        if y.scored_cities:
            line += f", 评分 {y.scored_cities} 市(州) 均 {y.mean_points:g}"
        click.echo(line)
        for m in y.milestones:
            click.echo(f"      · {m}")
