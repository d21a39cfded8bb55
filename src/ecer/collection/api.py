"""Submissions API (write): the same service calls as the pages, the same scope. 404 for foreign or
unknown ids, 409 for a refused step (closed period, duplicate, wrong state, missing value…)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import File, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate

from ecer.services import submissions as s
from ecer.services.actor import PermissionDenied, actor_from_request

router = Router(tags=["collection"])  # the API-wide auth: session (CSRF on writes) or bearer token


class CellOut(Schema):
    variable: str
    name_zh: str
    name_en: str
    unit: str
    required: bool
    value: float | None
    explanation: str
    previous: float | None
    findings: list[dict[str, str]]
    comments: list[dict[str, str]]
    changed: bool


class VersionOut(Schema):
    id: int
    version: int
    status: str


class SubmissionOut(Schema):
    id: int
    region_code: str
    period: str
    year: int
    deadline: dt.date
    kind: str
    version: int
    status: str
    reason: str
    created_by: str
    submitted_at: dt.datetime | None
    decided_by: str
    decided_at: dt.datetime | None
    batch_id: int | None
    hard_count: int
    unexplained_soft_count: int
    cells: list[CellOut]
    comments: list[dict[str, str]]
    versions: list[VersionOut]


class SubmissionRow(Schema):
    id: int
    region_code: str
    period: str
    kind: str
    version: int
    status: str


class TodoOut(Schema):
    region_code: str
    period: str
    deadline: dt.date
    overdue: bool
    kind: str
    submission_id: int | None
    version: int | None
    status: str
    comment_count: int


class StartIn(Schema):
    region: str
    period: str
    kind: str


class CellIn(Schema):
    value: float | None = None
    explanation: str = ""


class ValuesIn(Schema):
    values: dict[str, CellIn]


class ReturnIn(Schema):
    comment: str = ""
    cell_comments: dict[str, str] = {}


class CommentIn(Schema):
    comment: str = ""


class ReasonIn(Schema):
    reason: str = ""


class JobRef(Schema):
    id: str
    status: str


class DiffOut(Schema):
    variable: str
    unit: str
    old: float | None
    new: float | None
    old_explanation: str
    new_explanation: str
    changed: bool


def _call(function: Any, request: HttpRequest, *args: Any) -> Any:
    try:
        return function(actor_from_request(request), *args)
    except PermissionDenied:
        raise HttpError(404, "not found") from None
    except s.SubmissionError as refused:
        raise HttpError(409, str(refused)) from None


def _row(sub: Any) -> SubmissionRow:
    return SubmissionRow(id=sub.pk, region_code=sub.region.code, period=sub.period.code, kind=sub.kind,
                         version=sub.version, status=sub.status)


@router.get("/todo", response=list[TodoOut])
def todo(request: HttpRequest) -> Any:
    """What is due for the caller's region(s)."""
    return _call(s.todo, request)


@router.get("/review-queue", response=list[SubmissionOut])
def review_queue(request: HttpRequest) -> Any:
    return _call(s.review_queue, request)


@router.get("/submissions", response=list[SubmissionRow])
@paginate(LimitOffsetPagination)
def list_submissions(request: HttpRequest, region: str | None = None, period: str | None = None,
                     status: str | None = None) -> Any:
    return [_row(x) for x in _call(s.list_submissions, request, region, period, status)]


@router.post("/submissions", response={201: SubmissionOut})
def start(request: HttpRequest, body: StartIn) -> Any:
    return 201, _call(s.start_submission, request, body.region, body.period, body.kind)


@router.get("/submissions/{submission_id}", response=SubmissionOut)
def get_submission(request: HttpRequest, submission_id: int) -> Any:
    return _call(s.get_submission, request, submission_id)


@router.put("/submissions/{submission_id}/values", response=SubmissionOut)
def save_values(request: HttpRequest, submission_id: int, body: ValuesIn) -> Any:
    values = {k: (v.value, v.explanation) for k, v in body.values.items()}
    return _call(s.save_values, request, submission_id, values)


@router.post("/submissions/{submission_id}/submit", response=SubmissionOut)
def submit(request: HttpRequest, submission_id: int) -> Any:
    return _call(s.submit, request, submission_id)


@router.post("/submissions/{submission_id}/return", response=SubmissionOut)
def return_submission(request: HttpRequest, submission_id: int, body: ReturnIn) -> Any:
    return _call(s.return_submission, request, submission_id, body.comment, body.cell_comments)


@router.post("/submissions/{submission_id}/approve", response=SubmissionOut)
def approve(request: HttpRequest, submission_id: int, body: CommentIn) -> Any:
    return _call(s.approve, request, submission_id, body.comment)


@router.post("/submissions/{submission_id}/revise", response={201: SubmissionOut})
def revise(request: HttpRequest, submission_id: int, body: ReasonIn) -> Any:
    return 201, _call(s.revise, request, submission_id, body.reason)


@router.get("/submissions/{submission_id}/diff", response=list[DiffOut])
def diff(request: HttpRequest, submission_id: int, against: int | None = None) -> Any:
    rows = _call(s.diff, request, submission_id, against)
    return [DiffOut(variable=r.variable, unit=r.unit, old=r.old, new=r.new, old_explanation=r.old_explanation,
                    new_explanation=r.new_explanation, changed=r.changed) for r in rows]


@router.post("/submissions/{submission_id}/upload", response={202: JobRef})
def upload(request: HttpRequest, submission_id: int, file: File[UploadedFile]) -> Any:
    """Queue an XLSX/CSV file; poll GET /api/jobs/{id} for its progress and problems."""
    job = _call(s.upload_file, request, submission_id, file.name or "upload", file.size or 0, file.read)
    return 202, JobRef(id=job.id, status=job.status)
