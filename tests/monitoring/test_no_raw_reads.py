"""Pages and the API read roll-ups, never raw parts (issue 10): every monitoring page and API
operation is requested after a roll-up run while every way to the lake's raw part files is recorded;
none may be used during a request. The pages must still show the data (the services swallow read
errors to keep a page up, so an empty page would otherwise pass).

A new monitoring page or API operation must be added to PAGES (the test fails on a missing one)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import get_resolver
from django.utils import timezone

from ecer.gateway import lake as lake_module
from ecer.gateway.lake import Lake, LakeRow
from ecer.masterdata.models import Region
from ecer.monitoring.demo import seed_demo_registry
from ecer.monitoring.models import Device

pytestmark = pytest.mark.django_db
MN = "DEMO510100W000000000001"  # 成都, water: COD limit 100 mg/L, total phosphorus 0.5 mg/L
YEAR = timezone.localdate().year

#: Route (as in the URL conf / ninja router) → the GET address asked; "what" is text the answer must hold.
PAGES: dict[str, tuple[str, str]] = {
    "monitoring:points": ("/monitoring/", "⚠ 1"),
    "monitoring:device": (f"/monitoring/devices/{MN}/", "131.5"),
    "monitoring:rollups": (f"/monitoring/devices/{MN}/rollups/", "w21011"),
    "monitoring:emissions": (f"/monitoring/emissions/?year={YEAR}&group=point", ""),
    "monitoring:quality": (f"/monitoring/quality/?year={YEAR}&month={timezone.localdate().month}", MN),
    "monitoring:enterprise": ("/monitoring/enterprises/{enterprise}/", ""),
    "monitoring:city": ("/monitoring/cities/510100/", ""),
    "monitoring:alarms": ("/monitoring/alarms/?status=all", ""),
    "/api/monitoring/points": ("/api/monitoring/points", MN),
    "/api/monitoring/map": ("/api/monitoring/map", '"exceedances":1'),
    "/api/monitoring/devices/{mn}/live": (f"/api/monitoring/devices/{MN}/live", "131.5"),
    "/api/monitoring/points/{mn}/status": (f"/api/monitoring/points/{MN}/status", ""),
    "/api/monitoring/quarantine": ("/api/monitoring/quarantine", ""),
    "/api/monitoring/emissions": (f"/api/monitoring/emissions?year={YEAR}&group=point", ""),
    "/api/monitoring/quality": (f"/api/monitoring/quality?year={YEAR}&month={timezone.localdate().month}", MN),
    "/api/monitoring/enterprises/{enterprise_id}/overview": ("/api/monitoring/enterprises/{enterprise}/overview", ""),
    "/api/monitoring/cities/{region_code}/overview": ("/api/monitoring/cities/510100/overview", ""),
}
# not reads of monitoring data (forms posting an alarm's lifecycle; an alarm's own page is covered
# by the list)
NOT_READS = {"monitoring:alarm", "monitoring:alarm-acknowledge", "monitoring:alarm-close"}


def _monitoring_routes() -> set[str]:
    """The monitoring pages (URL names) and the API's GET operations under /api/monitoring/."""
    from ecer.site.api import api

    names = set()
    for pattern in get_resolver().url_patterns:
        if getattr(pattern, "namespace", None) == "monitoring":
            names |= {f"monitoring:{p.name}" for p in pattern.url_patterns}
    for path, ops in api.get_openapi_schema()["paths"].items():
        if path.startswith("/api/monitoring/") and "get" in ops:
            names.add(path)
    return names - NOT_READS


@pytest.fixture
def recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The lake written and rolled up; then every call into the lake's raw parts is recorded."""
    from ecer.services.actor import system_actor
    from ecer.services.monitoring_analytics import run_rollups

    monkeypatch.setenv("ECER_DATA_DIR", str(tmp_path))
    seed_demo_registry()
    Region.objects.filter(code="510100").exists() or Region.add_root(code="510100", name_zh="成都市", level="city")
    now = timezone.localtime().replace(tzinfo=None, microsecond=0)
    hour = now.replace(minute=0, second=0) - dt.timedelta(hours=1)

    def row(cn: str, when: dt.datetime, factor: str, field: str, value: float) -> LakeRow:
        return LakeRow(MN, "32", cn, when, factor, field, value, f"{value}", "N", dt.datetime.now(dt.UTC), 1, factor)

    lake = Lake(tmp_path / "lake")
    try:
        lake.write([row("2011", now - dt.timedelta(seconds=10), "w01018", "Rtd", 131.5),
                    row("2061", hour, "w21011", "Avg", 0.75)], 1)
    finally:
        lake.close()
    run_rollups(actor=system_actor())
    calls: list[str] = []

    def forbid(name: str) -> Any:
        def raw_read(*args: Any, **kwargs: Any) -> Any:
            calls.append(name)
            raise AssertionError(f"a page read the lake's raw parts through {name}")
        return raw_read

    for name in ("query", "lake_files", "committed_parts", "_readable"):
        monkeypatch.setattr(lake_module, name, forbid(name))
    monkeypatch.setattr(Lake, "__init__", forbid("Lake()"))
    yield calls


def test_every_monitoring_read_is_listed() -> None:
    assert _monitoring_routes() == set(PAGES), "add the new monitoring page or API operation to PAGES"


def test_no_page_or_api_reads_raw_parts(client_in: Client, recorded: list[str]) -> None:
    enterprise = Device.objects.select_related("point").get(mn=MN).point.enterprise_id
    for route, (url, what) in PAGES.items():
        response = client_in.get(url.format(enterprise=enterprise))
        assert recorded == [], (route, recorded)
        assert response.status_code == 200, (route, response.status_code)
        body = response.content.decode().replace(" ", "")
        assert what.replace(" ", "") in body, (route, what)
