"""Login throttling: django-axes' backend, tolerant of callers without a request.

Every web log-in passes the request, so it is counted and refused while locked out. Code that
authenticates without one (Django's test client `login()`, management commands) has no client to
throttle: axes would raise; this backend steps aside and lets the password backend decide.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LoginThrottleBackend(AxesStandaloneBackend):
    def authenticate(self, request: HttpRequest | None, username: str | None = None,  # type: ignore[override]
                     password: str | None = None, **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
