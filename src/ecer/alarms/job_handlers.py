"""Background job: bring the roll-ups up to date, then detect alarms over the dates they touched; then copy
the new energy uploads into the energy lake and roll them up (ecer.services.energy_lake)."""

from __future__ import annotations

from typing import Any

from ecer.alarms import ROLLUP_ALARMS_JOB
from ecer.jobs.registry import JobContext, job_handler
from ecer.services.actor import system_actor


@job_handler(ROLLUP_ALARMS_JOB)
def rollup_alarms(ctx: JobContext, engine: str = "duckdb") -> dict[str, Any]:
    from ecer.services.alarm_detection import detect
    from ecer.services.energy_lake import run_energy_rollups
    from ecer.services.monitoring_analytics import run_rollups

    ctx.progress(0, 3, "roll-ups")
    rolled = run_rollups(actor=system_actor(), engine=engine)
    ctx.progress(1, 3, "alarms")
    found = detect(actor=system_actor(), dates=rolled.dates or None)
    # the energy uploads committed since the last run: into the energy lake, then its roll-ups (DuckDB)
    ctx.progress(2, 3, "energy roll-ups")
    energy = run_energy_rollups(actor=system_actor())
    ctx.progress(3, 3, "done")
    return {"rolled_dates": rolled.dates, "alarm_dates": found.dates, "opened": found.opened,
            "updated": found.updated, "closed": found.closed, "reopened": found.reopened, "mailed": found.mailed,
            "energy_batches": energy.batches, "energy_rolled_dates": energy.rolled_dates}
