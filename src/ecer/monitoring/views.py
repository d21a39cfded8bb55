"""Monitoring pages. Thin: get the actor, call `ecer.services.monitoring`, render."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from ecer.services import monitoring
from ecer.services.actor import actor_from_request
from ecer.services.errors import NotFound


def _context(result: Any) -> dict[str, Any]:
    """A service's result dataclass as template context (fields by name, objects not copied)."""
    return {field.name: getattr(result, field.name) for field in dataclasses.fields(result)}


def _lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh"


@login_required
def point_list(request: HttpRequest) -> HttpResponse:
    page = monitoring.point_list(actor=actor_from_request(request), lang=_lang())
    return render(request, "monitoring/point_list.html", _context(page))


@login_required
def device_detail(request: HttpRequest, mn: str) -> HttpResponse:
    try:
        detail = monitoring.device_detail(mn, actor=actor_from_request(request), lang=_lang())
    except NotFound as err:
        raise Http404(str(err)) from err
    return render(request, "monitoring/device_detail.html", _context(detail))
