"""Errors a service raises when a request cannot be served. Adapters map them: the CLI to a usage
or click error, the API to 400/404, the pages to a message or a 404 page.

`PermissionDenied` (not allowed) lives in `ecer.services.actor`, next to the scope rules.
"""

from __future__ import annotations


class ServiceError(Exception):
    """The request cannot be served as asked; the message says why (region, variable, year, file)."""


class InvalidRequest(ServiceError):
    """A parameter is wrong (unknown code, bad period text, year out of range). `param` names it."""

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


class NotFound(ServiceError):
    """The thing asked for does not exist (plan not loaded, unknown device)."""
