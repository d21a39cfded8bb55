"""`ecer report`: the quarterly barometer bulletin, the annual progress report or the assessment
results as a Word, PDF or Excel file (ecer.services.reports; layout in docs/reports.md)."""

from __future__ import annotations

import time
from pathlib import Path

import click

from ecer.cli._actor import cli_actor, django, service_errors
from ecer.services.source import DEFAULT_PLAN


@click.command()
@click.option("--year", "-y", type=int, required=True, help="The data year reported on.")
@click.option("--quarter", "-q", type=click.IntRange(1, 4), help="Quarter of the barometer bulletin (1–4).")
@click.option("--plan", "plan_code", default=DEFAULT_PLAN, show_default=True)
@click.option("--kind", type=click.Choice(["barometer", "annual", "assessment"]), required=True)
@click.option("--format", "fmt", type=click.Choice(["docx", "pdf", "xlsx"]), default=None,
              help="Default: from the output file's suffix.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option("--output", "-o", "output", type=click.Path(dir_okay=False, writable=True), required=True)
@click.option("--background", is_flag=True, help="Queue it as a job for `ecer jobs worker` instead (prints the job id).")
@click.option("--user", "username", default=None, help="act as this account (its region scope); "
              "default: the system operator")
def report(year: int, quarter: int | None, plan_code: str, kind: str, fmt: str | None, lang: str, output: str,
           background: bool, username: str | None) -> None:
    """Write a report (晴雨表通报 / 年度报告 / 考核结果) as .docx, .pdf or .xlsx."""
    from ecer.services import reports

    suffix = Path(output).suffix.lstrip(".").lower()
    fmt = fmt or suffix
    if fmt not in reports.FORMATS:
        raise click.UsageError(f"give --format docx|pdf|xlsx or an output file ending in one of them (not {output!r})")
    if not Path(output).resolve().parent.is_dir():
        raise click.ClickException(f"cannot write {output}: its directory does not exist")
    django()
    req = reports.Request(kind, year, fmt, quarter, plan_code, lang)
    with service_errors():
        actor = cli_actor(username)
        if background:
            job = reports.start(req, actor=actor)
            click.echo(f"queued job {job.id}: `ecer jobs worker` runs it; the file is on /jobs/{job.id}/")
            return
        started = time.perf_counter()
        try:
            data = reports.generate(req, actor=actor)
        except (RuntimeError, OSError) as failed:  # a missing font or converter, LibreOffice failing
            raise click.ClickException(str(failed)) from None
    try:
        Path(output).write_bytes(data)
    except OSError as failed:
        raise click.ClickException(f"cannot write {output}: {failed.strerror}") from None
    click.echo(f"wrote {output} ({len(data):,} bytes, {time.perf_counter() - started:.1f} s)", err=True)
