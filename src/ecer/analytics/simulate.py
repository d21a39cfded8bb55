"""Simulated loggers for a month, compressed in time, with their ground truth (tests, benchmarks).

Each point sends a real-time reading of each factor every `interval_s` seconds of DataTime and an
hourly record (2061 Avg = the mean of the hour's valid real-time values; for some hours also the
pollutant's Cou in kg). The generator drops whole hours (gaps), marks some readings invalid (flag
D), freezes one sensor for a stretch (stuck), sends a few negative and future-dated readings, and
re-sends an earlier day (duplicates, which the lake must refuse). Water loggers also send a flow
totaliser (2011 `Cou`, m³) that glitches backwards on the 15th and is reset at midnight of the 20th;
on the 9th each logger sends one negative hourly `Cou` (flagged, the amount falls back to
concentration × flow). Some loggers send a factor in another unit than the code table's (`Spec.sends`):
µg/m³ or a flow in m³/h, which the registry declares and the roll-up converts, or a mismatch (mg/L
for a flue-gas factor) that must be counted and left out of every average and amount. It computes, in plain Python and
independently of the roll-ups, what the month's totals and rates must be.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from ecer.analytics.params import AnalyticsParams
from ecer.gateway.lake import LakeRow

RX = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
POINTS = {"water": ("w00000", [("w01018", 40.0), ("w21003", 3.0)], 20.0),
          "air": ("a00000", [("a21026", 60.0), ("a21002", 90.0)], 50000.0)}


@dataclass
class Truth:
    amount_kg: dict[tuple[str, str], float] = field(default_factory=dict)  # (mn, factor) → month kg
    cou_kg: dict[tuple[str, str], float] = field(default_factory=dict)  # the part of it sent as Cou
    cou_hours: dict[tuple[str, str], int] = field(default_factory=dict)
    received: dict[str, int] = field(default_factory=dict)  # real-time packets per MN
    readings: dict[str, int] = field(default_factory=dict)
    valid: dict[str, int] = field(default_factory=dict)
    bad_time: dict[str, int] = field(default_factory=dict)
    negative: dict[str, int] = field(default_factory=dict)
    cou_backwards: dict[str, int] = field(default_factory=dict)  # totaliser steps back + negative interval Cou
    unit_mismatch: dict[str, int] = field(default_factory=dict)  # real-time readings in an unconvertible unit
    last_total: dict[str, float] = field(default_factory=dict)  # the generator's own totaliser state

    def count_reading(self, mn: str, *, valid: bool, unit_ok: bool, negative: bool) -> None:
        self.readings[mn] = self.readings.get(mn, 0) + 1
        if not unit_ok:  # counted, never valid, averaged or summed
            self.unit_mismatch[mn] = self.unit_mismatch.get(mn, 0) + 1
        elif valid:
            self.valid[mn] = self.valid.get(mn, 0) + 1
            self.negative[mn] = self.negative.get(mn, 0) + int(negative)

    def count_backwards(self, mn: str) -> None:
        self.cou_backwards[mn] = self.cou_backwards.get(mn, 0) + 1


@dataclass(frozen=True)
class Spec:
    mn: str
    kind: str
    seed: int
    # (factor, declared unit, what the logger multiplies the true value by; None: a unit that does not
    # convert, values sent as they are). The multipliers are physics, written here independently of
    # the unit table the roll-up uses.
    sends: tuple[tuple[str, str, float | None], ...] = ()

    def multiplier(self, code: str) -> float | None:
        return next((m for f, _, m in self.sends if f == code), 1.0)


SENDS = {1: (("a21002", "mg_per_l", None),),  # a flue-gas factor declared in mg/L: a mismatch
         2: (("w00000", "m3_per_h", 3.6),),  # water flow in m³/h: 1 L/s = 3.6 m³/h
         3: (("a21026", "ug_per_m3", 1000.0),)}  # SO₂ in µg/m³: 1 mg = 1000 µg


def specs(n: int) -> list[Spec]:
    return [Spec(f"SIMMONTH{i:016d}", "water" if i % 2 == 0 else "air", 1000 + i, SENDS.get(i, ()))
            for i in range(n)]


def declarations(specs_: list[Spec]) -> list[tuple[str, str, str]]:
    """What the registry declares for these loggers: (mn, factor, unit)."""
    return [(s.mn, factor, unit) for s in specs_ for factor, unit, _ in s.sends]


def simulate_day(spec: Spec, day: dt.date, interval_s: int, truth: Truth, params: AnalyticsParams) -> list[LakeRow]:
    """One DataTime day of one logger; adds the day's ground truth to `truth`."""
    rng = random.Random(f"{spec.seed}-{day}")
    flow_code, pollutants, flow_typical = POINTS[spec.kind]
    per_hour = 3600 // interval_s
    k = params.kg_per_hour(spec.kind)
    rows: list[LakeRow] = []
    for hour in range(24):
        if rng.random() < 0.03 and day.day != 7:  # a gap: nothing at all this hour (7 March: the stuck day)
            continue
        start = dt.datetime.combine(day, dt.time(hour))
        series = {code: [] for code in [flow_code, *(p for p, _ in pollutants)]}
        for i in range(per_hour):
            at = start + dt.timedelta(seconds=i * interval_s)
            truth.received[spec.mn] = truth.received.get(spec.mn, 0) + 1
            invalid = rng.random() < 0.05
            for code, typical in [(flow_code, flow_typical), *pollutants]:
                value = round(max(0.0, rng.gauss(typical, typical / 5)), 3)
                if code == pollutants[0][0] and day.day == 7 and 8 <= hour < 16:
                    value = 12.5  # a frozen sensor: stuck for 8 hours
                negative = code == pollutants[1][0] and not invalid and rng.random() < 0.002
                if negative:
                    value = -0.5
                mult = spec.multiplier(code)
                sent = value * (mult or 1.0)
                rows.append(LakeRow(spec.mn, "32", "2011", at, code, "Rtd", sent, f"{sent}",
                                    "D" if invalid else "N", RX, 1, code))
                if code == "w00000":
                    rows.append(_totaliser_row(spec, at, truth))
                truth.count_reading(spec.mn, valid=not invalid, unit_ok=mult is not None, negative=negative)
                if not invalid:
                    series[code].append(value)
        means = {code: (sum(v) / len(v) if v else None) for code, v in series.items()}
        for code, mean in means.items():
            if mean is not None:  # the logger's hourly average, in the unit it sends
                sent = mean * (spec.multiplier(code) or 1.0)
                rows.append(LakeRow(spec.mn, "32", "2061", start, code, "Avg", sent, "", "N", RX, 1, code))
        rows += _hour_amounts(spec, start, [p for p, _ in pollutants], means, means[flow_code], k, rng, truth)
    return rows


