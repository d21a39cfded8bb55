"""A real browser (system Chromium through Playwright) logs in, reads the targets, switches language."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from browser_support import ARGS, CHROMIUM, require_chromium

pytestmark = pytest.mark.browser

require_chromium()


@pytest.fixture
def page(loaded: None) -> Any:
    # Playwright's sync API runs an event loop; live_server's ORM calls then need this escape hatch.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport={"width": 1360, "height": 900}, locale="zh-CN")
        yield context.new_page()
        browser.close()


def test_province_logs_in_sees_targets_and_switches_to_english(
    page: Any, live_server: Any, tmp_path: Path
) -> None:
    page.goto(f"{live_server.url}/targets/")
    assert "/login/" in page.url
    page.fill("#id_username", "province")
    page.fill("#id_password", "demo-province")
    page.click("button.btn")
    page.wait_for_selector("#plan-name")
    row = page.locator("#target-energy_intensity")
    assert "单位地区生产总值能源消耗" in row.inner_text()
    assert "14" in row.locator("td.value").inner_text()
    assert page.locator("link[rel=stylesheet]").count() == 1
    # The stylesheet is served and applied: the header is not the browser's default white.
    header_bg = page.eval_on_selector(".site-header", "e => getComputedStyle(e).backgroundImage")
    assert "gradient" in header_bg
    page.screenshot(path=str(tmp_path / "home-zh.png"), full_page=True)

    page.select_option("#language-form select", "en")
    page.wait_for_selector("text=Overall targets")
    assert "energy use per unit of GDP" in page.locator("#target-energy_intensity").inner_text()
    page.screenshot(path=str(tmp_path / "home-en.png"), full_page=True)
    page.screenshot(path=str(tmp_path / "home-en-top.png"))
    assert (tmp_path / "home-en.png").stat().st_size > 10_000
