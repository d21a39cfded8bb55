"""Task tracking pages. Thin: the actor, one call of `ecer.services.tasks`, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecer.services import tasks as svc
from ecer.services.actor import PermissionDenied, actor_from_request
from ecer.services.errors import NotFound, ServiceError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh"


def _int(text: str | None) -> int | None:
    return int(text) if text and text.strip().isdigit() else None


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text and text.strip() else None
    except ValueError:
        return float("nan")


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    get = request.GET
    try:
        rows = svc.list_tasks(actor=actor, department=get.get("department") or None, kind=get.get("kind") or None,
                              status=get.get("status") or None, year=_int(get.get("year")), lang=_lang())
    except PermissionDenied as err:
        return render(request, "tasks/task_list.html", {"denied": str(err)}, status=403)
    except ServiceError as err:
        messages.error(request, str(err))
        rows = []
    departments = sorted({(d.code, d.name) for r in rows for d in (*r.lead, *r.co)}, key=lambda d: d[0])
    year = rows[0].year if rows else _int(get.get("year"))
    return render(request, "tasks/task_list.html", {
        "rows": rows, "year": year, "years": svc.plan_years(), "departments": departments,
        "kinds": [(k, svc.kind_name(k, _lang())) for k in svc.KINDS],
        "statuses": [(s, svc.status_name(s, _lang())) for s in svc.STATUSES],
        "f_department": get.get("department", ""), "f_kind": get.get("kind", ""), "f_status": get.get("status", ""),
        "actor": actor, "my_department": svc.department_name(actor.department_code, _lang())})


@login_required
def export(request: HttpRequest) -> HttpResponse:
    """The list's twin as an Excel workbook, with the same filters."""
    get = request.GET
    try:
        data = svc.export_tasks(actor=actor_from_request(request), department=get.get("department") or None,
                                kind=get.get("kind") or None, status=get.get("status") or None,
                                year=_int(get.get("year")), lang=_lang())
    except PermissionDenied as err:
        return render(request, "tasks/task_list.html", {"denied": str(err)}, status=403)
    except ServiceError as err:
        return HttpResponse(str(err), status=400, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="tasks.xlsx"'
    return response


@login_required
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    try:
        detail = svc.task_detail(task_id, actor=actor, lang=_lang())
    except NotFound as err:
        raise Http404(str(err)) from err
    except PermissionDenied as err:
        return render(request, "tasks/task_list.html", {"denied": str(err)}, status=403)
    return render(request, "tasks/task_detail.html", {
        "d": detail, "t": detail.task, "statuses": [(s, svc.status_name(s, _lang())) for s in svc.STATUSES],
        "all_cities": svc.ALL_CITIES, "year": _int(request.GET.get("year")) or detail.task.year})


@login_required
@require_POST
def report(request: HttpRequest, task_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    post = request.POST
    year = _int(post.get("year")) or 0
    file = request.FILES.get("file")
    try:
        upload = svc.read_upload(file.name or "evidence", file.size or 0, file.read) if file else None
        svc.report(task_id, year, actor=actor, status=post.get("status", ""), milestones=post.get("milestones", ""),
                   self_assessment=post.get("self_assessment", ""), self_score=_float(post.get("self_score")),
                   evidence_title=post.get("evidence_title", ""), upload=upload, url=post.get("url", ""))
    except NotFound as err:
        raise Http404(str(err)) from err
    except PermissionDenied as err:
        return render(request, "tasks/task_list.html", {"denied": str(err)}, status=403)
    except ServiceError as err:
        messages.error(request, str(err))
    else:
        messages.success(request, _("Report of %(year)d saved.") % {"year": year})
    return redirect(f"/tasks/{task_id}/?year={year}")


@login_required
@require_POST
def score(request: HttpRequest, task_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    post = request.POST
    year = _int(post.get("year")) or 0
    points = _float(post.get("points"))
    try:
        if points is None:
            raise ServiceError(_("Give the points."))
        svc.score(task_id, year, actor=actor, region=post.get("region", ""), points=points, note=post.get("note", ""))
    except NotFound as err:
        raise Http404(str(err)) from err
    except PermissionDenied as err:
        return render(request, "tasks/task_list.html", {"denied": str(err)}, status=403)
    except ServiceError as err:
        messages.error(request, str(err))
    else:
        messages.success(request, _("Score of %(year)d saved.") % {"year": year})
    return redirect(f"/tasks/{task_id}/?year={year}")


@login_required
def evidence(request: HttpRequest, evidence_id: int) -> HttpResponse:
    try:
        path, name = svc.evidence_file(evidence_id, actor=actor_from_request(request))
    except (NotFound, PermissionDenied) as err:
        raise Http404(str(err)) from err
    return FileResponse(path.open("rb"), as_attachment=True, filename=name)
