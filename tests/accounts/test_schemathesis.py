"""schemathesis against the OpenAPI document, through the WSGI application: no operation answers a
server error, for a visitor, a session user and a token user (bounded: a few examples per operation)."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from ecer.site.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


def _session_cookie(username: str) -> dict[str, str]:
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username=username))
    return {"sessionid": client.cookies["sessionid"].value}


@pytest.mark.slow
@pytest.mark.once
@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error(case: Any, loaded_for_schemathesis: dict[str, Any]) -> None:
    for how in ("anonymous", "session", "token"):
        kwargs: dict[str, Any] = {}
        if how == "session":
            kwargs["cookies"] = loaded_for_schemathesis["cookies"]
        elif how == "token":
            kwargs["headers"] = {"Authorization": f"Bearer {loaded_for_schemathesis['token']}"}
        response = case.call(**kwargs)
        assert response.status_code < 500, f"{how}: {case.method} {case.formatted_path} → {response.status_code}"


@pytest.fixture
def loaded_for_schemathesis(transactional_db: None) -> dict[str, Any]:
    from ecer.masterdata.services.accounts import ensure_demo_accounts
    from ecer.masterdata.services.catalogs import load_catalogs
    from ecer.services.actor import system_actor
    from ecer.services.tokens import create_token

    load_catalogs()
    ensure_demo_accounts()
    return {"cookies": _session_cookie("guangyuan"),
            "token": create_token(actor=system_actor(), name="st", username="province").token}
