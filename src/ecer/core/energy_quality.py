"""The data-quality rules of energy online monitoring (METHODOLOGY §8; 发改环资〔2017〕1711号):
at least 90% of the expected data received, and the sum of the daily values within 5% of the
month's value. Pure functions returning the figures, the threshold applied and pass/fail.

- Completeness of an enterprise over local dates [start, end): received = intervals closed by a
  reading (`MeterConsumption.read_at`; the interval counts on the local date it starts), expected =
  days × intervals per day of each metering point (96 for a 15-minute meter). A point commissioned or
  retired inside the period is passed for its active dates only.
- Daily against monthly: |Σ daily − monthly| / monthly, in one unit (tce on one basis, or one
  meter's physical unit); the monthly value is the one the enterprise reports for the month (月度数据).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ecer.core.meters import CHINA_TZ, DAY, MeterConsumption


@dataclass(frozen=True)
class QualityRules:
    """The thresholds of METHODOLOGY §8, as documented parameters (docs/energy-monitoring.md)."""

    min_completeness: float = 0.90  # share of expected data that must be received
    max_daily_monthly_deviation: float = 0.05  # |Σ daily − monthly| / monthly allowed
    local_tz: dt.tzinfo = CHINA_TZ


@dataclass(frozen=True)
class Completeness:
    start: dt.date
    end: dt.date  # exclusive
    received: int
    expected: int
    share: float
    threshold: float
    passed: bool


@dataclass(frozen=True)
class DailyMonthly:
    daily_sum: float
    monthly: float
    deviation: float | None  # None: the month's value is 0 and the days are not
    threshold: float
    passed: bool


def expected_intervals(interval: dt.timedelta, start: dt.date, end: dt.date) -> int:
    """Intervals of a meter in local dates [start, end) (China has no daylight saving: 96 a day at 15 min)."""
    if interval <= dt.timedelta(0) or DAY % interval != dt.timedelta(0):
        raise ValueError(f"interval {interval} must be positive and divide a day")
    if end < start:
        raise ValueError(f"period end {end} is before its start {start}")
    return (end - start).days * (DAY // interval)


def received_on(at: dt.datetime, interval: dt.timedelta, tz: dt.tzinfo = CHINA_TZ) -> dt.date:
    """The local date a reading that closes an interval counts on: the date the interval starts."""
    return (at - interval).astimezone(tz).date()


def completeness(meters: Sequence[MeterConsumption], start: dt.date, end: dt.date,
                 rules: QualityRules = QualityRules()) -> Completeness:  # noqa: B008 - frozen
    """Share of the expected data of these metering points (one enterprise's) received in [start, end).
    A point's readings count once even if it appears in several batches."""
    received = 0
    for point in {m.declaration.point for m in meters}:
        batches = [m for m in meters if m.declaration.point == point]
        interval = batches[0].declaration.interval
        received += len({at for m in batches for at in m.read_at
                         if start <= received_on(at, interval, rules.local_tz) < end})
    expected = sum(expected_intervals(m.declaration.interval, start, end)
                   for m in {m.declaration.point: m for m in meters}.values())
    return completeness_of(received, expected, start, end, rules)


def completeness_of(received: int, expected: int, start: dt.date, end: dt.date,
                    rules: QualityRules = QualityRules()) -> Completeness:  # noqa: B008 - frozen
    """The rule on counts already made (a stored daily roll-up's received intervals; `expected_intervals`
    per point): share, threshold and pass/fail."""
    share = received / expected if expected else 0.0
    return Completeness(start, end, received, expected, share, rules.min_completeness,
                        expected > 0 and share >= rules.min_completeness)


def daily_vs_monthly(daily: Iterable[float], monthly: float,
                     rules: QualityRules = QualityRules()) -> DailyMonthly:  # noqa: B008 - frozen
    """Whether the days add up to the month's value within the allowed deviation."""
    values = list(daily)
    if not math.isfinite(monthly) or monthly < 0 or any(not math.isfinite(v) or v < 0 for v in values):
        raise ValueError("daily and monthly values must be finite and ≥ 0")
    total = math.fsum(values)
    if monthly == 0:
        deviation: float | None = 0.0 if total == 0 else None
    else:
        deviation = abs(total - monthly) / monthly
    passed = deviation is not None and deviation <= rules.max_daily_monthly_deviation
    return DailyMonthly(total, monthly, deviation, rules.max_daily_monthly_deviation, passed)
