"""Pages. Thin: pick the objects, hand them to a template."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ecer.web.queries import plan_overview, selected_plan


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The default plan's targets grouped by programme (or the plan chosen with ?plan=CODE)."""
    default = getattr(settings, "ECER_DEFAULT_PLAN", "sichuan-14fyp")
    plan, plans = selected_plan(request.GET.get("plan"), default)
    context = {"plan": plan, "plans": plans, "groups": plan_overview(plan) if plan else []}
    return render(request, "web/home.html", context)
