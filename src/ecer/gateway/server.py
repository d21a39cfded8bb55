"""The HJ 212 gateway: an asyncio TCP server for thousands of long-lived logger connections.

connection → Framer → parse → registry check → committer (raw store + WAL, group fsync) → 9014 ack
                                                                 └→ flusher → Parquet lake
"""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from ecer.gateway.datalock import DataDirBusy, DataDirLock
from ecer.gateway.lake import Lake
from ecer.gateway.pipeline import Committer, Flusher, WorkItem, replay_wal
from ecer.gateway.registry import DeviceInfo, RegistryThreads, StatusBuffer
from ecer.gateway.stores import (
    VERDICT_ACCEPTED,
    VERDICT_QUARANTINED,
    VERDICT_REJECTED,
    RawStore,
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

log = logging.getLogger("ecer.gateway")


@dataclass
class GatewayConfig:
    host: str = "127.0.0.1"
    port: int = 9212
    data_dir: Path = field(default_factory=Path)
    idle_timeout: float = 300.0
    max_frame: int = 10000
    max_queue: int = 20000  # uncommitted items before connections stop being read
    max_batch: int = 5000  # items per group commit (1 = one fsync per packet, the baseline)
    flush_seconds: float = 2.0  # WAL → lake cadence
    status_seconds: float = 2.0  # DeviceStatus write cadence
    registry_seconds: float = 30.0  # registry snapshot refresh
    dedup_window_days: int = 7
    lock_wait_seconds: float = 30.0  # wait for a previous gateway on the same data directory to exit


class Connection(asyncio.Protocol):
    __slots__ = ("gateway", "transport", "peer", "framer", "last_active", "device_id", "closed")

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self.framer = Framer(gateway.config.max_frame)
        self.device_id: int | None = None
        self.closed = False
        self.peer = ""
        self.last_active = time.monotonic()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport: asyncio.Transport = transport  # type: ignore[assignment]
        peer = transport.get_extra_info("peername")
        self.peer = f"{peer[0]}:{peer[1]}" if peer else "?"
        self.gateway.connections.add(self)

    def data_received(self, data: bytes) -> None:
        self.last_active = time.monotonic()
        for event in self.framer.feed(data):
            self.gateway.handle(self, event)

    def eof_received(self) -> bool:
        for event in self.framer.flush():
            self.gateway.handle(self, event)
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.gateway.connections.discard(self)
        self.gateway.paused.discard(self)
        if self.device_id is not None:
            self.gateway.status.connection(self.device_id, False)


class Gateway:
    def __init__(self, config: GatewayConfig) -> None:
        self.config = config
        root = config.data_dir
        self.lock = DataDirLock(root, config.lock_wait_seconds)  # before touching any file below
        self.lake = Lake(root / "lake", config.dedup_window_days)
        self.wal = WriteAheadLog(root / "gateway" / "wal", first_seq=self.lake.checkpoint + 1)
        replay_wal(self.lake, self.wal)
        self.raw = RawStore(root / "gateway" / "raw")
        self.flusher = Flusher(self.lake, self.wal, config.flush_seconds)
        self.status = StatusBuffer()
        self.registry = RegistryThreads(self.status, config.registry_seconds, config.status_seconds)
        self.connections: set[Connection] = set()
        self.paused: set[Connection] = set()
        self.counts = {"accepted": 0, "rejected": 0, "quarantined": 0, "acks": 0}
        self.committer: Committer | None = None
        self._drained = asyncio.Event()

    # -- per frame (on the loop) ------------------------------------------------------------
    def handle(self, conn: Connection, event: Frame | Rejected) -> None:
        received_at = time.time()
        if isinstance(event, Rejected):
            self._reject(conn, event.raw, event.reason.value, received_at, "")
            return
        try:
            packet = parse(event, crc_mode=CrcMode.ACCEPT_MODBUS)
        except Hj212Error as exc:
            self._reject(conn, event.raw, exc.reason.value, received_at, "")
            return
        device = self.registry.devices.get(packet.mn)
        problem = self._quarantine_reason(packet, device)
        if problem:
            self.counts["quarantined"] += 1
            self.status.quarantined(packet.mn, problem, conn.peer)
            self._submit(conn, RawStore.encode(received_at, conn.peer, VERDICT_QUARANTINED, problem, packet.mn,
                                               event.raw), None, None)
            return
        assert device is not None
        if packet.crc_kind is CrcKind.MODBUS and device.crc_mode != CrcMode.ACCEPT_MODBUS.value:
            self._reject(conn, event.raw, Reason.CRC_MISMATCH.value, received_at, packet.cn,
                         detail="CRC-16/MODBUS from a device without that tolerance")
            return
        self._accept(conn, packet, event.raw, received_at, device.device_id)

    @staticmethod
    def _quarantine_reason(packet: Packet, device: DeviceInfo | None) -> str:
        """Why the sender is not a known, active device with the right PW ('' if it is)."""
        if device is None:
            return "unknown_mn"
        if packet.pw != device.pw:
            return "wrong_pw"
        if not device.active:
            return "inactive"
        return ""

    def _accept(self, conn: Connection, packet: Packet, raw: bytes, received_at: float, device_id: int) -> None:
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
        self._submit(conn, RawStore.encode(received_at, conn.peer, VERDICT_ACCEPTED, "", packet.mn, raw), body, ack)

    def _reject(self, conn: Connection, raw: bytes, reason: str, received_at: float, cn: str,
                detail: str = "") -> None:
        self.counts["rejected"] += 1
        if conn.device_id is not None:
            self.status.packet(conn.device_id, conn.peer, cn, VERDICT_REJECTED, reason)
        text = f"{reason}: {detail}" if detail else reason
        self._submit(conn, RawStore.encode(received_at, conn.peer, VERDICT_REJECTED, text, "", raw), None, None)

    def _submit(self, conn: Connection, raw: bytes, body: dict[str, object] | None, ack: bytes | None) -> None:
        assert self.committer is not None
        self._drained.clear()
        queued = self.committer.put(WorkItem(raw, body, conn if ack else None, ack))
        # Back-pressure: stop reading this logger until the committer catches up; TCP flow control
        # then slows the sender instead of our memory growing.
        if queued >= self.config.max_queue and not conn.closed and conn not in self.paused:
            conn.transport.pause_reading()
            self.paused.add(conn)

    def _committed(self, batch: list[WorkItem]) -> None:
        assert self.committer is not None
        self.committer.in_flight -= len(batch)
        for item in batch:
            if item.ack is not None and not item.conn.closed:
                item.conn.transport.write(item.ack)
                self.counts["acks"] += 1
        if self.paused and self.committer.in_flight < self.config.max_queue // 2:
            for conn in list(self.paused):
                if not conn.closed:
                    conn.transport.resume_reading()
            self.paused.clear()
        if self.committer.in_flight == 0:
            self._drained.set()

    # -- lifecycle ---------------------------------------------------------------------------
    async def _sweep_idle(self) -> None:
        period = max(0.05, min(self.config.idle_timeout / 4, 5.0))
        while True:
            await asyncio.sleep(period)
            limit = time.monotonic() - self.config.idle_timeout
            for conn in [c for c in self.connections if c.last_active < limit]:
                for event in conn.framer.flush():
                    self.handle(conn, event)
                conn.transport.close()

    async def _report(self) -> None:
        while True:
            await asyncio.sleep(30)
            log.info("connections=%d %s in_flight=%d lake_rows=%d", len(self.connections), self.counts,
                     self.committer.in_flight if self.committer else 0, self.flusher.rows_written)

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
                                          backlog=4096, reuse_address=True)
        port = server.sockets[0].getsockname()[1]
        log.info("listening on %s:%d (%d registered devices)", self.config.host, port, len(self.registry.devices))
        print(f"ecer-gateway listening on {self.config.host}:{port}", flush=True)
        tasks = [asyncio.create_task(self._sweep_idle()), asyncio.create_task(self._report())]
        if ready is not None:
            ready.set()
        await stop.wait()
        await self.shutdown(server, tasks)

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
        log.info("stopped: %s, lake rows written %d", self.counts, self.flusher.rows_written)


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
