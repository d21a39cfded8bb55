"""`ecer data`: the region-year statistics file — write a template, import a file."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.group()
def data() -> None:
    """Region-year statistics (统计数据): template and import."""


@data.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def template(file: Path) -> None:
    """Write an empty statistics file (FILE.csv or FILE.xlsx) with the expected columns."""
    from ecer.catalogs.statistics import write_statistics_template

    if file.suffix.lower() not in {".csv", ".xlsx"}:
        raise click.BadParameter("the file name must end in .csv or .xlsx", param_hint="FILE")
    written = write_statistics_template(file)
    click.echo(f"template written: {written}")


@data.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--illustrative", is_flag=True, help="label the values as illustrative (示例数据), not official")
@click.option("--user", "username", default=None, help="record the import as done by this user")
def import_(file: Path, illustrative: bool, username: str | None) -> None:
    """Import FILE (CSV or XLSX): all rows or none. Unchanged values add no new version."""
    from ecer.site.django_setup import setup

    setup()
    from django.contrib.auth import get_user_model

    from ecer.errors import InputFileError
    from ecer.masterdata.services.imports import import_statistics
    from ecer.masterdata.services.setup import prepare_database

    prepare_database()  # schema and catalogs current; idempotent
    user = None
    if username:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise click.BadParameter(f"no user named {username!r}", param_hint="--user")
    try:
        result = import_statistics(file, user=user, illustrative=illustrative)
    except InputFileError as err:
        click.echo(f"{len(err.problems)} problem(s); nothing was imported:", err=True)
        for problem in err.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    click.echo(f"{result.file_name}: {result.rows} rows, {result.new_versions} new versions, "
               f"{result.unchanged} unchanged (batch {result.batch_id})")
