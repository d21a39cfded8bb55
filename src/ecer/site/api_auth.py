"""Who may call the API: a browser session (with Django's CSRF check on writes) or a bearer token.

`API_AUTH` is the API-wide default (`ecer.site.api`), so every endpoint, including ones added later,
needs a login unless it says `auth=None`; the few public ones are listed in docs/roles.md. Either
way the request's actor is left where `ecer.services.actor.actor_from_request` finds it.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from ecer.site.clientip import client_ip


class TokenAuth(HttpBearer):
    """`Authorization: Bearer ecer_…`: a token made with `ecer token create` or on /account/tokens/.

    No CSRF check: a token is not sent by the browser on its own, so a foreign page cannot use it."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from django.contrib.auth import get_user_model

        from ecer.services.tokens import actor_for_token

        actor = actor_for_token(token, source=client_ip(request))
        if actor is None:
            return None
        request.user = get_user_model().objects.get(pk=actor.user_id)
        request._ecer_actor = actor  # type: ignore[attr-defined]
        return actor


class BrowserSession(SessionAuth):
    """The logged-in session; POST/PUT/PATCH/DELETE also need the CSRF token (ninja checks it)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        from ecer.services.actor import actor_for_user

        user = super().authenticate(request, key)
        if user is None:
            return None
        request._ecer_actor = dataclasses.replace(actor_for_user(user), source=client_ip(request))  # type: ignore[attr-defined]
        return user


API_AUTH = [TokenAuth(), BrowserSession(csrf=True)]


class UploadTokenAuth(HttpBearer):
    """`Authorization: Bearer ecerup_…`: a per-enterprise upload token (`ecer energy token create`), accepted
    only where an endpoint lists it (`POST /api/energy/uploads`). It stands for no user."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from ecer.services.energy_tokens import actor_for_upload_token

        actor = actor_for_upload_token(token, source=client_ip(request))
        if actor is None:
            return None
        request._ecer_actor = actor  # type: ignore[attr-defined]
        return actor


#: The upload endpoint: an enterprise's upload token, or a user's API token (an enterprise reporter's).
UPLOAD_AUTH = [UploadTokenAuth(), TokenAuth()]
