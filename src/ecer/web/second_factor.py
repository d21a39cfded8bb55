"""Optional TOTP second factor (django-otp) for the province roles (省级管理员, 省级审核员).

ECER_TOTP (docs/configuration.md):
- `off`: passwords only.
- `optional` (default): a province-role user who has enrolled an authenticator app must enter its
  6-digit code after the password; others may enrol at /account/totp/.
- `required`: a province-role user without an authenticator is sent to enrol before anything else.
City, enterprise and audit roles are never asked. Until the code is given, pages redirect to the
code form and the API answers 403.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from ecer.services.actor import Role, actor_from_request

PROVINCE_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.PROVINCE_REVIEWER})
_SESSION_KEY = "ecer_totp_applies"
# Reachable before the second factor: logging in and out, the code and enrolment forms, assets, probes.
_OPEN_PREFIXES = ("/login/", "/logout/", "/account/totp/", "/i18n/", "/static/", "/healthz", "/readyz")


def applies_to(request: HttpRequest) -> bool:
    """Is the logged-in user one of the province roles? Decided once per session."""
    cached = request.session.get(_SESSION_KEY)
    if cached is None:
        cached = actor_from_request(request).role in PROVINCE_ROLES
        request.session[_SESSION_KEY] = cached
    return bool(cached)


def confirmed_device(user: object):  # type: ignore[no-untyped-def]
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


class SecondFactorMiddleware:
    """After AuthenticationMiddleware and django-otp's OTPMiddleware (which sets user.is_verified)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        blocked = self._blocked(request)
        return blocked if blocked is not None else self.get_response(request)

    def _blocked(self, request: HttpRequest) -> HttpResponse | None:
        mode = getattr(settings, "ECER_TOTP", "off")
        user = getattr(request, "user", None)
        if mode == "off" or user is None or not user.is_authenticated or user.is_verified():
            return None
        if request.path.startswith(_OPEN_PREFIXES) or not applies_to(request):
            return None
        if confirmed_device(user) is not None:
            target = "totp-verify"
        elif mode == "required":
            target = "totp-setup"
        else:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": "second factor (TOTP code) required: log in through the web page"},
                                status=403)
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
