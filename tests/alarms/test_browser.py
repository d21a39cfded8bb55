"""A real browser: a city user sees the badge, opens the alarm list, acknowledges an alarm (390 px wide)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User

from browser_support import ARGS, CHROMIUM, require_chromium
from ecer.alarms.models import Alarm
from ecer.masterdata.models import Region, UserProfile
from ecer.services.actor import system_actor
from ecer.services.alarm_detection import detect

from .conftest import DAY, NOW

pytestmark = [pytest.mark.browser, pytest.mark.slow]
require_chromium()


def test_badge_list_acknowledge(lake_dir: Path, live_server: Any, transactional_db: None, tmp_path: Path) -> None:
    detect(actor=system_actor(), dates=[DAY.isoformat()], now=NOW)
    user = User.objects.create_user("cd", password="pw-long-enough-1")
    user.groups.add(Group.objects.get_or_create(name="city_operator")[0])
    UserProfile.objects.create(user=user, region=Region.add_root(code="510100", name_zh="成都市", level="city"))
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
        page.goto(f"{live_server.url}/login/?next=/monitoring/alarms/")
        page.fill("#id_username", "cd")
        page.fill("#id_password", "pw-long-enough-1")
        page.click("button.btn")
        page.wait_for_selector("#alarms")
        assert page.locator("#alarm-badge").inner_text() == "1"
        page.screenshot(path=str(tmp_path / "alarms-390.png"), full_page=True)
        row = page.locator("tr[data-alarm]").first
        row.locator("input[name=note]").first.fill("已通知企业检修")
        row.locator("button.ack").click()
        page.wait_for_load_state()
        assert page.locator("#alarm-badge").count() == 0
        page.screenshot(path=str(tmp_path / "alarms-acknowledged-390.png"), full_page=True)
        browser.close()
    alarm = Alarm.objects.get(status="acknowledged")
    assert alarm.acknowledged_by == "cd" and alarm.acknowledge_note == "已通知企业检修"
    shots = Path(os.environ.get("ECER_SCREENSHOT_DIR", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    for name in ("alarms-390.png", "alarms-acknowledged-390.png"):
        if shots != tmp_path:
            shutil.copy(tmp_path / name, shots / name)
    assert (tmp_path / "alarms-390.png").stat().st_size > 10_000
