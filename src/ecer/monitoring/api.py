"""Monitoring API: registry with live status, one device's status, quarantined devices (read-only).

Thin: the actor from the request, one call of `ecer.services.monitoring` (which applies the scope),
the data as schemas. List endpoints are paginated (`ecer.site.pagination`). PW is never exposed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from ecer.monitoring.models import Device, DeviceStatus
from ecer.services import monitoring
from ecer.services.actor import actor_from_request
from ecer.site.pagination import Pages

router = Router(tags=["monitoring"])


class LimitOut(Schema):
    factor: str
    limit: float  # upper bound of the permitted range
    lower: float | None = None  # lower bound where the standard gives a range (pH 6–9)
    unit: str


class StatusOut(Schema):
    mn: str
    connected: bool
    connected_since: datetime | None
    disconnected_at: datetime | None
    last_packet_at: datetime | None
    last_peer: str
    packets_accepted: int
    packets_rejected: int
    last_rejection_at: datetime | None
    last_rejection_reason: str
    recent: list[dict[str, str]]


class PointOut(Schema):
    mn: str
    edition: str
    active: bool
    enterprise: str
    credit_code: str
    region_code: str
    outlet_code: str
    outlet_name: str
    kind: str
    limits: list[LimitOut]
    status: StatusOut | None


class QuarantineOut(Schema):
    mn: str
    reason: str
    first_seen: datetime
    last_seen: datetime
    packet_count: int
    last_peer: str


def _status(device: Device, status: DeviceStatus | None) -> StatusOut | None:
    if status is None:
        return None
    return StatusOut(mn=device.mn, connected=status.connected, connected_since=status.connected_since,
                     disconnected_at=status.disconnected_at, last_packet_at=status.last_packet_at,
                     last_peer=status.last_peer, packets_accepted=status.packets_accepted,
                     packets_rejected=status.packets_rejected, last_rejection_at=status.last_rejection_at,
                     last_rejection_reason=status.last_rejection_reason, recent=status.recent or [])


@router.get("/points", response=list[PointOut])
@paginate(Pages)
def points(request: HttpRequest) -> list[PointOut]:
    """Every logger of the monitoring points the user may see, with its point's limits and live status."""
    out = []
    for point in monitoring.visible_points(actor=actor_from_request(request)):
        limits = [LimitOut(factor=x.factor_code, limit=x.limit_value, lower=x.lower_value, unit=x.unit)
                  for x in point.limits.all()]
        for device in point.devices.all():
            out.append(PointOut(
                mn=device.mn, edition=device.edition, active=device.active, enterprise=point.enterprise.name,
                credit_code=point.enterprise.credit_code, region_code=point.enterprise.region_code,
                outlet_code=point.outlet_code, outlet_name=point.outlet_name, kind=point.kind, limits=limits,
                status=_status(device, monitoring.status_of(device))))
    return out


@router.get("/points/{mn}/status", response=StatusOut)
def point_status(request: HttpRequest, mn: str) -> StatusOut:
    """One logger's live status (404 when unknown or outside the user's scope)."""
    device, status = monitoring.device_status(mn, actor=actor_from_request(request))
    return _status(device, status) or StatusOut(
        mn=mn, connected=False, connected_since=None, disconnected_at=None, last_packet_at=None, last_peer="",
        packets_accepted=0, packets_rejected=0, last_rejection_at=None, last_rejection_reason="", recent=[])


@router.get("/quarantine", response=list[QuarantineOut])
@paginate(Pages)
def quarantine(request: HttpRequest) -> Any:
    """Loggers that connected with an unknown MN (only for users who see every region: 403 otherwise)."""
    actor = actor_from_request(request)
    monitoring.require_quarantine_access(actor)
    return [QuarantineOut(mn=q.mn, reason=q.reason, first_seen=q.first_seen, last_seen=q.last_seen,
                          packet_count=q.packet_count, last_peer=q.last_peer) for q in monitoring.quarantine(actor=actor)]
