"""Pages and API of the workflow: Chinese first, the same scope as the services, foreign ids are 404
and leave no trace."""

from __future__ import annotations

from typing import Any

from ecer.collection.models import ReviewComment, Submission, SubmissionValue
from ecer.services import submissions as s

from .conftest import ANNUAL, city_actor, client_for


def _submitted(period: str) -> int:
    view = s.start_submission(city_actor(), "510800", period, "annual_statistics")
    s.save_values(city_actor(), view.id, {k: (v, "") for k, v in ANNUAL.items()})
    return s.submit(city_actor(), view.id).id


def test_todo_page_and_start_in_chinese(people: Any) -> None:
    gy = client_for("gy")
    page = gy.get("/collection/").content.decode()
    assert "待办" in page and "年度统计数据（核算用）" in page
    response = gy.post("/collection/start/", {"region": "510800", "period": "2024", "kind": "annual_statistics"})
    assert response.status_code == 302
    detail = gy.get(response["Location"]).content.decode()
    assert "广元市" in detail and "上年值" in detail and 'name="value_gdp_current"' in detail


def test_fill_in_submit_review_through_pages(people: Any) -> None:
    gy, rev = client_for("gy"), client_for("rev")
    sub_id = s.start_submission(city_actor(), "510800", "2024", "annual_statistics").id
    form: dict[str, Any] = {f"value_{k}": str(v) for k, v in ANNUAL.items()}
    assert gy.post(f"/collection/{sub_id}/save/", {**form, "then": "submit"}).status_code == 302
    assert Submission.objects.get(pk=sub_id).status == "submitted"
    assert f"#{sub_id}" in rev.get("/collection/review/").content.decode()
    rev.post(f"/collection/{sub_id}/decide/", {"decision": "return", "comment": "",
                                               "comment_energy_total": "请核实能耗"})
    assert Submission.objects.get(pk=sub_id).status == "returned"
    assert "请核实能耗" in gy.get(f"/collection/{sub_id}/").content.decode()


def test_text_in_a_form_cell_saves_nothing(people: Any) -> None:
    gy = client_for("gy")
    sub_id = s.start_submission(city_actor(), "510800", "2024", "annual_statistics").id
    page = gy.post(f"/collection/{sub_id}/save/", {"value_gdp_current": "1,200", "value_energy_total": "600",
                                                   "then": "save"}, follow=True).content.decode()
    assert "不是数字" in page
    assert not SubmissionValue.objects.filter(submission_id=sub_id, value__isnull=False).exists()


def test_foreign_city_gets_404_everywhere_and_changes_nothing(people: Any) -> None:
    sub_id = _submitted("2024")
    cd = client_for("cd")
    before = (Submission.objects.get(pk=sub_id).status, ReviewComment.objects.count())
    for url in (f"/collection/{sub_id}/", f"/collection/{sub_id}/template.xlsx", f"/collection/{sub_id}/history/",
                f"/api/collection/submissions/{sub_id}", f"/api/collection/submissions/{sub_id}/diff"):
        assert cd.get(url).status_code == 404, url
    for url in (f"/collection/{sub_id}/save/", f"/collection/{sub_id}/decide/", f"/collection/{sub_id}/revise/"):
        assert cd.post(url, {"decision": "approve"}).status_code == 404, url
    assert cd.post(f"/api/collection/submissions/{sub_id}/approve", {}, content_type="application/json").status_code == 404
    assert cd.get("/api/collection/submissions").json()["count"] == 0
    # the city's own operator may not approve either (a role refusal is the same 404 to the client)
    assert client_for("gy").post(f"/api/collection/submissions/{sub_id}/approve", {},
                                 content_type="application/json").status_code == 404
    assert (Submission.objects.get(pk=sub_id).status, ReviewComment.objects.count()) == before


def test_api_full_path(people: Any) -> None:
    gy, rev = client_for("gy"), client_for("rev")
    created = gy.post("/api/collection/submissions", {"region": "510800", "period": "2024", "kind": "annual_statistics"},
                      content_type="application/json")
    assert created.status_code == 201
    sub_id = created.json()["id"]
    dup = gy.post("/api/collection/submissions", {"region": "510800", "period": "2024", "kind": "annual_statistics"},
                  content_type="application/json")
    assert dup.status_code == 409 and "duplicate" in dup.json()["detail"]
    values = {"values": {k: {"value": v} for k, v in ANNUAL.items()}}
    assert gy.put(f"/api/collection/submissions/{sub_id}/values", values, content_type="application/json").status_code == 200
    assert gy.post(f"/api/collection/submissions/{sub_id}/submit").json()["status"] == "submitted"
    assert gy.post(f"/api/collection/submissions/{sub_id}/approve", {}, content_type="application/json").status_code == 404
    approved = rev.post(f"/api/collection/submissions/{sub_id}/approve", {"comment": "ok"}, content_type="application/json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    listed = rev.get("/api/collection/submissions?limit=1").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == sub_id
    closed = gy.post("/api/collection/submissions", {"region": "510800", "period": "2019", "kind": "annual_statistics"},
                     content_type="application/json")
    assert closed.status_code == 409 and "closed" in closed.json()["detail"]
    assert client_for("aud").post(f"/api/collection/submissions/{sub_id}/revise", {"reason": "x"},
                                  content_type="application/json").status_code in (403, 404)
