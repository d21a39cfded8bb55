"""The annual energy report's pages and API twins: the same service and scope; the form round-trips a
report, a total that disagrees is shown naming the field, the city reviewer decides on the page, the
Excel export holds the figures with their factors, and the API does the same steps."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.test import Client
from openpyxl import load_workbook

from ecer.collection.models import ReportingPeriod
from ecer.energy.models import EnergyReport
from energy.test_pages_api import client_as, two_units  # noqa: F401 - the fixture
from energy.test_register import CEMENT, PAPER

pytestmark = pytest.mark.usefixtures("two_units")


@pytest.fixture(autouse=True)
def period(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ECER_COAL_RATES", "2024:0.3")
    ReportingPeriod.objects.create(code="2024", year=2024, name_zh="2024", name_en="2024",
                                   deadline=dt.date(2099, 3, 31))


FORM = {"energy-rows": "3", "energy-0-energy_type": "electricity", "energy-0-unit": "kwh",
        "energy-0-quantity": "10000000", "energy-1-energy_type": "raw_coal", "energy-1-unit": "t",
        "energy-1-quantity": "1000", "energy-1-feedstock": "200", "energy-2-energy_type": "", "energy-2-unit": "",
        "materials-rows": "1", "materials-0-name": "原盐", "materials-0-quantity": "5000", "materials-0-unit": "t",
        "products-rows": "1", "products-0-name": "烧碱", "products-0-standard_product": "caustic_soda_membrane_30",
        "products-0-output": "5000", "products-0-unit": "t", "products-0-energy_tce": "1500",
        "projects-rows": "1", "projects-0-name": "余热回收", "projects-0-savings_tce": "150",
        "total_calorific_tce": "1943.3", "total_coal_equivalent_tce": "3714.3", "total_savings_tce": "150"}


def test_filed_on_the_page_and_approved_by_the_city_reviewer() -> None:
    works = client_as("enterprise_reporter", None, "ent", CEMENT)
    page = works.get("/energy/reports/").content.decode()
    assert 'id="start-2024"' in page
    start = works.post("/energy/reports/start/", {"unit": CEMENT, "period": "2024"})
    pk = int(start["Location"].rstrip("/").rsplit("/", 1)[1])
    wrong = works.post(f"/energy/reports/{pk}/save/", {**FORM, "total_calorific_tce": "2000", "then": "submit"},
                       follow=True).content.decode()
    assert "total_calorific_tce" in wrong and "1943.30 tce" in wrong and EnergyReport.objects.get(pk=pk).status == "draft"
    works.post(f"/energy/reports/{pk}/save/", {**FORM, "then": "submit"})
    assert EnergyReport.objects.get(pk=pk).status == "submitted"
    html = works.get(f"/energy/reports/{pk}/").content.decode()
    assert "GB/T 2589" in html and "GB 21257-2014" in html and 'id="report-form"' not in html
    other_city = client_as("city_reviewer", "510100", "cd-rev")
    assert other_city.get(f"/energy/reports/{pk}/").status_code == 404
    assert other_city.post(f"/energy/reports/{pk}/decide/", {"decision": "approve"}).status_code == 404
    reviewer = client_as("city_reviewer", "510800", "gy-rev")
    assert 'id="approve"' in reviewer.get(f"/energy/reports/{pk}/").content.decode()
    reviewer.post(f"/energy/reports/{pk}/decide/", {"decision": "approve", "comment": "同意"})
    report = EnergyReport.objects.get(pk=pk)
    assert (report.status, report.decided_by) == ("approved", "gy-rev")
    total = reviewer.get(f"/api/energy/units/{CEMENT}/report-total?year=2024").json()
    assert round(total["calorific_tce"], 1) == 1943.3 and round(total["coal_equivalent_tce"], 1) == 3714.3
    book = load_workbook(io.BytesIO(works.get(f"/energy/reports/{pk}/export.xlsx").content))
    energy = list(book.worksheets[1].iter_rows(values_only=True))
    assert energy[1][4] == pytest.approx(1229.0) and "GB/T 2589" in energy[1][6]
    assert list(book.worksheets[3].iter_rows(values_only=True))[1][6] == "GB 21257-2014"
    english = works.get(f"/energy/reports/{pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200


def test_the_api_twins_file_return_and_approve() -> None:
    works = client_as("enterprise_reporter", None, "ent", CEMENT)
    made = works.post("/api/energy/reports", json.dumps({"unit": CEMENT, "period": "2024"}),
                      content_type="application/json")
    assert made.status_code == 200, made.content
    pk = made.json()["id"]
    bad = works.put(f"/api/energy/reports/{pk}", json.dumps({"content": {"energy": [
        {"energy_type": "electricity", "unit": "kwh", "quantity": "many"}]}}), content_type="application/json")
    assert bad.status_code == 400 and bad.json()["problems"][0]["field"] == "energy[0].quantity"
    content = {"energy": [{"energy_type": "electricity", "unit": "kwh", "quantity": 10_000_000}],
               "total_calorific_tce": 1229, "total_coal_equivalent_tce": 2000}
    assert works.put(f"/api/energy/reports/{pk}", json.dumps({"content": content}),
                     content_type="application/json").status_code == 200
    refused = works.post(f"/api/energy/reports/{pk}/submit")
    assert refused.status_code == 400 and refused.json()["problems"][0]["field"] == "total_coal_equivalent_tce"
    content["total_coal_equivalent_tce"] = 3000
    works.put(f"/api/energy/reports/{pk}", json.dumps({"content": content}), content_type="application/json")
    assert works.post(f"/api/energy/reports/{pk}/submit").json()["status"] == "submitted"
    reviewer = client_as("city_reviewer", "510800", "gy-rev")
    returned = reviewer.post(f"/api/energy/reports/{pk}/return", json.dumps(
        {"comment": "请补充产品", "field_comments": {"products": "缺少主要产品"}}), content_type="application/json")
    assert returned.json()["status"] == "returned" and len(returned.json()["comments"]) == 2
    v2 = works.post(f"/api/energy/reports/{pk}/revise", json.dumps({}), content_type="application/json").json()
    assert v2["version"] == 2
    works.post(f"/api/energy/reports/{v2['id']}/submit")
    assert reviewer.post(f"/api/energy/reports/{v2['id']}/approve", json.dumps({}),
                         content_type="application/json").json()["status"] == "approved"
    listed = reviewer.get("/api/energy/reports").json()["items"]
    assert {r["id"] for r in listed} == {pk, v2["id"]}
    other = client_as("enterprise_reporter", None, "paper", PAPER)
    assert other.get("/api/energy/reports").json()["items"] == []
    assert other.get(f"/api/energy/reports/{pk}").status_code == 404
    assert other.get(f"/api/energy/units/{CEMENT}/report-total?year=2024").status_code == 404
    assert Client().get("/api/energy/reports").status_code == 401
