"""Executing a job in the worker: status moves queued → running → succeeded | failed, never stuck.

Every outcome is written to the Job row, an unexpected exception included (as "internal error" with
its type and message, and logged with the traceback), so a progress bar always ends.
"""

from __future__ import annotations

import logging
from typing import Any

from django.utils import timezone

from ecer.jobs.models import Job, JobStatus
from ecer.jobs.registry import JobContext, JobFailed, handler_for
from ecer.jobs.retry import retry_transient
from ecer.jobs.storage import job_directory

logger = logging.getLogger(__name__)


#: Tries of a status write when the database stays busy (about a minute with the back-off).
STATUS_WRITE_ATTEMPTS = 10


def _update(job_id: str, **fields: Any) -> None:
    """Write a job's fields, waiting out a busy database (a finished job must not stay "running")."""
    retry_transient(lambda: Job.objects.filter(pk=job_id).update(**fields), attempts=STATUS_WRITE_ATTEMPTS)


def _saver(job_id: str) -> Any:
    def save(**fields: Any) -> None:
        _update(job_id, **fields)

    return save


def execute(job_id: str) -> None:
    job = retry_transient(lambda: Job.objects.get(pk=job_id), attempts=STATUS_WRITE_ATTEMPTS)
    if job.status != JobStatus.QUEUED:  # a task delivered twice does the work once
        logger.warning("job %s is %s, not queued; not run again", job_id, job.status)
        return
    _update(job_id, status=JobStatus.RUNNING, started_at=timezone.now())
    ctx = JobContext(str(job.pk), job_directory(str(job.pk)), _saver(str(job.pk)))
    try:
        result = handler_for(job.kind)(ctx, **job.params)
    except JobFailed as failed:
        _update(
            job_id, status=JobStatus.FAILED, finished_at=timezone.now(), message=str(failed),
            problems=[line.as_dict() for line in failed.lines], problem_total=failed.total)
        return
    except Exception as exc:
        logger.exception("job %s (%s) failed", job_id, job.kind)
        _update(
            job_id, status=JobStatus.FAILED, finished_at=timezone.now(),
            message=f"internal error: {type(exc).__name__}: {exc}"[:2000])
        return
    _update(job_id, status=JobStatus.SUCCEEDED, finished_at=timezone.now(), result=result or {})
