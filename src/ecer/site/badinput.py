"""Pages: a number in the URL too large for the database is a bad request (400), not a server error.

`<int:…>` path converters and `int(request.GET[…])` accept any size; SQLite refuses integers
beyond 64 bits with OverflowError (PostgreSQL with a DataError for its column types). The API has
its own handlers (ecer.site.api_errors); this middleware is the same net for the pages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import DataError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest

log = logging.getLogger("ecer.web")


class BadNumberMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OverflowError | DataError):
            return None
        log.warning("400 for %s %s: %s: %s", request.method, request.path, type(exception).__name__, exception)
        return HttpResponseBadRequest("400 请求中的数字超出范围 / a number in the request is out of range\n",
                                      content_type="text/plain; charset=utf-8")
