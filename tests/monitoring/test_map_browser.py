"""A real browser (system Chromium through Playwright, 1280 px): the monitoring map draws a marker per
placed point on the 市(州) outlines with its tooltip, and the device page takes new data in place.

Screenshots go to test-artifacts/browser/ (git-ignored; ECER_TEST_ARTIFACTS moves them)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from browser_support import ARGS, CHROMIUM, require_chromium
from ecer.gateway.lake import Lake, LakeRow
from ecer.masterdata.services.catalogs import load_catalogs
from ecer.masterdata.services.plans import load_plan_into_db
from ecer.monitoring.demo import seed_demo_registry
from ecer.monitoring.models import Device, DeviceStatus, MonitoringPoint

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.once]
require_chromium()

ARTIFACTS = Path(os.environ.get("ECER_TEST_ARTIFACTS") or Path(__file__).resolve().parents[2] / "test-artifacts") / "browser"
CHENGDU_W = "DEMO510100W000000000001"
MIANYANG_W = "DEMO510700W000000000002"


def _write(root: Path, rows: list[LakeRow], checkpoint: int) -> None:
    """Write rows as the gateway does, then run the roll-ups as the scheduled job does (the map and
    the device page read those)."""
    from ecer.services.actor import system_actor
    from ecer.services.monitoring_analytics import run_rollups

    lake = Lake(root / "lake")
    try:
        lake.write(rows, checkpoint)
    finally:
        lake.close()
    run_rollups(actor=system_actor())


def _row(mn: str, cn: str, when: dt.datetime, factor: str, field: str, value: float, seq: int) -> LakeRow:
    return LakeRow(mn, "32", cn, when, factor, field, value, f"{value}", "N", dt.datetime.now(dt.UTC), seq, factor)


def _local_now() -> dt.datetime:
    return timezone.localtime().replace(tzinfo=None, microsecond=0)


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, live_server: Any, transactional_db: None) -> Iterator[str]:
    monkeypatch.setenv("ECER_DATA_DIR", str(tmp_path))
    load_catalogs()
    load_plan_into_db("sichuan-14fyp")
    seed_demo_registry()
    MonitoringPoint.objects.filter(devices__mn="DEMO5104A0004").update(longitude=None, latitude=None)
    now = timezone.now()
    DeviceStatus.objects.create(device=Device.objects.get(mn=CHENGDU_W), connected=True, connected_since=now,
                                last_packet_at=now)
    hour = _local_now().replace(minute=0, second=0) - dt.timedelta(hours=1)
    _write(tmp_path, [_row(MIANYANG_W, "2061", hour, "w01018", "Avg", 150.0, 1)], 1)  # over 100: exceedance
    user = User.objects.create_user("prov", password="pw-long-enough-1")
    user.groups.add(Group.objects.get_or_create(name="province_admin")[0])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    print(f"\nbrowser screenshots: {ARTIFACTS}")
    yield live_server.url


@pytest.fixture
def page(site: str) -> Iterator[Any]:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the live server's ORM calls under Playwright's loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        tab = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
        tab.set_default_timeout(60_000)
        errors: list[str] = []
        tab.on("pageerror", lambda e: errors.append(f"page error: {e}"))
        tab.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
        tab.goto(f"{site}/login/")
        tab.fill("#id_username", "prov")
        tab.fill("#id_password", "pw-long-enough-1")
        tab.click("button.btn")
        tab.wait_for_url(lambda url: "/login/" not in url)
        tab.errors = errors
        yield tab
        browser.close()


def test_map_draws_a_marker_per_placed_point(site: str, page: Any) -> None:
    page.goto(f"{site}/monitoring/")
    page.wait_for_selector("#point-map[data-ready='true']")
    assert page.get_attribute("#point-map", "data-markers") == "4"
    drawn = page.evaluate("""() => {
        const chart = echarts.getInstanceByDom(document.getElementById('point-map'));
        const series = chart.getOption().series;
        return Object.fromEntries(series.map(s => [s.name, s.data.length]));
    }""")
    assert drawn == {"超标": 1, "在线": 1, "离线": 0, "从未连接": 2}
    page.wait_for_timeout(500)  # the markers' entry animation
    page.locator("#point-map-section").screenshot(path=str(ARTIFACTS / "monitoring-map-1280.png"))
    # The tooltip of the exceedance marker names the enterprise and links its device page.
    page.evaluate("""() => {
        const chart = echarts.getInstanceByDom(document.getElementById('point-map'));
        chart.dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: 0});
    }""")
    tip = page.locator(f"#point-map a[href='/monitoring/devices/{MIANYANG_W}/']")
    tip.wait_for()
    assert "示例 绵阳某化工有限公司" in page.locator("#point-map").inner_text()
    assert "DEMO5104A0004" in page.locator("#unplaced").inner_text()
    page.locator("#point-map-section").screenshot(path=str(ARTIFACTS / "monitoring-map-tooltip-1280.png"))
    # The English switch: the legend, the series and the region labels follow it.
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": site}])
    page.goto(f"{site}/monitoring/")
    page.wait_for_selector("#point-map[data-ready='true']")
    assert "never connected" in page.locator("#map-legend").inner_text()
    assert "1 point without coordinates" in page.locator("#point-map-section").inner_text()
    page.wait_for_timeout(500)
    page.locator("#point-map-section").screenshot(path=str(ARTIFACTS / "monitoring-map-en-1280.png"))
    assert page.errors == []


def test_device_page_takes_new_values_without_reload(site: str, page: Any, settings: Any) -> None:
    settings.ECER_DEVICE_REFRESH_SECONDS = 5  # the lowest allowed: the test waits a tick or two
    page.goto(f"{site}/monitoring/devices/{CHENGDU_W}/")
    page.wait_for_selector("#latest-body .empty")  # nothing in the lake for this logger yet
    page.evaluate("() => { window.__sameDocument = true; }")  # gone if the page reloaded
    page.screenshot(path=str(ARTIFACTS / "device-live-before-1280.png"), full_page=True)
    now = _local_now()
    _write(Path(os.environ["ECER_DATA_DIR"]), [
        _row(CHENGDU_W, "2011", now - dt.timedelta(seconds=5), "w01018", "Rtd", 88.25, 2),
        _row(CHENGDU_W, "2011", now - dt.timedelta(seconds=5), "w21011", "Rtd", 0.9, 2),  # over 0.5: real-time only
    ], 2)
    DeviceStatus.objects.filter(device__mn=CHENGDU_W).update(packets_accepted=42, packets_rejected=3)
    page.wait_for_function("() => (document.querySelector('#latest') || {innerText: ''}).innerText.includes('88.25')",
                           timeout=30_000)
    page.wait_for_function("() => document.querySelector('#status').innerText.includes('42 / 3')", timeout=30_000)
    assert page.evaluate("() => window.__sameDocument === true"), "the page reloaded instead of updating in place"
    assert "实时超限" in page.locator("#latest tr[data-factor='w21011']").inner_text()
    assert "已于" in page.locator("#live-state").inner_text()
    page.screenshot(path=str(ARTIFACTS / "device-live-after-1280.png"), full_page=True)
    assert page.errors == []
