"""The map of the monitoring points: coordinates, the service's scope and filters, the page and its API twin."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from ecer.gateway.lake import Lake, LakeRow
from ecer.masterdata.models import Region, UserProfile
from ecer.masterdata.services.catalogs import load_catalogs
from ecer.masterdata.services.plans import load_plan_into_db
from ecer.monitoring.demo import COORDINATES, ENTERPRISES, seed_demo_registry
from ecer.monitoring.models import Device, DeviceStatus, Enterprise, MonitoringPoint
from ecer.services import monitoring
from ecer.services.actor import Actor, Role, system_actor
from ecer.services.monitoring_analytics import run_rollups

pytestmark = pytest.mark.django_db

CHENGDU_W = "DEMO510100W000000000001"
MIANYANG_W = "DEMO510700W000000000002"
MIANYANG_A = "DEMO510700A000000000003"
YIBIN_A = "DEMO511500A000000000004"
PANZHIHUA_A = "DEMO5104A0004"
MIANYANG = Actor("my", Role.CITY_OPERATOR, "510700", frozenset({"510700"}))


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo registry in its own data directory (the lake, the outline cache), with the
    province's regions and plan loaded (the map's outlines are the plan region's 市(州))."""
    monkeypatch.setenv("ECER_DATA_DIR", str(tmp_path))
    load_catalogs()
    load_plan_into_db("sichuan-14fyp")
    seed_demo_registry()
    now = timezone.now()
    DeviceStatus.objects.create(device=Device.objects.get(mn=CHENGDU_W), connected=True, connected_since=now,
                                last_packet_at=now)
    DeviceStatus.objects.create(device=Device.objects.get(mn=YIBIN_A), connected=False, disconnected_at=now,
                                last_packet_at=now)
    # An hourly COD average of 150 mg/L (limit 100) at the Mianyang water outlet, an hour ago.
    hour = timezone.localtime().replace(tzinfo=None, minute=0, second=0, microsecond=0) - dt.timedelta(hours=1)
    lake = Lake(tmp_path / "lake")
    try:
        lake.write([LakeRow(MIANYANG_W, "32", "2061", hour, "w01018", "Avg", 150.0, "150.0", "N",
                            dt.datetime.now(dt.UTC), 1, "w01018")], 1)
    finally:
        lake.close()
    run_rollups(actor=system_actor())  # as the scheduled job does: the map reads the hourly roll-ups


def _by_mn(found: monitoring.PointMap) -> dict[str, monitoring.MapPoint]:
    return {mn: m for m in found.placed + found.unplaced for mn in m.mns}


# -- coordinates --

def _inside(lon: float, lat: float, geometry: dict[str, Any]) -> bool:
    """Ray casting over every ring (holes flip it back): is (lon, lat) inside the (Multi)Polygon?"""
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    inside = False
    for polygon in polygons:
        for ring in polygon:
            for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
                if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                    inside = not inside
    return inside


def test_demo_coordinates_lie_inside_their_city() -> None:
    from ecer.maps.outlines import read_outline

    city_of = {o[3]: region for _, _, region, outlets in ENTERPRISES for o in outlets}
    assert set(COORDINATES) == set(city_of)  # every demo point is placed
    for mn, (lon, lat) in COORDINATES.items():
        city = city_of[mn]
        assert _inside(lon, lat, read_outline(city)), (mn, city)
        others = [c for c in set(city_of.values()) if c != city]
        assert not any(_inside(lon, lat, read_outline(c)) for c in others), mn


def test_coordinates_are_validated_to_wgs84_ranges() -> None:
    enterprise = Enterprise.objects.create(name="e", credit_code="91510100MA6CGUXK5C", region_code="510100")
    point = MonitoringPoint(enterprise=enterprise, outlet_code="DW9", outlet_name="x", kind="water",
                            longitude=200.0, latitude=30.0)
    with pytest.raises(ValidationError) as err:
        point.full_clean()
    assert "longitude" in err.value.message_dict
    point.longitude, point.latitude = 104.0, None  # one without the other
    with pytest.raises(ValidationError):
        point.full_clean()
    # ... and the database refuses them too (an import that bypasses the model's validation).
    for lon, lat in ((200.0, 30.0), (104.0, None), (None, 30.0), (104.0, -91.0)):
        with pytest.raises(IntegrityError), transaction.atomic():
            MonitoringPoint.objects.create(enterprise=enterprise, outlet_code="DW9", outlet_name="x", kind="water",
                                           longitude=lon, latitude=lat)
    point.longitude, point.latitude = 104.0665, 30.5723
    point.full_clean()
    point.save()
    point.longitude = point.latitude = None  # none at all is allowed: listed as without coordinates
    point.full_clean()
    point.save()


# -- the service --

def test_markers_have_the_list_statuses_and_coordinates(registry: None) -> None:
    found = _by_mn(monitoring.point_map(actor=system_actor()))
    assert {mn: m.status for mn, m in found.items()} == {
        CHENGDU_W: "online", YIBIN_A: "offline", MIANYANG_W: "exceedance", MIANYANG_A: "never",
        PANZHIHUA_A: "never"}
    assert found[MIANYANG_W].exceedances == 1 and found[MIANYANG_W].city_code == "510700"
    assert (found[CHENGDU_W].longitude, found[CHENGDU_W].latitude) == COORDINATES[CHENGDU_W]


