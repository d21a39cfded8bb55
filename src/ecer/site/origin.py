"""Middleware: every request's client address (behind the configured proxies) and user agent become the
origin of whatever the audit log records while it runs (`ecer.services.origin`)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from ecer.services.origin import acting_from
from ecer.site.clientip import client_ip


class RequestOriginMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with acting_from(client_ip(request), request.META.get("HTTP_USER_AGENT", "")):
            return self.get_response(request)
