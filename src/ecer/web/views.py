"""Pages. Thin: get the actor, call one service, hand its result to a template."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from ecer.services.actor import actor_from_request
from ecer.services.plans import plan_overview


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The default plan's targets grouped by programme (or the plan chosen with ?plan=CODE)."""
    default = getattr(settings, "ECER_DEFAULT_PLAN", "sichuan-14fyp")
    overview = plan_overview(request.GET.get("plan"), default, actor=actor_from_request(request))
    context = {"plan": overview.plan, "plans": overview.plans, "groups": overview.groups}
    return render(request, "web/home.html", context)
