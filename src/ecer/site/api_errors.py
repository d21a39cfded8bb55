"""API error handling that holds for every router: bad input is the client's mistake (400).

A parameter that fails its schema (not a number, a year that is not four digits) answers 400 with
django-ninja's list of errors (ninja's default would be 422). Each schema bounds its own fields;
the other handlers are the net under them. A value that passes validation but does not fit the database column (SQLite
raises OverflowError for integers beyond 64 bits, PostgreSQL a DataError) answers 400 naming the
problem, never 500 with a traceback, and is logged as a warning with the request id.
"""

from __future__ import annotations

import logging

from django.db import DataError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError

log = logging.getLogger("ecer.api")

OUT_OF_RANGE = "a number in the request is out of the range the platform stores"


def _out_of_range(api: NinjaAPI):  # type: ignore[no-untyped-def]
    def handler(request: HttpRequest, exc: Exception) -> HttpResponse:
        log.warning("400 for %s %s: %s: %s", request.method, request.path, type(exc).__name__, exc)
        return api.create_response(request, {"detail": OUT_OF_RANGE}, status=400)

    return handler


def _invalid(api: NinjaAPI):  # type: ignore[no-untyped-def]
    def handler(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return api.create_response(request, {"detail": exc.errors}, status=400)

    return handler


def install(api: NinjaAPI) -> None:
    api.add_exception_handler(ValidationError, _invalid(api))
    api.add_exception_handler(OverflowError, _out_of_range(api))
    api.add_exception_handler(DataError, _out_of_range(api))
