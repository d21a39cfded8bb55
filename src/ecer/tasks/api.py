"""Task tracking API: the twins of the /tasks/ pages under the same service and permissions
(`ecer.services.tasks`)."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from ecer.services import tasks as svc
from ecer.services.actor import actor_from_request

router = Router(tags=["tasks"])


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "zh"


class DepartmentOut(Schema):
    code: str
    name: str


class TaskOut(Schema):
    id: int
    plan: str
    code: str
    kind: str
    kind_name: str
    clause: str
    title: str
    lead: list[DepartmentOut]
    co: list[DepartmentOut]
    year: int
    status: str
    status_name: str
    self_score: float | None
    scored: bool
    item: str
    item_name: str


class EvidenceOut(Schema):
    id: int
    title: str
    file_name: str
    sha256: str
    size: int | None
    url: str
    added_by: str
    added_at: Any


class ScoreOut(Schema):
    region_code: str
    region_name: str
    points: float
    max_points: float
    reviewer: str
    note: str
    scored_at: Any


class EventOut(Schema):
    action: str
    action_name: str
    username: str
    role: str
    before: Any
    after: Any
    at: Any


class YearOut(Schema):
    year: int
    milestones: list[str]
    status: str
    status_name: str
    self_assessment: str
    self_score: float | None
    reported_by: str
    department: str
    reported: bool
    evidence: list[EvidenceOut]
    scores: list[ScoreOut]
    scored_cities: int
    mean_points: float | None
    events: list[EventOut]


class TaskDetailOut(Schema):
    task: TaskOut
    programme: str
    note: str
    item_max: float | None
    years: list[YearOut]
    may_report: bool
    may_score: bool


class ScoreIn(Schema):
    region: str
    points: float
    note: str = ""


@router.get("/", response=list[TaskOut])
def tasks(request: HttpRequest, department: str | None = None, kind: str | None = None, status: str | None = None,
          year: int | None = None, lang: str = "zh") -> Any:
    return svc.list_tasks(actor=actor_from_request(request), department=department, kind=kind, status=status,
                          year=year, lang=_lang(lang))


@router.get("/export.xlsx")
def export(request: HttpRequest, department: str | None = None, kind: str | None = None, status: str | None = None,
           year: int | None = None, lang: str = "zh") -> Any:
    data = svc.export_tasks(actor=actor_from_request(request), department=department, kind=kind, status=status,
                            year=year, lang=_lang(lang))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="tasks.xlsx"'
    return response


@router.get("/evidence/{evidence_id}")
def evidence(request: HttpRequest, evidence_id: int) -> Any:
    path, name = svc.evidence_file(evidence_id, actor=actor_from_request(request))
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)


@router.get("/{task_id}", response=TaskDetailOut)
def task(request: HttpRequest, task_id: int, lang: str = "zh") -> Any:
    return svc.task_detail(task_id, actor=actor_from_request(request), lang=_lang(lang))


@router.post("/{task_id}/years/{year}/report", response=YearOut)
def report(request: HttpRequest, task_id: int, year: int, status: Form[str], milestones: Form[str] = "",
           self_assessment: Form[str] = "", self_score: Form[float | None] = None, evidence_title: Form[str] = "",
           url: Form[str] = "", file: File[UploadedFile | None] = None) -> Any:
    upload = svc.read_upload(file.name or "evidence", file.size or 0, file.read) if file is not None else None
    return svc.report(task_id, year, actor=actor_from_request(request), status=status, milestones=milestones,
                      self_assessment=self_assessment, self_score=self_score, evidence_title=evidence_title,
                      upload=upload, url=url)


@router.post("/{task_id}/years/{year}/score", response=list[ScoreOut])
def score(request: HttpRequest, task_id: int, year: int, body: ScoreIn) -> Any:
    return svc.score(task_id, year, actor=actor_from_request(request), region=body.region, points=body.points,
                     note=body.note)