def test_outlines_are_the_province_cities(registry: None) -> None:
    found = monitoring.point_map(actor=MIANYANG)
    assert len(found.city_codes) == 21 and "510700" in found.city_codes and "510100" in found.city_codes
    assert found.region_names["510700"] == "绵阳市"
    assert monitoring.point_map(actor=MIANYANG, lang="en").region_names["510700"].startswith("Mianyang")


def test_a_city_sees_only_its_points_and_an_enterprise_only_its_own(registry: None) -> None:
    found = monitoring.point_map(actor=MIANYANG)
    assert set(_by_mn(found)) == {MIANYANG_W, MIANYANG_A}
    yibin = Enterprise.objects.get(region_code="511500")
    reporter = Actor("e", Role.ENTERPRISE_REPORTER, "511500", enterprise_id=yibin.pk)
    assert set(_by_mn(monitoring.point_map(actor=reporter))) == {YIBIN_A}
    # Filtering for another city does not widen the scope.
    assert monitoring.point_map(actor=MIANYANG, city="510100").placed == []


def test_filters_by_city_enterprise_kind_and_status(registry: None) -> None:
    actor = system_actor()
    assert set(_by_mn(monitoring.point_map(actor=actor, city="510700"))) == {MIANYANG_W, MIANYANG_A}
    assert set(_by_mn(monitoring.point_map(actor=actor, kind="water"))) == {CHENGDU_W, MIANYANG_W}
    mianyang = Enterprise.objects.get(region_code="510700")
    assert set(_by_mn(monitoring.point_map(actor=actor, enterprise=mianyang.pk, kind="air"))) == {MIANYANG_A}
    assert set(_by_mn(monitoring.point_map(actor=actor, status="online"))) == {CHENGDU_W}
    assert CHENGDU_W not in _by_mn(monitoring.point_map(actor=actor, status="offline"))


def test_a_point_without_coordinates_is_listed_not_dropped(registry: None) -> None:
    MonitoringPoint.objects.filter(devices__mn=YIBIN_A).update(longitude=None, latitude=None)
    found = monitoring.point_map(actor=system_actor())
    assert [m.mns for m in found.unplaced] == [[YIBIN_A]]
    assert YIBIN_A not in {mn for m in found.placed for mn in m.mns} and len(found.placed) == 4


# -- the page and the API --

def _client(username: str, role: str, region: str | None = None) -> Client:
    user = get_user_model().objects.create_user(username, password="pw-long-enough")
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    if region:
        UserProfile.objects.create(user=user, region=Region.objects.get(code=region))
    client = Client()
    client.force_login(user)
    return client


def test_api_map_is_scoped_and_filtered(registry: None) -> None:
    city = _client("my-city", "city_operator", "510700")
    body = city.get("/api/monitoring/map").json()
    assert {mn for m in body["placed"] for mn in m["mns"]} == {MIANYANG_W, MIANYANG_A}
    water = next(m for m in body["placed"] if m["mns"] == [MIANYANG_W])
    assert water["status"] == "exceedance" and water["kind"] == "water"
    assert water["device_urls"] == [f"/monitoring/devices/{MIANYANG_W}/"]
    assert water["longitude"] == COORDINATES[MIANYANG_W][0]
    assert len(body["city_codes"]) == 21 and body["region_names"]["510700"] == "绵阳市"
    assert [m["mns"] for m in city.get("/api/monitoring/map?kind=air").json()["placed"]] == [[MIANYANG_A]]
    assert city.get("/api/monitoring/map?lang=en").json()["region_names"]["510700"].startswith("Mianyang")
    admin = _client("prov", "province_admin")
    assert len(admin.get("/api/monitoring/map?status=online").json()["placed"]) == 1
    assert Client().get("/api/monitoring/map").status_code == 401
    points = admin.get("/api/monitoring/points").json()["items"]
    assert {p["mn"]: (p["longitude"], p["latitude"]) for p in points}[PANZHIHUA_A] == \
        COORDINATES[PANZHIHUA_A]


def test_page_carries_the_map_data_and_the_unplaced_list(registry: None) -> None:
    import json
    import re

    MonitoringPoint.objects.filter(devices__mn=YIBIN_A).update(longitude=None, latitude=None)
    html = _client("prov", "province_admin").get("/monitoring/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    match = re.search(r'<script id="point-map-data" type="application/json">(.*?)</script>', html, re.S)
    assert match, "no map data block"
    data = json.loads(match.group(1))
    assert data["map_url"] == "/map/outlines.geojson" and len(data["regions"]) == 21
    assert {p["status"] for p in data["points"]} == {"online", "exceedance", "never"}
    assert data["styles"]["exceedance"]["label"] == "超标" and data["labels"]["device"] == "设备页面"
    unplaced = html[html.index('id="unplaced"'):]
    assert YIBIN_A in unplaced[:unplaced.index("</ul>")]
    assert "1 个点位没有坐标" in html
