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
TRAFFIC_KEYS = 5000  # distinct (verdict, address, reason) per status interval; the rest is counted under "*"
TRAFFIC_SAMPLES = 5  # recent examples kept per traffic row
SAMPLE_BYTES = 200  # of each example
SECURITY_EVENTS = 1000  # per status interval; beyond that only a count is written
# New unknown-MN QuarantinedDevice rows per status interval: a flood of invented MNs must not hold the
# database's write lock (web logins wait on it) nor push real evidence off the page; every packet is
# still counted per address in RejectedTraffic.
UNKNOWN_MN_ROWS = 50


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    device_id: int
    pw_hash: str  # the PW is verified against this once per gateway run, then compared in memory
    crc_mode: str  # an ecer.hj212.CrcMode value
    active: bool


def load_devices() -> dict[str, DeviceInfo]:
    """Snapshot of every registered device by MN (runs in a thread, never on the event loop)."""
    from ecer.monitoring.models import Device

    return {mn: DeviceInfo(pk, pw, crc, active)
            for pk, mn, pw, crc, active in Device.objects.values_list("pk", "mn", "pw_hash", "crc_mode", "active")}


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
class _Traffic:
    count: int = 0
    bytes: int = 0
    first_seen: dt.datetime | None = None
    last_seen: dt.datetime | None = None
    samples: list[dict[str, str]] = field(default_factory=list)


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
        self._traffic: dict[tuple[str, str, str], _Traffic] = {}
        self._events: list[dict[str, object]] = []
        self._unknown_rows = 0
        self.events_dropped = 0

    def traffic(self, verdict: str, address: str, reason: str, mn: str, raw: bytes) -> None:
        """Count one rejected/quarantined frame or junk chunk (instead of storing each one)."""
        now = dt.datetime.now(dt.UTC)
        key = (verdict, address, reason)
        with self._lock:
            t = self._traffic.get(key)
            if t is None:
                if len(self._traffic) >= TRAFFIC_KEYS:
                    key = (verdict, "*", reason)  # too many sources this interval: one bucket
                t = self._traffic.setdefault(key, _Traffic(first_seen=now))
            t.count += 1
            t.bytes += len(raw)
            t.last_seen = now
            t.samples.append({"at": now.isoformat(timespec="seconds"), "mn": mn[:64],
                              "frame": raw[:SAMPLE_BYTES].decode("latin-1")})
            del t.samples[:-TRAFFIC_SAMPLES]

    def security(self, kind: str, address: str, mn: str, count: int, seconds: float, detail: str) -> None:
        with self._lock:
            if len(self._events) >= SECURITY_EVENTS:
                self.events_dropped += 1
                return
            self._events.append({"at": dt.datetime.now(dt.UTC), "kind": kind, "address": address[:64],
                                 "mn": mn[:64], "count": count, "seconds": seconds, "detail": detail[:300]})

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
            q = self._quarantine.get((mn, reason))
            if q is None:
                if reason == "unknown_mn" and self._unknown_rows >= UNKNOWN_MN_ROWS:
                    return
                self._unknown_rows += reason == "unknown_mn"
                q = self._quarantine[(mn, reason)] = _Quarantine()
            q.count += 1
            q.first_seen = q.first_seen or now
            q.last_seen = now
            q.last_peer = peer

    def drain(self) -> Drained:
        with self._lock:
            status, self._status = self._status, {}
            quarantine, self._quarantine = self._quarantine, {}
            self._unknown_rows = 0
            traffic, self._traffic = self._traffic, {}
            events, self._events = self._events, []
        return status, quarantine, traffic, events


Drained = tuple[dict[int, _Status], dict[tuple[str, str], _Quarantine], dict[tuple[str, str, str], _Traffic],
                list[dict[str, object]]]


def write_status(status: dict[int, _Status], quarantine: dict[tuple[str, str], _Quarantine],
                 traffic: dict[tuple[str, str, str], _Traffic] | None = None,
                 events: list[dict[str, object]] | None = None) -> None:
    """Apply one drained batch in one transaction (counters as increments, so restarts add up)."""
    from django.db import transaction

    from ecer.monitoring.models import SecurityEvent

    with transaction.atomic():
        _write_device_status(status)
        _write_quarantine(quarantine)
        _write_traffic(traffic or {})
        if events:
            SecurityEvent.objects.bulk_create([SecurityEvent(**e) for e in events])


