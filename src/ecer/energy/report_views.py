"""Annual energy-report pages (能源利用状况报告): the list with the enterprise's to-do and the city
reviewer's queue, one report (fill in, submit, review, revise) and its Excel export. Thin: the actor, one
call of `ecer.services.energy_reports`, render. A foreign or unknown id is a 404; a refused step is shown
as a message on the page."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecer.services import energy_reports as reports
from ecer.services.actor import PermissionDenied, actor_from_request
from ecer.services.errors import NotFound
from ecer.services.submissions import SubmissionError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Empty rows offered below the filled ones on the form, per part.
BLANK_ROWS = {"energy": 3, "materials": 2, "products": 2, "projects": 2}
FIELDS = {
    "energy": ("energy_type", "unit", "quantity", "feedstock", "enthalpy_gj_per_t"),
    "materials": ("name", "quantity", "unit"),
    "products": ("name", "standard_product", "output", "unit", "energy_tce"),
    "projects": ("name", "savings_tce", "investment_10k_yuan"),
}


def _lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh"


def _refusals(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """NotFound / PermissionDenied → 404 (ids cannot be probed); a refused step → the message, back."""
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except (PermissionDenied, NotFound):
            raise Http404("not found") from None
        except SubmissionError as refused:
            messages.error(request, str(refused))
            back = reverse("energy:report", args=[kwargs["pk"]]) if "pk" in kwargs else reverse("energy:reports")
            return HttpResponseRedirect(back)
    return wrapped


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    return render(request, "energy/report_list.html", {
        "todo": reports.todo(actor), "queue": reports.review_queue(actor),
        "rows": reports.list_reports(actor)[:200], "may_file": reports.may_file_for(actor)})


@login_required
@require_POST
@_refusals
def start(request: HttpRequest) -> HttpResponse:
    view = reports.start_report(actor_from_request(request), request.POST.get("unit", ""),
                                request.POST.get("period", ""))
    return redirect("energy:report", pk=view.id)


def _shown(value: Any) -> Any:
    """A stored value as the form shows it: empty for none, 22000 rather than 22000.0."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _form_rows(section: str, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    blank = {name: "" for name in FIELDS[section]}
    filled = [{name: _shown(row.get(name)) for name in FIELDS[section]} for row in rows]
    return [{"i": i, **row} for i, row in enumerate(filled + [dict(blank) for _ in range(BLANK_ROWS[section])])]


@login_required
@_refusals
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    from ecer.catalogs.energy_limits import load_energy_limits
    from ecer.catalogs.energy_units import load_unit_fits
    from ecer.services.energy_monitoring import energy_names
    from ecer.web.units import unit_label

    actor = actor_from_request(request)
    view = reports.get_report(actor, pk, _lang())
    content = view.content
    names = energy_names(_lang())
    fits = load_unit_fits()
    return render(request, "energy/report_detail.html", {
        "r": view, "form": {s: _form_rows(s, list(content.get(s) or [])) for s in FIELDS},
        "energy_types": sorted({(t, names.get(t, t)) for t, _u in fits}, key=lambda p: p[1]),
        "units": sorted({u for _t, u in fits}),
        "fits": [f"{name}: {'、'.join(unit_label(u) for t2, u in sorted(fits) if t2 == t)}"
                 for t, name in sorted({(t, names.get(t, t)) for t, _u in fits}, key=lambda p: p[1])],
        "limits": list(load_energy_limits().values()), "lang": _lang(),
        "problem_fields": {p["field"] for p in view.problems}})


def _content(post: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for section, names in FIELDS.items():
        rows = []
        count = int(post.get(f"{section}-rows", "0") or 0) if str(post.get(f"{section}-rows", "0")).isdigit() else 0
        for i in range(min(count, 500)):
            row = {name: post.get(f"{section}-{i}-{name}", "").strip() for name in names}
            rows.append({k: (v if v != "" else None) for k, v in row.items()})
        data[section] = rows
    for name in ("total_calorific_tce", "total_coal_equivalent_tce", "total_savings_tce"):
        data[name] = post.get(name, "").strip() or None
    return data


@login_required
@require_POST
@_refusals
def save(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    reports.save_report(actor, pk, _content(request.POST))
    if request.POST.get("then") == "submit":
        reports.submit(actor, pk)
        messages.success(request, _("Submitted: the report now waits for the city's reviewer."))
    else:
        messages.success(request, _("Draft saved."))
    return redirect("energy:report", pk=pk)


@login_required
@require_POST
@_refusals
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    comment = request.POST.get("comment", "")
    if request.POST.get("decision") == "approve":
        reports.approve(actor, pk, comment)
        messages.success(request, _("Approved."))
    else:
        fields = {k.removeprefix("comment:"): v for k, v in request.POST.items() if k.startswith("comment:")}
        reports.return_report(actor, pk, comment, fields)
        messages.success(request, _("Returned to the enterprise with your comments."))
    return redirect("energy:report", pk=pk)


@login_required
@require_POST
@_refusals
def revise(request: HttpRequest, pk: int) -> HttpResponse:
    view = reports.revise(actor_from_request(request), pk, request.POST.get("reason", ""))
    return redirect("energy:report", pk=view.id)


@login_required
@_refusals
def export(request: HttpRequest, pk: int) -> HttpResponse:
    data, name = reports.export_report(actor_from_request(request), pk, _lang())
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
