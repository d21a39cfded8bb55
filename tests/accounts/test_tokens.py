"""API tokens: created once (only the hash stored), used as `Authorization: Bearer`, revoked at once;
by the CLI and on the page, each step in the audit log."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner
from django.contrib.auth.models import User
from django.test import Client

from ecer.accounts.models import ApiToken
from ecer.accounts.tokens import token_digest
from ecer.audit.models import AuditEntry
from ecer.cli.main import cli
from ecer.masterdata.models import Region, Variable
from ecer.masterdata.services.observations import record_observation

TOKEN = re.compile(r"^(ecer_[A-Za-z0-9_-]{40,})$", re.M)


def _create(*args: str) -> str:
    result = CliRunner().invoke(cli, ["token", "create", *args])
    assert result.exit_code == 0, result.output
    found = TOKEN.search(result.output)
    assert found, result.output
    return found.group(1)


def _bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def test_cli_token_acts_as_its_user_in_scope_then_is_revoked(loaded: None) -> None:
    energy = Variable.objects.get(code="energy_total")
    for code in ("510800", "510100"):
        record_observation(Region.objects.get(code=code), 2023, energy, 100.0, status="approved")
    token = _create("--for", "guangyuan", "--name", "nightly upload", "--expires-days", "30")
    stored = ApiToken.objects.get()
    assert stored.digest == token_digest(token) and token not in stored.prefix + stored.name + stored.digest
    client = Client()
    response = client.get("/api/observations", **_bearer(token))
    assert response.status_code == 200, response.content
    body = response.json()
    rows = body["items"] if isinstance(body, dict) else body
    assert {r["region"] for r in rows} == {"510800"}  # 广元 only, never 成都
    assert client.get("/api/observations", HTTP_AUTHORIZATION="Bearer ecer_wrong").status_code == 401
    assert client.get("/api/observations").status_code == 401

    listed = CliRunner().invoke(cli, ["token", "list", "--for", "guangyuan"])
    assert "nightly upload" in listed.output and "active" in listed.output and token not in listed.output
    revoked = CliRunner().invoke(cli, ["token", "revoke", str(stored.pk)])
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    assert client.get("/api/observations", **_bearer(token)).status_code == 401
    actions = list(AuditEntry.objects.filter(obj_type="api_token").values_list("action", flat=True))
    assert actions == ["token.create", "token.revoke"]
    assert not AuditEntry.objects.filter(after_json__contains=token).exists()


def test_city_user_cannot_manage_other_peoples_tokens(loaded: None) -> None:
    other = _create("--for", "chengdu", "--name", "chengdu script")
    refused = CliRunner().invoke(cli, ["token", "create", "--user", "guangyuan", "--for", "chengdu", "--name", "x"])
    assert refused.exit_code == 1 and "not allowed" in refused.output
    theirs = ApiToken.objects.get(user__username="chengdu")
    no = CliRunner().invoke(cli, ["token", "revoke", str(theirs.pk), "--user", "guangyuan"])
    assert no.exit_code == 1 and f"no token {theirs.pk} of yours" in no.output
    assert Client().get("/api/observations", **_bearer(other)).status_code == 200  # still works


def test_token_page_creates_shows_once_and_revokes(loaded: None) -> None:
    client = Client()
    client.force_login(User.objects.get(username="guangyuan"))
    page = client.post("/account/tokens/", {"name": "upload script", "expires_days": ""})
    html = page.content.decode()
    token = re.search(r'id="token-text">(ecer_[^<]+)<', html)
    assert page.status_code == 200 and token, html[:3000]
    again = client.get("/account/tokens/").content.decode()
    assert "upload script" in again and token.group(1) not in again
    assert Client().get("/api/observations", **_bearer(token.group(1))).status_code == 200
    pk = ApiToken.objects.get().pk
    assert client.post(f"/account/tokens/{pk}/revoke/").status_code == 302
    assert Client().get("/api/observations", **_bearer(token.group(1))).status_code == 401
    stranger = Client()
    stranger.force_login(User.objects.get(username="chengdu"))
    assert stranger.post(f"/account/tokens/{pk}/revoke/").status_code == 403


def test_audit_page_for_auditors_only(loaded: None) -> None:
    _create("--for", "guangyuan", "--name", "x")
    auditor = Client()
    auditor.force_login(User.objects.get(username="auditor"))
    html = auditor.get("/audit/").content.decode()
    assert "token.create" in html and "api_token" in html and 'id="audit-1"' in html
    assert "token.create" in auditor.get("/audit/?action=token.create").content.decode()
    assert "token.create" not in auditor.get("/audit/?action=token.revoke").content.decode()
    city = Client()
    city.force_login(User.objects.get(username="guangyuan"))
    assert city.get("/audit/").status_code == 403
    assert 'id="audit-link"' not in city.get("/account/tokens/").content.decode()
    assert Client().get("/audit/").status_code == 302


@pytest.mark.parametrize("header", ["Token abc", "Bearer", "Bearer " + "x" * 500, "Basic Z3Vlc3Q6Z3Vlc3Q="])
def test_malformed_authorization_is_401(loaded: None, header: str) -> None:
    assert Client().get("/api/observations", HTTP_AUTHORIZATION=header).status_code == 401
