"""Background jobs through the real django-tasks database backend and its worker (run in-process in
batch mode: it takes the queued task rows from the test database, as the demo's worker process does)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client

from ecer.errors import Problem
from ecer.jobs.models import Job
from ecer.jobs.registry import PROBLEM_LIMIT, JobContext, JobFailed, job_handler
from ecer.services import jobs
from ecer.services.actor import Actor, PermissionDenied, Role, system_actor

pytestmark = pytest.mark.django_db(transaction=True)


@job_handler("test.count")
def _count(ctx: JobContext, upto: int, input_paths: dict[str, str] | None = None) -> dict[str, object]:
    seen = 0
    for _ in ctx.iterate(range(upto), upto, "counting"):
        seen += 1
    text = Path(input_paths["in.txt"]).read_text(encoding="utf-8") if input_paths else ""
    ctx.write_result_file("out.txt", f"{seen} {text}".encode(), "text/plain")
    return {"seen": seen}


@job_handler("test.reject")
def _reject(ctx: JobContext, count: int) -> dict[str, object]:
    raise JobFailed([Problem("数据", f"row {n + 2}", "=HYPERLINK(\"x\") is not a number", "B")
                     for n in range(count)])


@job_handler("test.crash")
def _crash(ctx: JobContext) -> dict[str, object]:
    raise ZeroDivisionError("boom")


def _actor(name: str = "alice", role: Role = Role.CITY_OPERATOR) -> Actor:
    return Actor(username=name, role=role, region_code="510800", region_codes=frozenset({"510800"}))


def _work() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0")


def test_job_runs_in_the_worker_with_progress_and_a_result_file() -> None:
    info = jobs.start_job("test.count", _actor(), {"upto": 7}, {"in.txt": "输入".encode()})
    assert jobs.get_job(info.id, _actor()).status == "queued"  # nothing ran inside the caller
    _work()
    done = jobs.get_job(info.id, _actor())
    assert (done.status, done.done, done.total, done.percent, done.result) == ("succeeded", 7, 7, 100, {"seen": 7})
    path, content_type = jobs.result_file(info.id, _actor())
    assert path.read_text(encoding="utf-8") == "7 输入" and content_type == "text/plain"


def test_rejected_input_keeps_the_first_problems_and_the_total() -> None:
    info = jobs.start_job("test.reject", _actor(), {"count": PROBLEM_LIMIT + 234})
    _work()
    done = jobs.get_job(info.id, _actor())
    assert done.status == "failed" and done.problem_total == PROBLEM_LIMIT + 234
    assert len(done.problems) == PROBLEM_LIMIT
    assert done.problems[0] == {"sheet": "数据", "row": "row 2", "column": "B",
                                "problem": "=HYPERLINK(\"x\") is not a number"}
    data, name = jobs.problem_report_csv(info.id, _actor())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["工作表 sheet", "行 row", "列 column", "问题 problem"]
    assert len(rows) == 1 + PROBLEM_LIMIT + 1
    assert rows[1][3].startswith("'=HYPERLINK")  # neutralised: shown as text, never run as a formula
    assert f"{PROBLEM_LIMIT + 234} problems in total" in rows[-1][3]


def test_an_unexpected_error_ends_the_job_as_failed_not_stuck() -> None:
    info = jobs.start_job("test.crash", _actor(), {})
    _work()
    done = jobs.get_job(info.id, _actor())
    assert done.status == "failed" and "ZeroDivisionError: boom" in done.message


def test_a_job_is_visible_to_its_owner_and_the_province_only() -> None:
    info = jobs.start_job("test.count", _actor(), {"upto": 1})
    with pytest.raises(PermissionDenied):
        jobs.get_job(info.id, _actor("bob"))
    with pytest.raises(PermissionDenied):
        jobs.get_job("00000000-0000-0000-0000-000000000000", _actor())
    with pytest.raises(PermissionDenied):
        jobs.get_job("not-a-uuid", _actor())
    assert jobs.get_job(info.id, _actor("prov", Role.PROVINCE_REVIEWER)).id == info.id
    assert [j.id for j in jobs.list_jobs(_actor("bob"))] == []
    with pytest.raises(PermissionDenied):
        jobs.start_job("test.count", _actor("aud", Role.AUDITOR), {"upto": 1})
    with pytest.raises(KeyError):
        jobs.start_job("no.such.kind", system_actor(), {})
    assert Job.objects.count() == 1


def test_pages_and_api_show_progress_only_to_the_owner() -> None:
    owner = User.objects.create_user("alice", password="x")
    User.objects.create_user("bob", password="x")
    info = jobs.start_job("test.reject", _actor(), {"count": 3})
    _work()
    client = Client()
    client.login(username="alice", password="x")
    page = client.get(f"/jobs/{info.id}/")
    assert page.status_code == 200 and "job-progress" in page.content.decode()
    status = client.get(f"/jobs/{info.id}/status/").json()
    assert status["status"] == "failed" and status["problem_total"] == 3 and status["finished"]
    assert client.get(f"/jobs/{info.id}/problems.csv").status_code == 200
    assert client.get(f"/api/jobs/{info.id}").json()["problem_total"] == 3
    other = Client()
    other.login(username="bob", password="x")
    for url in (f"/jobs/{info.id}/", f"/jobs/{info.id}/status/", f"/jobs/{info.id}/problems.csv",
                f"/jobs/{info.id}/file/", f"/api/jobs/{info.id}"):
        assert other.get(url).status_code == 404, url
    assert owner.username == "alice"
