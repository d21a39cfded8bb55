"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from ecer.masterdata.models import Observation
from ecer.web.navigation import navigation


def ecer(request: HttpRequest) -> dict[str, Any]:
    # The banner is shown on every page as long as any illustrative (made-up) data is in the database,
    # so that no screenshot of the demo can be mistaken for official statistics.
    return {"illustrative_data": Observation.objects.filter(is_illustrative=True).exists(),
            "totp_enrolment": _offers_totp(request), "reads_audit_log": _reads_audit_log(request),
            "nav": navigation(request)}


def _reads_audit_log(request: HttpRequest) -> bool:
    from ecer.services.actor import actor_for_user
    from ecer.services.audit import AUDIT_READERS

    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated and actor_for_user(user).role in AUDIT_READERS)


def _offers_totp(request: HttpRequest) -> bool:
    """The header links to the authenticator enrolment for province-role users (unless ECER_TOTP=off)."""
    from ecer.web.second_factor import applies_to

    user = getattr(request, "user", None)
    if getattr(settings, "ECER_TOTP", "off") == "off" or user is None or not user.is_authenticated:
        return False
    return applies_to(request)
