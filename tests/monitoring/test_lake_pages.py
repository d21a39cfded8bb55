"""Monitoring pages over the lake: values against limits, exceedances, and an empty or half-written lake."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from ecer.gateway.lake import Lake, LakeRow, query
from ecer.monitoring.demo import seed_demo_registry
from ecer.monitoring.models import Device, DeviceStatus

pytestmark = pytest.mark.django_db
MN = "DEMO510100W000000000001"  # water outlet: COD limit 100 mg/L, total phosphorus 0.5 mg/L


@pytest.fixture
def lake_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ECER_DATA_DIR", str(tmp_path))
    seed_demo_registry()
    return tmp_path


def _row(cn: str, when: dt.datetime, factor: str, field: str, value: float, seq: int) -> LakeRow:
    return LakeRow(MN, "32", cn, when, factor, field, value, f"{value}", "N", dt.datetime.now(dt.UTC), seq, factor)


def _beijing_now() -> dt.datetime:
    return timezone.localtime().replace(tzinfo=None, microsecond=0)


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


def test_detail_shows_series_with_units_limits_and_exceedances(client_in: Client, lake_dir: Path) -> None:
    now = _beijing_now()
    hour = now.replace(minute=0, second=0) - dt.timedelta(hours=1)
    _write(lake_dir, [
        _row("2011", now - dt.timedelta(seconds=20), "w01018", "Rtd", 131.5, 1),  # above 100
        _row("2011", now - dt.timedelta(seconds=50), "w01018", "Rtd", 40.0, 1),  # older, not the latest
        _row("2051", now.replace(second=0), "w01018", "Avg", 47.25, 1),
        _row("2061", hour, "w01018", "Avg", 44.5, 1),
        _row("2061", hour, "w21011", "Avg", 0.25, 1),
        _row("2061", hour - dt.timedelta(hours=1), "w21011", "Avg", 0.75, 1),  # hourly above 0.5: an exceedance
        _row("2011", now - dt.timedelta(hours=30), "w21011", "Rtd", 9.0, 1),  # real-time, outside 24 h (still the latest Rtd)
        _row("2061", hour - dt.timedelta(hours=30), "w21011", "Avg", 9.5, 1),  # exceedance outside 24 h
    ], 1)
    html = client_in.get(f"/monitoring/devices/{MN}/").content.decode()
    latest = html[html.index('id="latest"'):html.index('id="exceedances"')]
    assert "化学需氧量" in latest and "131.5" in latest and "40.0" not in latest
    assert "47.25" in latest and "44.5" in latest and "毫克/升" in latest and "≤ 100.0 毫克/升" in latest
    # 131.5 and 9.0 are single real-time readings: marked "real-time over limit", never exceedances
    assert latest.count("△ 实时超限") == 2 and "⚠ 超标" not in latest and 'class="exceeds"' not in latest
    assert "汇总每 10 分钟运行一次" in html  # the latest values say which roll-up run they are from
    exceed = html[html.index('id="exceedances"'):html.index('id="recent"') if 'id="recent"' in html else None]
    assert "0.75" in exceed and "131.5" not in exceed and "9.5" not in exceed and "小时数据 (2061)" in exceed

    client_in.post("/i18n/setlang/", {"language": "en"})
    english = client_in.get(f"/monitoring/devices/{MN}/").content.decode()
    assert "chemical oxygen demand (COD)" in english and "mg/L" in english and "real-time over limit" in english
    assert "Hourly average (2061)" in english

    listing = client_in.get("/monitoring/").content.decode()
    assert "⚠ 1" in listing  # one exceedance (hourly average) in 24 h for this device


def test_pages_render_with_no_lake_and_no_status(client_in: Client, lake_dir: Path) -> None:
    assert not (lake_dir / "lake").exists()
    html = client_in.get(f"/monitoring/devices/{MN}/").content.decode()
    assert "数据湖中尚无监测数据。" in html and "无超出许可范围的小时均值。" in html
    assert "尚未运行汇总：首次运行后显示最新值。" in html
    listing = client_in.get("/monitoring/")
    assert listing.status_code == 200 and "从未连接" in listing.content.decode()


def test_half_written_and_damaged_parts_do_not_hide_the_rest(client_in: Client, lake_dir: Path,
                                                             roll_up: Callable[[], object]) -> None:
    now = _beijing_now()
    _write(lake_dir, [_row("2011", now, "w01018", "Rtd", 55.5, 1)], 1, roll=False)
    _write(lake_dir, [_row("2011", now + dt.timedelta(seconds=1), "w21003", "Rtd", 2.5, 2)], 2, roll=False)
    day = next((lake_dir / "lake" / "measurements").iterdir())
    (day / ".tmp-part-000000000003-abcdef12.parquet").write_bytes(b"PAR1")  # the gateway is mid-write
    damaged = sorted(day.glob("part-*.parquet"))[1]
    damaged.write_bytes(damaged.read_bytes()[:40])  # truncated (disk trouble, manual copy)
    assert [r["value"] for r in query("SELECT value FROM measurements")] == [55.5]
    roll_up()
    html = client_in.get(f"/monitoring/devices/{MN}/").content.decode()
    assert "55.5" in html
    assert client_in.get("/monitoring/").status_code == 200


def test_status_times_are_beijing_time(client_in: Client, lake_dir: Path) -> None:
    device = Device.objects.get(mn=MN)
    at = dt.datetime(2025, 3, 1, 0, 30, 5, tzinfo=dt.UTC)
    DeviceStatus.objects.create(device=device, connected=True, connected_since=at, last_packet_at=at,
                                packets_accepted=3, recent=[{"at": at.isoformat(), "cn": "2011",
                                                             "verdict": "accepted", "reason": ""}])
    html = client_in.get(f"/monitoring/devices/{MN}/").content.decode()
    assert "2025-03-01 08:30:05" in html and "00:30:05" not in html  # UTC+8
    assert "已接收" in html and "实时数据 (2011)" in html
    assert "2025-03-01 08:30:05" in client_in.get("/monitoring/").content.decode()
