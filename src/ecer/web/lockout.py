"""What a locked-out login sees (django-axes calls `lockout_response`): the login page again, with
the reason and how long to wait, status 429. No password is checked while locked, not even a
correct one."""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

LOGIN_TEMPLATE = "web/login.html"


def cooloff_minutes() -> int:
    return max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict[str, Any] | None = None) -> HttpResponse:
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    form = AuthenticationForm(request, initial={"username": username})
    context = {"form": form, "locked_out": True, "cooloff_minutes": cooloff_minutes(),
               "failure_limit": settings.AXES_FAILURE_LIMIT, "next": request.POST.get("next", "")}
    return render(request, LOGIN_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE)
