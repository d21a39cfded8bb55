"""A metering point's readings → interval consumption (online energy monitoring, METHODOLOGY §8).

A key energy-using unit uploads, per metering point (计量点), either interval values (the
consumption of the interval ending at the timestamp) or cumulative register values (表底数). This
module turns one point's batch into consumption per interval of the meter's declared length, in the
meter's declared unit, and rejects the whole batch, with every problem named (field, value, what
was expected), when any reading cannot be used. Nothing is ever half-converted.

Rules (docs/energy-monitoring.md gives them with their parameters):

- A timestamp is an aware instant on the meter's interval grid in China local time (the grid starts
  at local midnight, so a 15-minute meter reads at :00, :15, :30, :45). An interval value stamped
  `t` is the consumption of (t − interval, t].
- Cumulative: consumption between two readings is `value − previous`. A drop is a rollover only when
  the meter declares its rollover value R (the register counts modulo R) and the implied
  consumption `R − previous + value` is at most `rollover_plausible_share` of R; any other drop,
  without a declared reset, is rejected. A declared reset restarts counting at its `start_value`;
  the consumption before it is counted only when the reset also states the register's
  `final_value` (from the meter exchange record), since it is unknown otherwise.
- Gaps: consumption across missing intervals of a cumulative meter is spread evenly over them
  (`GapRule.SPREAD`, the default) or assigned to the interval it is read in (`GapRule.LAST_INTERVAL`).
  Spread intervals are marked. Missing interval values are simply missing. The data received (for
  the completeness rule of METHODOLOGY §8) are the readings that close an interval, whatever the rule.
- Duplicates: the same timestamp with the same value is counted once (an upload may be repeated);
  the same timestamp with a different value is rejected.
- A timestamp later than `now + future_tolerance` is rejected.
- Batches chain: pass the last stored reading as `previous`, and the next batch continues from it
  as if both had been one batch (readings before it need the stored readings passed with them).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from zoneinfo import ZoneInfo

#: Meters in China report China Standard Time (UTC+8, no daylight saving).
CHINA_TZ = ZoneInfo("Asia/Shanghai")
DAY = dt.timedelta(days=1)


class ReadingKind(StrEnum):
    INTERVAL = "interval"  # consumption of the interval ending at the timestamp
    CUMULATIVE = "cumulative"  # register value (表底数)


class GapRule(StrEnum):
    SPREAD = "spread"  # evenly over the missing intervals and the one read in
    LAST_INTERVAL = "last_interval"  # all to the interval the reading closes


class IntervalSource(StrEnum):
    MEASURED = "measured"  # an interval value, or the difference of two adjacent cumulative readings
    SPREAD = "spread"  # a share of consumption read across a gap (GapRule.SPREAD)


@dataclass(frozen=True)
class Reading:
    at: dt.datetime  # aware
    value: float  # in the meter's unit
    kind: ReadingKind


@dataclass(frozen=True)
class MeterReset:
    """A declared reset or meter exchange: from `at` on, the register counts from `start_value`.
    A reading at `at` itself is already the new register's. `final_value` is the old register's last
    value, when recorded; without it the consumption between the last reading and the reset is unknown."""

    at: dt.datetime
    start_value: float = 0.0
    final_value: float | None = None


@dataclass(frozen=True)
class MeterDeclaration:
    """What the enterprise declared for a metering point (the register holds these)."""

    point: str
    energy_type: str  # catalog code, e.g. 'electricity', 'natural_gas'
    unit: str  # unit code, e.g. 'kwh', 'm3' (checked against the energy type by ecer.core.energy_units)
    interval: dt.timedelta = dt.timedelta(minutes=15)
    rollover_value: float | None = None  # the register counts modulo this, e.g. 1000000 (or 999999.9 if so stated)
    resets: tuple[MeterReset, ...] = ()
    enthalpy_gj_per_t: float | None = None  # steam metered by mass (heat in t): its declared enthalpy


@dataclass(frozen=True)
class MeterRules:
    """The documented parameters of the conversion (docs/energy-monitoring.md)."""

    future_tolerance: dt.timedelta = dt.timedelta(minutes=5)  # clock skew allowed between meter and server
    gap_rule: GapRule = GapRule.SPREAD
    rollover_plausible_share: float = 0.1  # a rollover implying more than this share of R is rejected
    local_tz: dt.tzinfo = CHINA_TZ


@dataclass(frozen=True)
class IntervalConsumption:
    start: dt.datetime
    end: dt.datetime
    value: float  # in the meter's unit
    source: IntervalSource


@dataclass(frozen=True)
class Gap:
    """Intervals with no reading between `after` and `before` (both readings present)."""

    after: dt.datetime
    before: dt.datetime
    missing: int  # intervals without a reading
    consumption: float | None  # read across the gap (cumulative meters), None for interval meters
    rule: GapRule | None  # how it was attributed (cumulative meters)


@dataclass(frozen=True)
class MeterConsumption:
    declaration: MeterDeclaration
    intervals: tuple[IntervalConsumption, ...]
    gaps: tuple[Gap, ...]
    rollovers: tuple[dt.datetime, ...]  # timestamps of the readings that came after a rollover
    resets: tuple[MeterReset, ...]  # declared resets that fell inside the batch
    last_reading: Reading | None  # pass as `previous` with the next batch
    read_at: tuple[dt.datetime, ...] = ()  # the readings that closed an interval: the data received

    @property
    def total(self) -> float:
        return math.fsum(i.value for i in self.intervals)

    @property
    def received(self) -> int:
        """Intervals closed by a reading of this batch (what the completeness rule counts). A cumulative
        batch's first reading without `previous` closes none: the interval before it cannot be known."""
        return len(self.read_at)


