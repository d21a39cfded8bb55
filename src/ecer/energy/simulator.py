"""Simulated energy meters of key energy-using units: they upload over HTTP to `POST /api/energy/uploads`,
like an enterprise's meter gateway, and keep the ground truth of what they metered.

No Django: the points and tokens are given (`ecer energy simulate --from-registry` reads them from the
register through the services). Each point's register is a deterministic function of time, so a window
simulated twice sends the same values (the server accepts them as already stored):

    F(t) = base · (k + A · sin(2π · k / n_day − φ) / (2π / n_day)) + noise(t)    (k intervals since 2020-01-01)

in resolution steps (0.01 of the unit), a daily load curve whose integral is closed-form plus a bounded
noise per timestamp that telescopes; consumption between two readings is F(t₂) − F(t₁) > 0. A cumulative
point shows (R₀ + F(t)) mod R (its declared rollover value R), so rollovers happen where the register
passes R; an interval point sends F(t) − F(t − interval).

Planted, with ground truth: gaps (a point's readings missing for `gap_intervals` on every
`gap_every_days`-th day, inside the day: a cumulative point's next reading covers the gap, an interval
point's energy of the gap is lost and not in the truth) and repeated uploads (every `resend_every`-th
upload is sent twice with the same id; the second answers `replayed`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import time
import urllib.error
import urllib.request
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ecer.core.meters import CHINA_TZ

EPOCH = dt.datetime(2020, 1, 1, tzinfo=CHINA_TZ)
STEPS = 100  # register resolution: 0.01 of the unit
AMPLITUDE = 0.35  # daily load swing (share of the base load)

Post = Callable[[str, dict[str, Any]], tuple[int, dict[str, Any]]]


@dataclass(frozen=True)
class SimPoint:
    code: str
    energy_type: str
    unit: str
    kind: str  # interval | cumulative
    interval_minutes: int
    rollover_value: float | None
    enthalpy_gj_per_t: float | None
    base_steps: int  # mean consumption per interval, in resolution steps


@dataclass(frozen=True)
class SimUnit:
    credit_code: str
    token: str
    points: tuple[SimPoint, ...]


def _hash(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256("|".join(map(str, parts)).encode()).digest()[:8], "big")


def register_steps(credit_code: str, p: SimPoint, at: dt.datetime) -> int:
    """F(t): the point's metered total since EPOCH in resolution steps (increasing in t)."""
    interval = dt.timedelta(minutes=p.interval_minutes)
    k = (at - EPOCH) / interval
    per_day = dt.timedelta(days=1) / interval
    phase = (_hash(credit_code, p.code, "phase") % 1000) / 1000 * 2 * math.pi
    w = 2 * math.pi / per_day
    smooth = p.base_steps * (k + AMPLITUDE * (math.cos(phase) - math.cos(w * k + phase)) / w)
    noise = _hash(credit_code, p.code, at.isoformat()) % max(1, p.base_steps // 5)
    return int(smooth) + noise


def shown_value(credit_code: str, p: SimPoint, at: dt.datetime, previous_at: dt.datetime | None) -> float:
    """What the meter sends at `at`: the register (cumulative) or the interval's consumption."""
    now = register_steps(credit_code, p, at)
    if p.kind == "interval":
        assert previous_at is not None
        return (now - register_steps(credit_code, p, previous_at)) / STEPS
    offset = _hash(credit_code, p.code, "offset")
    if p.rollover_value:
        modulus = round(p.rollover_value * STEPS)
        return ((offset % modulus) + now) % modulus / STEPS
    return ((offset % 10**9) + now) / STEPS


@dataclass
class Truth:
    """What the meters metered and delivered, per enterprise, month and point (quantities in the point's
    unit, per local date of the interval's start), and what happened on the way."""

    quantities: dict[str, dict[str, dict[str, float]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(lambda: defaultdict(float))))
    steps: dict[tuple[str, str, str], int] = field(default_factory=lambda: defaultdict(int))
    received: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    rollovers: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    gaps: int = 0
    uploads: int = 0
    replayed: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        quantities = {e: {m: {p: self.steps[(e, m, p)] / STEPS for p in points} for m, points in months.items()}
                      for e, months in self.quantities.items()}
        return {"quantities": quantities, "received": {e: dict(v) for e, v in self.received.items()},
                "rollovers": dict(self.rollovers), "gaps": self.gaps, "uploads": self.uploads,
                "replayed": self.replayed, "rejected": self.rejected}


def _timestamps(p: SimPoint, start: dt.datetime, end: dt.datetime) -> list[dt.datetime]:
    step = dt.timedelta(minutes=p.interval_minutes)
    first = start if p.kind == "cumulative" else start + step  # a cumulative point reads the start itself
    return [first + i * step for i in range(int((end - first) / step) + 1)]


def _in_gap(at: dt.datetime, p: SimPoint, gap_every_days: int, gap_intervals: int) -> bool:
    """Inside a planted gap: on every n-th day from 10:00 local, for `gap_intervals` readings (never the
    day's last reading, so the gap's energy stays on its day)."""
    if gap_every_days <= 0 or gap_intervals <= 0:
        return False
    local = at.astimezone(CHINA_TZ)
    if (local.date() - EPOCH.date()).days % gap_every_days:
        return False
    ten = local.replace(hour=10, minute=0, second=0, microsecond=0)
    return ten < local <= ten + gap_intervals * dt.timedelta(minutes=p.interval_minutes)


def http_post(url: str, timeout: float = 60.0) -> Post:
    """A poster to `url` (…/api/energy/uploads) over real HTTP(S)."""
    def post(token: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        data = json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method="POST", headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {token}"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - the operator's URL
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as err:
            text = err.read()
            try:
                return err.code, json.loads(text or b"{}")
            except ValueError:
                return err.code, {"detail": text.decode(errors="replace")[:500]}
    return post


@dataclass
class Simulator:
    units: list[SimUnit]
    start: dt.datetime  # local midnight
    days: int
    post: Post
    speed: float = 0.0  # simulated seconds per wall second; 0: as fast as the server answers
    batch_minutes: int = 15
    gap_every_days: int = 7
    gap_intervals: int = 8
    resend_every: int = 10
    truth: Truth = field(default_factory=Truth)
    log: Callable[[str], None] = lambda _: None

    def run(self) -> Truth:
        end = self.start + dt.timedelta(days=self.days)
        batch = dt.timedelta(minutes=self.batch_minutes)
        plans = {u.credit_code: {p.code: _timestamps(p, self.start, end) for p in u.points} for u in self.units}
        sent_before: dict[tuple[str, str], dt.datetime] = {}
        wall0 = time.monotonic()
        t = self.start
        while t < end:
            t_next = min(t + batch, end)
            if self.speed > 0:
                delay = wall0 + (t_next - self.start).total_seconds() / self.speed - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            for unit in self.units:
                self._send(unit, t, t_next, plans[unit.credit_code], sent_before)
            t = t_next
        return self.truth

    def _send(self, unit: SimUnit, t0: dt.datetime, t1: dt.datetime, plan: dict[str, list[dt.datetime]],
              sent_before: dict[tuple[str, str], dt.datetime]) -> None:
        readings = []
        for p in unit.points:
            for at in plan[p.code]:
                # the first batch also carries the start reading of a cumulative point (at == t0)
                if not (t0 < at <= t1 or (at == t0 == self.start)):
                    continue
                if _in_gap(at, p, self.gap_every_days, self.gap_intervals):
                    self.truth.gaps += 1
                    continue
                step = dt.timedelta(minutes=p.interval_minutes)
                value = shown_value(unit.credit_code, p, at, at - step)
                readings.append({"point": p.code, "timestamp": at.isoformat(), "value": value, "kind": p.kind})
                self._count(unit.credit_code, p, at, sent_before)
        if not readings:
            return
        body = {"enterprise": unit.credit_code, "upload_id": f"sim-{unit.credit_code}-{t1.isoformat()}",
                "readings": readings}
        self.truth.uploads += 1
        repeats = 2 if self.resend_every > 0 and self.truth.uploads % self.resend_every == 0 else 1
        for _ in range(repeats):
            status, answer = self.post(unit.token, body)
            if status != 200:
                self.truth.rejected.append({"upload_id": body["upload_id"], "status": status, "answer": answer})
                self.log(f"{body['upload_id']}: HTTP {status} {str(answer)[:300]}")
                return
            self.truth.replayed += bool(answer.get("replayed"))

    def _count(self, code: str, p: SimPoint, at: dt.datetime, sent_before: dict[tuple[str, str], dt.datetime]) -> None:
        """The truth of one delivered reading: the energy of the interval(s) it closes, on their local dates."""
        step = dt.timedelta(minutes=p.interval_minutes)
        before = sent_before.get((code, p.code))
        sent_before[(code, p.code)] = at
        if p.kind == "cumulative":
            if before is None:
                return  # the first reading closes no interval
            # the energy since the last delivered reading, all on one local date (gaps never span midnight)
            self._add(code, p, at - step, register_steps(code, p, at) - register_steps(code, p, before))
            if p.rollover_value:
                modulus = round(p.rollover_value * STEPS)
                offset = _hash(code, p.code, "offset") % modulus
                wraps = ((offset + register_steps(code, p, at)) // modulus
                         - (offset + register_steps(code, p, before)) // modulus)
                self.truth.rollovers[code] += wraps
        else:
            self._add(code, p, at - step, register_steps(code, p, at) - register_steps(code, p, at - step))
        month = (at - step).astimezone(CHINA_TZ).strftime("%Y-%m")
        self.truth.received[code][month] += 1

    def _add(self, code: str, p: SimPoint, interval_start: dt.datetime, steps: int) -> None:
        month = interval_start.astimezone(CHINA_TZ).strftime("%Y-%m")
        self.truth.quantities[code][month][p.code] += 0  # the month and point are known
        self.truth.steps[(code, month, p.code)] += steps


def base_steps_for(energy_type: str, unit: str, enthalpy: float | None, interval_minutes: int,
                   annual_tce: float | None, n_points: int, rollover_value: float | None = None,
                   max_missing: int = 0) -> int:
    """A plausible mean load: the unit's annual tce split evenly over its points, in the point's unit. With a
    declared register, small enough that the energy read across a planted gap (`max_missing` readings) at
    the daily peak stays under 8% of the register: above 10% the core takes a drop for a meter going
    backwards, not a rollover (`MeterRules.rollover_plausible_share`)."""
    from ecer.catalogs.energy_units import factor_table, load_unit_fits
    from ecer.core.energy import ElectricityBasis
    from ecer.core.energy_units import to_tce

    per_unit = to_tce(energy_type, 1.0, unit, ElectricityBasis.CALORIFIC, load_unit_fits(), factor_table(2020),
                      enthalpy_gj_per_t=enthalpy).tce
    intervals_a_year = 365 * 24 * 60 / interval_minutes
    quantity = (annual_tce or 10_000.0) / max(1, n_points) / per_unit / intervals_a_year
    steps = max(50, round(quantity * STEPS))
    if rollover_value:
        steps = min(steps, int(0.08 * rollover_value * STEPS / (1 + AMPLITUDE) / (max_missing + 1)))
    return steps


def truth_tce(units: list[SimUnit], truth: Truth, coal_rates: dict[int, float] | None = None
              ) -> dict[str, dict[str, dict[str, float | None]]]:
    """The ground truth in tce per enterprise and month on both bases: each point's metered quantity ×
    the catalog's factor (a coal-equivalent of None: the year has no coal rate, nor a configured one)."""
    from ecer.catalogs.energy_units import factor_table, load_unit_fits
    from ecer.core.energy import ElectricityBasis

    fits = load_unit_fits()
    points = {(u.credit_code, p.code): p for u in units for p in u.points}
    out: dict[str, dict[str, dict[str, float | None]]] = {}
    for code, months in truth.as_json()["quantities"].items():
        out[code] = {}
        for month, by_point in months.items():
            table = factor_table(int(month[:4]), coal_equivalent_overrides=coal_rates or {})
            sums: dict[str, float | None] = {}
            for basis in ElectricityBasis:
                total: float | None = 0.0
                for point_code, quantity in by_point.items():
                    p = points[(code, point_code)]
                    factor = table.factors.get((p.energy_type, basis))
                    if factor is None or total is None:
                        total = None
                        continue
                    base = fits[(p.energy_type, p.unit)].base_per_unit or (p.enthalpy_gj_per_t or 0.0) * 1000.0
                    total += quantity * base * factor.kgce_per_base_unit / 1000.0
                sums[basis.value] = total
            out[code][month] = sums
    return out
