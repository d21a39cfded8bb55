"""Job pages (adapter): the progress page, its JSON status for the progress bar, the problem report and
the result file. Scope is decided by ecer.services.jobs; every foreign or unknown id is a 404."""

from __future__ import annotations

from dataclasses import asdict

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from ecer.services import jobs
from ecer.services.actor import PermissionDenied, actor_from_request


def _job(request: HttpRequest, job_id: str) -> jobs.JobInfo:
    try:
        return jobs.get_job(job_id, actor_from_request(request))
    except PermissionDenied:
        raise Http404("no such job") from None


@login_required
def job_page(request: HttpRequest, job_id: str) -> HttpResponse:
    job = _job(request, job_id)
    return render(request, "jobs/job.html", {"job": job, "next": request.GET.get("next", "")})


@login_required
def job_status(request: HttpRequest, job_id: str) -> JsonResponse:
    job = _job(request, job_id)
    data = asdict(job)
    data["problems"] = job.problems[:50]  # the page shows the first ones; the report has them all
    data["finished"] = job.finished
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False, "default": str})


@login_required
def job_problems(request: HttpRequest, job_id: str) -> HttpResponse:
    try:
        data, name = jobs.problem_report_csv(job_id, actor_from_request(request))
    except PermissionDenied:
        raise Http404("no such job") from None
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def job_file(request: HttpRequest, job_id: str) -> FileResponse:
    try:
        path, content_type = jobs.result_file(job_id, actor_from_request(request))
    except (PermissionDenied, FileNotFoundError):
        raise Http404("no such file") from None
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name, content_type=content_type)
