"""The register's pages and API: the same service, the same scope; an import through the page is
all-or-nothing and shows every problem; the Excel export downloads."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from ecer.accounts.roles import bind_user
from ecer.energy.models import KeyEnergyUnit
from ecer.services import energy_register as register
from ecer.services.energy_register_file import template_bytes
from energy.test_register import CEMENT, PAPER, unit

pytestmark = pytest.mark.usefixtures("regions")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def client_as(role: str, region: str | None, name: str, enterprise: str | None = None) -> Client:
    user = get_user_model().objects.create_user(name, password="pw-long-enough-1")
    bind_user(user, role, region, enterprise)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def two_units(regions: None) -> None:
    from energy.conftest import PROVINCE

    register.import_register(template_bytes([unit(), unit(code=PAPER, region="510100", industry_code="2211")]),
                             "r.xlsx", actor=PROVINCE)


@pytest.mark.usefixtures("two_units")
def test_the_list_and_the_api_show_the_same_scoped_units() -> None:
    city = client_as("city_operator", "510800", "gy")
    html = city.get("/energy/units/").content.decode()
    assert CEMENT in html and PAPER not in html and 'id="register-import"' in html
    body = city.get("/api/energy/units").json()
    assert [u["credit_code"] for u in body["items"]] == [CEMENT]
    assert city.get(f"/energy/units/{PAPER}/").status_code == 404
    assert city.get(f"/api/energy/units/{PAPER}").status_code == 404
    auditor = client_as("auditor", None, "aud")
    assert {u["credit_code"] for u in auditor.get("/api/energy/units").json()["items"]} == {CEMENT, PAPER}
    assert 'id="register-import"' not in auditor.get("/energy/units/").content.decode()
    enterprise = client_as("enterprise_reporter", None, "ent", PAPER)
    assert [u["credit_code"] for u in enterprise.get("/api/energy/units").json()["items"]] == [PAPER]
    assert Client().get("/energy/units/").status_code == 302 and Client().get("/api/energy/units").status_code == 401


@pytest.mark.usefixtures("two_units")
def test_detail_page_in_chinese_and_english() -> None:
    client = client_as("province_admin", "510000", "prov")
    html = client.get(f"/energy/units/{CEMENT}/").content.decode()
    assert "非金属矿物制品业" in html and "名称和所在地变更记录" in html
    client.cookies["django_language"] = "en"
    html = client.get(f"/energy/units/{CEMENT}/").content.decode()
    assert "History of name and region" in html and "C Manufacturing" in html


def test_a_bad_file_through_the_page_stores_nothing_and_lists_every_problem(db: None) -> None:
    client = client_as("province_admin", "510000", "prov")
    bad = template_bytes([unit(), unit(code=CEMENT[:-1] + "0", industry_code="99")])
    response = client.post("/energy/units/import/", {"file": SimpleUploadedFile("bad.xlsx", bad, XLSX)}, follow=True)
    html = response.content.decode()
    assert 'id="import-problems"' in html and "bad.xlsx: row 4" in html and "no division 99" in html
    assert KeyEnergyUnit.objects.count() == 0
    good = client.post("/energy/units/import/", {"file": SimpleUploadedFile("ok.xlsx", template_bytes([unit()]), XLSX)},
                       follow=True)
    assert "1 个新增" in good.content.decode() and KeyEnergyUnit.objects.count() == 1


def test_api_import_is_refused_for_an_auditor_and_the_export_downloads(db: None) -> None:
    auditor = client_as("auditor", None, "aud")
    file = SimpleUploadedFile("ok.xlsx", template_bytes([unit()]), XLSX)
    assert auditor.post("/api/energy/units/import", {"file": file}).status_code == 403
    province = client_as("province_admin", "510000", "prov")
    file = SimpleUploadedFile("ok.xlsx", template_bytes([unit()]), XLSX)
    created = province.post("/api/energy/units/import", {"file": file})
    assert created.status_code == 200 and created.json()["created"] == [CEMENT]
    export = province.get("/energy/units/export.xlsx")
    assert export["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet.cell(3, 1).value == CEMENT
