"""Alarm API: list (paginated, filtered), one alarm with its history, acknowledge, close.

Thin: the actor from the request and one call of `ecer.services.alarms`, which applies the scope
(another region's alarm is 403, like an unknown id; the auditor's acknowledge/close is 403).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from ecer.alarms.models import Alarm
from ecer.services import alarms
from ecer.services.actor import actor_from_request
from ecer.site.pagination import Pages

router = Router(tags=["alarms"])


class AlarmOut(Schema):
    id: int
    kind: str
    status: str
    mn: str
    factor: str
    enterprise: str
    enterprise_id: int
    region_code: str
    outlet: str
    start: datetime
    end: datetime | None
    peak_value: float | None
    peak_at: datetime | None
    limit_lower: float | None
    limit_upper: float | None
    basis: str
    hours: int
    ongoing: bool
    acknowledged_by: str
    acknowledged_at: datetime | None
    acknowledge_note: str
    closed_by: str
    closed_at: datetime | None
    close_note: str
    auto_closed: bool

    @staticmethod
    def resolve_enterprise(obj: Alarm) -> str:
        return str(obj.enterprise.name)

    @staticmethod
    def resolve_outlet(obj: Alarm) -> str:
        return f"{obj.point.outlet_code} {obj.point.outlet_name}"


class EventOut(Schema):
    at: datetime
    action: str
    username: str
    note: str


class AlarmDetailOut(AlarmOut):
    history: list[EventOut]

    @staticmethod
    def resolve_history(obj: Alarm) -> list[Any]:
        return alarms.history(obj)


class NoteIn(Schema):
    note: str = ""


@router.get("/", response=list[AlarmOut])
@paginate(Pages)
def list_alarms(request: HttpRequest, status: str = "", kind: str = "", region: str = "",
                enterprise: int | None = None) -> Any:
    """Alarms the user may see, newest first (status open|acknowledged|closed, kind exceedance|offline|
    data_quality, region: a GB/T 2260 code and the regions below it, enterprise id)."""
    return alarms.query(actor=actor_from_request(request), status=status, kind=kind, region=region,
                        enterprise=enterprise)


@router.get("/{alarm_id}", response=AlarmDetailOut)
def get_alarm(request: HttpRequest, alarm_id: int) -> Any:
    """One alarm with its history of transitions."""
    return alarms.get_alarm(alarm_id, actor=actor_from_request(request))


@router.post("/{alarm_id}/acknowledge", response=AlarmDetailOut)
def acknowledge_alarm(request: HttpRequest, alarm_id: int, body: NoteIn) -> Any:
    """open → acknowledged (确认), with a note."""
    return alarms.acknowledge(alarm_id, actor=actor_from_request(request), note=body.note)


@router.post("/{alarm_id}/close", response=AlarmDetailOut)
def close_alarm(request: HttpRequest, alarm_id: int, body: NoteIn) -> Any:
    """→ closed, with a note."""
    return alarms.close(alarm_id, actor=actor_from_request(request), note=body.note)
