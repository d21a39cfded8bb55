"""The annual energy report in a real browser (system Chromium through Playwright), as a new user would
go through it with the demo's logins: the enterprise reporter opens 能源利用状况报告 from the menu, starts
the year's report, types its energy, products and savings, submits with a total that does not agree with
its parts and is told which field, corrects it and submits; the reviewer of the enterprise's city sees the
figures with their factors and the product above its national limit, and approves. Screenshots of each
step are kept under test-artifacts/browser/energy-report/."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from browser_support import ARGS, CHROMIUM, require_chromium

pytestmark = [pytest.mark.browser, pytest.mark.once, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

require_chromium()

ARTIFACTS = (Path(os.environ.get("ECER_TEST_ARTIFACTS") or Path(__file__).resolve().parents[2] / "test-artifacts")
             / "browser" / "energy-report")
UNIT = "91510700MADEM0002X"  # the demo enterprise reporter's unit (绵阳)


@pytest.fixture
def platform(db: None) -> dict[str, str]:
    from ecer.accounts.roles import DEMO_ACCOUNTS
    from ecer.masterdata.services.accounts import ensure_demo_accounts
    from ecer.masterdata.services.catalogs import load_catalogs
    from ecer.services.energy_register import seed_demo_register
    from ecer.services.submissions import ensure_demo_periods

    load_catalogs()
    ensure_demo_periods()
    seed_demo_register()
    ensure_demo_accounts()
    return {a.username: a.password for a in DEMO_ACCOUNTS}


@pytest.fixture
def browser() -> Any:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def _login(browser: Any, url: str, username: str, password: str) -> Any:
    page = browser.new_context(viewport={"width": 1360, "height": 900}, locale="zh-CN").new_page()
    page.set_default_timeout(60_000)  # the machine is shared; a slow page is not a failure of the path
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button.btn", timeout=90_000)
    page.wait_for_load_state()
    page.console_errors = errors
    return page


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _number(text: str) -> float:
    return float(re.sub(r"[^\d.]", "", text))


def test_the_enterprise_files_its_report_and_the_city_reviewer_approves_it(
        platform: dict[str, str], browser: Any, live_server: Any) -> None:
    from ecer.services import energy_reports as reports

    url = live_server.url
    works = _login(browser, url, "enterprise", platform["enterprise"])
    works.goto(f"{url}/")
    link = works.locator("a[href='/energy/reports/']").first
    assert link.inner_text().strip() == "能源利用状况报告"
    works.goto(f"{url}/energy/reports/")
    assert "待填报" in works.inner_text("#todo")
    works.click("#start-2024")
    works.wait_for_selector("#report-form")
    assert works.inner_text("#report-status") == "draft"

    # the year's energy by type, in the units the enterprise's books keep
    for i, (energy_type, unit, quantity, feedstock) in enumerate((
            ("electricity", "10k_kwh", "22000", ""), ("natural_gas", "10k_m3", "3500", "2500"),
            ("raw_coal", "t", "2000", ""))):
        works.select_option(f"select[name=energy-{i}-energy_type]", energy_type)
        works.select_option(f"select[name=energy-{i}-unit]", unit)
        works.fill(f"input[name=energy-{i}-quantity]", quantity)
        works.fill(f"input[name=energy-{i}-feedstock]", feedstock)
    works.fill("input[name=materials-0-name]", "原盐")
    works.fill("input[name=materials-0-quantity]", "160000")
    works.fill("input[name=materials-0-unit]", "t")
    works.fill("input[name=products-0-name]", "烧碱（离子膜法液碱 32%）")
    works.select_option("select[name=products-0-standard_product]", "caustic_soda_membrane_30")
    works.fill("input[name=products-0-output]", "100000")
    works.fill("input[name=products-0-unit]", "t")
    works.fill("input[name=products-0-energy_tce]", "31000")
    works.fill("input[name=products-1-name]", "合成氨")
    works.select_option("select[name=products-1-standard_product]", "ammonia_natural_gas")
    works.fill("input[name=products-1-output]", "30000")
    works.fill("input[name=products-1-unit]", "t")
    works.fill("input[name=products-1-energy_tce]", "38000")
    works.fill("input[name=projects-0-name]", "电解槽膜极距改造")
    works.fill("input[name=projects-0-savings_tce]", "1800")
    works.fill("#total_calorific_tce", "75000")  # a total typed from memory: the parts say otherwise
    works.fill("#total_savings_tce", "1800")
    works.click("#submit")
    works.wait_for_selector("#messages")
    message = works.inner_text("#messages")
    assert "total_calorific_tce" in message and "无法提交" in message, message
    assert works.inner_text("#report-status") == "draft"
    _shot(works, "1-total-refused")

    # the page shows the sum of the parts (computed with the catalog's factors): the reporter corrects
    parts = _number(works.inner_text("#sum-calorific"))
    assert 28_000 < parts < 75_000  # electricity 27,038 + gas 42,500.5 + coal 1,428.6 tce (calorific)
    works.fill("#total_calorific_tce", f"{parts:.2f}")
    works.click("#submit")
    works.wait_for_selector("#report-status:text('submitted')")
    assert works.locator("#report-form").count() == 0 and "GB/T 2589" in works.inner_text("#energy")
    assert "ECER_COAL_RATES" in works.inner_text("#coal-note")  # 2024's coal rate is open: said, not guessed
    _shot(works, "2-submitted")
    report_id = int(works.url.rstrip("/").rsplit("/", 1)[1])
    assert works.console_errors == []

    # the reviewer of 绵阳 (the enterprise's city) decides
    reviewer = _login(browser, url, "mianyang-reviewer", platform["mianyang-reviewer"])
    reviewer.goto(f"{url}/energy/reports/")
    reviewer.click(f"#queue a[href='/energy/reports/{report_id}/']")
    reviewer.wait_for_selector("#approve")
    products = reviewer.inner_text("#products")
    assert "GB 21257-2014" in products and "GB 21344-2015" in products and "超过限额" in products
    _shot(reviewer, "3-review")
    reviewer.fill("#review-comment", "同意。合成氨单耗超过限额，请在下一年度报告中说明整改措施。")
    reviewer.click("#approve")
    reviewer.wait_for_selector("#report-status:text('approved')")
    _shot(reviewer, "4-approved")
    assert reviewer.console_errors == []

    total = reports.approved_report_total(UNIT, 2024)
    assert total is not None and total.report_id == report_id and total.approved_by == "mianyang-reviewer"
    assert abs(total.calorific_tce - parts) < 0.01 and total.coal_equivalent_tce is None
    # the province sees it; another city's reviewer does not
    other = _login(browser, url, "guangyuan-reviewer", platform["guangyuan-reviewer"])
    assert other.goto(f"{url}/energy/reports/{report_id}/").status == 404
