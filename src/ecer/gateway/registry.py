"""The gateway's view of the device registry, and batched status writes back to it.

The event loop never touches the ORM: the registry is a dict snapshot replaced wholesale by a
background thread every `refresh_seconds`, and status/quarantine updates are accumulated in memory
by the loop (plain dict operations) and written in one transaction per `flush_seconds` by another
thread.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass, field

log = logging.getLogger(__name__)
RECENT_EVENTS = 20


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    device_id: int
    pw: str
    crc_mode: str  # an ecer.hj212.CrcMode value
    active: bool


def load_devices() -> dict[str, DeviceInfo]:
    """Snapshot of every registered device by MN (runs in a thread, never on the event loop)."""
    from ecer.monitoring.models import Device

    return {mn: DeviceInfo(pk, pw, crc, active)
            for pk, mn, pw, crc, active in Device.objects.values_list("pk", "mn", "pw", "crc_mode", "active")}


@dataclass
class _Status:
    accepted: int = 0
    rejected: int = 0
    last_packet_at: dt.datetime | None = None
    last_peer: str = ""
    connected: bool | None = None
    connected_since: dt.datetime | None = None
    disconnected_at: dt.datetime | None = None
    last_rejection_at: dt.datetime | None = None
    last_rejection_reason: str = ""
    events: list[dict[str, str]] = field(default_factory=list)


@dataclass
class _Quarantine:
    count: int = 0
    first_seen: dt.datetime | None = None
    last_seen: dt.datetime | None = None
    last_peer: str = ""


class StatusBuffer:
    """Accumulates status changes on the loop; `drain()` hands them to the writer thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._status: dict[int, _Status] = {}
        self._quarantine: dict[tuple[str, str], _Quarantine] = {}

    def _get(self, device_id: int) -> _Status:
        status = self._status.get(device_id)
        if status is None:
            status = self._status[device_id] = _Status()
        return status

    def packet(self, device_id: int, peer: str, cn: str, verdict: str, reason: str = "") -> None:
        now = dt.datetime.now(dt.UTC)
        with self._lock:
            s = self._get(device_id)
            s.last_packet_at = now
            s.last_peer = peer
            if verdict == "accepted":
                s.accepted += 1
            else:
                s.rejected += 1
                s.last_rejection_at = now
                s.last_rejection_reason = reason
            s.events.append({"at": now.isoformat(timespec="seconds"), "cn": cn, "verdict": verdict,
                             "reason": reason})
            del s.events[:-RECENT_EVENTS]

    def connection(self, device_id: int, connected: bool) -> None:
        now = dt.datetime.now(dt.UTC)
        with self._lock:
            s = self._get(device_id)
            s.connected = connected
            if connected:
                s.connected_since = now
            else:
                s.disconnected_at = now

    def quarantined(self, mn: str, reason: str, peer: str) -> None:
        now = dt.datetime.now(dt.UTC)
        with self._lock:
            q = self._quarantine.setdefault((mn, reason), _Quarantine())
            q.count += 1
            q.first_seen = q.first_seen or now
            q.last_seen = now
            q.last_peer = peer

    def drain(self) -> tuple[dict[int, _Status], dict[tuple[str, str], _Quarantine]]:
        with self._lock:
            status, self._status = self._status, {}
            quarantine, self._quarantine = self._quarantine, {}
        return status, quarantine


def write_status(status: dict[int, _Status], quarantine: dict[tuple[str, str], _Quarantine]) -> None:
    """Apply one drained batch in one transaction (counters as increments, so restarts add up)."""
    from django.db import transaction
    from django.db.models import F

    from ecer.monitoring.models import DeviceStatus, QuarantinedDevice

    with transaction.atomic():
        existing = set(DeviceStatus.objects.filter(pk__in=list(status)).values_list("pk", flat=True))
        DeviceStatus.objects.bulk_create([DeviceStatus(device_id=i) for i in status if i not in existing],
                                         ignore_conflicts=True)
        recent = dict(DeviceStatus.objects.filter(pk__in=[i for i, s in status.items() if s.events])
                      .values_list("pk", "recent"))
        for device_id, s in status.items():
            changes: dict[str, object] = {}
            if s.accepted:
                changes["packets_accepted"] = F("packets_accepted") + s.accepted
            if s.rejected:
                changes["packets_rejected"] = F("packets_rejected") + s.rejected
            for name in ("last_packet_at", "connected_since", "disconnected_at", "last_rejection_at"):
                if getattr(s, name) is not None:
                    changes[name] = getattr(s, name)
            if s.last_peer:
                changes["last_peer"] = s.last_peer
            if s.last_rejection_reason:
                changes["last_rejection_reason"] = s.last_rejection_reason[:200]
            if s.connected is not None:
                changes["connected"] = s.connected
            if s.events:
                changes["recent"] = (list(reversed(s.events)) + (recent.get(device_id) or []))[:RECENT_EVENTS]
            DeviceStatus.objects.filter(pk=device_id).update(**changes)
        for (mn, reason), q in quarantine.items():
            row, created = QuarantinedDevice.objects.get_or_create(
                mn=mn[:64], reason=reason,
                defaults={"first_seen": q.first_seen, "last_seen": q.last_seen, "packet_count": q.count,
                          "last_peer": q.last_peer})
            if not created:
                QuarantinedDevice.objects.filter(pk=row.pk).update(
                    last_seen=q.last_seen, packet_count=F("packet_count") + q.count, last_peer=q.last_peer)


def mark_all_disconnected() -> None:
    """At start-up no device is connected to this gateway (a previous run may have died)."""
    from ecer.monitoring.models import DeviceStatus

    DeviceStatus.objects.filter(connected=True).update(connected=False, disconnected_at=dt.datetime.now(dt.UTC))


class RegistryThreads:
    """Background thread: refresh the device snapshot and flush the status buffer periodically."""

    def __init__(self, buffer: StatusBuffer, refresh_seconds: float = 30.0, flush_seconds: float = 2.0) -> None:
        self.buffer = buffer
        self.refresh_seconds = refresh_seconds
        self.flush_seconds = flush_seconds
        self.devices: dict[str, DeviceInfo] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="registry", daemon=True)

    def start(self) -> None:
        mark_all_disconnected()
        self.devices = load_devices()
        self._thread.start()

    def _run(self) -> None:
        next_refresh = self.refresh_seconds
        waited = 0.0
        while not self._stop.wait(self.flush_seconds):
            waited += self.flush_seconds
            self.flush()
            if waited >= next_refresh:
                waited = 0.0
                try:
                    self.devices = load_devices()  # one reference swap: the loop sees old or new
                except Exception:  # the DB may be briefly unavailable; keep the last snapshot
                    log.exception("registry refresh failed")

    def flush(self) -> None:
        status, quarantine = self.buffer.drain()
        if not status and not quarantine:
            return
        try:
            write_status(status, quarantine)
        except Exception:  # status is best effort: data durability never depends on it
            log.exception("status write failed (%d devices)", len(status))

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
        self.flush()
        from django.db import connections

        connections.close_all()
