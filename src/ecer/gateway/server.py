"""The HJ 212 gateway: an asyncio TCP server for thousands of long-lived logger connections.

connection → Framer → parse → registry check → committer (raw store + WAL, group fsync) → 9014 ack
                                                                 └→ flusher → Parquet lake
"""

from __future__ import annotations

import asyncio
import logging
import math
import signal
import ssl
import time
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from ecer.gateway.datalock import DataDirBusy, DataDirLock
from ecer.gateway.guard import AuthGuard, ConnectionLimits, GuardConfig, connection_cap, descriptor_limit
from ecer.gateway.lake import Lake
from ecer.gateway.pipeline import Committer, Flusher, WorkItem, replay_wal
from ecer.gateway.registry import DeviceInfo, RegistryThreads, StatusBuffer
from ecer.gateway.stores import (
    VERDICT_ACCEPTED,
    VERDICT_QUARANTINED,
    VERDICT_REJECTED,
    RawStore,
    RawStorePolicy,
    WriteAheadLog,
)
from ecer.hj212 import (
    CrcKind,
    CrcMode,
    Frame,
    Framer,
    Hj212Error,
    Packet,
    Reason,
    Rejected,
    build_data_ack,
    parse,
)
from ecer.hj212.codes import normalise_factor
from ecer.monitoring.secrets import verify_secret

log = logging.getLogger("ecer.gateway")


@dataclass
class GatewayConfig:
    host: str = "127.0.0.1"
    port: int = 9212
    data_dir: Path = field(default_factory=Path)
    idle_timeout: float = 300.0  # seconds without a complete frame (junk and partial bytes do not count)
    frame_grace: float = 5.0  # seconds a frame may take to arrive before the minimum rate applies
    min_rate: float = 100.0  # bytes/s: a frame in progress slower than this (after the grace) is dropped
    max_junk_bytes: int = 65536  # junk/rejected bytes on one connection since its last good frame
    max_frame: int = 10000
    max_queue: int = 20000  # uncommitted items before connections stop being read
    max_batch: int = 5000  # items per group commit (1 = one fsync per packet, the baseline)
    flush_seconds: float = 2.0  # WAL → lake cadence
    status_seconds: float = 2.0  # DeviceStatus write cadence
    registry_seconds: float = 30.0  # registry snapshot refresh
    dedup_window_days: int = 7
    lock_wait_seconds: float = 30.0  # wait for a previous gateway on the same data directory to exit
    guard: GuardConfig = field(default_factory=GuardConfig)
    raw_policy: RawStorePolicy = field(default_factory=RawStorePolicy)
    tls_cert: Path | None = None  # PEM certificate chain: TLS on the device port (loggers that support it)
    tls_key: Path | None = None
    reuse_port: bool = False  # SO_REUSEPORT: several gateway processes share the port
    instance: str = ""  # per-process WAL/raw store under gateway/<instance>/ (with reuse_port), one lake

    @property
    def gateway_dir(self) -> Path:
        return self.data_dir / "gateway" / self.instance if self.instance else self.data_dir / "gateway"


class Connection(asyncio.Protocol):
    __slots__ = ("gateway", "transport", "peer", "address", "framer", "last_active", "frame_started",
                 "junk_bytes", "device_id", "closed", "admitted")

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self.framer = Framer(gateway.config.max_frame)
        self.device_id: int | None = None
        self.closed = False
        self.admitted = False
        self.peer = ""
        self.address = ""
        self.last_active = time.monotonic()  # last complete frame (or the connect)
        self.frame_started: float | None = None  # first byte of the frame in progress
        self.junk_bytes = 0  # rejected bytes since the last good frame

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport: asyncio.Transport = transport  # type: ignore[assignment]
        peer = transport.get_extra_info("peername")
        self.address = str(peer[0]) if peer else "?"
        self.peer = f"{peer[0]}:{peer[1]}" if peer else "?"
        refused = self.gateway.admit(self)
        if refused:
            self.closed = True
            transport.abort()  # the descriptor goes back at once
            return
        self.admitted = True
        self.gateway.connections.add(self)

    def data_received(self, data: bytes) -> None:
        if self.closed:
            return
        for event in self.framer.feed(data):
            self.gateway.handle(self, event)
            if self.closed:
                return
        if self.framer.buffered:
            if self.frame_started is None:
                self.frame_started = time.monotonic()
        else:
            self.frame_started = None

    def eof_received(self) -> bool:
        if not self.closed:
            for event in self.framer.flush():
                self.gateway.handle(self, event)
        return False

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self.transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if not self.admitted:
            return
        self.admitted = False
        self.gateway.limits.release(self.address)
        self.gateway.connections.discard(self)
        self.gateway.paused.discard(self)
        if self.device_id is not None:
            self.gateway.status.connection(self.device_id, False)


