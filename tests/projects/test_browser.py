"""The ledger's two pages in a real browser (system Chromium through Playwright) at 1280 px, in Chinese
and English, on the demo ledger: the totals against the plan, the planted findings, a project's
explanation; an evidence file uploaded through the page. Screenshots go to test-artifacts/browser/."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from browser_support import ARGS, CHROMIUM, require_chromium

pytestmark = [pytest.mark.browser, pytest.mark.once, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

require_chromium()

ARTIFACTS = Path(os.environ.get("ECER_TEST_ARTIFACTS") or Path(__file__).resolve().parents[2] / "test-artifacts") / "browser"


@pytest.fixture
def demo_ledger(db: None) -> None:
    from django.contrib.auth import get_user_model

    from ecer.accounts.roles import bind_user
    from ecer.masterdata.services.catalogs import load_catalogs
    from ecer.monitoring.demo import seed_demo_registry
    from ecer.services.ledger_proposals import seed_demo_ledger

    load_catalogs()
    seed_demo_registry()
    seed_demo_ledger()
    bind_user(get_user_model().objects.create_user("chengdu", password="pw-chengdu-long"), "city_operator", "510100")
    bind_user(get_user_model().objects.create_user("prov", password="pw-prov-long"), "province_reviewer", "510000")


@pytest.fixture
def browser() -> Any:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def _login(browser: Any, url: str, username: str, lang: str = "zh") -> Any:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    if lang == "en":
        context.add_cookies([{"name": "django_language", "value": "en", "url": url}])
    page = context.new_page()
    page.set_default_timeout(60_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(f"{url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", f"pw-{username}-long")
    page.click("button.btn")
    page.wait_for_url(lambda u: "/login/" not in u)
    page.errors = errors
    return page


@pytest.mark.usefixtures("demo_ledger")
def test_the_ledger_pages_in_a_browser(browser: Any, live_server: Any, tmp_path: Path) -> None:
    page = _login(browser, live_server.url, "prov")
    page.goto(f"{live_server.url}/projects/")
    assert page.locator("#projects tbody tr").count() == 13
    assert page.locator("#findings li.finding").count() == 4
    assert "14.92" in page.locator("#total-cod").inner_text()
    page.screenshot(path=str(ARTIFACTS / "projects-list-zh-1280.png"), full_page=True)
    page.click("#project-SC-2023-010 a")
    page.wait_for_url(lambda u: u.endswith("/projects/SC-2023-010/"))
    assert "重复计算" in page.locator("#findings").inner_text()
    assert "water_treatment.efficiency_gain" in page.locator("#reductions").inner_text()
    page.screenshot(path=str(ARTIFACTS / "projects-detail-zh-1280.png"), full_page=True)
    assert page.errors == []

    en = _login(browser, live_server.url, "prov", lang="en")
    en.goto(f"{live_server.url}/projects/SC-2022-011/")
    assert "above baseline" in en.locator("#findings").inner_text()
    en.screenshot(path=str(ARTIFACTS / "projects-detail-en-1280.png"), full_page=True)

    city = _login(browser, live_server.url, "chengdu")
    city.goto(f"{live_server.url}/projects/SC-2021-001/")
    evidence = tmp_path / "竣工验收报告.pdf"
    evidence.write_bytes(b"%PDF-1.4 illustrative acceptance report")
    city.set_input_files("#evidence-form input[type=file]", str(evidence))
    city.fill("#evidence-form input[name=description]", "竣工验收报告")
    city.click("#evidence-form button")
    city.wait_for_selector("#messages .success")
    assert "竣工验收报告.pdf" in city.locator("#evidence").inner_text()
    assert city.errors == []
