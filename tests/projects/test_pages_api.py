"""The ledger's pages and API: the same service, the same scope; the import through the page is
all-or-nothing and lists every problem; evidence is kept by its sha256 under ECER_DATA_DIR; zh/en."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from ecer import config
from ecer.accounts.roles import bind_user
from ecer.monitoring.demo import seed_demo_registry
from ecer.projects.models import EvidenceFile, KeyProject
from ecer.services import key_projects as ledger
from ecer.services import ledger_proposals as proposals
from projects.conftest import PROVINCE, YIBIN, project

pytestmark = pytest.mark.usefixtures("regions")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def client_as(role: str, region: str | None, name: str, enterprise: str | None = None) -> Client:
    user = get_user_model().objects.create_user(name, password="pw-long-enough-1")
    bind_user(user, role, region, enterprise)
    client = Client()
    client.force_login(user)
    return client


def file_of(*rows: dict[str, object]) -> bytes:
    return ledger.ledger_file(list(rows))


@pytest.fixture
def two_projects(regions: None) -> None:
    proposals.import_ledger(file_of(project("CD-1"), project("YB-1", region_code=YIBIN)), "l.xlsx", actor=PROVINCE)


@pytest.mark.usefixtures("two_projects")
def test_the_list_and_the_api_show_the_same_scoped_projects() -> None:
    city = client_as("city_operator", "510100", "cd")
    html = city.get("/projects/").content.decode()
    assert 'id="project-CD-1"' in html and "YB-1" not in html and 'id="ledger-import"' in html
    assert 'id="total-cod"' in html and "14.92" in html
    body = city.get("/api/projects/").json()
    assert [p["code"] for p in body["projects"]] == ["CD-1"]
    assert next(t for t in body["totals"] if t["pollutant"] == "cod")["amount_t"] == pytest.approx(475.2)
    assert city.get("/projects/YB-1/").status_code == 404 and city.get("/api/projects/YB-1").status_code == 404
    auditor = client_as("auditor", None, "aud")
    assert {p["code"] for p in auditor.get("/api/projects/").json()["projects"]} == {"CD-1", "YB-1"}
    assert 'id="ledger-import"' not in auditor.get("/projects/").content.decode()
    assert Client().get("/projects/").status_code == 302 and Client().get("/api/projects/").status_code == 401
    filtered = auditor.get("/api/projects/?city=511500&type=urban_sewage&status=stable_operation").json()
    assert [p["code"] for p in filtered["projects"]] == ["YB-1"]


@pytest.mark.usefixtures("two_projects")
def test_detail_page_and_api_explain_the_reduction_in_chinese_and_english() -> None:
    client = client_as("province_admin", "510000", "prov")
    html = client.get("/projects/CD-1/").content.decode()
    assert "water_treatment.efficiency_gain" in html and "污水处理去除率提升法" in html and "状态变更记录" in html
    assert "475.2000 吨/年" in html
    client.cookies["django_language"] = "en"
    html = client.get("/projects/CD-1/").content.decode()
    assert "Status history" in html and "475.2000 t/yr" in html
    body = client.get("/api/projects/CD-1?lang=en").json()
    r2025 = next(r for r in body["reductions"] if r["year"] == 2025)
    assert r2025["rule"] == "water_treatment.efficiency_gain" and r2025["rule_version"] == "1"
    assert {i["name"] for i in r2025["inputs"]} >= {"capacity", "removal_after:cod"}


def test_a_bad_file_through_the_page_stores_nothing_and_lists_every_problem(db: None) -> None:
    client = client_as("province_admin", "510000", "prov")
    bad = file_of(project("OK"), project("NEG", capacity=-1), project("NOSRC", source_id=None))
    response = client.post("/projects/import/", {"file": SimpleUploadedFile("bad.xlsx", bad, XLSX)}, follow=True)
    html = response.content.decode()
    assert 'id="import-problems"' in html and "bad.xlsx: row 4" in html and "bad.xlsx: row 5" in html
    assert KeyProject.objects.count() == 0
    good = client.post("/projects/import/", {"file": SimpleUploadedFile("ok.xlsx", file_of(project("OK")), XLSX)},
                       follow=True)
    assert "1 个新增" in good.content.decode() and KeyProject.objects.count() == 1
    export = client.get("/projects/export.xlsx")
    assert export["Content-Type"] == XLSX and load_workbook(io.BytesIO(export.content)).active.cell(3, 1).value == "OK"
    auditor = client_as("auditor", None, "aud")
    file = SimpleUploadedFile("ok.xlsx", file_of(project("OK")), XLSX)
    assert auditor.post("/api/projects/import", {"file": file}).status_code == 403


@pytest.mark.usefixtures("two_projects")
def test_evidence_is_kept_by_sha256_and_read_back_in_scope() -> None:
    city = client_as("city_operator", "510100", "cd")
    data = "验收报告 acceptance report".encode()
    response = city.post("/projects/CD-1/evidence/", {"file": SimpleUploadedFile("验收报告.pdf", data),
                                                       "description": "竣工验收"}, follow=True)
    assert "验收报告.pdf" in response.content.decode()
    entry = EvidenceFile.objects.get()
    assert entry.sha256 == hashlib.sha256(data).hexdigest() and entry.size == len(data)
    assert (config.data_dir() / "evidence" / entry.sha256[:2] / entry.sha256).read_bytes() == data
    assert city.get(f"/projects/CD-1/evidence/{entry.pk}/").content == data
    other = client_as("city_operator", "511500", "yb")
    assert other.get(f"/projects/CD-1/evidence/{entry.pk}/").status_code == 404
    assert other.post("/api/projects/CD-1/evidence", {"file": SimpleUploadedFile("x.pdf", b"x")}).status_code == 404
    auditor = client_as("auditor", None, "aud")
    assert auditor.post("/api/projects/CD-1/evidence", {"file": SimpleUploadedFile("x.pdf", b"x")}).status_code == 403
    again = city.post("/api/projects/CD-1/evidence", {"file": SimpleUploadedFile("copy.pdf", data)}).json()
    assert again["created"] is False and EvidenceFile.objects.count() == 1


def test_every_planted_finding_of_the_demo_is_shown_on_the_pages(db: None) -> None:
    seed_demo_registry()
    proposals.seed_demo_ledger()
    client = client_as("province_reviewer", "510000", "rev")
    html = client.get("/projects/").content.decode()
    assert html.count('class="finding"') == 4 and 'id="illustrative-note"' in html
    for kind, code in (("double_count_projects", "SC-2023-010"), ("double_count_projects", "SC-2024-013"),
                       ("above_baseline", "SC-2022-011"), ("offset_not_deducted", "SC-2021-012")):
        assert f'data-kind="{kind}"' in client.get(f"/projects/{code}/").content.decode()
    for clean in ("SC-2022-002", "SC-2023-004", "SC-2022-005", "SC-2024-006", "SC-2021-007", "SC-2022-008",
                  "SC-2023-009"):
        assert 'class="finding"' not in client.get(f"/projects/{clean}/").content.decode(), clean
    assert len(client.get("/api/projects/findings").json()) == 4


@pytest.mark.usefixtures("two_projects")
def test_a_city_change_goes_through_review_on_the_pages_and_the_api() -> None:
    city = client_as("city_operator", "510100", "cd")
    reviewer = client_as("province_reviewer", "510000", "rev")
    changed = file_of(project("CD-1", **{"removal_after:cod": 75}))
    page = city.post("/projects/import/", {"file": SimpleUploadedFile("c.xlsx", changed, XLSX)}, follow=True)
    html = page.content.decode()
    assert "草稿" in html and 'id="not-counted"' in html and 'id="submit-proposal"' in html
    proposal = page.redirect_chain[-1][0].rstrip("/").split("/")[-1]
    assert city.get(f"/api/projects/proposals/{proposal}").json()["changes"][0]["fields"] == {
        "removal_after:cod": [90.0, 75.0]}
    assert reviewer.get("/api/projects/proposals/queue").json() == []  # a draft waits for its maker
    city.post(f"/projects/proposals/{proposal}/submit/")
    queue = reviewer.get("/projects/proposals/").content.decode()
    assert f'id="queue-{proposal}"' in queue and "等待您审核" in queue
    assert [p["id"] for p in reviewer.get("/api/projects/proposals/queue").json()] == [int(proposal)]
    assert KeyProject.objects.get(code="CD-1").inputs["pollutants"]["cod"]["removal_after"]["value"] == 90.0
    assert reviewer.post(f"/api/projects/proposals/{proposal}/return", {}, content_type="application/json"
                         ).status_code == 400  # returning needs a comment
    answer = reviewer.post(f"/api/projects/proposals/{proposal}/approve", {"comment": "ok"},
                           content_type="application/json")
    assert answer.status_code == 200 and answer.json()["status"] == "approved"
    assert KeyProject.objects.get(code="CD-1").inputs["pollutants"]["cod"]["removal_after"]["value"] == 75.0
    detail = city.get("/projects/CD-1/?lang=en").content.decode()
    assert 'id="versions"' in detail and "removal_after:cod" in detail
    # the form on the project page proposes a status change; the API twin takes the same changes
    form = city.post("/projects/CD-1/propose/", {"status": "completed", "completed_on": "2021-12-20",
                                                 "cells": "stable_operation_on = \nnote = 待验收"}, follow=True)
    assert "草稿" in form.content.decode()
    api = city.post("/api/projects/CD-1/proposals", {"changes": {"nope": "1"}}, content_type="application/json")
    assert api.status_code == 400 and "nope" in api.json()["detail"]
    assert client_as("city_operator", YIBIN, "yb").get(f"/projects/proposals/{proposal}/").status_code == 404
