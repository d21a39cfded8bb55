"""The whole collection path in a real browser (system Chromium through Playwright), as a new user
would go through it: a city operator downloads the template, uploads a broken file and sees its errors,
fixes it and submits; a province reviewer returns it with a comment on a cell; the city revises and the
reviewer approves; `ecer progress` then uses the new version. Uploads are checked by the real
django-tasks database worker, run here in batch mode while the page polls its job."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner
from django.core.management import call_command

from browser_support import ARGS, CHROMIUM, require_chromium
from ecer.cli.demo import illustrative_dataset
from ecer.masterdata.services.catalogs import load_catalogs
from ecer.masterdata.services.imports import import_statistics
from ecer.masterdata.services.plans import load_plan_into_db
from ecer.services.actor import system_actor
from ecer.services.decompose import decompose_from_database
from ecer.services.submissions import ensure_demo_periods

from .conftest import make_user

pytestmark = [pytest.mark.browser, pytest.mark.once, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

require_chromium()


@pytest.fixture
def platform(db: None) -> None:
    load_catalogs()
    load_plan_into_db("sichuan-14fyp")
    import_statistics(illustrative_dataset(), illustrative=True)
    decompose_from_database("sichuan-14fyp", actor=system_actor())
    ensure_demo_periods()
    make_user("gy", "city_operator", "510800")
    make_user("shenhe", "province_reviewer", "510000")


@pytest.fixture
def browser() -> Any:
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


def _login(browser: Any, url: str, username: str) -> Any:
    page = browser.new_context(viewport={"width": 1360, "height": 900}, locale="zh-CN",
                               accept_downloads=True).new_page()
    page.set_default_timeout(60_000)  # the machine is shared; a slow page is not a failure of the path
    page.goto(f"{url}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-" + username)
    page.click("button.btn", timeout=90_000)
    page.wait_for_load_state()
    return page


#: The illustrative dataset has no city emission totals: the operator types them in.
EMISSIONS = {"cod_emission": 2.1, "nh3n_emission": 0.21, "nox_emission": 1.4, "voc_emission": 1.1}


def _fill(path: Path, out: Path, change: dict[str, object] | None = None) -> Path:
    """The operator's work in Excel: this year's value = previous year's × 1.03, then `change`."""
    change = {**EMISSIONS, **(change or {})}
    book = openpyxl.load_workbook(path)
    sheet = book["填报"]
    for row in range(7, sheet.max_row + 1):
        code, previous = sheet.cell(row=row, column=1).value, sheet.cell(row=row, column=4).value
        if previous is not None:
            sheet.cell(row=row, column=5, value=round(float(previous) * 1.03, 4))
        if code in change:
            sheet.cell(row=row, column=5, value=change[code])
    book.save(out)
    return out


def _walk(node: Any) -> list[dict[str, Any]]:
    """Every dict inside a JSON document (the provenance inputs sit at any depth)."""
    if isinstance(node, dict):
        return [node] + [d for v in node.values() for d in _walk(v)]
    if isinstance(node, list):
        return [d for v in node for d in _walk(v)]
    return []


def _upload_and_work(page: Any, file: Path) -> None:
    page.set_input_files("#upload-form input[type=file]", str(file))
    page.click("#upload-form button")
    page.wait_for_selector("#job-progress")
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")  # the worker takes the job
    page.wait_for_selector("#job-done-links:not([hidden])", timeout=20_000)


