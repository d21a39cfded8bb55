"""The registry thread's database connection is closed when the gateway stops (it used to leak)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connections

from ecer.gateway.registry import RegistryThreads, StatusBuffer


@pytest.mark.django_db(transaction=True)
def test_registry_thread_closes_its_own_connection_at_stop(monkeypatch: pytest.MonkeyPatch) -> None:
    closed_in: list[str] = []
    original = connections.close_all

    def close_all() -> None:
        closed_in.append(threading.current_thread().name)
        original()

    monkeypatch.setattr(connections, "close_all", close_all)
    buffer = StatusBuffer()
    registry = RegistryThreads(buffer, refresh_seconds=0.05, flush_seconds=0.02)
    registry.start()
    buffer.quarantined("ROGUE", "unknown_mn", "127.0.0.9:1")  # the thread touches the database
    time.sleep(0.2)
    assert registry.thread_connection is not None
    registry.stop()
    assert not registry._thread.is_alive()
    # Django connections are per thread: only a close_all() run *in* the registry thread closes its own
    assert "registry" in closed_in
