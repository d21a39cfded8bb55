"""The job worker's loop: django-tasks' database worker, kept running through transient database errors.

A busy SQLite file ("database is locked" after the busy timeout) or a PostgreSQL connection that went
away (server restart, failover) is not a reason for the worker to exit: it waits, with exponential
back-off, reconnects and polls again. Any other error still ends the worker (a bug must be seen).
The same rule protects the writes of a job's status (`retry_transient`), so a job is never left
"running" because the database was busy at the moment it finished.
"""

from __future__ import annotations

import logging

from django.db import close_old_connections

from ecer.jobs.retry import retry_transient

logger = logging.getLogger(__name__)


def run_worker(*, interval: float, batch: bool, max_backoff: float = 30.0) -> None:
    """Run django-tasks' database worker; after a transient database error wait (back-off) and start
    polling again instead of exiting. Ctrl-C / SIGTERM end it as before (SystemExit passes through)."""
    from django.utils.crypto import get_random_string
    from django_tasks_db.management.commands.db_worker import Worker

    from ecer.jobs.tasks import run_job

    worker_id = get_random_string(32)

    def poll() -> None:
        close_old_connections()
        worker = Worker(queue_names=[run_job.queue_name], interval=interval, batch=batch,
                        backend_name=run_job.backend, startup_delay=False, max_tasks=None,
                        worker_id=worker_id, excluded_queue_names=[])
        worker.configure_signals()
        worker.run()

    retry_transient(poll, max_backoff=max_backoff)
