"""Monitoring API: registry with live status, the map of the points, one device's status, quarantined
devices, one enterprise's or city's monitoring year (read-only).

Thin: the actor from the request, one call of `ecer.services.monitoring` (which applies the scope),
the data as schemas. List endpoints are paginated (`ecer.site.pagination`). PW is never exposed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.template.defaultfilters import date as date_text
from django.urls import reverse
from django.utils import timezone, translation
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from ecer.alarms.api import AlarmOut
from ecer.monitoring.models import Device, DeviceStatus
from ecer.services import monitoring, monitoring_overview
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
    longitude: float | None  # WGS-84 decimal degrees, None when not entered
    latitude: float | None
    limits: list[LimitOut]
    status: StatusOut | None


class QuarantineOut(Schema):
    mn: str
    reason: str
    first_seen: datetime
    last_seen: datetime
    packet_count: int
    last_peer: str


class MapPointOut(Schema):
    point_id: int
    enterprise: str
    outlet_code: str
    outlet_name: str
    kind: str  # water | air
    region_code: str
    city_code: str
    status: str  # exceedance | online | offline | never (ecer.services.monitoring.MARKER_STATUSES)
    alarm: bool  # an alarm not yet closed on one of its loggers
    exceedances: int  # hourly averages outside the permitted range in the window
    mns: list[str]
    device_urls: list[str]  # the device pages of `mns`
    longitude: float | None  # WGS-84 degrees; None (with latitude) for a point without coordinates
    latitude: float | None


class MapOut(Schema):
    placed: list[MapPointOut]  # points with coordinates
    unplaced: list[MapPointOut]  # points without coordinates (not on the map, never left out)
    city_codes: list[str]  # the 市(州) outlines of the map (GeoJSON at /map/outlines.geojson); [] without a plan
    region_names: dict[str, str]
    window_hours: int


class LiveReading(Schema):
    value: float | None
    value_text: str  # as the page prints it ("—" when the logger sent no value)
    data_time: datetime  # the logger's local time (Beijing time), naive
    time_text: str  # "m-d H:i:s", as the page shows it
    flag: str
    judgement: str  # "exceedance" (hourly average outside the range) | "realtime_over" | ""


class LiveFactor(Schema):
    factor: str
    factor_name: str
    unit_symbol: str
    limit_text: str | None  # "≤ 100.0" / "6.0–9.0", None without a permitted limit
    limit_source: str
    exceeds: bool
    readings: list[LiveReading | None]  # real-time (2011), minute (2051), hourly (2061)


class LiveExceedance(Schema):
    data_time: datetime
    time_text: str
    factor: str
    factor_name: str
    cn: str
    cn_name: str
    value: float
    unit_symbol: str
    range_text: str


class LiveEvent(Schema):
    at_text: str
    cn_name: str
    verdict: str
    reason: str


class LiveStatus(Schema):
    connected: bool
    since_text: str  # connected since (online) or disconnected at (offline), "" when unknown
    last_packet_text: str  # "" when none
    last_packet_ago: str
    last_peer: str
    packets_accepted: int
    packets_rejected: int
    last_rejection_reason: str
    last_rejection_at_text: str


class DeviceLiveOut(Schema):
    mn: str
    generated_at: datetime
    generated_text: str  # "H:i:s" in the server's time zone (Beijing time), as the page says "updated …"
    refresh_seconds: int  # ECER_DEVICE_REFRESH_SECONDS: how often the page asks again
    window_hours: int  # of the exceedances
    latest_as_of: datetime | None  # the roll-up run the latest values come from (None: no run yet)
    latest_as_of_text: str  # what the page says about it (and how often the roll-ups run)
    status: LiveStatus | None  # None: the logger never connected
    latest: list[LiveFactor]
    exceedances: list[LiveExceedance]
    events: list[LiveEvent]  # the gateway's recent packets and rejections, newest first


def _time_text(moment: datetime | None, fmt: str = "Y-m-d H:i:s") -> str:
    """As the template prints it: an aware time in the current time zone (Beijing time), a naive
    one (a logger's DataTime) as it is, None as ""."""
    if moment is None:
        return ""
    return str(date_text(timezone.localtime(moment) if timezone.is_aware(moment) else moment, fmt))


def _live(detail: monitoring.DeviceDetail) -> DeviceLiveOut:
    """The device page's changing parts with the texts the page prints (in the active language)."""
    from ecer.monitoring.templatetags.monitoring_labels import (
        ago,
        cn_name,
        factor_name,
        latest_as_of_text,
        unit_symbol,
    )

    def reading(r: Any) -> LiveReading | None:
        if r is None:
            return None
        return LiveReading(value=r.value, value_text="—" if r.value is None else str(r.value), data_time=r.data_time,
                           time_text=_time_text(r.data_time, "m-d H:i:s"), flag=r.flag, judgement=r.judgement)

    st = detail.status
    status = None if st is None else LiveStatus(
        connected=st.connected, since_text=_time_text(st.connected_since if st.connected else st.disconnected_at),
        last_packet_text=_time_text(st.last_packet_at), last_packet_ago=ago(st.last_packet_at),
        last_peer=st.last_peer, packets_accepted=st.packets_accepted, packets_rejected=st.packets_rejected,
        last_rejection_reason=st.last_rejection_reason, last_rejection_at_text=_time_text(st.last_rejection_at))
    latest = [LiveFactor(factor=row.factor, factor_name=factor_name(row.factor), unit_symbol=unit_symbol(row.unit),
                         limit_text=row.limit.display + " " + unit_symbol(row.limit.unit) if row.limit else None,
                         limit_source=row.limit.source if row.limit else "", exceeds=row.exceeds,
                         readings=[reading(r) for r in row.readings]) for row in detail.latest]
    exceedances = [LiveExceedance(data_time=e.data_time, time_text=_time_text(e.data_time),
                                  factor=e.factor, factor_name=factor_name(e.factor), cn=e.cn, cn_name=cn_name(e.cn),
                                  value=e.value, unit_symbol=unit_symbol(e.unit), range_text=e.range_text)
                   for e in detail.exceedances]
    events = [LiveEvent(at_text=_time_text(e["at"]) if isinstance(e["at"], datetime) else str(e["at"]),
                        cn_name=cn_name(e.get("cn", "")), verdict=e.get("verdict", ""), reason=e.get("reason", ""))
              for e in detail.events]
    at = timezone.now()
    return DeviceLiveOut(mn=detail.device.mn, generated_at=at, generated_text=_time_text(at, "H:i:s"),
                         refresh_seconds=settings.ECER_DEVICE_REFRESH_SECONDS, window_hours=detail.window_hours,
                         latest_as_of=detail.latest_as_of,
                         latest_as_of_text=latest_as_of_text(detail.latest_as_of, detail.rollup_minutes),
                         status=status, latest=latest, exceedances=exceedances, events=events)


def _map_point(m: monitoring.MapPoint) -> MapPointOut:
    return MapPointOut(point_id=m.point_id, enterprise=m.enterprise, outlet_code=m.outlet_code,
                       outlet_name=m.outlet_name, kind=m.kind, region_code=m.region_code, city_code=m.city_code,
                       status=m.status, alarm=m.alarm, exceedances=m.exceedances, mns=m.mns,
                       device_urls=[reverse("monitoring:device", args=[mn]) for mn in m.mns],
                       longitude=m.longitude, latitude=m.latitude)


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
                outlet_code=point.outlet_code, outlet_name=point.outlet_name, kind=point.kind, longitude=point.longitude,
                latitude=point.latitude, limits=limits,
                status=_status(device, monitoring.status_of(device))))
    return out


