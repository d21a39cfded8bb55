"""The "Done when" path of task tracking in a real browser (system Chromium through Playwright), as
a new user would go through it: the department (省发展改革委) logs in, reports a task of 2024 done
with an evidence file; the province reviewer logs in and scores it for 广元市; the assessment page and
`ecer assess --period annual:2024` then use that score for the city's measures part."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.contrib.auth import get_user_model

from browser_support import ARGS, CHROMIUM, require_chromium
from ecer.accounts.roles import bind_user
from ecer.services import tasks as svc
from ecer.services.actor import actor_for_user, system_actor
from tasks.conftest import DRC_LEADS, task_id
from tasks.test_scoring import GY, ONE_PER_ITEM, POINTS

pytestmark = [pytest.mark.browser, pytest.mark.once, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

require_chromium()

#: The points the reviewer gives in the browser (DRC_LEADS counts for investment_projects, max 10).
BROWSER_POINTS = 9.5


@pytest.fixture
def platform(db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from demo_fixtures import load_demo

    monkeypatch.setenv("ECER_DATA_DIR", str(tmp_path / "data"))
    load_demo()
    users = get_user_model().objects
    dept = users.create_user("ndrc", password="pw-ndrc")
    bind_user(dept, "department", None, department_code="drc")
    reviewer = users.create_user("shenhe", password="pw-shenhe")
    bind_user(reviewer, "province_reviewer", "510000")
    # The reviewer has already scored the year's other seven items for 广元 (one task each).
    for item, code in ONE_PER_ITEM.items():
        if code != DRC_LEADS:
            svc.report(task_id(code), 2024, actor=system_actor(), status="on_track")
            svc.score(task_id(code), 2024, actor=actor_for_user(reviewer), region=GY, points=POINTS[item])


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


def test_department_reports_with_evidence_reviewer_scores_assessment_uses_it(
        platform: None, browser: Any, live_server: Any, tmp_path: Path) -> None:
    shots = Path(os.environ.get("ECER_TEST_SHOTS", str(tmp_path)))
    shots.mkdir(parents=True, exist_ok=True)
    url = live_server.url

    # 1. the department finds its task in the list and reports 2024 done with an evidence file
    dept = _login(browser, url, "ndrc")
    dept.click(".nav-menu[data-menu=ledgers] .nav-menu-label")  # the ledgers menu opens on a click
    dept.click("nav a[href='/tasks/']")
    dept.select_option("#task-filters select[name=year]", "2024")
    dept.select_option("#task-filters select[name=kind]", "task")
    dept.click("#task-filters button")
    assert "pollutant_total_control" not in dept.inner_text("#tasks")  # 生态环境厅's task: not shown
    dept.screenshot(path=str(shots / "tasks-list-department.png"), full_page=True)
    dept.click(f"#tasks tr[data-code={DRC_LEADS}] a")
    dept.wait_for_selector("#report-form")
    assert dept.query_selector("#score-form") is None
    evidence = tmp_path / "充电基础设施建设台账2024.pdf"
    evidence.write_bytes(b"%PDF-1.4 illustrative ledger of charging stations built in 2024")
    dept.select_option("#report-form select[name=status]", "done")
    dept.fill("#report-form textarea[name=milestones]", "新建公共充电桩\n建成加氢站")
    dept.fill("#report-form textarea[name=self_assessment]", "年度节点全部完成（示例）")
    dept.fill("#report-form input[name=self_score]", "90")
    dept.fill("#report-form input[name=evidence_title]", "2024年充电基础设施建设台账")
    dept.set_input_files("#report-form input[type=file]", str(evidence))
    dept.click("#report-form button")
    dept.wait_for_selector("#messages .success")
    assert dept.inner_text("#status") == "已完成"
    assert "2024年充电基础设施建设台账" in dept.inner_text("#evidence")
    assert "充电基础设施建设台账2024.pdf" in dept.inner_text("#evidence")
    dept.screenshot(path=str(shots / "task-reported-department.png"), full_page=True)

    # 2. the province reviewer scores it for 广元市
    reviewer = _login(browser, url, "shenhe")
    reviewer.goto(f"{url}/tasks/?year=2024&status=done")
    reviewer.click(f"#tasks tr[data-code={DRC_LEADS}] a")
    reviewer.wait_for_selector("#score-form")
    with reviewer.expect_download() as download:
        reviewer.click("#evidence a >> nth=0")
    assert Path(download.value.path()).read_bytes() == evidence.read_bytes()
    reviewer.select_option("#score-form select[name=region]", GY)
    reviewer.fill("#score-form input[name=points]", str(BROWSER_POINTS))
    reviewer.fill("#score-form textarea[name=note]", "佐证充分")
    reviewer.click("#score-form button")
    reviewer.wait_for_selector("#messages .success")
    assert "广元市" in reviewer.inner_text("#scores") and "9.5" in reviewer.inner_text("#scores")
    reviewer.screenshot(path=str(shots / "task-scored-reviewer.png"), full_page=True)

    # 3. the assessment page takes 广元's measures from the recorded scores
    expected = sum(POINTS.values()) - POINTS["investment_projects"] + BROWSER_POINTS
    reviewer.goto(f"{url}/assessment/annual:2024/")
    assert "任务跟踪评分" in reviewer.inner_text("#measures-recorded")
    reviewer.click(f"a[href='#measures-{GY}']")
    items = reviewer.inner_text(f"#measures-{GY}")
    assert "任务跟踪" in items and f"{expected:g}" in items
    reviewer.screenshot(path=str(shots / "assessment-recorded.png"), full_page=True)

    # 4. and so does `ecer assess --period annual:2024`
    from ecer.cli.main import cli

    result = CliRunner().invoke(cli, ["assess", "--period", "annual:2024", "--format", "json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    [gy] = [r for r in body["regions"] if r["region_code"] == GY]
    assert gy["measures"]["points"] == pytest.approx(expected) and body["measures"]["recorded"]["regions"] == 1
