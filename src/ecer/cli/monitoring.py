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


@monitoring.group()
def alarms() -> None:
    """Alarms (报警): exceedances, devices offline, data quality."""


@alarms.command("detect")
@click.option("--date", "dates", multiple=True, help="YYYY-MM-DD to judge (repeatable); default: yesterday and today")
def alarms_detect(dates: tuple[str, ...]) -> None:
    """Judge the hourly roll-ups and the devices' last packets and store the alarms (idempotent)."""
    from ecer.site.django_setup import setup

    setup()
    from ecer.services.actor import system_actor
    from ecer.services.alarm_detection import detect

    result = detect(actor=system_actor(), dates=list(dates) or None)
    click.echo(f"dates {', '.join(result.dates)}: {result.episodes} episode(s); {result.opened} opened, "
               f"{result.updated} updated, {result.closed} closed, {result.reopened} reopened, "
               f"{result.mailed} mailed")


@alarms.command("list")
@click.option("--status", type=click.Choice(["open", "acknowledged", "closed", ""]), default="open", show_default=True)
def alarms_list(status: str) -> None:
    """The stored alarms, newest first."""
    from ecer.site.django_setup import setup

    setup()
    from django.utils.timezone import localtime

    from ecer.services.actor import system_actor
    from ecer.services.alarms import list_alarms

    page = list_alarms(actor=system_actor(), status=status, limit=200)
    for a in page.rows:  # times in the site's zone (Beijing time), as the pages show them
        end = f"{localtime(a.end):%Y-%m-%d %H:%M}" if a.end else "…"
        click.echo(f"#{a.pk:<5} {a.status:<12} {a.kind:<12} {a.mn:<24} {a.factor:<18} "
                   f"{localtime(a.start):%Y-%m-%d %H:%M} → {end}  "
                   f"peak {a.peak_value if a.peak_value is not None else '—'} ({a.basis})")
    click.echo(f"{page.total} alarm(s)")
