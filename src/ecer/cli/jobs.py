"""`ecer jobs`: the background-job worker and a look at recent jobs."""

from __future__ import annotations

import click


@click.group()
def jobs() -> None:
    """Background jobs (后台任务): uploads and report generation run here, not in the web request."""


@jobs.command()
@click.option("--batch", is_flag=True, help="run the queued jobs, then exit (for scripts and tests)")
@click.option("--interval", default=1.0, show_default=True, type=click.FloatRange(0, 3600),
              help="seconds between polls of the queue")
@click.option("--max-backoff", default=30.0, show_default=True, type=click.FloatRange(0.1, 3600),
              help="longest wait (seconds) between retries while the database is locked or unreachable")
def worker(batch: bool, interval: float, max_backoff: float) -> None:
    """Run queued jobs (django-tasks database worker) until stopped with Ctrl-C / SIGTERM. A locked or
    unreachable database does not stop it: it waits (exponential back-off) and polls again."""
    import logging

    from ecer.site.django_setup import setup

    setup()
    from ecer.jobs.worker import run_worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    click.echo(f"后台任务 / job worker: polling every {interval:g} s", err=True)
    run_worker(interval=interval, batch=batch, max_backoff=max_backoff)


@jobs.command()
@click.option("--poll", default=30.0, show_default=True, type=click.FloatRange(0.1, 3600),
              help="seconds between looks at the schedule")
@click.option("--once", is_flag=True, help="queue what is due now, then exit (for cron and tests)")
def scheduler(poll: float, once: bool) -> None:
    """Queue the recurring jobs when due (roll-ups and alarms every ECER_ROLLUP_INTERVAL_MINUTES).
    Run one per installation, beside the worker that runs what it queues."""
    import logging

    from ecer.site.django_setup import setup

    setup()
    from django.utils import timezone

    from ecer.services.schedule import recurring_jobs, run_scheduler, tick

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    schedule = recurring_jobs()
    if once:
        for job_id in tick(timezone.now(), schedule):
            click.echo(job_id)
        return
    names = ", ".join(f"{r.kind} every {r.every}" for r in schedule) or "nothing (all intervals are 0)"
    click.echo(f"定时任务 / scheduler: {names}", err=True)
    run_scheduler(poll)


@jobs.command("list")
@click.option("--limit", default=20, show_default=True, type=int)
def list_jobs(limit: int) -> None:
    """The most recent jobs of every user (as the system account)."""
    from ecer.site.django_setup import setup

    setup()
    from ecer.services.actor import system_actor
    from ecer.services.jobs import list_jobs as recent

    for job in recent(system_actor(), limit=limit):
        click.echo(f"{job.created_at:%Y-%m-%d %H:%M:%S} {job.id} {job.kind:<28} {job.status:<9} "
                   f"{job.percent:>3}% {job.owner} {job.message[:60]}")