@router.get("/map", response=MapOut)
def point_map(request: HttpRequest, city: str = "", enterprise: int | None = None, kind: str = "", status: str = "",
              lang: str = "zh") -> MapOut:
    """The monitoring points the user may see as map markers (status, coordinates), with the page's
    filters: city (region code), enterprise (id), kind (water|air), status (online|offline|alarm)."""
    found = monitoring.point_map(actor=actor_from_request(request), lang="en" if lang == "en" else "zh", city=city,
                                 enterprise=enterprise, kind=kind, status=status)
    return MapOut(placed=[_map_point(m) for m in found.placed], unplaced=[_map_point(m) for m in found.unplaced],
                  city_codes=found.city_codes, region_names=found.region_names, window_hours=found.window_hours)


@router.get("/devices/{mn}/live", response=DeviceLiveOut)
def device_live(request: HttpRequest, mn: str, lang: str = "zh") -> DeviceLiveOut:
    """What the device page updates in place every ECER_DEVICE_REFRESH_SECONDS: live status, the
    latest value of each factor against its limit, the recent exceedances and packets (404 when
    unknown or outside the user's scope)."""
    lang = "en" if lang == "en" else "zh"
    detail = monitoring.device_detail(mn, actor=actor_from_request(request), lang=lang)
    with translation.override("en" if lang == "en" else "zh-hans"):
        return _live(detail)


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


