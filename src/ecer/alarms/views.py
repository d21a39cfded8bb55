"""Alarm pages: the list with filters and acknowledge/close forms, one alarm with its trend and history,
and the header badge (open alarms the user may see). Thin: actor, one service call, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecer.alarms.models import AlarmKind, AlarmStatus
from ecer.monitoring.charts import trend_svg
from ecer.services import alarms
from ecer.services.actor import PermissionDenied, actor_from_request
from ecer.services.regions import region_names


def _lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh"


def badge(request: HttpRequest) -> dict[str, Any]:
    """Context processor: `open_alarms`, the count of open alarms the user may see (one COUNT)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"open_alarms": 0}
    return {"open_alarms": alarms.open_count(actor_from_request(request))}


def _int_or_none(text: str | None) -> int | None:
    try:
        return int(text) if text else None
    except ValueError:
        return None


@login_required
def alarm_list(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    status = request.GET.get("status", "open")
    kind, region = request.GET.get("kind", ""), request.GET.get("region", "")
    enterprise = _int_or_none(request.GET.get("enterprise"))
    page_no = max(1, _int_or_none(request.GET.get("page")) or 1)
    page = alarms.list_alarms(actor=actor, status=status, kind=kind, region=region, enterprise=enterprise,
                              offset=(page_no - 1) * alarms.PAGE_SIZE)
    choices = alarms.filter_choices(actor=actor)
    names = region_names(set(choices["regions"]), _lang())
    for row in page.rows:
        row.region_name = names.get(row.region_code, row.region_code)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "alarms/alarm_list.html", {
        "page": page, "rows": page.rows, "status": status, "kind": kind, "region": region, "enterprise": enterprise,
        "statuses": AlarmStatus.choices, "kinds": AlarmKind.choices, "can_handle": alarms.can_handle(actor),
        "region_options": [(c, names.get(c, c)) for c in choices["regions"]], "enterprises": choices["enterprises"],
        "page_no": page_no, "query": query.urlencode(), "has_next": page.offset + page.limit < page.total})


@login_required
def alarm_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = actor_from_request(request)
    try:
        alarm = alarms.get_alarm(pk, actor=actor)
        trend = alarms.trend(alarm, actor=actor)
    except PermissionDenied as exc:
        raise Http404("no such alarm") from exc
    svg = ""
    if trend is not None and trend.points:
        svg = mark_safe(trend_svg(trend.points, trend.lower, trend.upper, trend.factor))  # noqa: S308 - our own SVG
    return render(request, "alarms/alarm_detail.html", {
        "alarm": alarm, "events": alarms.history(alarm), "svg": svg, "can_handle": alarms.can_handle(actor),
        "region_name": region_names({alarm.region_code}, _lang()).get(alarm.region_code, alarm.region_code)})


def _back(request: HttpRequest, pk: int) -> HttpResponseRedirect:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("monitoring:alarm", args=[pk])
    return HttpResponseRedirect(target or reverse("monitoring:alarm", args=[pk]))


@login_required
@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        alarms.acknowledge(pk, actor=actor_from_request(request), note=request.POST.get("note", ""))
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return HttpResponse(str(exc), status=403)
    messages.success(request, _("Alarm acknowledged."))
    return _back(request, pk)


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        alarms.close(pk, actor=actor_from_request(request), note=request.POST.get("note", ""))
    except PermissionDenied as exc:
        return HttpResponse(str(exc), status=403)
    messages.success(request, _("Alarm closed."))
    return _back(request, pk)
