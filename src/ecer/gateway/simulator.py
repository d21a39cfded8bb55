"""Simulated data loggers (数采仪): a load generator for the gateway, usable in its own process.

Each logger keeps one TCP connection, sends real-time data (2011) every `interval` seconds, minute
data (2051) every `minute_every` seconds and hourly data (2061) on the hour, with the A bit set,
and measures the time to the 9014 ack. Like real loggers it reconnects after a lost connection
and re-sends what was not acknowledged. `speedup` > 1 compresses time: packets go out `speedup`
times faster while DataTime advances at the nominal cadence (used by the crash test).

For the demo (`--from-registry`) the loggers are the registered devices with their MN, PW, edition
and permitted limits; on first connect each re-sends `backfill_hours` of hourly data (as a logger
does after an outage) so hourly averages exist at once, and every `exceed_every`-th upload carries
one limited factor above its limit, so exceedances can be seen.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import random
import signal
import time
from dataclasses import dataclass, field
from typing import Literal
from zoneinfo import ZoneInfo

from ecer.hj212 import Edition, Frame, Framer, Hj212Error, build_packet, edition_flag, make_qn, parse

# (factor 2017/2025, factor 2005, typical value, spread); FLOW: factors that also report a total (-Cou)
WATER = [("w01018", "011", 45.0, 15.0), ("w21003", "060", 3.0, 1.5), ("w21011", "101", 0.4, 0.2),
         ("w21001", "065", 12.0, 4.0), ("w01001", "001", 7.2, 0.4), ("w00000", "B01", 180.0, 40.0)]
AIR = [("a21026", "02", 35.0, 10.0), ("a21002", "03", 80.0, 25.0), ("a34013", "01", 8.0, 3.0),
       ("a19001", "S01", 9.5, 1.0), ("a00000", "B02", 52000.0, 6000.0), ("a01012", "S03", 95.0, 8.0),
       ("a24088", "a24088", 12.0, 5.0)]
FLOW = {"w00000", "a00000", "B01", "B02"}
ST = {"water": "32", "air": "31"}
BEIJING = ZoneInfo("Asia/Shanghai")


@dataclass(frozen=True)
class LoggerSpec:
    mn: str
    pw: str
    edition: Edition
    kind: str  # water | air
    limits: tuple[tuple[str, float], ...] = ()  # (factor 2017 code, permitted limit), for exceedances


def make_specs(n: int, editions: list[str], prefix: str = "SIM", seed: int = 212) -> list[LoggerSpec]:
    """Deterministic loggers: MN of 14 chars for 2005 devices and 24 chars for 2017/2025 ones."""
    rng = random.Random(seed)
    specs = []
    for i in range(n):
        edition = Edition(editions[i % len(editions)])
        width = 14 if edition is Edition.HJT212_2005 else 24
        mn = prefix + f"{i:0{width - len(prefix)}d}"
        specs.append(LoggerSpec(mn, f"{rng.randrange(10**6):06d}", edition, "water" if i % 3 else "air"))
    return specs


def build_upload(spec: LoggerSpec, cn: str, data_time: dt.datetime, qn: str, rng: random.Random,
                 exceed: str | None = None) -> bytes:
    """One upload; `exceed` names a factor (2017 code) whose value is put 10–50 % above its limit."""
    old = spec.edition is Edition.HJT212_2005
    limits = dict(spec.limits)
    groups: list[dict[str, object]] = [{"DataTime": data_time}]  # the builder writes YYYYMMDDhhmmss
    for code, code_2005, typical, spread in WATER if spec.kind == "water" else AIR:
        factor = code_2005 if old else code
        value = max(0.0, rng.gauss(typical, spread / 3))
        if code == exceed and code in limits:
            value = limits[code] * rng.uniform(1.1, 1.5)
        if cn == "2011":
            group: dict[str, object] = {f"{factor}-Rtd": f"{value:.3f}"}
        else:
            group = {f"{factor}-Min": f"{value * 0.9:.3f}", f"{factor}-Avg": f"{value:.3f}",
                     f"{factor}-Max": f"{value * 1.1:.3f}"}
            if factor in FLOW:
                group[f"{factor}-Cou"] = f"{value * (60 if cn == '2051' else 3600):.1f}"
        group[f"{factor}-Flag"] = "N"
        groups.append(group)
    return build_packet(qn=qn, st=ST[spec.kind], cn=cn, pw=spec.pw, mn=spec.mn,
                        flag=edition_flag(spec.edition, ack=True), cp=groups)


def packet_keys(frame: bytes) -> set[tuple[str, str, str, str, str]]:
    """The lake's idempotence keys of an upload (for checking that acked data arrived exactly once)."""
    from ecer.gateway.server import measurement_rows

    packet = parse(frame)
    return {(packet.mn, packet.cn, str(r[0]), str(r[1]), str(r[2])) for r in measurement_rows(packet)}


