"""The reports page (adapter): pick a report, generate it as a background job, download it from the
job's page. What a report holds and who may have it are decided in ecer.services.reports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language

from ecer.services import jobs, reports
from ecer.services.actor import PermissionDenied, actor_from_request
from ecer.services.errors import ServiceError


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:
        return None


@login_required
def index(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    lang = "en" if (get_language() or "").startswith("en") else "zh"
    if request.method == "POST":
        year = _int(request.POST.get("year"))
        req = reports.Request(request.POST.get("kind", ""), year or 0, request.POST.get("format", ""),
                              _int(request.POST.get("quarter")), lang=lang)
        try:
            job = reports.start(req, actor=actor)
        except (ServiceError, PermissionDenied) as refused:
            messages.error(request, str(refused))
            return redirect("reports:index")
        return redirect(reverse("jobs:job", args=[job.id]) + "?next=" + reverse("reports:index"))
    try:
        years = reports.available_years()
    except ServiceError:
        years = []
    recent = jobs.list_jobs(actor, kind=reports.REPORT_JOB, limit=20)
    return render(request, "reports/index.html", {"years": years, "recent": recent, "kinds": reports.KINDS,
                                                  "formats": list(reports.FORMATS), "may_start": not actor.is_read_only})
