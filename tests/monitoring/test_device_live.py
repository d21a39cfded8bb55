"""The device page's live data: the API the page fetches every ECER_DEVICE_REFRESH_SECONDS, its scope,
and the page's wiring (the script's config, the meta refresh kept for browsers without JavaScript)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone

from ecer.gateway.lake import Lake, LakeRow
from ecer.masterdata.models import Region, UserProfile
from ecer.monitoring.demo import seed_demo_registry
from ecer.monitoring.models import Device, DeviceStatus

pytestmark = pytest.mark.django_db
MN = "DEMO510100W000000000001"  # 成都, water: COD limit 100 mg/L, total phosphorus 0.5 mg/L


@pytest.fixture
def lake_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ECER_DATA_DIR", str(tmp_path))
    seed_demo_registry()
    return tmp_path


def _write(root: Path, rows: list[LakeRow], checkpoint: int, roll: bool = True) -> None:
    """Write rows as the gateway does, then run the roll-ups as the scheduled job does (the pages
    read the roll-ups and the latest values they keep, never the raw parts)."""
    from ecer.services.actor import system_actor
    from ecer.services.monitoring_analytics import run_rollups

    lake = Lake(root / "lake")
    try:
        lake.write(rows, checkpoint)
    finally:
        lake.close()
    if roll:
        run_rollups(actor=system_actor())


def _row(cn: str, when: dt.datetime, factor: str, field: str, value: float, flag: str = "N") -> LakeRow:
    return LakeRow(MN, "32", cn, when, factor, field, value, f"{value}", flag, dt.datetime.now(dt.UTC), 1, factor)


def _client(username: str, role: str, region: str | None = None) -> Client:
    user = get_user_model().objects.create_user(username, password="pw-long-enough")
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    if region:
        found = Region.objects.filter(code=region).first() or Region.add_root(code=region, name_zh=region, level="city")
        UserProfile.objects.create(user=user, region=found)
    client = Client()
    client.force_login(user)
    return client


def test_live_api_has_status_latest_values_and_exceedances(lake_dir: Path) -> None:
    now = timezone.localtime().replace(tzinfo=None, microsecond=0)
    hour = now.replace(minute=0, second=0) - dt.timedelta(hours=1)
    _write(lake_dir, [_row("2011", now - dt.timedelta(seconds=10), "w01018", "Rtd", 131.5),
                      _row("2061", hour, "w21011", "Avg", 0.75, flag="M")], 1)
    at = timezone.now()
    DeviceStatus.objects.create(device=Device.objects.get(mn=MN), connected=True, connected_since=at,
                                last_packet_at=at, last_peer="10.0.0.7:1", packets_accepted=7, packets_rejected=2,
                                recent=[{"at": at.isoformat(), "cn": "2011", "verdict": "rejected",
                                         "reason": "crc_mismatch"}])
    body = _client("cd", "city_operator", "510100").get(f"/api/monitoring/devices/{MN}/live").json()
    assert body["mn"] == MN and body["refresh_seconds"] == 30 and body["window_hours"] == 24
    assert re.fullmatch(r"\d\d:\d\d:\d\d", body["generated_text"])
    assert body["status"]["connected"] is True and body["status"]["packets_accepted"] == 7
    assert body["status"]["last_packet_text"] == timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S")
    cod = next(f for f in body["latest"] if f["factor"] == "w01018")
    assert cod["factor_name"] == "化学需氧量" and cod["unit_symbol"] == "毫克/升" and cod["limit_text"] == "≤ 100.0 毫克/升"
    realtime, minute, hourly = cod["readings"]
    assert (realtime["value"], realtime["value_text"], realtime["judgement"]) == (131.5, "131.5", "realtime_over")
    assert minute is None and hourly is None and cod["exceeds"] is False
    tp = next(f for f in body["latest"] if f["factor"] == "w21011")
    assert tp["readings"][2]["judgement"] == "exceedance" and tp["readings"][2]["flag"] == "M" and tp["exceeds"]
    (exceedance,) = body["exceedances"]
    assert (exceedance["factor"], exceedance["value"], exceedance["range_text"]) == ("w21011", 0.75, "≤ 0.5")
    assert exceedance["cn_name"] == "小时数据 (2061)"
    assert body["events"] == [{"at_text": timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S"),
                               "cn_name": "实时数据 (2011)", "verdict": "rejected", "reason": "crc_mismatch"}]


def test_live_api_speaks_english_and_keeps_its_scope(lake_dir: Path, settings: object) -> None:
    settings.ECER_DEVICE_REFRESH_SECONDS = 12  # type: ignore[attr-defined]
    _write(lake_dir, [_row("2011", timezone.localtime().replace(tzinfo=None), "w01018", "Rtd", 40.0)], 1)
    admin = _client("prov", "province_admin")
    body = admin.get(f"/api/monitoring/devices/{MN}/live?lang=en").json()
    assert body["refresh_seconds"] == 12 and body["status"] is None  # never connected
    assert body["latest"][0]["factor_name"] == "chemical oxygen demand (COD)"
    assert body["latest"][0]["unit_symbol"] == "mg/L"
    # Another city's user gets 404, as for an unknown MN (no probing); without login 401.
    assert _client("my", "city_operator", "510700").get(f"/api/monitoring/devices/{MN}/live").status_code == 404
    assert admin.get("/api/monitoring/devices/NOPE/live").status_code == 404
    assert Client().get(f"/api/monitoring/devices/{MN}/live").status_code == 401


def test_page_wires_the_script_and_keeps_a_meta_refresh_without_javascript(lake_dir: Path, settings: object) -> None:
    settings.ECER_DEVICE_REFRESH_SECONDS = 15  # type: ignore[attr-defined]
    html = _client("prov", "province_admin").get(f"/monitoring/devices/{MN}/").content.decode()
    assert '<noscript><meta http-equiv="refresh" content="15"></noscript>' in html
    assert html.count('http-equiv="refresh"') == 1  # only inside <noscript>
    assert "/static/web/monitoring-live.js" in html and "本页每 15 秒自动更新" in html
    match = re.search(r'<script id="device-live" type="application/json">(.*?)</script>', html, re.S)
    assert match
    config = json.loads(match.group(1))
    assert config["url"] == f"/api/monitoring/devices/{MN}/live?lang=zh" and config["seconds"] == 15
    assert config["labels"]["exceedance"] == "超标"
    for skeleton in ("tpl-status", "tpl-latest", "tpl-exceedances", "tpl-recent", "tpl-latest-empty"):
        assert f'<template id="{skeleton}">' in html
    for body in ("status-body", "latest-body", "exceedances-body", "recent-body"):
        assert f'id="{body}"' in html