class Gateway:
    def __init__(self, config: GatewayConfig) -> None:
        self.config = config
        root = config.data_dir
        gw_dir = config.gateway_dir
        # before touching any file below; one lock per instance (the lake has its own write lock)
        self.lock = DataDirLock(root, config.lock_wait_seconds,
                                name=f"gateway-{config.instance}.lock" if config.instance else None)
        self.lake = Lake(root / "lake", config.dedup_window_days, instance=config.instance)
        self.wal = WriteAheadLog(gw_dir / "wal", first_seq=self.lake.checkpoint + 1)
        replay_wal(self.lake, self.wal)
        self.raw = RawStore(gw_dir / "raw", policy=config.raw_policy)
        self.guard = AuthGuard(config.guard)
        self.limits = ConnectionLimits(config.guard, connection_cap(config.guard, descriptor_limit()))
        self._verified: dict[int, tuple[str, str]] = {}  # device id → (PW hash, PW that matched it)
        self.flusher = Flusher(self.lake, self.wal, config.flush_seconds)
        self.status = StatusBuffer()
        self.registry = RegistryThreads(self.status, config.registry_seconds, config.status_seconds)
        self.connections: set[Connection] = set()
        self.paused: set[Connection] = set()
        self.counts = {"accepted": 0, "rejected": 0, "quarantined": 0, "acks": 0, "refused": 0, "dropped": 0}
        self.refusals: dict[str, int] = {}
        self.latency = LatencyHistogram()  # frame complete → its 9014 handed to the socket
        self.latency_total = LatencyHistogram()  # the whole run (logged at the stop)
        self.committer: Committer | None = None
        self._drained = asyncio.Event()

    # -- per frame (on the loop) ------------------------------------------------------------
    def admit(self, conn: Connection) -> str:
        """'' when a new connection may stay, else why not (blocked address, connection caps)."""
        refused = self.guard.blocked(conn.address) or self.limits.admit(conn.address)
        if refused:
            self.counts["refused"] += 1
            self.refusals[refused] = self.refusals.get(refused, 0) + 1
        return refused

    def handle(self, conn: Connection, event: Frame | Rejected) -> None:
        received_at = time.time()
        received = time.monotonic()
        if isinstance(event, Rejected):
            self._reject(conn, event.raw, event.reason.value, "")
            return
        try:
            packet = parse(event, crc_mode=CrcMode.ACCEPT_MODBUS)
        except Hj212Error as exc:
            self._reject(conn, event.raw, exc.reason.value, "")
            return
        conn.last_active = time.monotonic()
        conn.junk_bytes = 0
        problem, device = self._authenticate(conn, packet)  # every packet: cheap once the PW is verified
        if device is None:
            self._quarantine(conn, packet, event.raw, problem)
            return
        if packet.crc_kind is CrcKind.MODBUS and device.crc_mode != CrcMode.ACCEPT_MODBUS.value:
            self._reject(conn, event.raw, Reason.CRC_MISMATCH.value, packet.cn,
                         detail="CRC-16/MODBUS from a device without that tolerance")
            return
        self._accept(conn, packet, event.raw, received_at, device.device_id, received)

    def _authenticate(self, conn: Connection, packet: Packet) -> tuple[str, DeviceInfo | None]:
        """The device if the sender is a known, active device with the right PW and not blocked;
        else why not (and None)."""
        blocked = self.guard.blocked(conn.address, packet.mn)
        if blocked:
            return blocked, None
        device = self.registry.devices.get(packet.mn)
        problem = "unknown_mn" if device is None else "" if self._pw_ok(device, packet.pw) else "wrong_pw"
        if problem:
            for event in self.guard.failure(conn.address, packet.mn, problem):
                self.status.security(event.kind, event.address, event.mn, event.count, event.seconds, event.detail)
                log.warning("security: %s %s (MN %s): %s; blocked for %g s", event.kind, event.address,
                            event.mn[:64], event.detail, event.seconds)
                if event.kind == "address_blocked":
                    self._close_address(event.address)
            return problem, None
        assert device is not None
        if not device.active:
            return "inactive", None
        self.guard.success(conn.address, packet.mn)
        return "", device

    def _pw_ok(self, device: DeviceInfo, pw: str | None) -> bool:
        """PW check: one hash per device and gateway run, then an in-memory comparison."""
        cached = self._verified.get(device.device_id)
        if cached is not None and cached[0] == device.pw_hash and cached[1] == pw:
            return True
        if pw is not None and verify_secret(pw, device.pw_hash):
            self._verified[device.device_id] = (device.pw_hash, pw)
            return True
        return False

    def _quarantine(self, conn: Connection, packet: Packet, raw: bytes, problem: str) -> None:
        """Counted, never stored per frame and never acked; known MNs also get a QuarantinedDevice row."""
        self.counts["quarantined"] += 1
        self.status.traffic(VERDICT_QUARANTINED, conn.address, problem, packet.mn, raw)
        if problem != "address_blocked":
            # unknown MNs per address are bounded by the address block (GuardConfig.address_unknown_mn)
            self.status.quarantined(packet.mn, problem, conn.peer)
        if problem == "address_blocked":
            conn.close()

    def _close_address(self, address: str) -> None:
        for other in [c for c in self.connections if c.address == address]:
            other.close()

    def _accept(self, conn: Connection, packet: Packet, raw: bytes, received_at: float, device_id: int,
                received: float) -> None:
        if conn.device_id != device_id:
            if conn.device_id is not None:
                self.status.connection(conn.device_id, False)
            conn.device_id = device_id
            self.status.connection(device_id, True)
        self.counts["accepted"] += 1
        self.status.packet(device_id, conn.peer, packet.cn, VERDICT_ACCEPTED)
        rows = measurement_rows(packet)
        body = {"mn": packet.mn, "st": packet.st, "cn": packet.cn, "rx": received_at, "rows": rows} if rows else None
        ack = build_data_ack(packet) if packet.needs_ack and not packet.cn.startswith("90") else None
        self._submit(conn, RawStore.encode(received_at, conn.peer, VERDICT_ACCEPTED, "", packet.mn, raw), body, ack,
                     received)

    def _reject(self, conn: Connection, raw: bytes, reason: str, cn: str, detail: str = "") -> None:
        """Counted per (address, reason) with a few samples, not stored per chunk; too much closes."""
        self.counts["rejected"] += 1
        if conn.device_id is not None:
            self.status.packet(conn.device_id, conn.peer, cn, VERDICT_REJECTED, reason)
        self.status.traffic(VERDICT_REJECTED, conn.address, f"{reason}: {detail}" if detail else reason, "", raw)
        conn.junk_bytes += len(raw)
        if conn.junk_bytes > self.config.max_junk_bytes:
            self.counts["dropped"] += 1
            conn.close()

    def _submit(self, conn: Connection, raw: bytes, body: dict[str, object] | None, ack: bytes | None,
                received: float) -> None:
        assert self.committer is not None
        self._drained.clear()
        queued = self.committer.put(WorkItem(raw, body, conn if ack else None, ack, received))
        # Back-pressure: stop reading this logger until the committer catches up; TCP flow control
        # then slows the sender instead of our memory growing.
        if queued >= self.config.max_queue and not conn.closed and conn not in self.paused:
            conn.transport.pause_reading()
            self.paused.add(conn)

    def _committed(self, batch: list[WorkItem]) -> None:
        assert self.committer is not None
        self.committer.in_flight -= len(batch)
        # One write per connection and batch (a logger's backlog after a pause is many packets):
        # a transport write is a send() system call when the socket buffer is empty.
        replies: dict[Connection, list[bytes]] = {}
        now = time.monotonic()
        add = self.latency.add
        for item in batch:
            if item.ack is not None and not item.conn.closed:
                acks = replies.get(item.conn)
                if acks is None:
                    replies[item.conn] = [item.ack]
                else:
                    acks.append(item.ack)
                add(now - item.received)
        for conn, acks in replies.items():
            conn.transport.write(acks[0] if len(acks) == 1 else b"".join(acks))
            self.counts["acks"] += len(acks)
        if self.paused and self.committer.in_flight < self.config.max_queue // 2:
            for conn in list(self.paused):
                if not conn.closed:
                    conn.transport.resume_reading()
            self.paused.clear()
        if self.committer.in_flight == 0:
            self._drained.set()

    # -- lifecycle ---------------------------------------------------------------------------
    async def _sweep_idle(self) -> None:
        """Close idle connections (no complete frame for idle_timeout) and slow senders: a frame in
        progress must arrive at min_rate bytes/s after frame_grace seconds, whatever trickles in."""
        cfg = self.config
        period = max(0.05, min(cfg.idle_timeout / 4, cfg.frame_grace / 2, 5.0))
        while True:
            await asyncio.sleep(period)
            now = time.monotonic()
            idle_limit = now - cfg.idle_timeout
            for conn in list(self.connections):
                started = conn.frame_started
                slow = started is not None and now - started > cfg.frame_grace + conn.framer.buffered / cfg.min_rate
                if slow or conn.last_active < idle_limit:
                    if slow:
                        self.counts["dropped"] += 1
                        self.status.traffic(VERDICT_REJECTED, conn.address, "slow_sender", "", b"")
                    else:
                        for event in conn.framer.flush():
                            self.handle(conn, event)
                    conn.close()

    async def _report(self) -> None:
        ticks = 0
        while True:
            await asyncio.sleep(5)
            ticks += 1
            if self.refusals:  # one security event per reason and interval, not one per connection
                for reason, count in self.refusals.items():
                    self.status.security("connection_refused", "", "", count, 0.0,
                                         f"{count} connection(s) refused: {reason}")
                log.warning("refused %s connection(s) in the last 5 s", dict(self.refusals))
                self.refusals.clear()
            if ticks % 6 == 0:
                log.info("connections=%d %s in_flight=%d lake_rows=%d", len(self.connections), self.counts,
                         self.committer.in_flight if self.committer else 0, self.flusher.rows_written)
                self._log_latency()

    def _log_latency(self) -> None:
        """The ack latency since the last report (received → ack written), then start a new interval."""
        if self.latency.count:
            log.info("ack latency: %s", self.latency.summary())
            self.latency_total.merge(self.latency)
            self.latency = LatencyHistogram()

    async def serve(self, ready: asyncio.Event | None = None) -> None:
        loop = asyncio.get_running_loop()
        self.committer = Committer(self.raw, self.wal, self.flusher, loop, self._committed, self.config.max_batch)
        await asyncio.to_thread(self.registry.start)  # first registry load off the loop as well
        self.committer.start()
        self.flusher.start()
        stop = asyncio.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        server = await loop.create_server(lambda: Connection(self), self.config.host, self.config.port,
                                          # asyncio accepts up to `backlog` sockets per wake-up before
                                          # the cap closes any: keep that burst inside the headroom
                                          backlog=max(16, min(4096, self.config.guard.fd_headroom // 2)),
                                          reuse_address=True, reuse_port=self.config.reuse_port or None,
                                          ssl=self._tls(), ssl_handshake_timeout=10 if self._tls() else None)
        port = server.sockets[0].getsockname()[1]
        log.info("listening on %s:%d%s (%d registered devices, at most %d connections, %d per address)",
                 self.config.host, port, " (TLS)" if self._tls() else "", len(self.registry.devices),
                 self.limits.total, self.limits.per_address)
        print(f"ecer-gateway listening on {self.config.host}:{port}", flush=True)
        tasks = [asyncio.create_task(self._sweep_idle()), asyncio.create_task(self._report())]
        if ready is not None:
            ready.set()
        await stop.wait()
        await self.shutdown(server, tasks)

    def _tls(self) -> ssl.SSLContext | None:
        if self.config.tls_cert is None:
            return None
        if getattr(self, "_tls_context", None) is None:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(self.config.tls_cert, self.config.tls_key)
            self._tls_context = context
        return self._tls_context

    async def shutdown(self, server: asyncio.Server, tasks: list[asyncio.Task[None]]) -> None:
        """Stop accepting, stop reading, commit and ack everything received, flush the lake, exit."""
        log.info("shutting down: %d connection(s), %d item(s) in flight", len(self.connections),
                 self.committer.in_flight if self.committer else 0)
        server.close()
        for task in tasks:
            task.cancel()
        for conn in list(self.connections):
            conn.transport.pause_reading()
        assert self.committer is not None
        if self.committer.in_flight:
            await self._drained.wait()
        for conn in list(self.connections):
            conn.transport.close()  # close() sends what is buffered (the last acks) first
        await asyncio.sleep(0)
        await asyncio.to_thread(self.committer.stop)
        await asyncio.to_thread(self.flusher.stop)
        await asyncio.to_thread(self.registry.stop)
        self.wal.close()
        self.lake.close()
        self.lock.release()
        self._log_latency()
        if self.latency_total.count:
            log.info("ack latency over the run: %s", self.latency_total.summary())
        log.info("stopped: %s, lake rows written %d", self.counts, self.flusher.rows_written)


class LatencyHistogram:
    """Ack latencies in logarithmic buckets (10 per decade from 0.1 ms; the last bucket is open).

    Cheap enough to count every ack on the loop; percentiles are the upper edge of their bucket
    (at most 26 % high).
    """

    EDGES_MS: tuple[float, ...] = tuple(round(0.1 * 10 ** (i / 10), 4) for i in range(61))  # 0.1 ms … 100 s

    def __init__(self) -> None:
        self.buckets = [0] * (len(self.EDGES_MS) + 1)
        self.count = 0
        self.max_ms = 0.0

    def add(self, seconds: float) -> None:
        ms = seconds * 1000.0
        self.buckets[bisect_left(self.EDGES_MS, ms)] += 1
        self.count += 1
        if ms > self.max_ms:
            self.max_ms = ms

    def merge(self, other: LatencyHistogram) -> None:
        self.buckets = [a + b for a, b in zip(self.buckets, other.buckets, strict=True)]
        self.count += other.count
        self.max_ms = max(self.max_ms, other.max_ms)

    def percentile_ms(self, fraction: float) -> float:
        """Upper edge of the bucket holding the `fraction` quantile (the maximum for the open bucket)."""
        rank = max(1, math.ceil(fraction * self.count))
        seen = 0
        for i, n in enumerate(self.buckets):
            seen += n
            if seen >= rank:
                return min(self.EDGES_MS[i], self.max_ms) if i < len(self.EDGES_MS) else self.max_ms
        return self.max_ms

    def summary(self) -> str:
        """`n=… p50=…ms p90=… p99=… max=…` and the non-empty buckets as `≤edge:count`."""
        cells = " ".join(f"<={self.EDGES_MS[i]:g}:{n}" if i < len(self.EDGES_MS) else f">100000:{n}"
                         for i, n in enumerate(self.buckets) if n)
        return (f"n={self.count} p50={self.percentile_ms(0.5):g}ms p90={self.percentile_ms(0.9):g}ms "
                f"p99={self.percentile_ms(0.99):g}ms max={self.max_ms:.1f}ms buckets[ms] {cells}")


def measurement_rows(packet: Packet) -> list[list[object]]:
    """WAL rows: [DataTime, factor (2017 code), field, value, raw text, flag, factor as sent].

    Rows without a DataTime cannot be keyed and stay in the raw store only.
    """
    return [[_wal_time(m.data_time), normalise_factor(m.factor, packet.edition), m.field, m.value, m.raw, m.flag,
             m.factor]
            for m in packet.measurements() if m.data_time is not None]


@lru_cache(maxsize=4096)  # every row of a record shares its DataTime: format it once (~1 µs each)
def _wal_time(moment: datetime) -> str:
    return moment.isoformat(sep=" ")


def run(config: GatewayConfig) -> None:
    from ecer.site.django_setup import setup

    setup()
    try:
        gateway = Gateway(config)
    except DataDirBusy as exc:
        raise SystemExit(f"ecer hj212 serve: {exc}") from None
    asyncio.run(gateway.serve())
