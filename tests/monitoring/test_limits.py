"""Issue 7 item 1.5: limits are ranges; exceedance is judged on hourly averages (CN 2061) only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from ecer.gateway.lake import Lake, LakeRow
from ecer.monitoring import services
from ecer.monitoring.demo import seed_demo_registry
from ecer.monitoring.limits import judgement, violates
from ecer.monitoring.models import Device, MonitoringPoint, PermittedLimit

MN = "DEMO510100W000000000001"  # water outlet: pH 6–9, COD ≤ 100 mg/L
AIR_MN = "DEMO511500A000000000004"  # SO2 ≤ 200 mg/m3


def test_a_range_is_violated_on_both_sides() -> None:
    assert violates(5.2, 6.0, 9.0) and violates(10.4, 6.0, 9.0)
    assert not violates(6.0, 6.0, 9.0) and not violates(9.0, 6.0, 9.0) and not violates(7.1, 6.0, 9.0)
    assert violates(100.5, None, 100.0) and not violates(-1.0, None, 100.0) and not violates(None, 6.0, 9.0)


def test_only_hourly_averages_are_exceedances() -> None:
    assert judgement("2061", 131.0, None, 100.0) == "exceedance"
    assert judgement("2011", 131.0, None, 100.0) == "realtime_over"
    assert judgement("2051", 131.0, None, 100.0) == "realtime_over"
    assert judgement("2061", 99.0, None, 100.0) == ""


def _row(mn: str, cn: str, when: dt.datetime, factor: str, field: str, value: float) -> LakeRow:
    return LakeRow(mn, "32", cn, when, factor, field, value, f"{value}", "N", dt.datetime.now(dt.UTC), 1, factor)


@pytest.fixture
def lake_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db: None) -> Path:
    monkeypatch.setenv("ECER_DATA_DIR", str(tmp_path))
    seed_demo_registry()
    return tmp_path


def _write(root: Path, rows: list[LakeRow]) -> None:
    """Write rows as the gateway does, then run the roll-ups as the scheduled job does (what the
    pages and services read)."""
    from ecer.services.actor import system_actor
    from ecer.services.monitoring_analytics import run_rollups

    lake = Lake(root / "lake")
    try:
        lake.write(rows, 1)
    finally:
        lake.close()
    run_rollups(actor=system_actor())


def test_demo_ph_limit_is_the_range_6_to_9(lake_dir: Path) -> None:
    limit = PermittedLimit.objects.get(point__devices__mn=MN, factor_code="w01001")
    assert (limit.lower_value, limit.limit_value) == (6.0, 9.0)
    assert limit.violated_by(5.2) and limit.violated_by(10.4) and not limit.violated_by(7.0)
    assert limit.display == "6.0–9.0"


def test_ph_below_the_range_is_an_exceedance_and_realtime_spikes_are_not(client_in: Client, lake_dir: Path) -> None:
    now = timezone.localtime().replace(tzinfo=None, microsecond=0)
    hour = now.replace(minute=0, second=0) - dt.timedelta(hours=1)
    _write(lake_dir, [
        _row(MN, "2061", hour, "w01001", "Avg", 5.2),  # below 6: an exceedance
        _row(MN, "2061", hour - dt.timedelta(hours=1), "w01001", "Avg", 10.4),  # above 9: an exceedance
        _row(MN, "2061", hour - dt.timedelta(hours=2), "w01001", "Avg", 7.0),
        _row(MN, "2011", now - dt.timedelta(seconds=30), "w01018", "Rtd", 131.5),  # real-time over limit only
        _row(MN, "2051", now.replace(second=0), "w01018", "Avg", 120.0),  # minute average: not judged either
        _row(MN, "2061", hour, "w01018", "Avg", 60.0),
    ])
    device = Device.objects.get(mn=MN)
    found = services.recent_exceedances(device)
    assert sorted((e.factor, e.value) for e in found) == [("w01001", 5.2), ("w01001", 10.4)]
    assert all(e.cn == "2061" and e.range_text == "6.0–9.0" for e in found)
    points = list(MonitoringPoint.objects.prefetch_related("limits", "devices"))
    assert services.exceedance_counts(points)[MN] == 2

    rows = {r.factor: r for r in services.latest_by_factor(device)}
    assert rows["w01018"].realtime is not None and rows["w01018"].realtime.realtime_over
    assert not rows["w01018"].realtime.exceeds and not rows["w01018"].exceeds and rows["w01018"].realtime_over
    assert rows["w01001"].hourly is not None and rows["w01001"].hourly.exceeds

    html = client_in.get(f"/monitoring/devices/{MN}/").content.decode()
    assert "实时超限" in html and "6.0–9.0" in html
    exceed = html[html.index('id="exceedances"'):html.index('id="recent"') if 'id="recent"' in html else None]
    assert "5.2" in exceed and "10.4" in exceed and "131.5" not in exceed


def test_oxygen_corrected_hourly_value_is_judged_where_sent(lake_dir: Path) -> None:
    hour = timezone.localtime().replace(tzinfo=None, minute=0, second=0, microsecond=0) - dt.timedelta(hours=1)
    _write(lake_dir, [
        _row(AIR_MN, "2061", hour, "a21026", "Avg", 150.0), _row(AIR_MN, "2061", hour, "a21026", "ZsAvg", 230.0),
        _row(AIR_MN, "2061", hour - dt.timedelta(hours=1), "a21026", "Avg", 250.0),
        _row(AIR_MN, "2061", hour - dt.timedelta(hours=1), "a21026", "ZsAvg", 190.0),
    ])
    found = services.recent_exceedances(Device.objects.get(mn=AIR_MN))
    assert [(e.data_time, e.value) for e in found] == [(hour, 230.0)]
