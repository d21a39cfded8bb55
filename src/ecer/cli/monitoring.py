"""`ecer monitoring`: bring the monitoring roll-ups up to date with the lake, show emissions."""

from __future__ import annotations

import click


@click.group()
def monitoring() -> None:
    """Online monitoring analytics (在线监测分析): roll-ups, emissions, data quality."""


@monitoring.command()
@click.option("--engine", type=click.Choice(["duckdb", "spark"]), default="duckdb", show_default=True)
def rollup(engine: str) -> None:
    """Recompute the roll-ups of the dates written to the lake since the last run (incremental)."""
    from ecer.site.django_setup import setup

    setup()
    from ecer.services.actor import system_actor
    from ecer.services.monitoring_analytics import run_rollups

    result = run_rollups(actor=system_actor(), engine=engine)
    click.echo(f"{result.engine}: {len(result.dates)} date(s), {len(result.months)} month(s), "
               f"{result.hourly_rows} hourly row(s) in {result.seconds:.2f} s; lake change {result.change_seq}")


@monitoring.command()
@click.option("--year", type=int, required=True)
@click.option("--group", type=click.Choice(["point", "enterprise", "city"]), default="city", show_default=True)
def emissions(year: int, group: str) -> None:
    """Monitored emission amounts (t) per group, pollutant and month, from the roll-ups."""
    from ecer.site.django_setup import setup

    setup()
    from ecer.services.actor import system_actor
    from ecer.services.monitoring_analytics import emissions as amounts

    for row in amounts(actor=system_actor(), year=year, group=group):
        click.echo(f"{row['month']}  {row['name']:<30} {row['pollutant']:<14} {row['amount_t']:>12.4f} t  "
                   f"({row['hours']} h)")
