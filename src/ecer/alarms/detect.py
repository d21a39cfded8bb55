"""Alarm detection (报警判定) as pure functions: no Django, no I/O. Rules in docs/monitoring-analytics.md.

- Exceedance (超标): an hourly average outside the permitted range [lower, upper]. The value judged is
  the logger's oxygen-corrected hourly average `ZsAvg` where it sent one, else its hourly average
  `Avg` (CN 2061), else the mean of the hour's valid real-time values `Rtd` (the roll-up's `avg`).
  Consecutive exceeding hours of one point and factor are one episode with its start, end (end of its
  last hour) and peak (the value farthest outside the range). A missing hour ends an episode; an hour
  inside the range after it means the condition has ended (`ongoing` False).
- Offline (离线): no packet for longer than the device's threshold; the episode starts at the last
  packet. It ends when a packet arrives.
- Data quality (数据质量): a complete day whose transmission rate or valid-data rate is below its
  threshold.

Episodes carry a `key` that does not change when the same hours are judged again, so storing them is
idempotent; late data only moves an episode's end and peak (or joins two episodes, see
`ecer.services.alarms`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ecer.monitoring.limits import violates

EXCEEDANCE, OFFLINE, DATA_QUALITY = "exceedance", "offline", "data_quality"
HOUR = dt.timedelta(hours=1)
# Basis of the judged value, in order of preference: oxygen-corrected hourly average, hourly average,
# mean of the valid real-time values.
BASIS_COLUMNS = (("ZsAvg", "hourly_zs_avg"), ("Avg", "hourly_avg"), ("Rtd", "avg"))
QUALITY_MEASURES = ("transmission_rate", "valid_rate")


@dataclass(frozen=True)
class Thresholds:
    """The configurable thresholds (ECER_ALARM_* settings, docs/configuration.md)."""

    offline_minutes: int = 30  # default; a device may have its own
    min_transmission_rate: float = 0.9
    min_valid_rate: float = 0.9


@dataclass
class Episode:
    """One alarm condition found in the data (times are the loggers' local time, naive)."""

    kind: str
    mn: str
    factor: str  # HJ 212 factor code (exceedance), measure name (data quality), "" (offline)
    start: dt.datetime
    end: dt.datetime | None  # None: still going on at the time of detection (offline)
    peak_value: float | None = None
    peak_at: dt.datetime | None = None
    limit_lower: float | None = None
    limit_upper: float | None = None
    basis: str = ""
    hours: int = 0
    ongoing: bool = False  # the condition held at the last observation
    breach: bool = True  # False: judged and found fine (a quality day above its threshold): clears only
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        """Identity of the episode: kind, device, factor and start (the same on every re-run)."""
        return f"{self.kind}:{self.mn}:{self.factor}:{self.start.isoformat()}"


def judged_value(row: Mapping[str, Any]) -> tuple[float | None, str]:
    """(value, basis) of an hourly roll-up row: ZsAvg, else Avg, else the mean of valid Rtd."""
    for basis, column in BASIS_COLUMNS:
        value = row.get(column)
        if value is not None and value == value:  # NaN is no value
            return float(value), basis
    return None, ""


def _deviation(value: float, lower: float | None, upper: float | None) -> float:
    over = value - upper if upper is not None else float("-inf")
    under = lower - value if lower is not None else float("-inf")
    return max(over, under)


def exceedances(rows: Iterable[Mapping[str, Any]],
                limits: Mapping[tuple[str, str], tuple[float | None, float | None]]) -> list[Episode]:
    """Exceedance episodes in hourly roll-up rows (`mn`, `factor`, `hour` and the value columns).

    `limits` maps (mn, factor) to (lower, upper); factors without a limit are not judged."""
    series: dict[tuple[str, str], list[tuple[dt.datetime, float | None, str]]] = {}
    for row in rows:
        key = (row["mn"], row["factor"])
        if key in limits:
            value, basis = judged_value(row)
            series.setdefault(key, []).append((row["hour"], value, basis))
    out: list[Episode] = []
    for (mn, factor), hours in sorted(series.items()):
        lower, upper = limits[(mn, factor)]
        current: Episode | None = None
        for hour, value, basis in sorted(hours, key=lambda h: h[0]):
            exceeding = value is not None and violates(value, lower, upper)
            if current is not None and (not exceeding or hour != current.end):
                current.ongoing = False  # a later hour was seen: in range, or after a missing hour
                out.append(current)
                current = None
            if not exceeding or value is None:
                continue
            if current is None:
                current = Episode(EXCEEDANCE, mn, factor, hour, hour + HOUR, value, hour, lower, upper, basis,
                                  ongoing=True)
            current.end = hour + HOUR
            current.hours += 1
            if current.peak_value is None or _deviation(value, lower, upper) > _deviation(current.peak_value,
                                                                                          lower, upper):
                current.peak_value, current.peak_at = value, hour
            if basis != current.basis:
                current.basis = ",".join(sorted({*current.basis.split(","), basis} - {""}))
        if current is not None:
            out.append(current)
    return out


def offline(devices: Iterable[tuple[str, dt.datetime | None, int | None]], now: dt.datetime,
            thresholds: Thresholds) -> list[Episode]:
    """Devices offline at `now`: (mn, last packet time, own threshold in minutes or None) each.

    A device that never sent a packet is not judged (it has no start). Times must share one clock."""
    out = []
    for mn, last, own in devices:
        minutes = own if own is not None else thresholds.offline_minutes
        if last is not None and now - last > dt.timedelta(minutes=minutes):
            out.append(Episode(OFFLINE, mn, "", last, None, ongoing=True,
                               detail={"threshold_minutes": minutes,
                                       "silent_minutes": int((now - last).total_seconds() // 60)}))
    return out


def quality_alarms(days: Iterable[Mapping[str, Any]], today: dt.date, thresholds: Thresholds) -> list[Episode]:
    """Data-quality episodes from daily quality figures (`mn`, `period` YYYY-MM-DD, `transmission_rate`,
    `valid_rate`); only complete days (before `today`) are judged. Every judged day and measure is
    returned: `breach` False marks one at or above its threshold (an alarm of it, if any, is cleared:
    late data lifted the rate)."""
    minimum = {"transmission_rate": thresholds.min_transmission_rate, "valid_rate": thresholds.min_valid_rate}
    out = []
    for row in days:
        day = dt.date.fromisoformat(str(row["period"])[:10])
        if day >= today:
            continue
        start = dt.datetime.combine(day, dt.time())
        for measure in QUALITY_MEASURES:
            rate = row.get(measure)
            if rate is None:
                continue
            out.append(Episode(DATA_QUALITY, row["mn"], measure, start, start + dt.timedelta(days=1),
                               float(rate), start, minimum[measure], None, measure, 24,
                               ongoing=float(rate) < minimum[measure], breach=float(rate) < minimum[measure],
                               detail={"rate": float(rate), "threshold": minimum[measure]}))
    return out