def _write_traffic(traffic: dict[tuple[str, str, str], _Traffic]) -> None:
    from django.db.models import F

    from ecer.monitoring.models import RejectedTraffic

    for (verdict, address, reason), t in traffic.items():
        row, created = RejectedTraffic.objects.get_or_create(
            verdict=verdict, address=address[:64], reason=reason[:40],
            defaults={"count": t.count, "bytes": t.bytes, "first_seen": t.first_seen, "last_seen": t.last_seen,
                      "samples": t.samples})
        if not created:
            RejectedTraffic.objects.filter(pk=row.pk).update(
                count=F("count") + t.count, bytes=F("bytes") + t.bytes, last_seen=t.last_seen,
                samples=(row.samples + t.samples)[-TRAFFIC_SAMPLES:])  # oldest first


_STATUS_TIMES = ("last_packet_at", "connected_since", "disconnected_at", "last_rejection_at")


def _write_device_status(status: dict[int, _Status]) -> None:
    """One UPDATE statement for every device of the batch (`executemany`), not one query each:
    counters are added, a column given as NULL keeps its value (COALESCE)."""
    from django.db import connection

    from ecer.monitoring.models import DeviceStatus

    if not status:
        return
    existing = set(DeviceStatus.objects.filter(pk__in=list(status)).values_list("pk", flat=True))
    DeviceStatus.objects.bulk_create([DeviceStatus(device_id=i) for i in status if i not in existing],
                                     ignore_conflicts=True)
    recent = dict(DeviceStatus.objects.filter(pk__in=[i for i, s in status.items() if s.events])
                  .values_list("pk", "recent"))
    meta = DeviceStatus._meta
    field = meta.get_field
    q = connection.ops.quote_name
    times = [field(name) for name in _STATUS_TIMES]
    recent_field = field("recent")
    sets = [f"{q('packets_accepted')} = {q('packets_accepted')} + %s",
            f"{q('packets_rejected')} = {q('packets_rejected')} + %s"]
    sets += [f"{q(f.column)} = COALESCE(%s, {q(f.column)})" for f in times]
    sets += [f"{q(name)} = COALESCE(%s, {q(name)})"
             for name in ("last_peer", "last_rejection_reason", "connected", "recent")]
    sql = f"UPDATE {q(meta.db_table)} SET {', '.join(sets)} WHERE {q(field('device').column)} = %s"
    params = []
    for device_id, s in status.items():
        events = (list(reversed(s.events)) + (recent.get(device_id) or []))[:RECENT_EVENTS] if s.events else None
        params.append((
            s.accepted, s.rejected,
            *(f.get_db_prep_value(getattr(s, f.name), connection) for f in times),
            s.last_peer or None, s.last_rejection_reason[:200] or None, s.connected,
            recent_field.get_db_prep_value(events, connection) if events is not None else None,
            device_id))
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _write_quarantine(quarantine: dict[tuple[str, str], _Quarantine]) -> None:
    from django.db.models import F

    from ecer.monitoring.models import QuarantinedDevice

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
        self.thread_connection: object = None
        self._thread = threading.Thread(target=self._run, name="registry", daemon=True)

    def start(self) -> None:
        from django.db import connections

        try:
            mark_all_disconnected()
            self.devices = load_devices()
        finally:
            # Django connections are per thread: this one belongs to the caller (an executor thread
            # under asyncio.to_thread, which lives on), so close it here rather than leak it.
            connections.close_all()
        self._thread.start()

    def _run(self) -> None:
        from django.db import connections

        self.thread_connection = connections["default"]  # this thread's own (for the leak test)
        try:
            self._loop()
        finally:
            self.flush()  # the last batch, written from this thread so its connection is the one closed
            connections.close_all()

    def _loop(self) -> None:
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
        drained = self.buffer.drain()
        if not any(drained):
            return
        status = drained[0]
        try:
            write_status(*drained)
        except Exception:  # status is best effort: data durability never depends on it
            log.exception("status write failed (%d devices)", len(status))

    def stop(self) -> None:
        """Stop the thread; it writes the last status batch and closes its own DB connection."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=30)
        else:  # never started: flush from here and close this thread's connection
            from django.db import connections

            self.flush()
            connections.close_all()
