"""The /tasks/ pages and their API twins: the same service, the same permissions."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tasks.conftest import DRC_LEADS, ECO_ONLY, client_for, task_id, user

pytestmark = pytest.mark.usefixtures("plan")


def test_the_list_is_scoped_and_filtered_in_chinese_and_english() -> None:
    drc = client_for(user("ndrc", "department", None, "drc"))
    html = drc.get("/tasks/").content.decode()
    assert DRC_LEADS in html and ECO_ONLY not in html and "任务跟踪" in html
    html = drc.get("/tasks/?kind=mechanism&department=drc").content.decode()
    assert "dual_control_of_energy" in html and DRC_LEADS not in html
    body = drc.get("/api/tasks/?kind=arrangement&lang=en").json()
    assert [t["code"] for t in body] == ["organisation_and_leadership", "supervision_and_assessment", "public_action"]
    assert body[0]["kind_name"] == "arrangement"
    drc.post("/i18n/setlang/", {"language": "en", "next": "/tasks/"})
    assert "Task tracking" in drc.get("/tasks/").content.decode()
    city = client_for(user("gy", "city_operator", "510800"))
    assert city.get("/tasks/").status_code == 403 and city.get("/api/tasks/").status_code == 403
    assert Client().get("/tasks/").status_code == 302 and Client().get("/api/tasks/").status_code == 401


def test_a_department_reports_with_an_evidence_file_through_the_page_and_the_api() -> None:
    drc = client_for(user("ndrc", "department", None, "drc"))
    t = task_id(DRC_LEADS)
    page = drc.get(f"/tasks/{t}/?year=2024").content.decode()
    assert 'id="report-form"' in page and 'id="score-form"' not in page
    r = drc.post(f"/tasks/{t}/report/", {"year": "2024", "status": "done", "milestones": "建成充电站",
                                         "self_assessment": "完成", "self_score": "90", "evidence_title": "台账",
                                         "file": SimpleUploadedFile("ledger.pdf", b"%PDF ledger")})
    assert r.status_code == 302
    page = drc.get(f"/tasks/{t}/?year=2024").content.decode()
    assert "已完成" in page and "ledger.pdf" in page and "建成充电站" in page
    detail = drc.get(f"/api/tasks/{t}").json()
    [ev] = detail["years"][3]["evidence"]
    assert drc.get(f"/tasks/evidence/{ev['id']}/").getvalue() == b"%PDF ledger"
    assert drc.get(f"/api/tasks/evidence/{ev['id']}").getvalue() == b"%PDF ledger"
    api = drc.post(f"/api/tasks/{t}/years/2023/report", {"status": "delayed", "url": "https://example.org/x"})
    assert api.status_code == 200 and api.json()["status"] == "delayed"
    # another department's task: 404 on the page and the API, as if it did not exist
    assert drc.get(f"/tasks/{task_id(ECO_ONLY)}/").status_code == 404
    assert drc.post(f"/api/tasks/{task_id(ECO_ONLY)}/years/2024/report", {"status": "done"}).status_code == 404
    auditor = client_for(user("aud", "auditor"))
    assert 'id="report-form"' not in auditor.get(f"/tasks/{t}/?year=2024").content.decode()
    assert auditor.post(f"/api/tasks/{t}/years/2024/report", {"status": "on_track"}).status_code == 403


def test_the_excel_export_holds_the_rows_the_list_shows_with_the_same_filters_and_scope() -> None:
    import io

    from openpyxl import load_workbook

    drc = client_for(user("ndrc", "department", None, "drc"))
    t = task_id(DRC_LEADS)
    assert drc.post(f"/tasks/{t}/report/", {"year": "2024", "status": "delayed", "self_score": "55"}).status_code == 302
    page = drc.get("/tasks/?year=2024").content.decode()
    assert 'id="tasks-export"' in page
    r = drc.get("/tasks/export.xlsx?year=2024")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("任务代码", "条款", "类型", "任务")
    listed = [x["code"] for x in drc.get("/api/tasks/?year=2024").json()]
    assert [row[0] for row in rows[1:]] == listed and ECO_ONLY not in listed
    row = next(row for row in rows[1:] if row[0] == DRC_LEADS)
    assert row[6] == 2024 and row[7] == "滞后" and row[8] == 55 and "省发展改革委" in row[4]
    api = drc.get("/api/tasks/export.xlsx?year=2024&kind=mechanism&lang=en")
    en = list(load_workbook(io.BytesIO(api.content)).active.iter_rows(values_only=True))
    assert en[0][0] == "code" and {row[2] for row in en[1:]} == {"mechanism"}
    city = client_for(user("gy", "city_operator", "510800"))
    assert city.get("/tasks/export.xlsx").status_code == 403 and city.get("/api/tasks/export.xlsx").status_code == 403
