"""Background job: bring the roll-ups up to date, then detect alarms over the dates they touched."""

from __future__ import annotations

from typing import Any

from ecer.alarms import ROLLUP_ALARMS_JOB
from ecer.jobs.registry import JobContext, job_handler
from ecer.services.actor import system_actor


@job_handler(ROLLUP_ALARMS_JOB)
def rollup_alarms(ctx: JobContext, engine: str = "duckdb") -> dict[str, Any]:
    from ecer.services.alarm_detection import detect
    from ecer.services.monitoring_analytics import run_rollups

    ctx.progress(0, 2, "roll-ups")
    rolled = run_rollups(actor=system_actor(), engine=engine)
    ctx.progress(1, 2, "alarms")
    found = detect(actor=system_actor(), dates=rolled.dates or None)
    ctx.progress(2, 2, "done")
    return {"rolled_dates": rolled.dates, "alarm_dates": found.dates, "opened": found.opened,
            "updated": found.updated, "closed": found.closed, "reopened": found.reopened, "mailed": found.mailed}
