"""The budget, inspection and reconciliation pages and their API twins: the same services, the same
scope; a reviewer resolves a case in the browser's form; the Excel exports download."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from openpyxl import load_workbook

from ecer.energy.models import ReconciliationCase
from ecer.services import energy_budgets as budgets
from ecer.services.energy_monthly import seed_demo_monthly_energy
from ecer.services.energy_register import seed_demo_register
from energy.test_budgets_reconciliation import MEISHAN_AL, TODAY, _plant_statistics
from energy.test_pages_api import client_as


@pytest.fixture
def demo(regions: None) -> None:
    seed_demo_register()
    seed_demo_monthly_energy(TODAY)
    budgets.seed_demo_budgets(2026)


@pytest.mark.usefixtures("demo")
def test_budget_page_and_api_twin_scoped() -> None:
    city = client_as("city_operator", "511400", "ms")
    html = city.get("/energy/budgets/", {"year": 2026}).content.decode()
    assert f'data-unit="{MEISHAN_AL}"' in html and 'id="budget-511400"' in html and 'id="budget-510400"' not in html
    assert 'id="budget-allocate"' in html and "示例" in html
    body = city.get("/api/energy/budgets", {"year": 2026}).json()
    assert [c["region_code"] for c in body["cities"]] == ["511400"]
    page_light = html.split(f'data-unit="{MEISHAN_AL}" data-light="')[1].split('"')[0]
    assert page_light == body["cities"][0]["units"][0]["light"]
    reviewer = client_as("city_reviewer", "511400", "ms-rev")
    assert 'id="budget-allocate"' not in reviewer.get("/energy/budgets/", {"year": 2026}).content.decode()
    assert reviewer.post("/energy/budgets/allocate/", {"region": "511400", "year": "2027",
                                                       "total_tce": "5"}).status_code == 403
    answer = city.post("/api/energy/budgets/allocate", {"region": "511400", "year": 2027, "total_tce": 1.2e6},
                       content_type="application/json")
    assert answer.status_code == 200 and answer.json()["rule"] == "pro_rata_base_year"
    assert city.post("/api/energy/budgets/allocate", {"region": "510400", "year": 2027, "total_tce": 1.0},
                     content_type="application/json").status_code == 403
    bad = city.post("/api/energy/budgets/allocate", {"region": "511400", "year": 2027, "total_tce": 1.0,
                                                     "base_year": 2030}, content_type="application/json")
    assert bad.status_code == 400 and "base_year" in bad.json()["detail"]
    assert "用能预算" in html and "红灯" in html  # Chinese first
    city.cookies["django_language"] = "en"
    english = city.get("/energy/budgets/", {"year": 2026}).content.decode()
    assert "Energy-use budgets" in english and "red: over by more than the threshold" in english


@pytest.mark.usefixtures("demo")
def test_inspection_page_and_exports() -> None:
    province = client_as("province_reviewer", "510000", "prov-rev")
    html = province.get("/energy/budgets/inspection/", {"year": 2026}).content.decode()
    assert html.index(f'data-unit="{MEISHAN_AL}"') > 0
    api = province.get("/api/energy/budgets/inspection", {"year": 2026}).json()
    assert [r["credit_code"] for r in api["rows"]][0] == MEISHAN_AL
    for url in ("/energy/budgets/export.xlsx?year=2026", "/energy/reconciliation/export.xlsx?year=2024",
                "/energy/budgets/template.xlsx"):
        response = province.get(url)
        assert response.status_code == 200, url
        load_workbook(io.BytesIO(response.content))
    enterprise = client_as("enterprise_reporter", None, "ent", MEISHAN_AL)
    rows = enterprise.get("/api/energy/budgets/inspection", {"year": 2026}).json()["rows"]
    assert [r["credit_code"] for r in rows] == [MEISHAN_AL]
    assert enterprise.get("/api/energy/budgets", {"year": 2026}).json()["cities"][0]["total_tce"] is None


@pytest.mark.usefixtures("demo")
def test_reconciliation_page_run_and_resolve_in_the_browser_form() -> None:
    _plant_statistics(2024, {"510400": 1.2})
    operator = client_as("city_operator", "510400", "pzh")
    assert operator.post("/energy/reconciliation/run/", {"year": "2024"}).status_code == 302
    case = ReconciliationCase.objects.get(subject="510400")
    html = operator.get("/energy/reconciliation/", {"year": 2024}).content.decode()
    assert f'id="case-{case.pk}"' in html and 'data-city="510400" data-status="differs"' in html
    assert 'id="no-report"' in html and "/reconciliation/cases/" not in html  # an operator does not resolve
    assert "超过 100%：单位合计不可能超过全市" in html  # the finding in Chinese; the English reason as its title
    assert operator.post(f"/energy/reconciliation/cases/{case.pk}/resolve/", {"note": "x"}).status_code == 403
    other = client_as("city_reviewer", "510800", "gy-rev")
    assert other.post(f"/energy/reconciliation/cases/{case.pk}/resolve/", {"note": "x"}).status_code == 404
    reviewer = client_as("city_reviewer", "510400", "pzh-rev")
    page = reviewer.get("/energy/reconciliation/", {"year": 2024}).content.decode()
    assert f"/energy/reconciliation/cases/{case.pk}/resolve/" in page
    assert reviewer.post(f"/energy/reconciliation/cases/{case.pk}/resolve/", {"note": " "}).status_code == 302
    case.refresh_from_db()
    assert case.status == "open"  # no note: not resolved
    reviewer.post(f"/energy/reconciliation/cases/{case.pk}/resolve/", {"note": "自备电厂未计入统计"})
    api = reviewer.get("/api/energy/reconciliation/cases", {"year": 2024}).json()
    assert [(c["id"], c["status"], c["note"]) for c in api] == [(case.pk, "resolved", "自备电厂未计入统计")]
    again = reviewer.post(f"/api/energy/reconciliation/cases/{case.pk}/resolve", {"note": "y"},
                          content_type="application/json")
    assert again.status_code == 400 and "already resolved" in again.json()["detail"]
    twin = Client()
    assert twin.get("/energy/reconciliation/").status_code == 302
    assert twin.get("/api/energy/reconciliation").status_code == 401
