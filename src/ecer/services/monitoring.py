"""Use case: monitoring summaries — the list of monitoring points with live status and exceedance
counts, one device's detail, quarantined devices — scoped to the actor.

Thin wrappers over `ecer.monitoring.services` (the read side of the registry, the gateway's
status rows and the roll-ups; never the raw lake parts): this
module decides who sees what. An actor bound to a region sees the points of enterprises in its
regions (an enterprise reporter: its own enterprise's); quarantined devices (unknown MNs, with no
region yet) are shown to actors who see everything only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ecer.services.actor import Actor, PermissionDenied, may_see_point
from ecer.services.errors import NotFound
from ecer.services.regions import region_names

#: How many quarantined devices the list page shows (the API returns up to the service's cap).
QUARANTINE_ON_PAGE = 20


def visible_points(*, actor: Actor) -> list[Any]:
    """Monitoring points (with enterprise, limits, devices and status prefetched) the actor may see."""
    from ecer.monitoring import services

    return [p for p in services.points_with_devices() if may_see_point(actor, p)]


@dataclass(frozen=True)
class PointList:
    points: list[Any]
    overview: Any
    exceedances: dict[str, int]  # per MN, values over their limit in the window
    window_hours: int
    quarantine: list[Any]
    region_names: dict[str, str] = field(default_factory=dict)  # region code → name in the language asked
    enterprises: list[tuple[int, str]] = field(default_factory=list)  # filter choices, over the actor's points
    cities: list[str] = field(default_factory=list)
    alarmed: frozenset[str] = frozenset()  # MNs with an alarm not yet closed
    lang: str = "zh"


#: Point status filter values: any logger online / none online / an open alarm on one of its loggers.
POINT_STATUSES = ("online", "offline", "alarm")


def _point_status(point: Any, alarmed: set[str]) -> set[str]:
    mns = {d.mn for d in point.devices.all()}
    online = any(d.status.connected for d in point.devices.all() if _has_status(d))
    return {"online" if online else "offline"} | ({"alarm"} if mns & alarmed else set())


def _has_status(device: Any) -> bool:
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return device.status is not None
    except ObjectDoesNotExist:
        return False


def point_list(*, actor: Actor, lang: str = "zh", city: str = "", enterprise: int | None = None, kind: str = "",
               status: str = "") -> PointList:
    """What the monitoring list page shows, for the actor's points, filtered by city (region code
    prefix), enterprise id, kind (water|air) and status (online|offline|alarm)."""
    from ecer.monitoring import services
    from ecer.services.alarms import open_mns

    everything = visible_points(actor=actor)
    enterprises = sorted({(p.enterprise_id, p.enterprise.name) for p in everything}, key=lambda e: e[1])
    cities = sorted({p.enterprise.region_code[:4] + "00" for p in everything})
    points = [p for p in everything if (not city or p.enterprise.region_code.startswith(city[:4]))
              and (enterprise is None or p.enterprise_id == enterprise) and (not kind or p.kind == kind)]
    alarmed = open_mns(actor=actor)
    if status in POINT_STATUSES:
        points = [p for p in points if status in _point_status(p, alarmed)]
    names = region_names({p.enterprise.region_code for p in everything} | set(cities), lang)
    return PointList(points, services.overview(points), services.exceedance_counts(points),
                     services.EXCEEDANCE_WINDOW_HOURS, quarantine(actor=actor)[:QUARANTINE_ON_PAGE], names,
                     enterprises, cities, frozenset(alarmed), lang)


# -- the map of the points (same filters and scope as the list) --

#: A marker's status, most urgent first: an hourly average outside its limit in the exceedance
#: window (the list's ⚠ count), else a logger online, else offline, else never connected. The
#: list shows the same four; an open alarm is told in the tooltip, not as a colour of its own.
MARKER_STATUSES = ("exceedance", "online", "offline", "never")


@dataclass(frozen=True)
class MapPoint:
    point_id: int
    enterprise: str
    outlet_code: str
    outlet_name: str
    kind: str  # water | air
    region_code: str
    city_code: str  # the 市(州) the enterprise lies in (its outline on the map)
    status: str  # one of MARKER_STATUSES
    alarm: bool  # an alarm not yet closed on one of its loggers
    exceedances: int  # hourly averages outside the limit in the window, over its loggers
    mns: list[str]
    longitude: float | None
    latitude: float | None


@dataclass(frozen=True)
class PointMap:
    placed: list[MapPoint]  # with coordinates: drawn as markers
    unplaced: list[MapPoint]  # without coordinates: listed under the map
    city_codes: list[str]  # the outlines drawn (the plan region's 市(州)); [] when no plan is loaded
    region_names: dict[str, str]
    window_hours: int


def _marker_status(point: Any, exceedances: dict[str, int]) -> str:
    devices = list(point.devices.all())
    if any(exceedances.get(d.mn) for d in devices):
        return "exceedance"
    statuses = [d.status for d in devices if _has_status(d)]
    if any(s.connected for s in statuses):
        return "online"
    return "offline" if statuses else "never"


def map_of(page: PointList) -> PointMap:
    """The markers of a point list (no further query but the region outlines' codes and names)."""
    from ecer.services.dashboard.maps import city_codes

    out = []
    for p in page.points:
        mns = [d.mn for d in p.devices.all()]
        region = p.enterprise.region_code
        out.append(MapPoint(p.pk, p.enterprise.name, p.outlet_code, p.outlet_name, p.kind, region,
                            region[:4] + "00", _marker_status(p, page.exceedances), bool(set(mns) & page.alarmed),
                            sum(page.exceedances.get(mn, 0) for mn in mns), mns, p.longitude, p.latitude))
    cities = city_codes()
    lang_names = dict(page.region_names)
    missing = set(cities) - set(lang_names)
    if missing:
        lang_names |= region_names(missing, page.lang)
    return PointMap([m for m in out if m.longitude is not None and m.latitude is not None],
                    [m for m in out if m.longitude is None or m.latitude is None], cities, lang_names,
                    page.window_hours)


def point_map(*, actor: Actor, lang: str = "zh", city: str = "", enterprise: int | None = None, kind: str = "",
              status: str = "") -> PointMap:
    """The map of the points the actor may see, with the list's filters (see `point_list`)."""
    return map_of(point_list(actor=actor, lang=lang, city=city, enterprise=enterprise, kind=kind, status=status))


def device(mn: str, *, actor: Actor) -> Any:
    """The device with MN `mn`; NotFound when unknown or outside the actor's scope (no probing)."""
    from ecer.monitoring import services

    found = services.device_by_mn(mn)
    if found is None or not may_see_point(actor, found.point):
        raise NotFound(f"no device with MN {mn!r}")
    return found


@dataclass(frozen=True)
class DeviceDetail:
    device: Any
    point: Any
    status: Any
    events: list[dict[str, Any]]
    latest: list[Any]  # FactorRow per factor, as of `latest_as_of`
    exceedances: list[Any]
    window_hours: int
    region_name: str
    latest_as_of: Any = None  # aware datetime of the roll-up run the latest values come from; None: no run yet
    rollup_minutes: int = 0  # how often the scheduler runs the roll-ups (0: not scheduled)


def device_detail(mn: str, *, actor: Actor, lang: str = "zh") -> DeviceDetail:
    """What the device page shows: live status and recent events (the gateway's status row), the
    latest values (kept by the roll-up run) and the recent exceedances (hourly roll-ups)."""
    from django.conf import settings

    from ecer.monitoring import services

    found = device(mn, actor=actor)
    status = services.status_of(found)
    code = found.point.enterprise.region_code
    return DeviceDetail(found, found.point, status, services.recent_events(status), services.latest_by_factor(found),
                        services.recent_exceedances(found), services.EXCEEDANCE_WINDOW_HOURS,
                        region_names({code}, lang).get(code, code), services.latest_as_of(),
                        settings.ECER_ROLLUP_INTERVAL_MINUTES)


def device_status(mn: str, *, actor: Actor) -> tuple[Any, Any]:
    """(device, its live status or None)."""
    from ecer.monitoring import services

    found = device(mn, actor=actor)
    return found, services.status_of(found)


def status_of(device: Any) -> Any:
    """A device's live status, or None when its logger never connected (for a device from
    `visible_points`, whose status is prefetched: no query)."""
    from ecer.monitoring import services

    return services.status_of(device)


def quarantine(*, actor: Actor) -> list[Any]:
    """Devices that connected with an unknown MN (empty for actors bound to a region)."""
    from ecer.monitoring import services

    return services.quarantine() if actor.sees_everything else []


def require_quarantine_access(actor: Actor) -> None:
    if not actor.sees_everything:
        raise PermissionDenied(f"{actor.username} may not see quarantined devices")
