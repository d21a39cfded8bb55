"""Background-job handlers of the collection app (discovered by ecer.jobs at start-up)."""

from __future__ import annotations

from typing import Any

from ecer.errors import InputFileError
from ecer.jobs.registry import JobContext, JobFailed, job_handler
from ecer.services import submissions
from ecer.services.actor import actor_from_params


@job_handler(submissions.UPLOAD_JOB)
def upload(ctx: JobContext, submission_id: int, actor: dict[str, Any], input_paths: dict[str, str]) -> dict[str, Any]:
    (path,) = input_paths.values()
    try:
        return submissions.apply_upload(actor_from_params(actor), submission_id, path, ctx.progress)
    except InputFileError as rejected:
        raise JobFailed(rejected.problems, f"{len(rejected.problems)} 个问题，未保存任何数据 / "
                                           f"{len(rejected.problems)} problem(s); nothing was stored") from None
    except submissions.SubmissionError as refused:
        raise JobFailed([], str(refused)) from None