# -- the emissions and data-quality pages' twins (roll-ups only; the same service and scope) -------------
# Bounds as Query defaults, not Annotated aliases: the annotations are strings here (PEP 563) and
# ninja's paginate wrapper resolves them in its own module. Out of range: 400, never a 500.
YEAR = Query(..., ge=2000, le=2100)


class EmissionOut(Schema):
    key: str  # MN, enterprise id or region code, by `group`
    name: str
    pollutant: str
    factor: str
    month: str  # YYYY-MM
    amount_t: float  # Cou where the logger sent it, else concentration × flow (docs/monitoring-analytics.md)
    hours: int  # hours with an amount


class QualityOut(Schema):
    mn: str
    enterprise: str
    enterprise_id: int
    region_code: str
    point: str
    kind: str
    period: str  # YYYY-MM (or YYYY-MM-DD with by=day)
    expected: int
    received: int
    valid: int
    readings: int
    transmission_rate: float
    valid_rate: float | None
    gap_hours: int
    stuck_runs: int
    negative: int
    bad_time: int
    zero_flow_hours: int
    cou_backwards: int
    unit_mismatch: int
    unit_notes: list[str]
    flags: dict[str, int]


@router.get("/emissions", response=list[EmissionOut])
@paginate(Pages)
def emissions(request: HttpRequest, year: int = YEAR, month: int | None = Query(None, ge=1, le=12),
              group: str = Query("enterprise", pattern="^(point|enterprise|city)$")) -> Any:
    from ecer.services import monitoring_analytics as analytics

    return analytics.emissions(actor=actor_from_request(request), year=year, month=month, group=group)


@router.get("/quality", response=list[QualityOut])
@paginate(Pages)
def quality(request: HttpRequest, year: int = YEAR, month: int = Query(..., ge=1, le=12),
            by: str = Query("month", pattern="^(month|day)$")) -> Any:
    from ecer.services import monitoring_analytics as analytics

    return analytics.quality(actor=actor_from_request(request), year=year, month=month, by=by)


# -- one enterprise's or city's monitoring year (the twins of /monitoring/enterprises/<id>/ and
#    /monitoring/cities/<code>/); ecer.services.monitoring_overview applies the scope --
class OverviewEmissionOut(Schema):
    month: str
    factor: str
    pollutant: str
    amount_t: float
    hours: int
    cou_t: float
    cou_hours: int
    source: str  # cou | concentration_x_flow | mixed


class OverviewQualityOut(Schema):
    key: str  # "" for the whole, else MN (enterprise) or enterprise id (city)
    name: str
    month: str
    expected: int
    received: int
    valid: int
    readings: int
    transmission_rate: float | None
    valid_rate: float | None


class RankOut(Schema):
    enterprise_id: int
    name: str
    region_code: str
    total_t: float
    by_pollutant: dict[str, float]


class OverviewOut(Schema):
    kind: str
    key: str
    name: str
    region_code: str
    region_name: str
    year: int
    members: list[dict[str, Any]]
    pollutants: list[str]
    emissions: list[OverviewEmissionOut]
    totals: dict[str, float]
    quality: list[OverviewQualityOut]
    quality_by: list[OverviewQualityOut]
    alarms: list[AlarmOut]
    ranking: list[RankOut]
    city_code: str | None  # the city page the user may open (None: an enterprise reporter)


def _year(year: int | None) -> int:
    return year or timezone.localdate().year


@router.get("/enterprises/{enterprise_id}/overview", response=OverviewOut)
def enterprise_overview(request: HttpRequest, enterprise_id: int, year: int | None = None) -> Any:
    """One enterprise's year (default: this year): emissions by month and pollutant with their source,
    transmission and valid-data rates per month (whole and per point), alarms (404 outside the scope)."""
    return monitoring_overview.enterprise_overview(actor_from_request(request), enterprise_id, _year(year))


@router.get("/cities/{region_code}/overview", response=OverviewOut)
def city_overview(request: HttpRequest, region_code: str, year: int | None = None) -> Any:
    """One city's year: as the enterprise's, rates per enterprise, and its enterprises ranked by
    emissions (403 for a city outside the scope)."""
    return monitoring_overview.city_overview(actor_from_request(request), region_code, _year(year))
