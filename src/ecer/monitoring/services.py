"""Read-side services for the monitoring pages and API (thin views call these)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from ecer.analytics.latest import SERIES as LATEST_SERIES
from ecer.hj212 import describe_factor
from ecer.hj212.units import catalog_unit
from ecer.monitoring.limits import EXCEEDANCE_CN, judgement
from ecer.monitoring.models import Device, DeviceStatus, MonitoringPoint, PermittedLimit, QuarantinedDevice

log = logging.getLogger(__name__)


def points_with_devices() -> list[MonitoringPoint]:
    """Every point with its enterprise, limits and devices (with status), in 3 queries."""
    return list(
        MonitoringPoint.objects.select_related("enterprise")
        .prefetch_related(
            Prefetch("limits", queryset=PermittedLimit.objects.order_by("factor_code")),
            Prefetch("devices", queryset=Device.objects.select_related("status").order_by("mn")),
        )
    )


def device_by_mn(mn: str) -> Device | None:
    return (Device.objects.select_related("point__enterprise", "status")
            .prefetch_related("point__limits").filter(mn=mn).first())


def status_of(device: Device) -> DeviceStatus | None:
    try:
        return device.status
    except DeviceStatus.DoesNotExist:
        return None


def quarantine() -> list[QuarantinedDevice]:
    return list(QuarantinedDevice.objects.all()[:500])


# (CN, field) of each column of the detail page: real-time value, minute average, hourly average.
SERIES = LATEST_SERIES
FLOW_SUFFIX = "00000"  # w00000 / a00000: flows carry no concentration limit
EXCEEDANCE_WINDOW_HOURS = 24


@dataclass(frozen=True)
class Reading:
    value: float | None
    data_time: dt.datetime  # naive: logger local time (Beijing time for loggers in China)
    flag: str
    limit: float | None  # upper bound of the permitted range
    cn: str = ""
    lower: float | None = None  # lower bound where the limit is a range (pH 6–9)

    @property
    def judgement(self) -> str:
        """"exceedance" (hourly average outside the range), "realtime_over" or ""."""
        return judgement(self.cn, self.value, self.lower, self.limit)

    @property
    def exceeds(self) -> bool:
        """An exceedance (超标): only an hourly average outside the permitted range."""
        return self.judgement == "exceedance"

    @property
    def realtime_over(self) -> bool:
        """A real-time (or minute) value outside the range: shown, not an exceedance."""
        return self.judgement == "realtime_over"


@dataclass(frozen=True)
class FactorRow:
    """One factor of a device: its newest real-time value, minute and hourly average, against its limit."""

    factor: str
    unit: str  # unit code of the factor (HJ 212 code table)
    limit: PermittedLimit | None
    realtime: Reading | None
    minute: Reading | None
    hourly: Reading | None

    @property
    def readings(self) -> tuple[Reading | None, Reading | None, Reading | None]:
        return self.realtime, self.minute, self.hourly

    @property
    def exceeds(self) -> bool:
        return any(r is not None and r.exceeds for r in self.readings)

    @property
    def realtime_over(self) -> bool:
        return any(r is not None and r.realtime_over for r in self.readings)


def _limits(point: MonitoringPoint) -> dict[str, PermittedLimit]:
    """The point's concentration limits by factor (flows excluded): what an exceedance is measured against."""
    return {lim.factor_code: lim for lim in point.limits.all() if not lim.factor_code.endswith(FLOW_SUFFIX)}


def _window_start(hours: int) -> dt.datetime:
    """`hours` ago in the loggers' local time (DataTime is naive local time)."""
    now: dt.datetime = timezone.localtime()
    return now.replace(tzinfo=None) - dt.timedelta(hours=hours)


def _data_dir() -> Path:
    from ecer import config

    return config.data_dir()


def _limit_rows(device: Device, limits: dict[str, PermittedLimit]) -> list[tuple[str, str, float | None, float]]:
    return [(device.mn, code, *lim.catalog_range) for code, lim in limits.items()
            if lim.catalog_range[1] is not None]


