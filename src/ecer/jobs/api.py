"""Job API: a machine client polls the job it started (the same scope as the job pages)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from ecer.services import jobs
from ecer.services.actor import PermissionDenied, actor_from_request

router = Router(tags=["jobs"])


class ProblemOut(Schema):
    sheet: str
    row: str
    column: str
    problem: str


class JobOut(Schema):
    id: str
    kind: str
    status: str
    done: int
    total: int
    percent: int
    message: str
    owner: str
    created_at: datetime
    finished_at: datetime | None
    result: dict[str, Any]
    problems: list[ProblemOut]
    problem_total: int
    has_result_file: bool


@router.get("/{job_id}", response=JobOut)
def get_job(request: HttpRequest, job_id: str) -> jobs.JobInfo:
    """A job's state: status, progress, up to 1,000 problems and their total."""
    try:
        return jobs.get_job(job_id, actor_from_request(request))
    except PermissionDenied:
        raise HttpError(404, "no such job") from None