@dataclass(frozen=True)
class ReadingProblem:
    """One reason to reject a batch: where (`index` into the batch, None for the declaration or the
    previous reading), which field, the value found and what was expected."""

    point: str
    index: int | None
    field: str
    value: str
    expected: str

    def __str__(self) -> str:
        where = f"readings[{self.index}]" if self.index is not None else "declaration"
        return f"metering point {self.point!r}, {where}, field '{self.field}' = {self.value}: expected {self.expected}"


class ReadingsRejected(ValueError):  # noqa: N818 - the domain word
    """The batch was rejected whole; carries every problem found."""

    def __init__(self, problems: Sequence[ReadingProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__(f"{len(self.problems)} problem(s); nothing was converted\n"
                         + "\n".join(f"  - {p}" for p in self.problems))


@dataclass
class _Problems:
    point: str
    found: list[ReadingProblem] = field(default_factory=list)

    def add(self, index: int | None, name: str, value: object, expected: str) -> None:
        shown = value.isoformat() if isinstance(value, dt.datetime) else repr(value)
        self.found.append(ReadingProblem(self.point, index, name, shown, expected))


def _on_grid(at: dt.datetime, interval: dt.timedelta, tz: dt.tzinfo) -> bool:
    local = at.astimezone(tz)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return (local - midnight) % interval == dt.timedelta(0)


def _check_declaration(d: MeterDeclaration, p: _Problems) -> None:
    if d.interval <= dt.timedelta(0) or DAY % d.interval != dt.timedelta(0):
        p.add(None, "interval", d.interval, "a positive length that divides a day (e.g. 15 min, 30 min, 1 h)")
    if d.rollover_value is not None and not (math.isfinite(d.rollover_value) and d.rollover_value > 0):
        p.add(None, "rollover_value", d.rollover_value, "a positive register maximum, or none")
    if d.enthalpy_gj_per_t is not None and not (math.isfinite(d.enthalpy_gj_per_t) and d.enthalpy_gj_per_t > 0):
        p.add(None, "enthalpy_gj_per_t", d.enthalpy_gj_per_t, "a positive steam enthalpy in GJ/t, or none")
    for r in d.resets:
        if r.at.tzinfo is None:
            p.add(None, "resets.at", r.at, "an aware timestamp (with its UTC offset)")
        for name, v in (("resets.start_value", r.start_value), ("resets.final_value", r.final_value)):
            if v is not None and not (math.isfinite(v) and v >= 0):
                p.add(None, name, v, "a finite register value ≥ 0")


def _check_reading(i: int, r: Reading, d: MeterDeclaration, now: dt.datetime, rules: MeterRules,
                   p: _Problems) -> None:
    if r.at.tzinfo is None:
        p.add(i, "at", r.at, "an aware timestamp (with its UTC offset; meters in China use +08:00)")
    else:
        if r.at > now + rules.future_tolerance:
            p.add(i, "at", r.at, f"not after now ({now.isoformat()}) + {rules.future_tolerance} tolerance")
        if d.interval > dt.timedelta(0) and not _on_grid(r.at, d.interval, rules.local_tz):
            p.add(i, "at", r.at, f"a time on the meter's {d.interval} grid from local midnight")
    if not math.isfinite(r.value) or r.value < 0:
        p.add(i, "value", r.value, "a finite value ≥ 0")
    elif (r.kind is ReadingKind.CUMULATIVE and d.rollover_value is not None
          and math.isfinite(d.rollover_value) and r.value >= d.rollover_value):
        p.add(i, "value", r.value, f"below the register's declared rollover value {d.rollover_value}")


def _unique(readings: Sequence[Reading], previous: Reading | None, p: _Problems) -> list[Reading]:
    """Readings sorted by time, each timestamp once; a second, different value for a time is a problem."""
    kind = previous.kind if previous is not None else (readings[0].kind if readings else None)
    seen: dict[dt.datetime, tuple[int | None, Reading]] = {}
    if previous is not None:
        seen[previous.at] = (None, previous)
    for i, r in enumerate(readings):
        if r.kind is not kind:
            p.add(i, "kind", r.kind.value, f"'{kind}' like the point's other readings (one kind per point)")
        if r.at.tzinfo is None:
            continue
        if previous is not None and r.at < previous.at:
            p.add(i, "at", r.at, f"after the last stored reading ({previous.at.isoformat()}); a late reading "
                                 "is converted with the stored readings around it")
            continue
        first = seen.get(r.at)
        if first is None:
            seen[r.at] = (i, r)
        elif first[1].value != r.value:
            origin = "the stored reading" if first[0] is None else f"readings[{first[0]}]"
            p.add(i, "value", r.value, f"{first[1].value} as in {origin} for the same time {r.at.isoformat()} "
                                       "(a repeated upload must repeat its values)")
    return [r for _, (i, r) in sorted(seen.items()) if i is not None]


@dataclass(frozen=True)
class _Step:
    consumption: float
    rollover: bool
    resets: tuple[MeterReset, ...]


def _step(index: int, prev: Reading, cur: Reading, d: MeterDeclaration, rules: MeterRules,
          p: _Problems) -> _Step | None:
    """Consumption read between two cumulative readings, through any declared resets between them."""
    resets = tuple(sorted((r for r in d.resets if r.at.tzinfo is not None and prev.at < r.at <= cur.at),
                          key=lambda r: r.at))
    register, counted = prev.value, 0.0
    for r in resets:
        if r.final_value is not None:
            if r.final_value < register:
                p.add(index, "resets.final_value", r.final_value,
                      f"≥ {register} (the register before the reset at {r.at.isoformat()})")
                return None
            counted += r.final_value - register
        register = r.start_value
    if cur.value >= register:
        return _Step(counted + cur.value - register, False, resets)
    rollover = d.rollover_value
    if rollover is not None and not resets:
        implied = rollover - register + cur.value
        if implied <= rules.rollover_plausible_share * rollover:
            return _Step(implied, True, resets)
        why = (f"; as a rollover of the declared register ({rollover}) it would mean {implied:g} {d.unit}, "
               f"more than {rules.rollover_plausible_share:.0%} of the register: not plausible")
    else:
        why = "" if not resets else " (the register's value after the declared reset)"
    since = resets[-1].at if resets else prev.at
    p.add(index, "value", cur.value, f"≥ {register} (the register at {since.isoformat()}){why}, or a declared "
                                     f"reset between {prev.at.isoformat()} and {cur.at.isoformat()}")
    return None


def _attribute(prev_at: dt.datetime, cur_at: dt.datetime, consumption: float, d: MeterDeclaration,
               rules: MeterRules) -> tuple[list[IntervalConsumption], Gap | None]:
    n = (cur_at - prev_at) // d.interval
    if n == 1:
        return [IntervalConsumption(prev_at, cur_at, consumption, IntervalSource.MEASURED)], None
    gap = Gap(prev_at, cur_at, n - 1, consumption, rules.gap_rule)
    if rules.gap_rule is GapRule.LAST_INTERVAL:
        return [IntervalConsumption(cur_at - d.interval, cur_at, consumption, IntervalSource.MEASURED)], gap
    share = consumption / n
    return [IntervalConsumption(prev_at + k * d.interval, prev_at + (k + 1) * d.interval, share,
                                IntervalSource.SPREAD) for k in range(n)], gap


def _intervals_of_values(readings: list[Reading], previous: Reading | None,
                         d: MeterDeclaration) -> tuple[list[IntervalConsumption], list[Gap]]:
    out = [IntervalConsumption(r.at - d.interval, r.at, r.value, IntervalSource.MEASURED) for r in readings]
    times = ([previous.at] if previous is not None else []) + [r.at for r in readings]
    gaps = [Gap(a, b, (b - a) // d.interval - 1, None, None) for a, b in zip(times, times[1:], strict=False)
            if b - a > d.interval]
    return out, gaps


def interval_consumption(
    declaration: MeterDeclaration,
    readings: Iterable[Reading],
    *,
    now: dt.datetime,
    previous: Reading | None = None,
    rules: MeterRules = MeterRules(),  # noqa: B008 - frozen, shared safely
) -> MeterConsumption:
    """Consumption per interval of one metering point's batch, in the declared unit.

    `now` (aware) judges future timestamps; `previous` is the point's last stored reading, from which a
    cumulative batch continues. Raises ReadingsRejected with every problem found; nothing is returned
    for a batch with any problem.
    """
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime (the server's clock with its UTC offset)")
    batch = list(readings)
    p = _Problems(declaration.point)
    _check_declaration(declaration, p)
    for i, r in enumerate(batch):
        _check_reading(i, r, declaration, now, rules, p)
    if previous is not None and previous.at.tzinfo is None:
        p.add(None, "previous.at", previous.at, "an aware timestamp")
        previous = None
    unique = _unique(batch, previous, p)
    if p.found:
        raise ReadingsRejected(p.found)
    index_of = {r.at: i for i, r in enumerate(batch)}
    kind = previous.kind if previous is not None else (unique[0].kind if unique else ReadingKind.INTERVAL)
    if kind is ReadingKind.INTERVAL:
        values, gaps = _intervals_of_values(unique, previous, declaration)
        return MeterConsumption(declaration, tuple(values), tuple(gaps), (), (),
                                unique[-1] if unique else previous, tuple(r.at for r in unique))
    chain = ([previous] if previous is not None else []) + unique
    intervals: list[IntervalConsumption] = []
    found_gaps: list[Gap] = []
    rollovers: list[dt.datetime] = []
    resets: list[MeterReset] = []
    for prev, cur in zip(chain, chain[1:], strict=False):
        step = _step(index_of[cur.at], prev, cur, declaration, rules, p)
        if step is None:
            continue
        rollovers += [cur.at] if step.rollover else []
        resets += step.resets
        parts, gap = _attribute(prev.at, cur.at, step.consumption, declaration, rules)
        intervals += parts
        found_gaps += [gap] if gap is not None else []
    if p.found:
        raise ReadingsRejected(p.found)
    return MeterConsumption(declaration, tuple(intervals), tuple(found_gaps), tuple(rollovers), tuple(resets),
                            chain[-1] if chain else None, tuple(r.at for r in chain[1:]))
