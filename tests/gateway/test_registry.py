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


@pytest.mark.django_db
def test_status_batch_adds_counters_and_keeps_what_it_does_not_set() -> None:
    """The one-statement status write (executemany): counters add up over batches, a time or text
    the batch does not carry keeps its stored value, recent events are newest first and bounded."""
    from ecer.gateway.registry import RECENT_EVENTS, write_status
    from ecer.gateway.simulator import make_specs, register_devices
    from ecer.monitoring.models import Device, DeviceStatus

    register_devices(make_specs(3, ["2017"], prefix="STATUS"))
    ids = list(Device.objects.filter(mn__startswith="STATUS").order_by("mn").values_list("pk", flat=True))
    first = StatusBuffer()
    first.connection(ids[0], True)
    for _ in range(3):
        first.packet(ids[0], "127.0.0.1:5000", "2011", "accepted")
    first.packet(ids[1], "127.0.0.2:5000", "2011", "rejected", "crc_mismatch")
    write_status(*first.drain())
    one = DeviceStatus.objects.get(pk=ids[0])
    assert (one.packets_accepted, one.packets_rejected, one.connected, one.last_peer) == (3, 0, True, "127.0.0.1:5000")
    assert one.connected_since is not None and one.disconnected_at is None and len(one.recent) == 3
    two = DeviceStatus.objects.get(pk=ids[1])
    assert (two.packets_rejected, two.last_rejection_reason, two.connected) == (1, "crc_mismatch", False)

    second = StatusBuffer()
    for _ in range(RECENT_EVENTS):
        second.packet(ids[0], "127.0.0.1:5001", "2051", "accepted")
    second.connection(ids[0], False)
    write_status(*second.drain())
    again = DeviceStatus.objects.get(pk=ids[0])
    assert (again.packets_accepted, again.connected, again.last_peer) == (3 + RECENT_EVENTS, False, "127.0.0.1:5001")
    assert again.connected_since == one.connected_since and again.disconnected_at is not None
    assert len(again.recent) == RECENT_EVENTS and again.recent[0]["cn"] == "2051"
    assert DeviceStatus.objects.get(pk=ids[1]).last_rejection_reason == "crc_mismatch"  # untouched
    assert not DeviceStatus.objects.filter(pk=ids[2]).exists()
