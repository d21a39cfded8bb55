"""Starting background jobs and reading their state, scoped: a job is visible to whoever started it
and to the roles that read everything (province, auditor, system)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction

from ecer.jobs.models import Job, JobStatus
from ecer.jobs.registry import handler_for
from ecer.jobs.storage import job_directory
from ecer.services.actor import Actor, PermissionDenied

REPORT_HEADER = ("sheet", "row", "column", "problem")
REPORT_HEADER_ZH = ("工作表", "行", "列", "问题")


@dataclass(frozen=True)
class JobInfo:
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
    result: dict[str, Any] = field(default_factory=dict)
    problems: list[dict[str, str]] = field(default_factory=list)
    problem_total: int = 0
    has_result_file: bool = False

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)


def _info(job: Job) -> JobInfo:
    return JobInfo(str(job.pk), job.kind, job.status, job.done, job.total, job.percent, job.message,
                   job.owner_username, job.created_at, job.finished_at, dict(job.result), list(job.problems),
                   job.problem_total, bool(job.result_file))


def start_job(kind: str, actor: Actor, params: dict[str, Any] | None = None,
              input_files: dict[str, bytes] | None = None) -> JobInfo:
    """Queue a job of `kind` for `actor`. `input_files` are written to the job's directory first and
    their paths passed to the handler as `input_paths` (name → path). The task is enqueued when the
    surrounding transaction commits, so the worker never sees a job that was rolled back."""
    handler_for(kind)  # unknown kinds fail here, in the caller, not later in the worker
    if actor.is_read_only:
        raise PermissionDenied(f"{actor.username} ({actor.role}) may not start jobs")
    params = dict(params or {})
    with transaction.atomic():
        job = Job.objects.create(kind=kind, params=params, owner_username=actor.username,
                                 owner_role=str(actor.role), owner_region=actor.region_code or "")
        if input_files:
            inputs = job_directory(str(job.pk)) / "input"
            inputs.mkdir(parents=True, exist_ok=True)
            paths = {}
            for name, data in input_files.items():
                path = inputs / (Path(name).name or "upload")
                path.write_bytes(data)
                paths[name] = str(path)
            job.params = {**params, "input_paths": paths}
            job.save(update_fields=["params"])
        transaction.on_commit(lambda: _enqueue(job))
    return _info(job)


def _enqueue(job: Job) -> None:
    from ecer.jobs.tasks import run_job

    result = run_job.enqueue(str(job.pk))
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id))


def _visible_job(job_id: str, actor: Actor) -> Job:
    job = Job.objects.filter(pk=job_id).first() if _is_uuid(job_id) else None
    if job is None or not (actor.sees_everything or job.owner_username == actor.username):
        # The same answer for "no such job" and "not yours": ids cannot be probed.
        raise PermissionDenied(f"no job {job_id} visible to {actor.username}")
    return job


def _is_uuid(text: str) -> bool:
    import uuid

    try:
        uuid.UUID(str(text))
    except ValueError:
        return False
    return True


def get_job(job_id: str, actor: Actor) -> JobInfo:
    return _info(_visible_job(job_id, actor))


def list_jobs(actor: Actor, kind: str | None = None, limit: int = 50) -> list[JobInfo]:
    qs = Job.objects.all() if actor.sees_everything else Job.objects.filter(owner_username=actor.username)
    if kind:
        qs = qs.filter(kind=kind)
    return [_info(j) for j in qs.order_by("-created_at")[:limit]]


def problem_report_csv(job_id: str, actor: Actor) -> tuple[bytes, str]:
    """The job's problem report as CSV (UTF-8 with BOM so Excel shows the Chinese): bytes, file name.
    The last line states the total when more problems were found than are listed."""
    job = _visible_job(job_id, actor)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f"{zh} {en}" for zh, en in zip(REPORT_HEADER_ZH, REPORT_HEADER, strict=True)])
    for line in job.problems:
        writer.writerow([_neutralise(line.get(k, "")) for k in REPORT_HEADER])
    if job.problem_total > len(job.problems):
        writer.writerow(["", "", "", f"共 {job.problem_total} 个问题，仅列出前 {len(job.problems)} 个 / "
                                     f"{job.problem_total} problems in total, the first {len(job.problems)} listed"])
    return out.getvalue().encode("utf-8-sig"), f"problems-{job.pk}.csv"


def result_file(job_id: str, actor: Actor) -> tuple[Path, str]:
    job = _visible_job(job_id, actor)
    if not job.result_file:
        raise FileNotFoundError(f"job {job_id} has no result file")
    return Path(job.result_file), job.result_content_type or "application/octet-stream"


def _neutralise(text: str) -> str:
    from ecer.services.spreadsheet_safety import neutralise_cell

    return str(neutralise_cell(text))
