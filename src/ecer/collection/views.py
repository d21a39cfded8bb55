"""Collection pages (adapter): the city's to-do list, a submission (fill in, upload, submit, review,
revise), the review queue and the history with differences. Every rule is in ecer.services.submissions;
a foreign or unknown id is a 404, a refused step is shown as a message on the page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ecer.services import submissions as s
from ecer.services.actor import Actor, PermissionDenied, Role, actor_from_request


def _actor(request: HttpRequest) -> Actor:
    """The user as the services see it, with the client address for the audit log."""
    return actor_from_request(request)


def _refusals(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """PermissionDenied → 404 (ids cannot be probed); SubmissionError → the message, back to the page."""
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            raise Http404("not found") from None
        except s.SubmissionError as refused:
            messages.error(request, str(refused))
            back = reverse("collection:detail", args=[kwargs["pk"]]) if "pk" in kwargs else reverse("collection:todo")
            return HttpResponseRedirect(back)
    return wrapped


@login_required
def todo(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    return render(request, "collection/todo.html", {
        "items": s.todo(actor), "actor": actor, "is_submitter": actor.role == Role.CITY_OPERATOR,
        "is_reviewer": actor.role in s.REVIEWERS, "recent": s.list_submissions(actor)[:30]})


@login_required
@require_POST
@_refusals
def start(request: HttpRequest) -> HttpResponse:
    view = s.start_submission(_actor(request), request.POST.get("region", ""), request.POST.get("period", ""),
                              request.POST.get("kind", ""))
    return redirect("collection:detail", pk=view.id)


@login_required
@_refusals
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    view = s.get_submission(actor, pk)
    return render(request, "collection/detail.html", {
        "sub": view, "can_edit": view.editable and actor.role == Role.CITY_OPERATOR,
        "can_review": view.status == "submitted" and actor.role in s.REVIEWERS,
        "can_revise": view.status in ("returned", "approved") and actor.role == Role.CITY_OPERATOR
                      and view.versions[-1].id == view.id,
        "max_mb": s.upload_max_bytes() // (1024 * 1024)})


def _parse_cells(request: HttpRequest, codes: list[str]) -> dict[str, tuple[float | None, str]]:
    values: dict[str, tuple[float | None, str]] = {}
    bad = []
    for code in codes:
        raw = request.POST.get(f"value_{code}", "").strip()
        explanation = request.POST.get(f"explanation_{code}", "")
        try:
            values[code] = (float(raw) if raw else None, explanation)
        except ValueError:
            bad.append(f"{code}: '{raw[:30]}' 不是数字 / is not a number")
    if bad:
        raise s.SubmissionError("nothing saved:\n" + "\n".join(bad))
    return values


@login_required
@require_POST
@_refusals
def save(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    view = s.get_submission(actor, pk)
    s.save_values(actor, pk, _parse_cells(request, [c.variable for c in view.cells]))
    if request.POST.get("then") == "submit":
        s.submit(actor, pk)
        messages.success(request, "已提交 / submitted")
    else:
        messages.success(request, "已保存 / saved")
    return redirect("collection:detail", pk=pk)


@login_required
@require_POST
@_refusals
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    file = request.FILES.get("file")
    if file is None:
        raise s.SubmissionError("choose a file to upload / 请选择文件")
    job = s.upload_file(_actor(request), pk, file.name or "upload", file.size or 0, file.read)
    return redirect(reverse("jobs:job", args=[job.id]) + "?next=" + reverse("collection:detail", args=[pk]))


@login_required
@_refusals
def template(request: HttpRequest, pk: int) -> HttpResponse:
    data, name = s.template(_actor(request), pk)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
@_refusals
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    if request.POST.get("decision") == "approve":
        s.approve(actor, pk, request.POST.get("comment", ""))
        messages.success(request, "已通过 / approved")
    else:
        cells = {key[len("comment_"):]: value for key, value in request.POST.items()
                 if key.startswith("comment_") and value.strip()}
        s.return_submission(actor, pk, request.POST.get("comment", ""), cells)
        messages.success(request, "已退回 / returned")
    return redirect("collection:detail", pk=pk)


@login_required
@require_POST
@_refusals
def revise(request: HttpRequest, pk: int) -> HttpResponse:
    view = s.revise(_actor(request), pk, request.POST.get("reason", ""))
    return redirect("collection:detail", pk=view.id)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    try:
        items = s.review_queue(_actor(request))
    except PermissionDenied:
        raise Http404("not found") from None
    return render(request, "collection/queue.html", {"items": items})


@login_required
@_refusals
def history(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _actor(request)
    view = s.get_submission(actor, pk)
    against = request.GET.get("against")
    rows = s.diff(actor, pk, int(against) if against and against.isdigit() else None)
    return render(request, "collection/history.html", {"sub": view, "rows": rows, "against": against})
