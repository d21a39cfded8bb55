"""The job worker's loop: django-tasks' database worker, kept running through transient database errors.

A busy SQLite file ("database is locked" after the busy timeout) or a PostgreSQL connection that went
away (server restart, failover) is not a reason for the worker to exit: it waits, with exponential
back-off, reconnects and polls again. Any other error still ends the worker (a bug must be seen).
The same rule protects the writes of a job's status (`retry_transient`), so a job is never left
"running" because the database was busy at the moment it finished.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import InterfaceError, OperationalError, close_old_connections, connections

logger = logging.getLogger(__name__)
T = TypeVar("T")

#: First wait after a transient error (seconds); doubled after each further error, up to the maximum.
FIRST_BACKOFF_S = 0.2
#: Words of a database error that say "try again later" (SQLite lock/busy; PostgreSQL connection loss).
TRANSIENT_WORDS = ("database is locked", "database table is locked", "busy", "server closed the connection",
                   "connection already closed", "terminating connection", "could not connect",
                   "connection refused", "connection timed out", "the connection is closed",
                   "consuming input failed", "ssl syscall error", "connection reset")


def is_transient(exc: BaseException) -> bool:
    """Is `exc` a database error that goes away by waiting and reconnecting?"""
    if isinstance(exc, InterfaceError):  # psycopg: the connection is gone
        return True
    return isinstance(exc, OperationalError) and any(w in str(exc).lower() for w in TRANSIENT_WORDS)


def _reconnect() -> None:
    for conn in connections.all(initialized_only=True):
        try:
            if conn.in_atomic_block:
                conn.set_rollback(True)
            conn.close()
        except Exception:  # noqa: BLE001 - a broken connection may fail to close; it is dropped anyway
            logger.debug("closing a broken connection failed", exc_info=True)


def retry_transient(action: Callable[[], T], *, max_backoff: float = 30.0, attempts: int | None = None) -> T:
    """`action()`, repeated after transient database errors with exponential back-off (at most
    `attempts` tries; None: until it succeeds)."""
    delay, tried = FIRST_BACKOFF_S, 0
    while True:
        started = time.monotonic()
        try:
            return action()
        except (OperationalError, InterfaceError) as exc:
            tried += 1
            if time.monotonic() - started > max_backoff:  # it had been working for a while: a new episode
                delay = FIRST_BACKOFF_S
            if not is_transient(exc) or (attempts is not None and tried >= attempts):
                raise
            logger.warning("database busy or unreachable (%s); retrying in %.1f s", exc, delay)
            _reconnect()
            time.sleep(delay)
            delay = min(delay * 2, max_backoff)


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