def _totaliser_row(spec: Spec, at: dt.datetime, truth: Truth) -> LakeRow:
    """The flow totaliser (m³ since the month began, reset to 0 at the 20th's midnight); one reading at
    10:00 of the 15th comes 50 m³ short. A reading below the one before is what the roll-up must flag."""
    reset = dt.datetime(at.year, at.month, 20)
    total = round(((at - reset) if at >= reset else (at - at.replace(day=1, hour=0, minute=0, second=0)))
                  .total_seconds() * 0.02, 3)
    if at.day == 15 and at.hour == 10 and at.minute == 0:
        total -= 50.0
    if total < truth.last_total.get(spec.mn, -1.0):
        truth.count_backwards(spec.mn)
    truth.last_total[spec.mn] = total
    return LakeRow(spec.mn, "32", "2011", at, "w00000", "Cou", total, f"{total}", "N", RX, 1, "w00000")


def _hour_amounts(spec: Spec, start: dt.datetime, pollutants: list[str], means: dict[str, float | None],
                  flow: float | None, k: float, rng: random.Random, truth: Truth) -> list[LakeRow]:
    """Cou rows of the hour (sent for some hours), and each pollutant's true amount of the hour."""
    rows = []
    for code in pollutants:
        conc = means[code]
        sends_cou = rng.random() < 0.2  # this hour the logger also sends the pollutant's amount (Cou, kg)
        if start.day == 9 and start.hour == 5 and code == pollutants[0]:  # a negative amount: flagged
            rows.append(LakeRow(spec.mn, "32", "2061", start, code, "Cou", -1.25, "", "N", RX, 1, code))
            truth.count_backwards(spec.mn)
            sends_cou = False  # the amount falls back to concentration × flow
        amount = None
        if sends_cou:
            amount = round(rng.uniform(0.1, 5.0), 4)
            rows.append(LakeRow(spec.mn, "32", "2061", start, code, "Cou", amount, "", "N", RX, 1, code))
        elif conc is not None and flow is not None:
            amount = conc * flow * k
        if amount is None or spec.multiplier(code) is None:  # an unconvertible unit: no amount at all
            continue
        truth.amount_kg[(spec.mn, code)] = truth.amount_kg.get((spec.mn, code), 0.0) + amount
        if sends_cou:
            truth.cou_kg[(spec.mn, code)] = truth.cou_kg.get((spec.mn, code), 0.0) + amount
            truth.cou_hours[(spec.mn, code)] = truth.cou_hours.get((spec.mn, code), 0) + 1
    return rows


def future_rows(spec: Spec, now: dt.datetime, truth: Truth) -> list[LakeRow]:
    """Real-time readings dated a day after `now` (a logger clock gone wrong): flagged, never summed."""
    at = now + dt.timedelta(days=1)
    truth.bad_time[spec.mn] = truth.bad_time.get(spec.mn, 0) + 1
    return [LakeRow(spec.mn, "32", "2011", at, POINTS[spec.kind][1][0][0], "Rtd", 1.0, "1.0", "N", RX, 1, "")]


def month_days(year: int, month: int) -> Iterator[dt.date]:
    day = dt.date(year, month, 1)
    while day.month == month:
        yield day
        day += dt.timedelta(days=1)