def latest_by_factor(device: Device) -> list[FactorRow]:
    """Newest value of each factor per series (`ecer.analytics.latest`, kept by the roll-up run:
    never the raw lake parts); empty before the first run."""
    from ecer.analytics import latest

    try:
        rows = latest.read(_data_dir(), device.mn)
    except Exception:  # a page must render without it
        log.exception("latest values unreadable for %s", device.mn)
        return []
    limits = _limits(device.point)
    series_of = {pair: name for name, pair in SERIES.items()}
    by_factor: dict[str, dict[str, Reading]] = {}
    for r in rows:
        name = series_of.get((r["cn"], r["field"]))
        if name is None:
            continue
        limit = limits.get(r["factor"])
        lower, upper = limit.catalog_range if limit else (None, None)
        by_factor.setdefault(r["factor"], {})[name] = Reading(
            r["value"], r["data_time"], r["flag"] or "", upper, r["cn"], lower)
    out = []
    for factor in sorted(by_factor, key=lambda f: (f not in limits, f)):  # limited factors first
        described = describe_factor(factor)
        out.append(FactorRow(factor, described.unit if described else "", limits.get(factor),
                             **{name: by_factor[factor].get(name) for name in SERIES}))
    return out


def latest_as_of() -> dt.datetime | None:
    """When the roll-up run the latest values come from ended (aware); None before the first run."""
    from ecer.analytics import latest

    return latest.as_of(_data_dir())


@dataclass(frozen=True)
class Exceedance:
    """An hourly average (CN 2061; ZsAvg where sent) outside the permitted range."""

    factor: str
    cn: str
    data_time: dt.datetime
    value: float
    limit: float
    unit: str
    lower: float | None = None

    @property
    def range_text(self) -> str:
        from ecer.monitoring.limits import permitted_range_text

        return permitted_range_text(self.lower, self.limit)


def recent_exceedances(device: Device, hours: int = EXCEEDANCE_WINDOW_HOURS, limit_rows: int = 20) -> list[Exceedance]:
    """Hourly averages (CN 2061, ZsAvg where sent) outside the permitted range in the last `hours`
    (logger local time), newest first, from the hourly roll-ups (never the raw lake parts)."""
    from ecer.analytics import reads

    limits = _limits(device.point)
    if not limits:
        return []
    try:
        rows = reads.hourly_outside(_data_dir(), _window_start(hours), _limit_rows(device, limits),
                                    limit_rows=limit_rows)
    except Exception:
        log.exception("hourly roll-ups unreadable for %s", device.mn)
        return []
    return [Exceedance(r["factor"], EXCEEDANCE_CN, r["hour"], r["value"], r["lim"],
                       catalog_unit(r["factor"]) or limits[r["factor"]].unit, r["lo"]) for r in rows]


def recent_events(status: DeviceStatus | None) -> list[dict[str, Any]]:
    """The gateway's recent packet events with their time as an aware datetime (rendered in local time)."""
    events = []
    for event in (status.recent or []) if status else []:
        try:
            at: dt.datetime | str = dt.datetime.fromisoformat(event.get("at", ""))
        except ValueError:
            at = event.get("at", "")
        events.append({**event, "at": at})
    return events


def exceedance_counts(points: list[MonitoringPoint], hours: int = EXCEEDANCE_WINDOW_HOURS) -> dict[str, int]:
    """Hourly averages outside their permitted range per MN in the last `hours`, in one query over
    the hourly roll-ups of those hours' dates (never the raw lake parts)."""
    from ecer.analytics import reads

    rows_in = [row for point in points for device in point.devices.all()
               for row in _limit_rows(device, _limits(point))]
    if not rows_in:
        return {}
    try:
        rows = reads.hourly_outside(_data_dir(), _window_start(hours), rows_in, count_only=True)
    except Exception:
        log.exception("hourly roll-ups unreadable for the exceedance counts")
        return {}
    return {r["mn"]: int(r["n"]) for r in rows}


@dataclass(frozen=True)
class Overview:
    devices: int
    online: int
    offline: int
    never: int


def overview(points: list[MonitoringPoint]) -> Overview:
    devices = [d for p in points for d in p.devices.all()]
    statuses = [status_of(d) for d in devices]
    online = sum(1 for s in statuses if s is not None and s.connected)
    never = sum(1 for s in statuses if s is None)
    return Overview(len(devices), online, len(devices) - online - never, never)
