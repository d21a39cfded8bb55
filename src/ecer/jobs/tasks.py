"""The one django-tasks task: run the handler of a Job row in the worker process."""

from __future__ import annotations

import logging

from django_tasks import task

from ecer.jobs.runner import execute

logger = logging.getLogger(__name__)


@task()
def run_job(job_id: str) -> None:
    execute(job_id)
