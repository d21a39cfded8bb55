"""Alarm pages, API and the header badge: what each user sees and may do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from ecer.alarms.models import Alarm
from ecer.masterdata.models import Region, UserProfile
from ecer.services.actor import system_actor
from ecer.services.alarm_detection import detect

from .conftest import DAY, MN, NOW


def _login(username: str, group: str, region: str | None = None) -> Client:
    user = User.objects.create_user(username, password="pw-long-enough")
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    if region:
        found = Region.objects.filter(code=region).first() or Region.add_root(code=region, name_zh=region, level="city")
        UserProfile.objects.create(user=user, region=found)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def detected(lake_dir: Path) -> Alarm:
    detect(actor=system_actor(), dates=[DAY.isoformat()], now=NOW)
    return Alarm.objects.get(kind="data_quality", factor="transmission_rate")  # the open one


def test_list_detail_acknowledge_and_badge(detected: Alarm) -> None:
    chengdu = _login("cd", "city_operator", "510100")
    page = chengdu.get("/monitoring/alarms/")
    html = page.content.decode()
    assert page.status_code == 200 and MN in html and 'id="alarm-badge"' in html
    assert "传输率" in html or "transmission" in html
    closed = chengdu.get("/monitoring/alarms/?status=closed&kind=exceedance").content.decode()
    assert "化学需氧量" in closed and "自动关闭" in closed  # the ended exceedance, closed automatically
    detail = chengdu.get(f"/monitoring/alarms/{detected.pk}/").content.decode()
    assert "确认" in detail and 'id="history"' in detail
    exceedance = Alarm.objects.get(kind="exceedance")
    assert "<svg" in chengdu.get(f"/monitoring/alarms/{exceedance.pk}/").content.decode()  # the trend
    done = chengdu.post(f"/monitoring/alarms/{detected.pk}/acknowledge/", {"note": "已通知企业"})
    assert done.status_code == 302
    detected.refresh_from_db()
    assert (detected.status, detected.acknowledged_by, detected.acknowledge_note) == ("acknowledged", "cd", "已通知企业")
    assert 'id="alarm-badge"' not in chengdu.get("/monitoring/alarms/").content.decode()  # nothing open now


def test_foreign_city_and_auditor(detected: Alarm) -> None:
    mianyang = _login("my", "city_operator", "510700")
    assert MN not in mianyang.get("/monitoring/alarms/?status=all").content.decode()
    assert mianyang.get(f"/monitoring/alarms/{detected.pk}/").status_code == 404
    assert mianyang.post(f"/monitoring/alarms/{detected.pk}/acknowledge/", {"note": "x"}).status_code == 403
    auditor = _login("au", "auditor")
    html = auditor.get(f"/monitoring/alarms/{detected.pk}/").content.decode()
    assert MN in html and 'class="ack"' not in html  # reads, no forms
    assert auditor.post(f"/monitoring/alarms/{detected.pk}/close/", {"note": "x"}).status_code == 403
    detected.refresh_from_db()
    assert detected.status == "open"
    assert Client().get("/monitoring/alarms/").status_code == 302  # to the login page


def test_api_lists_paginated_and_acknowledges(detected: Alarm) -> None:
    chengdu = _login("cd", "city_operator", "510100")
    body = chengdu.get("/api/alarms/?status=open&page_size=1").json()
    assert body["count"] == 1 and body["items"][0]["mn"] == MN and body["items"][0]["region_code"] == "510100"
    assert chengdu.get("/api/alarms/?page_size=1").json()["count"] == 2  # open and the closed exceedance
    one = chengdu.get(f"/api/alarms/{detected.pk}").json()
    assert [e["action"] for e in one["history"]] == ["open"]
    mianyang = _login("my", "city_operator", "510700")
    assert mianyang.get("/api/alarms/").json()["count"] == 0
    assert mianyang.get(f"/api/alarms/{detected.pk}").status_code == 403
    chengdu_csrf = Client(enforce_csrf_checks=False)
    chengdu_csrf.force_login(User.objects.get(username="cd"))
    answer = chengdu_csrf.post(f"/api/alarms/{detected.pk}/close", json.dumps({"note": "fixed"}),
                               content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["status"] == "closed" and answer.json()["close_note"] == "fixed"
    auditor = _login("au", "auditor")
    assert auditor.post(f"/api/alarms/{detected.pk}/acknowledge", "{}", content_type="application/json").status_code == 403


def test_point_list_filters_by_city_kind_and_alarm_status(detected: Alarm) -> None:
    province = _login("pv", "province_admin")
    every = province.get("/monitoring/").content.decode()
    assert MN in every and "DEMO510700A000000000003" in every and 'id="point-filters"' in every
    chengdu = province.get("/monitoring/?city=510100").content.decode()
    assert MN in chengdu and "DEMO510700A000000000003" not in chengdu
    air = province.get("/monitoring/?kind=air").content.decode()
    assert MN not in air and "DEMO510700A000000000003" in air
    alarmed = province.get("/monitoring/?status=alarm").content.decode()
    assert MN in alarmed and "DEMO510700A000000000003" not in alarmed  # only 成都's point has an open alarm
    assert MN not in province.get("/monitoring/?status=online").content.decode()  # never connected
