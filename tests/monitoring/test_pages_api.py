"""Registry pages and API against the test database (SQLite or PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from ecer.monitoring.demo import seed_demo_registry
from ecer.monitoring.models import Device, DeviceStatus, QuarantinedDevice

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry() -> Device:
    assert seed_demo_registry() == 5
    assert seed_demo_registry() == 5  # idempotent
    device = Device.objects.get(mn="DEMO510100W000000000001")
    now = dt.datetime(2025, 3, 1, 8, 0, tzinfo=dt.UTC)
    DeviceStatus.objects.create(device=device, connected=True, connected_since=now, last_packet_at=now,
                                last_peer="10.0.0.7:50211", packets_accepted=12, packets_rejected=1,
                                last_rejection_reason="crc_mismatch",
                                recent=[{"at": "2025-03-01T08:00:00+00:00", "cn": "2011", "verdict": "rejected",
                                         "reason": "crc_mismatch"}])
    QuarantinedDevice.objects.create(mn="ROGUE0001", reason="unknown_mn", first_seen=now, last_seen=now,
                                     packet_count=3, last_peer="10.0.0.9:1")
    return device


def test_point_list_in_chinese_with_status_limits_and_quarantine(client_in: Client, registry: Device) -> None:
    html = client_in.get("/monitoring/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "在线监测" in html and "示例 成都某污水处理有限公司" in html
    assert registry.mn in html and "化学需氧量 ≤ 100.0 毫克/升" in html  # names, not codes
    assert "在线" in html and "12 / 1" in html
    assert "ROGUE0001" in html and "unknown_mn" in html
    assert "123456" not in html  # PW never shown


def test_point_list_in_english_names_factors_and_units(client_in: Client, registry: Device) -> None:
    client_in.post("/i18n/setlang/", {"language": "en"})
    html = client_in.get("/monitoring/").content.decode()
    assert "chemical oxygen demand (COD) ≤ 100.0 mg/L" in html


def test_device_detail_shows_recent_rejections(client_in: Client, registry: Device) -> None:
    html = client_in.get(f"/monitoring/devices/{registry.mn}/").content.decode()
    assert "crc_mismatch" in html and "10.0.0.7:50211" in html
    assert client_in.get("/monitoring/devices/NOPE/").status_code == 404


def test_pages_need_login(registry: Device) -> None:
    assert Client().get("/monitoring/").status_code == 302


def test_api_points_status_quarantine(client_in: Client, registry: Device) -> None:
    points = client_in.get("/api/monitoring/points").json()["items"]
    assert len(points) == 5 and all("pw" not in p for p in points)
    mine = next(p for p in points if p["mn"] == registry.mn)
    assert mine["region_code"] == "510100" and mine["status"]["packets_accepted"] == 12
    assert {x["factor"] for x in mine["limits"]} >= {"w01018", "w21003"}
    status = client_in.get(f"/api/monitoring/points/{registry.mn}/status").json()
    assert status["connected"] is True and status["recent"][0]["reason"] == "crc_mismatch"
    never = client_in.get("/api/monitoring/points/DEMO5104A0004/status").json()
    assert never["connected"] is False and never["packets_accepted"] == 0
    assert client_in.get("/api/monitoring/points/NOPE/status").status_code == 404
    (q,) = client_in.get("/api/monitoring/quarantine").json()["items"]
    assert (q["mn"], q["packet_count"]) == ("ROGUE0001", 3)
    assert Client().get("/api/monitoring/points").status_code == 401


def test_status_writer_accumulates_counters(registry: Device) -> None:
    from ecer.gateway.registry import StatusBuffer, load_devices, write_status

    info = load_devices()[registry.mn]
    assert info.pw_hash.startswith("pbkdf2_sha256$") and "123456" not in info.pw_hash
    assert info.crc_mode == "standard"
    buffer = StatusBuffer()
    buffer.connection(info.device_id, True)
    buffer.packet(info.device_id, "1.2.3.4:5", "2011", "accepted")
    buffer.packet(info.device_id, "1.2.3.4:5", "2011", "rejected", "bad_cp")
    buffer.quarantined("ROGUE0001", "unknown_mn", "9.9.9.9:9")
    write_status(*buffer.drain())
    status = DeviceStatus.objects.get(device=registry)
    assert (status.packets_accepted, status.packets_rejected, status.last_rejection_reason) == (13, 2, "bad_cp")
    assert status.recent[0]["reason"] == "bad_cp" and len(status.recent) == 3
    assert QuarantinedDevice.objects.get(mn="ROGUE0001").packet_count == 4
