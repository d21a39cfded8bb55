"""Transient database errors and the retry rule shared by the job worker's loop and a job's status writes.

A busy SQLite file ("database is locked" after the busy timeout) or a PostgreSQL connection that went
away (server restart, failover) goes away by waiting and reconnecting; any other error is re-raised.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import InterfaceError, OperationalError, connections

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
