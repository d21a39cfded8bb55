"""两高一低 register: classification against the criteria catalog, summaries by city and industry, new
projects checked against the city's energy-use budget and total-consumption light, decisions on record,
pages/API/Excel under the same scope."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth.models import User
from django.test import Client
from openpyxl import load_workbook

from ecer.catalogs.two_high import load_two_high_criteria
from ecer.core.two_high import BudgetVerdict, Level, budget_check, classify, level_of
from ecer.services import two_high as svc
from ecer.services.actor import PermissionDenied, actor_for_user, system_actor
from ecer.services.errors import InvalidRequest

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_data")]


def test_the_criteria_catalog_lists_the_six_industries_with_source_and_status() -> None:
    criteria = load_two_high_criteria()
    assert {c.sector_zh for c in criteria.values()} == {"煤电", "石化", "化工", "钢铁", "有色", "建材"}
    assert all(c.status == "assumed" and "环环评〔2021〕45号" in c.source for c in criteria.values())


def test_classification_by_threshold_and_level() -> None:
    criteria = load_two_high_criteria()
    c = classify("30", 120000, {"nox": 600}, 121, 117, 100, criteria)
    assert c.two_high and c.level is Level.LOW and c.two_high_one_low
    small = classify("30", 3000, {"nox": 6}, None, None, None, criteria)
    assert small.listed and not small.two_high and small.level is Level.UNKNOWN
    assert not classify("64", 90000, {}, None, None, None, criteria).listed
    assert level_of(100, 117, 100) is Level.BENCHMARK and level_of(110, 117, 100) is Level.BASELINE
    fits = budget_check(5000, 2024, "green", 1000.0, 900.0)
    assert fits.verdict is BudgetVerdict.FITS and fits.room_10k_tce == pytest.approx(100.0)
    assert budget_check(5000, 2024, "red", 1000.0, 900.0).verdict is BudgetVerdict.NEEDS_OFFSET
    assert budget_check(2_000_000, 2024, "green", 1000.0, 900.0).verdict is BudgetVerdict.NEEDS_OFFSET
    assert budget_check(5000, None, None, None, None).verdict is BudgetVerdict.UNKNOWN


def test_demo_register_summaries_and_budget_checks() -> None:
    from ecer.services.dashboard.cache import cached_report

    assert svc.seed_demo_register() == 7 and svc.seed_demo_register() == 0  # idempotent
    reg = svc.register(actor=system_actor(), today=dt.date(2025, 1, 1))
    rows = {r.code: r for r in reg.rows}
    assert {c for c, r in rows.items() if r.two_high_one_low} == {"TH-001", "TH-004"}
    assert {c for c, r in rows.items() if r.two_high} == {"TH-001", "TH-002", "TH-003", "TH-004", "TH-006"}
    assert rows["TH-004"].approvals_missing and rows["TH-004"].overdue and rows["TH-004"].decision == "stop"
    assert not rows["TH-007"].two_high and not rows["TH-005"].two_high  # below the thresholds / not listed
    # new 两高 projects only are checked, against the progress report's total-consumption row of the year
    assert {c for c, r in rows.items() if r.budget} == {"TH-003", "TH-004", "TH-006"}
    year = reg.budget_year
    assert year is not None
    control = {r.region_code: r for r in cached_report("sichuan-14fyp", year).rows
               if r.target_code == "energy_total_control"}
    yibin = rows["TH-003"].budget
    assert yibin is not None and yibin.light == control["511500"].light
    assert yibin.budget_10k_tce == control["511500"].required and yibin.actual_10k_tce == control["511500"].actual
    expected = (BudgetVerdict.FITS if control["511500"].light in ("green", "exempt")
                and control["511500"].required - control["511500"].actual >= 6.0 else BudgetVerdict.NEEDS_OFFSET)
    assert yibin.verdict is expected
    city = {s.key: s for s in reg.by_city}
    assert city["510800"].projects == 2 and city["510800"].two_high == 1 and city["510800"].rectify == 1
    industry = {s.key: s for s in reg.by_industry}
    assert industry["30"].projects == 2 and industry["30"].energy_tce_per_year == 123000
    assert sum(s.projects for s in reg.by_industry) == len(reg.rows) == 7


def test_scope_decisions_and_bad_input() -> None:
    svc.seed_demo_register()
    guangyuan = actor_for_user(User.objects.get(username="guangyuan"))
    assert {r.code for r in svc.register(actor=guangyuan).rows} == {"TH-001", "TH-007"}
    with pytest.raises(PermissionDenied):
        svc.register(actor=actor_for_user(User.objects.get(username="enterprise")))
    with pytest.raises(InvalidRequest, match="needs a deadline"):
        svc.decide("TH-001", actor=guangyuan, decision="rectify", deadline=None)
    with pytest.raises(InvalidRequest, match="decision 'pause'"):
        svc.decide("TH-001", actor=guangyuan, decision="pause", deadline=None)
    from ecer.services.errors import NotFound

    with pytest.raises(NotFound):
        svc.decide("TH-004", actor=guangyuan, decision="stop", deadline=dt.date(2026, 1, 1))  # 达州's
    svc.decide("TH-001", actor=guangyuan, decision="stop", deadline=dt.date(2026, 6, 30), note="停产整改")
    from ecer.audit.models import AuditEntry

    assert AuditEntry.objects.filter(action="two_high.decide").count() == 1
    row = next(r for r in svc.register(actor=guangyuan).rows if r.code == "TH-001")
    assert row.decision == "stop" and row.deadline == dt.date(2026, 6, 30)


def test_page_api_and_excel() -> None:
    svc.seed_demo_register()
    client = Client()
    client.force_login(User.objects.get(username="province"))
    html = client.get("/two-high/").content.decode()
    assert "两高一低项目" in html and 'id="row-TH-004"' in html and "未批先建" in html and "示例" in html
    body = client.get("/api/two-high/?only_two_high_one_low=true").json()
    assert [r["code"] for r in body["rows"]] == ["TH-001", "TH-004"]
    book = load_workbook(io.BytesIO(client.get("/two-high/export.xlsx").content))
    assert book.sheetnames == ["两高一低", "分地区", "分行业"]
    rows = list(book["两高一低"].iter_rows(values_only=True))
    assert rows[0][0] == "项目代码" and len(rows) == 8 and all(r[-1] == "示例" for r in rows[1:])
    r = client.post("/api/two-high/TH-003/decision", {"decision": "rectify", "deadline": "2026-03-31"},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["decision"] == "rectify"
    bad = client.post("/api/two-high/TH-003/decision", {"decision": "stop"}, content_type="application/json")
    assert bad.status_code == 400
