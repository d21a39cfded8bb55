"""Recurring jobs: the scheduler that queues a job kind every so often (the role cron or Celery beat
plays elsewhere), so the monitoring roll-ups and alarms stay current without anyone pressing a button.

The schedule is data (`RECURRING`, intervals from settings); the scheduler keeps no state of its own.
Whether a job is due is read from the job table: a kind is due when no job of it is queued or running
and the last one was created at least one interval ago. A restarted scheduler therefore neither
repeats a run nor skips one, and a slow run is never overlapped by the next (runs do not pile up).
Run exactly one scheduler per installation (`ecer jobs scheduler`; the demo starts one).

The first run of the roll-ups waits for the first data — the loggers' in the lake, or an energy upload
(`Recurring.first_after`):
on a fresh installation (the demo) it comes seconds after the gateway's first write instead of
running over an empty lake and leaving the pages empty for a whole interval. `next_run` tells the
pages when the next run comes.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recurring:
    """A job kind queued every `every`, with fixed parameters, as the system account."""

    kind: str
    every: dt.timedelta
    params: dict[str, Any] = field(default_factory=dict)
    why: str = ""
    #: A queued or running job older than this many intervals counts as abandoned (its worker was
    #: killed mid-run) and no longer holds the schedule back.
    stale_intervals: int = 6
    #: The first run of the kind (none in the job table yet) waits until this holds: the roll-ups
    #: wait for the loggers' first data, so a fresh installation's first run is not an empty one
    #: followed by a whole interval of empty pages. None: no condition.
    first_after: Callable[[], bool] | None = None
    first_after_why: str = ""


def is_due(every: dt.timedelta, last_created: dt.datetime | None, active: bool, now: dt.datetime) -> bool:
    """Due when nothing of the kind is queued or running and the last run started `every` ago (or never)."""
    if active:
        return False
    return last_created is None or now - last_created >= every


def recurring_jobs() -> list[Recurring]:
    """The installation's schedule, from settings; an interval of 0 switches a job off."""
    from django.conf import settings

    from ecer.alarms import ROLLUP_ALARMS_JOB

    jobs = []
    minutes = settings.ECER_ROLLUP_INTERVAL_MINUTES
    if minutes:
        jobs.append(Recurring(ROLLUP_ALARMS_JOB, dt.timedelta(minutes=minutes),
                              why="incremental monitoring roll-ups, then alarm detection over the dates they touched",
                              first_after=has_data, first_after_why=FIRST_DATA))
    return jobs


FIRST_DATA = "the first data (HJ 212 loggers in the lake, or energy uploads)"


def has_data() -> bool:
    """Whether the roll-up job has anything to roll up: the gateway has written to the lake (its
    change log has a row), or an enterprise has uploaded energy data (the job also rolls those up)."""
    from ecer import config
    from ecer.analytics.reads import lake_changed
    from ecer.energy.models import EnergyUpload

    return lake_changed(config.data_dir()) or EnergyUpload.objects.exists()


@dataclass(frozen=True)
class NextRun:
    """When a recurring job runs next, for the pages' empty states."""

    kind: str
    every: dt.timedelta
    at: dt.datetime | None  # aware; None while it waits for `waiting_for` or runs now
    running: bool = False  # queued or running now
    waiting_for: str = ""  # the first run's condition, while it does not hold


def next_run(kind: str, now: dt.datetime | None = None) -> NextRun | None:
    """The next run of `kind` as the scheduler will queue it; None when it is not scheduled."""
    from django.utils import timezone

    from ecer.jobs.models import Job, JobStatus

    now = now or timezone.now()
    item = next((r for r in recurring_jobs() if r.kind == kind), None)
    if item is None:
        return None
    jobs = Job.objects.filter(kind=kind)
    recent = now - item.every * item.stale_intervals
    if jobs.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING], created_at__gt=recent).exists():
        return NextRun(kind, item.every, None, running=True)
    last = jobs.order_by("-created_at").values_list("created_at", flat=True).first()
    if last is None and item.first_after is not None and not item.first_after():
        return NextRun(kind, item.every, None, waiting_for=item.first_after_why)
    return NextRun(kind, item.every, max(now, last + item.every) if last is not None else now)


def tick(now: dt.datetime, schedule: Sequence[Recurring]) -> list[str]:
    """Queue every due job of `schedule`; returns the ids of the jobs queued."""
    from ecer.jobs.models import Job, JobStatus
    from ecer.services.actor import system_actor
    from ecer.services.jobs import start_job

    started = []
    for item in schedule:
        jobs = Job.objects.filter(kind=item.kind)
        recent = now - item.every * item.stale_intervals
        active = jobs.filter(status__in=[JobStatus.QUEUED, JobStatus.RUNNING], created_at__gt=recent).exists()
        last = jobs.order_by("-created_at").values_list("created_at", flat=True).first()
        if last is None and item.first_after is not None and not item.first_after():
            continue  # the first run waits for its condition (checked again at the next tick)
        if is_due(item.every, last, active, now):
            info = start_job(item.kind, system_actor(), dict(item.params))
            logger.info("queued %s (%s), every %s", item.kind, info.id, item.every)
            started.append(info.id)
    return started


def run_scheduler(poll_seconds: float, stop: threading.Event | None = None,
                  clock: Callable[[], dt.datetime] | None = None) -> None:
    """Tick every `poll_seconds` until `stop` is set (or the process is stopped). A transient database
    error (locked SQLite, PostgreSQL gone) waits and retries, as the worker does."""
    from django.db import close_old_connections
    from django.utils import timezone

    from ecer.jobs.retry import retry_transient

    stop = stop or threading.Event()
    clock = clock or timezone.now
    schedule = recurring_jobs()
    for item in schedule:
        logger.info("recurring job %s every %s: %s%s", item.kind, item.every, item.why,
                    f" (the first run waits for {item.first_after_why})" if item.first_after else "")
    while not stop.is_set():
        close_old_connections()
        retry_transient(lambda: tick(clock(), schedule))
        stop.wait(poll_seconds)
