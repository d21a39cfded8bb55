"""A real browser at 1280 px: a city user opens its city's page, follows the ranking to an enterprise's
page and switches the year; both pages are screenshotted (ECER_SCREENSHOT_DIR keeps them)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from test_overview import _alarm, _mns, month, world  # noqa: F401 - fixtures of the simulated month

from browser_support import ARGS, CHROMIUM, require_chromium
from ecer.masterdata.models import Region, UserProfile

pytestmark = [pytest.mark.browser, pytest.mark.slow]
require_chromium()


def test_city_then_enterprise_page(world: dict[str, Any], live_server: Any, transactional_db: None,  # noqa: F811
                                   tmp_path: Path) -> None:
    start = dt.datetime(2025, 3, 9, 1, tzinfo=dt.UTC)
    _alarm(_mns("甲化工")[0], "open", start, kind="exceedance", factor="w01018", peak_value=131.5,
           peak_at=start + dt.timedelta(hours=1), limit_upper=100.0, basis="Avg", hours=3)
    _alarm(_mns("甲化工")[1], "closed", dt.datetime(2025, 3, 3, tzinfo=dt.UTC), end=dt.datetime(2025, 3, 3, 2, tzinfo=dt.UTC),
           detail={"threshold_minutes": 30}, hours=2)
    user = User.objects.create_user("cd", password="pw-long-enough-1")
    user.groups.add(Group.objects.get_or_create(name="city_operator")[0])
    UserProfile.objects.create(user=user, region=Region.objects.get(code="510100"))
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
        page.goto(f"{live_server.url}/login/?next=/monitoring/cities/510100/%3Fyear%3D2025")
        page.fill("#id_username", "cd")
        page.fill("#id_password", "pw-long-enough-1")
        page.click("button.btn")
        page.wait_for_selector("#ranking")
        assert page.locator("svg.bars").count() == 3  # COD, NH3-N, SO2 (its NOx is in a unit that does not convert)
        page.screenshot(path=str(tmp_path / "city-1280.png"), full_page=True)
        page.locator("#ranking a", has_text="甲化工").click()
        page.wait_for_selector("#monthly-emissions")
        assert "甲化工" in page.locator("#overview-title").inner_text()
        assert page.locator("#overview-alarms tr[data-alarm]").count() == 2
        page.screenshot(path=str(tmp_path / "enterprise-1280.png"), full_page=True)
        page.select_option("#year", "2024")  # the selector submits itself
        page.wait_for_url("**year=2024")
        assert page.locator("#monthly-emissions").count() == 0  # nothing simulated in 2024
        browser.close()
    shots = Path(os.environ.get("ECER_SCREENSHOT_DIR", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    for name in ("city-1280.png", "enterprise-1280.png"):
        assert (tmp_path / name).stat().st_size > 10_000
        if shots != tmp_path:
            shutil.copy(tmp_path / name, shots / name)
