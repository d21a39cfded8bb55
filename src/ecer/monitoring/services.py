"""Read-side services for the monitoring pages and API (thin views call these)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch

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


@dataclass(frozen=True)
class LatestValue:
    factor: str
    field: str
    data_time: Any
    cn: str
    value: float | None
    flag: str
    limit: float | None
    unit: str

    @property
    def exceeds(self) -> bool:
        return self.limit is not None and self.value is not None and self.field in {"Rtd", "Avg"} \
            and not self.factor.endswith("00000") and self.value > self.limit


def latest_values(device: Device, limit_rows: int = 40) -> list[LatestValue]:
    """The newest value of each factor/field reported by the device, from the lake (DuckDB)."""
    from ecer.gateway.lake import query

    try:
        rows = query(
            "SELECT factor, field, data_time, cn, value, flag FROM ("
            " SELECT *, row_number() OVER (PARTITION BY factor, field ORDER BY data_time DESC, received_at DESC) AS rn"
            " FROM measurements WHERE mn = ?) WHERE rn = 1 ORDER BY factor, field LIMIT ?",
            [device.mn, limit_rows],
        )
    except Exception:  # the lake is an optional read here: a page must render without it
        log.exception("lake query failed for %s", device.mn)
        return []
    limits = {lim.factor_code: lim for lim in device.point.limits.all()}
    return [LatestValue(r["factor"], r["field"], r["data_time"], r["cn"], r["value"], r["flag"],
                        limits[r["factor"]].limit_value if r["factor"] in limits else None,
                        limits[r["factor"]].unit if r["factor"] in limits else "")
            for r in rows]
