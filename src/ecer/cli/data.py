"""`ecer data`: the region-year statistics file — write a template, import a file."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ecer.cli._actor import cli_actor, django


@click.group()
def data() -> None:
    """Region-year statistics (统计数据): template and import."""


@data.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def template(file: Path) -> None:
    """Write an empty statistics file (FILE.csv or FILE.xlsx) with the expected columns."""
    from ecer.errors import InputFileError
    from ecer.services.statistics import write_template

    try:
        written = write_template(file)
    except InputFileError as err:
        raise click.BadParameter("the file name must end in .csv or .xlsx", param_hint="FILE") from err
    click.echo(f"template written: {written}")


@data.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--illustrative", is_flag=True, help="label the values as illustrative (示例数据), not official")
@click.option("--user", "username", default=None, help="import as this account (its role and region scope; "
              "recorded with the import); default: the system operator")
def import_(file: Path, illustrative: bool, username: str | None) -> None:
    """Import FILE (CSV or XLSX): all rows or none. Unchanged values add no new version."""
    django()
    from ecer.errors import InputFileError
    from ecer.masterdata.services.setup import prepare_database
    from ecer.services.actor import PermissionDenied
    from ecer.services.statistics import import_statistics

    prepare_database()  # schema and catalogs current; idempotent
    try:
        result = import_statistics(file, actor=cli_actor(username), illustrative=illustrative)
    except InputFileError as err:
        click.echo(f"{len(err.problems)} problem(s); nothing was imported:", err=True)
        for problem in err.problems:
            click.echo(f"  {problem}", err=True)
        sys.exit(1)
    except PermissionDenied as err:
        raise click.ClickException(f"not allowed: {err}") from err
    click.echo(f"{result.file_name}: {result.rows} rows, {result.new_versions} new versions, "
               f"{result.unchanged} unchanged (batch {result.batch_id})")