def test_city_submits_province_returns_city_revises_province_approves(
        platform: None, browser: Any, live_server: Any, tmp_path: Path) -> None:
    city = _login(browser, live_server.url, "gy")
    city.goto(f"{live_server.url}/collection/")
    assert "待办" in city.inner_text("main")
    city.click("#todo tr[data-kind=annual_statistics] button.start")
    city.wait_for_selector("#submission-title")
    with city.expect_download() as download:
        city.click("#template-link")
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)

    # 1. a broken file: text in a numeric cell and a wrong unit → its errors, nothing stored
    broken = _fill(template, tmp_path / "broken.xlsx", {"gdp_current": "一千二百亿"})
    book = openpyxl.load_workbook(broken)
    book["填报"]["C9"] = "tce"
    book.save(broken)
    _upload_and_work(city, broken)
    problems = city.inner_text("#job-problem-table")
    assert "text in a numeric cell" in problems and "wrong unit 'tce'" in problems
    assert city.get_attribute("#job-report", "href").endswith("problems.csv")
    city.screenshot(path=str(tmp_path / "upload-errors.png"), full_page=True)
    city.click("#job-next")
    city.wait_for_selector("#cells")
    assert city.input_value("input[name=value_gdp_current]") == ""

    # 2. the fixed file, then submit
    _upload_and_work(city, _fill(template, tmp_path / "fixed.xlsx"))
    assert city.inner_text("#job-status") == "succeeded"
    city.click("#job-next")
    city.wait_for_selector("#cells")
    city.click("#submit")
    city.wait_for_selector("#submission-status")
    assert city.inner_text("#submission-status") == "submitted", city.inner_text("main")[:3000]
    sub_url = city.url

    # 3. the province reviewer returns it with a comment on the energy cell
    reviewer = _login(browser, live_server.url, "shenhe")
    reviewer.goto(f"{live_server.url}/collection/review/")
    reviewer.click("#queue a.open")
    reviewer.fill("input[name=comment_energy_total]", "能耗与用电量不符，请核实")
    reviewer.click("#return")
    reviewer.wait_for_selector("#submission-status")
    assert reviewer.inner_text("#submission-status") == "returned"

    # 4. the city sees the comment, revises, the reviewer approves
    city.goto(sub_url)
    assert "能耗与用电量不符，请核实" in city.inner_text("#cell-energy_total")
    city.click("#revise")
    city.wait_for_selector("#values-form")
    previous = float(city.inner_text("#cell-energy_total td.num >> nth=0"))
    revised_energy = round(previous * 1.05, 2)
    city.fill("input[name=value_energy_total]", str(revised_energy))
    city.fill("input[name=explanation_energy_total]", "已按电力平衡表核实")
    city.click("#submit")
    city.wait_for_selector("#submission-status")
    assert city.inner_text("#submission-status") == "submitted" and "v2" in city.inner_text(".meta")
    city.click("#history-link")
    assert "能源消费总量" in city.inner_text("#diff tr.changed")
    reviewer.goto(f"{live_server.url}/collection/review/")
    reviewer.click("#queue a.open")
    submission_id = reviewer.url.rstrip("/").rsplit("/", 1)[-1]
    reviewer.click("#approve")
    reviewer.wait_for_selector("#submission-status")
    assert reviewer.inner_text("#submission-status") == "approved"
    reviewer.screenshot(path=str(tmp_path / "approved.png"), full_page=True)

    # 5. `ecer progress` uses the new version and says which one
    from ecer.cli.main import cli

    result = CliRunner().invoke(cli, ["progress", "--year", "2024", "--region", "510800", "--format", "json"])
    assert result.exit_code == 0, result.output
    inputs = [i for i in _walk(json.loads(result.output)["rows"])
              if i.get("name") == "energy_total" and i.get("year") == 2024 and "data_version" in i]
    assert inputs and {i["value"] for i in inputs} == {revised_energy}
    assert all(f"submission #{submission_id} 510800 2024 annual_statistics v2" in i["data_version"] for i in inputs)

    # 6. the audit log has every step
    try:
        from ecer.audit.models import AuditEntry
    except ImportError:
        pytest.fail("the audit log (ecer.audit) is not installed")
    actions = list(AuditEntry.objects.filter(obj_type="submission").order_by("seq").values_list("action", flat=True))
    assert actions == ["submission.create", "submission.edit", "submission.submit", "submission.return",
                       "submission.revise", "submission.edit", "submission.submit", "submission.approve"]
