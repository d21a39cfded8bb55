"""The annual report's key-project section (the ledger's reductions by pollutant against the plan, by
programme, and each region's key-project reduction as the progress counts it) and its tasks section
(status by type and by lead department), equal to what the services give the same actor."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from openpyxl import load_workbook

from ecer.accounting import find_row
from ecer.services import key_projects as ledger
from ecer.services import reports
from ecer.services.actor import actor_for_user, system_actor
from ecer.services.ledger_proposals import seed_demo_ledger
from ecer.services.progress import progress_report
from ecer.services.tasks import list_tasks

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_data")]
YEAR = 2023


@pytest.fixture(autouse=True)
def demo_ledger() -> None:
    from ecer.monitoring.demo import seed_demo_registry

    seed_demo_registry()
    seed_demo_ledger()


def section(doc: reports.Document, heading: str) -> reports.Section:
    return next(s for s in doc.sections if s.heading == heading)


def test_key_projects_section_equals_the_ledger_and_the_progress_rows() -> None:
    doc = reports.build(reports.Request("annual", YEAR, "xlsx"), actor=system_actor())
    kp = section(doc, "重点工程减排")
    totals, by_programme, by_city = kp.tables
    book = ledger.ledger(actor=system_actor(), year=YEAR)
    assert [r[0] for r in totals.rows] == ["化学需氧量", "氨氮", "氮氧化物", "挥发性有机物"]
    assert [(r[1], r[2], len(t.projects)) for r, t in zip(totals.rows, book.totals, strict=True)] == \
        [(round(t.amount_10k_t, 4), t.target_10k_t, r[4]) for r, t in zip(totals.rows, book.totals, strict=True)]
    assert totals.rows[0][2] == 14.92 and totals.rows[0][4] == 6  # COD: the plan's 14.92 万吨, six projects
    assert sum(r[2] for r in by_programme.rows if r[1] == "化学需氧量") == pytest.approx(
        sum(t.amount_t for t in book.by_programme if t.pollutant == "cod"), abs=0.5)
    report = progress_report("sichuan-14fyp", YEAR, actor=system_actor())
    chengdu = next(r for r in by_city.rows if r[0] == "成都市" and r[1] == "化学需氧量")
    row = find_row(report, "510100", "cod_key_project_reduction")
    assert chengdu[2] == row.actual and chengdu[3] == row.required and chengdu[6] == "台账"
    zigong = next(r for r in by_city.rows if r[0] == "自贡市" and r[1] == "化学需氧量")
    assert zigong[6] == "填报数（替代）"
    assert "fallback: typed statistics" in kp.paragraphs[0] and "4项待处理问题" in kp.paragraphs[1]
    assert not by_city.in_document  # 88 rows: the workbook's


def test_tasks_section_counts_the_years_status_by_type_and_lead_department() -> None:
    from ecer.masterdata.models import PlanTask
    from ecer.services.tasks import report

    dept = actor_for_user(User.objects.get(username="dept-ndrc"))
    task = PlanTask.objects.get(plan__code="sichuan-14fyp", code="charging_and_hydrogen_corridors")
    report(task.pk, YEAR, actor=dept, status="delayed", milestones="建成充电站", self_score=60)
    doc = reports.build(reports.Request("annual", YEAR, "xlsx"), actor=system_actor())
    tasks = section(doc, "重点任务落实情况")
    by_kind, by_department, listing = tasks.tables
    rows = list_tasks(actor=system_actor(), year=YEAR)
    assert sum(r[1] for r in by_kind.rows) == len(rows) == len(listing.rows) == 51
    assert [r[0] for r in by_kind.rows] == ["重点任务", "政策机制", "工作安排"]
    assert by_kind.rows[0][1:] == [35, 34, 0, 1, 0]  # total, 未启动, 按计划推进, 滞后, 已完成
    drc = next(r for r in by_department.rows if r[0] == "省发展改革委")
    assert drc[4] == 1 and "滞后任务：" in tasks.paragraphs[1] and task.title in tasks.paragraphs[1]
    book = load_workbook(io.BytesIO(reports.render(doc, "xlsx")))
    assert {"重点工程减排", "分地区重点工程", "任务按类型", "任务按部门", "任务清单"} <= set(book.sheetnames)


def test_a_city_sees_its_own_key_projects_and_no_tasks_section() -> None:
    actor = actor_for_user(User.objects.get(username="guangyuan"))
    doc = reports.build(reports.Request("annual", YEAR, "xlsx"), actor=actor)
    headings = [s.heading for s in doc.sections]
    assert "重点工程减排" in headings and "重点任务落实情况" not in headings
    by_city = section(doc, "重点工程减排").tables[-1]
    assert {r[0] for r in by_city.rows} == {"广元市"}
    totals = section(doc, "重点工程减排").tables[0]
    assert totals.rows[0][4] == 1  # Guangyuan's one COD project (SC-2022-008), not the province's six
