"""Pages and services over the roll-ups: trend with the limit band, emissions, quality, scope."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.test import Client

from ecer.analytics import store
from ecer.gateway.lake import Lake, LakeRow
from ecer.monitoring.demo import seed_demo_registry
from ecer.services import monitoring_analytics as service
from ecer.services.actor import Actor, PermissionDenied, Role, system_actor

pytestmark = pytest.mark.django_db
MN = "DEMO510100W000000000001"  # 成都 510100, water
DAY = dt.date(2025, 3, 4)
RX = dt.datetime(2025, 3, 4, tzinfo=dt.UTC)


@pytest.fixture
def rolled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ECER_DATA_DIR", str(tmp_path))
    seed_demo_registry()
    rows = []
    for h in range(24):
        start = dt.datetime.combine(DAY, dt.time(h))
        for i in range(120):
            at = start + dt.timedelta(seconds=30 * i)
            flag = "D" if i == 0 else "N"
            rows += [LakeRow(MN, "32", "2011", at, "w01018", "Rtd", 50.0, "", flag, RX, 1, "w01018"),
                     LakeRow(MN, "32", "2011", at, "w00000", "Rtd", 10.0, "", "N", RX, 1, "w00000")]
    # a negative hourly amount: flagged and counted, the hour's amount stays concentration × flow
    rows.append(LakeRow(MN, "32", "2061", dt.datetime.combine(DAY, dt.time(5)), "w01018", "Cou", -3.0, "", "N", RX, 1,
                        "w01018"))
    lake = Lake(tmp_path / "lake")
    lake.write(rows, 1)
    lake.close()
    store.update(tmp_path, now=dt.datetime(2025, 3, 10))
    return tmp_path


def test_emissions_are_concentration_times_flow_summed_per_city(rolled: Path) -> None:
    rows = service.emissions(actor=system_actor(), year=2025, group="city")
    # 50 mg/L × 10 L/s × 3600 s × 24 h = 43.2 kg = 0.0432 t of COD in 成都
    assert [(r["key"], r["pollutant"], r["month"], r["hours"]) for r in rows] == [("510100", "COD", "2025-03", 24)]
    assert rows[0]["amount_t"] == pytest.approx(0.0432)
    source = service.monitored_emissions(actor=system_actor(), year=2025)
    assert source[0]["region_code"] == "510100" and source[0]["amount_t"] == pytest.approx(0.0432)


def test_scope_a_city_sees_only_its_points(rolled: Path) -> None:
    mianyang = Actor("my", Role.CITY_OPERATOR, "510700", frozenset({"510700"}))
    assert service.emissions(actor=mianyang, year=2025) == []
    with pytest.raises(PermissionDenied):
        service.point_rollups(MN, "daily", DAY, DAY, actor=mianyang)
    with pytest.raises(PermissionDenied):
        service.run_rollups(actor=mianyang)
    q = service.quality(actor=system_actor(), year=2025, month=3)
    assert [(x["mn"], x["received"]) for x in q] == [(MN, 2880)]
    assert q[0]["valid_rate"] == pytest.approx((2880 * 2 - 24) / (2880 * 2))
    assert q[0]["cou_backwards"] == 1


def test_pages_read_the_rollups(rolled: Path, client_in: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.contrib.auth import get_user_model

    get_user_model().objects.filter(username="mon").update(is_superuser=True)  # province administrator
    page = client_in.get(f"/monitoring/devices/{MN}/rollups/?period=hourly&end=2025-03-05")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and 'fill="#e3f4e8"' in html and "化学需氧量" in html  # trend with the limit band
    assert "2025-03-04 05:00" in html and "D:1" in html and "累计值倒退: 1" in html
    emissions = client_in.get("/monitoring/emissions/?group=city&year=2025").content.decode()
    assert "510100" in emissions and "0.0432" in emissions
    quality = client_in.get("/monitoring/quality/?year=2025&month=3").content.decode()
    assert MN in quality and "累计值倒退" in quality
    # the pages never read the raw parts: with the lake gone the roll-ups still show
    import shutil

    shutil.rmtree(rolled / "lake")
    assert "0.0432" in client_in.get("/monitoring/emissions/?group=city&year=2025").content.decode()


def test_the_api_twins_of_the_emissions_and_quality_pages(rolled: Path, client_in: Client) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    emissions = client_in.get("/api/monitoring/emissions?year=2025&group=city").json()["items"]
    assert [(e["key"], e["pollutant"], e["month"]) for e in emissions] == [("510100", "COD", "2025-03")]
    assert emissions[0]["amount_t"] == pytest.approx(0.0432)
    quality = client_in.get("/api/monitoring/quality?year=2025&month=3").json()["items"]
    assert [(q["mn"], q["received"], q["cou_backwards"]) for q in quality] == [(MN, 2880, 1)]
    assert client_in.get("/api/monitoring/quality?year=2025&month=13").status_code == 400
    assert client_in.get("/api/monitoring/emissions?year=99999999999999999999").status_code == 400
    # the same scope as the pages: 绵阳's operator sees none of 成都's point
    user = get_user_model().objects.create_user("my-op", password="pw-long-enough")
    from ecer.accounts.roles import bind_user

    bind_user(user, "city_operator", "510700")
    other = Client()
    other.force_login(user)
    assert other.get("/api/monitoring/emissions?year=2025").json()["items"] == []
    assert other.get("/api/monitoring/quality?year=2025&month=3").json()["items"] == []
    assert Group.objects.filter(name="city_operator").exists()
