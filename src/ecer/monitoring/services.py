"""Read-side services for the monitoring pages and API (thin views call these)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

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
SERIES = {"realtime": ("2011", "Rtd"), "minute": ("2051", "Avg"), "hourly": ("2061", "Avg")}
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


# Hourly averages (ZsAvg where sent, else Avg) of `measurements`, one row per (mn, factor, hour).
_HOURLY_JUDGED = (
    "SELECT mn, factor, data_time, coalesce(max(value) FILTER (WHERE field = 'ZsAvg'),"
    f" max(value) FILTER (WHERE field = 'Avg')) AS value FROM measurements WHERE cn = '{EXCEEDANCE_CN}'"
    " AND field IN ('ZsAvg', 'Avg') AND data_time >= ? {extra} GROUP BY mn, factor, data_time")
# ... outside the permitted range [lo, lim] of the joined limits `l`.
_OUTSIDE = "(m.value > l.lim OR (l.lo IS NOT NULL AND m.value < l.lo))"


def latest_by_factor(device: Device) -> list[FactorRow]:
    """Newest value of each factor per series, from the lake (DuckDB); [] when the lake has none."""
    from ecer.gateway.lake import query

    pairs = " OR ".join("(cn = ? AND field = ?)" for _ in SERIES)
    try:
        rows = query(
            "SELECT cn, factor, field, data_time, value, flag FROM ("
            " SELECT *, row_number() OVER (PARTITION BY cn, factor, field ORDER BY data_time DESC, received_at DESC)"
            f" AS rn FROM measurements WHERE mn = ? AND ({pairs})) WHERE rn = 1",
            [device.mn, *(x for pair in SERIES.values() for x in pair)],
        )
    except Exception:  # the lake is an optional read here: a page must render without it
        log.exception("lake query failed for %s", device.mn)
        return []
    limits = _limits(device.point)
    series_of = {pair: name for name, pair in SERIES.items()}
    by_factor: dict[str, dict[str, Reading]] = {}
    for r in rows:
        limit = limits.get(r["factor"])
        lower, upper = limit.catalog_range if limit else (None, None)
        by_factor.setdefault(r["factor"], {})[series_of[(r["cn"], r["field"])]] = Reading(
            r["value"], r["data_time"], r["flag"] or "", upper, r["cn"], lower)
    out = []
    for factor in sorted(by_factor, key=lambda f: (f not in limits, f)):  # limited factors first
        described = describe_factor(factor)
        out.append(FactorRow(factor, described.unit if described else "", limits.get(factor),
                             **{name: by_factor[factor].get(name) for name in SERIES}))
    return out


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
    """Hourly averages outside the permitted range in the last `hours` (logger local time), newest first."""
    from ecer.gateway.lake import query

    limits = _limits(device.point)
    if not limits:
        return []
    try:
        rows = query(
            "SELECT m.factor, m.data_time, m.value, l.lim, l.lo FROM ("
            + _HOURLY_JUDGED.format(extra="AND mn = ?") + ") m"
            " JOIN (SELECT unnest(?::VARCHAR[]) AS factor, unnest(?::DOUBLE[]) AS lim, unnest(?::DOUBLE[]) AS lo) l"
            f" ON m.factor = l.factor WHERE {_OUTSIDE} ORDER BY m.data_time DESC, m.factor LIMIT ?",
            [_window_start(hours), device.mn, list(limits), [x.catalog_range[1] for x in limits.values()],
             [x.catalog_range[0] for x in limits.values()], limit_rows],
        )
    except Exception:
        log.exception("lake exceedance query failed for %s", device.mn)
        return []
    return [Exceedance(r["factor"], EXCEEDANCE_CN, r["data_time"], r["value"], r["lim"],
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
    """Hourly averages outside their permitted range per MN in the last `hours`, in one lake query."""
    from ecer.gateway.lake import query

    rows_in = [(device.mn, code, lim.catalog_range[1], lim.catalog_range[0]) for point in points
               for device in point.devices.all() for code, lim in _limits(point).items()]
    if not rows_in:
        return {}
    try:
        rows = query(
            "SELECT m.mn, count(*) AS n FROM (" + _HOURLY_JUDGED.format(extra="") + ") m"
            " JOIN (SELECT unnest(?::VARCHAR[]) AS mn, unnest(?::VARCHAR[]) AS factor, unnest(?::DOUBLE[]) AS lim,"
            " unnest(?::DOUBLE[]) AS lo) l ON m.mn = l.mn AND m.factor = l.factor"
            f" WHERE {_OUTSIDE} GROUP BY m.mn",
            [_window_start(hours), *([t[i] for t in rows_in] for i in range(4))],
        )
    except Exception:
        log.exception("lake exceedance count failed")
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