@dataclass
class SimStats:
    sent: int = 0
    acked: int = 0
    resent: int = 0
    connects: int = 0
    connect_failures: int = 0
    latencies: list[float] = field(default_factory=list)
    acked_frames: list[bytes] = field(default_factory=list)  # only with track=True

    def summary(self) -> dict[str, float | int]:
        lat = sorted(self.latencies)

        def pct(p: float) -> float:
            return round(lat[min(len(lat) - 1, int(p * len(lat)))] * 1000, 2) if lat else float("nan")

        return {"sent": self.sent, "acked": self.acked, "resent": self.resent, "connects": self.connects,
                "connect_failures": self.connect_failures, "ack_p50_ms": pct(0.50), "ack_p99_ms": pct(0.99),
                "ack_max_ms": pct(1.0)}


class _Client(asyncio.Protocol):
    def __init__(self, logger: SimLogger) -> None:
        self.logger = logger
        self.framer = Framer()
        self.lost = asyncio.get_running_loop().create_future()

    def data_received(self, data: bytes) -> None:
        for event in self.framer.feed(data):
            if isinstance(event, Frame):
                self.logger.on_reply(event)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.lost.done():
            self.lost.set_result(None)


class SimLogger:
    def __init__(self, spec: LoggerSpec, sim: Simulator, phase: float) -> None:
        self.spec, self.sim, self.phase = spec, sim, phase
        self.rng = random.Random(f"{spec.mn}:{sim.seed}")
        self.outstanding: dict[str, tuple[float, bytes]] = {}  # qn -> (sent at, frame)
        self.transport: asyncio.Transport | None = None
        self._last_qn = 0
        self._uploads = 0
        self._backfilled = False

    def _qn(self) -> str:
        value = max(int(make_qn(dt.datetime.now())), self._last_qn + 1)  # unique even within a millisecond
        self._last_qn = value
        return str(value)

    def on_reply(self, frame: Frame) -> None:
        try:
            reply = parse(frame)
        except Hj212Error:
            return
        qn = reply.qn or reply.cp_value("QN")
        entry = self.outstanding.pop(qn or "", None)
        if reply.cn == "9014" and entry is not None:
            self.sim.stats.acked += 1
            self.sim.stats.latencies.append(time.monotonic() - entry[0])
            if self.sim.track:
                self.sim.stats.acked_frames.append(entry[1])

    def send(self, frame: bytes, qn: str) -> None:
        self.outstanding[qn] = (time.monotonic(), frame)
        self.sim.stats.sent += 1
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(frame)

    async def run(self) -> None:
        await self.sim.pause(self.phase)
        while not self.sim.stopping:
            try:
                client = await self._connect()
            except OSError:
                self.sim.stats.connect_failures += 1
                await asyncio.sleep(self.rng.uniform(0.2, 1.0))
                continue
            await self._session(client)
            self.transport = None

    async def _connect(self) -> _Client:
        loop = asyncio.get_running_loop()
        transport, client = await loop.create_connection(lambda: _Client(self), self.sim.host, self.sim.port)
        self.transport = transport
        self.sim.stats.connects += 1
        for qn, (_, frame) in list(self.outstanding.items()):  # re-send history not acknowledged
            self.outstanding[qn] = (time.monotonic(), frame)
            self.sim.stats.resent += 1
            transport.write(frame)
        return client

    async def _session(self, client: _Client) -> None:
        sim = self.sim
        if not self._backfilled:
            self._backfilled = True
            self._backfill(sim.data_clock())
        while not sim.stopping and not client.lost.done():
            data_time = sim.data_clock()
            self._tick(data_time)
            wait = sim.interval / sim.speedup
            await asyncio.wait([client.lost, sim.stopped()], timeout=wait, return_when=asyncio.FIRST_COMPLETED)
        if sim.stopping and self.transport is not None:
            deadline = time.monotonic() + sim.drain_seconds  # let the last acks arrive
            while self.outstanding and not client.lost.done() and time.monotonic() < deadline:
                await asyncio.wait([client.lost], timeout=0.05)
            self.transport.close()

    def _tick(self, data_time: dt.datetime) -> None:
        sim = self.sim
        whole = data_time.replace(microsecond=0)
        self._upload("2011", whole)
        seconds = int(whole.timestamp())
        step = sim.interval
        if seconds // sim.minute_every != (seconds - step) // sim.minute_every:
            start = dt.datetime.fromtimestamp(seconds // sim.minute_every * sim.minute_every - sim.minute_every)
            self._upload("2051", start)
        if seconds // 3600 != (seconds - step) // 3600:
            start = dt.datetime.fromtimestamp(seconds // 3600 * 3600 - 3600)
            self._upload("2061", start)

    def _backfill(self, now: dt.datetime) -> None:
        hour = now.replace(minute=0, second=0, microsecond=0)
        for back in range(self.sim.backfill_hours, 0, -1):
            self._upload("2061", hour - dt.timedelta(hours=back))

    def _upload(self, cn: str, data_time: dt.datetime) -> None:
        qn = self._qn()
        self._uploads += 1
        exceed = None
        every = self.sim.exceed_every
        if every and self.spec.limits and self._uploads % every == 0:
            exceed = self.spec.limits[(self._uploads // every) % len(self.spec.limits)][0]
        self.send(build_upload(self.spec, cn, data_time, qn, self.rng, exceed), qn)


class Simulator:
    def __init__(self, host: str, port: int, specs: list[LoggerSpec], interval: float = 30.0,
                 minute_every: int = 600, speedup: float = 1.0, track: bool = False,
                 drain_seconds: float = 5.0, start: dt.datetime | None = None, backfill_hours: int = 0,
                 exceed_every: int = 0, seed: int = 0) -> None:
        self.host, self.port, self.specs = host, port, specs
        self.backfill_hours, self.exceed_every, self.seed = backfill_hours, exceed_every, seed
        self.interval, self.minute_every, self.speedup = interval, minute_every, speedup
        self.track, self.drain_seconds = track, drain_seconds
        self.stats = SimStats()
        self.stopping = False
        self._stop_event = asyncio.Event()
        self._stopped: asyncio.Task[Literal[True]] | None = None
        self._t0 = time.monotonic()
        # Loggers report Beijing time (UTC+8) whatever the host time zone is.
        self._start = start or dt.datetime.now(BEIJING).replace(tzinfo=None)
        rng = random.Random(7)
        self.loggers = [SimLogger(s, self, rng.uniform(0, interval / speedup)) for s in specs]

    def stopped(self) -> asyncio.Task[Literal[True]]:
        """One shared waiter that completes when the simulator stops (asyncio.wait never cancels it)."""
        if self._stopped is None:
            self._stopped = asyncio.create_task(self._stop_event.wait())
        return self._stopped

    async def pause(self, seconds: float) -> None:
        """Sleep, but return at once when the simulator stops."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop_event.wait(), timeout=seconds)

    def data_clock(self) -> dt.datetime:
        return self._start + dt.timedelta(seconds=(time.monotonic() - self._t0) * self.speedup)

    def connected(self) -> int:
        return sum(1 for lg in self.loggers if lg.transport is not None and not lg.transport.is_closing())

    def request_stop(self) -> None:
        """End run() early (call on the simulator's loop); the last acks are still drained."""
        stop = getattr(self, "_run_stop", None)
        if stop is not None:
            stop.set()

    async def run(self, duration: float | None) -> SimStats:
        """Run for `duration` seconds, or (None) until SIGTERM/SIGINT; then drain the last acks."""
        self._t0 = time.monotonic()
        tasks = [asyncio.create_task(lg.run()) for lg in self.loggers]
        stop = self._run_stop = asyncio.Event()
        if duration is None:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, stop.set)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=duration)
        self.stopping = True
        self._stop_event.set()  # wake loggers waiting for their next tick
        await asyncio.gather(*tasks, return_exceptions=True)
        return self.stats


def register_devices(specs: list[LoggerSpec]) -> int:
    """Create the simulated loggers in the registry (one illustrative enterprise, one point each)."""
    from django.db import transaction

    from ecer.monitoring.models import Device, Enterprise, MonitoringPoint

    with transaction.atomic():
        enterprise, _ = Enterprise.objects.get_or_create(
            credit_code="91510000SIMULATED", defaults={"name": "模拟数采仪 (simulated loggers)",
                                                       "region_code": "510000", "note": "ecer hj212 simulate"})
        known = set(Device.objects.filter(mn__in=[s.mn for s in specs]).values_list("mn", flat=True))
        new = [s for s in specs if s.mn not in known]
        MonitoringPoint.objects.bulk_create(
            [MonitoringPoint(enterprise=enterprise, outlet_code=s.mn, outlet_name=f"模拟排放口 {s.mn}", kind=s.kind)
             for s in new], ignore_conflicts=True)
        points = dict(MonitoringPoint.objects.filter(enterprise=enterprise, outlet_code__in=[s.mn for s in new])
                      .values_list("outlet_code", "pk"))
        devices = [Device(mn=s.mn, point_id=points[s.mn], edition=s.edition.value) for s in new]
        for device, spec in zip(devices, new, strict=True):
            device.set_pw(spec.pw)
        Device.objects.bulk_create(devices)
    return len(new)


def registry_specs(secrets: dict[str, str]) -> list[LoggerSpec]:
    """The active registered devices whose PW is in `secrets` (MN → PW) as loggers (edition, kind and
    limits from the registry). The registry holds only PW hashes, so the PWs come from the caller;
    a device whose PW does not match its hash is left out."""
    from ecer.monitoring.models import Device

    specs = []
    for device in Device.objects.filter(active=True, mn__in=list(secrets)).select_related("point") \
            .prefetch_related("point__limits"):
        if not device.check_pw(secrets[device.mn]):
            continue
        limits = tuple(sorted((lim.factor_code, lim.limit_value) for lim in device.point.limits.all()))
        specs.append(LoggerSpec(device.mn, secrets[device.mn], Edition(device.edition), device.point.kind, limits))
    return specs
