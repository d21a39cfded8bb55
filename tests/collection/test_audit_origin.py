"""Every audit entry says where the action came from: a page action and an API call (with a token) carry
the client address and user agent, a CLI action `cli:<user>@<host>`; the chain still verifies."""

from __future__ import annotations

import socket
from typing import Any

from click.testing import CliRunner
from django.test import Client

from ecer.audit.models import AuditEntry
from ecer.cli.main import cli
from ecer.services.actor import Actor, Role
from ecer.services.audit import verify
from ecer.services.tokens import create_token

from .conftest import client_for

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) ECER-test-browser"
START = {"region": "510800", "period": "2024", "kind": "annual_statistics"}


def _last() -> AuditEntry:
    return AuditEntry.objects.order_by("-seq").first()  # type: ignore[return-value]


def test_page_api_and_cli_actions_record_where_they_came_from(people: Any) -> None:
    page = client_for("gy")
    response = page.post("/collection/start/", START, REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 302
    entry = _last()
    assert (entry.action, entry.username, entry.source, entry.user_agent) == (
        "submission.create", "gy", "198.51.100.7", BROWSER)

    secret = create_token(actor=Actor("admin", Role.PROVINCE_ADMIN), name="sync", username="cd").token
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    response = api.post("/api/collection/submissions", {**START, "region": "510100"}, content_type="application/json",
                        REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="ecer-sync/1.0")
    assert response.status_code == 201, response.content
    entry = _last()
    assert (entry.action, entry.username, entry.source, entry.user_agent) == (
        "submission.create", "cd", "203.0.113.9", "ecer-sync/1.0")

    made = CliRunner().invoke(cli, ["token", "create", "--name", "nightly", "--for", "gy"])
    assert made.exit_code == 0, made.output
    entry = _last()
    assert entry.action == "token.create" and entry.source.startswith("cli:")
    assert entry.source.endswith("@" + socket.gethostname()) and not entry.user_agent
    assert verify(actor=Actor("aud", Role.AUDITOR)).ok


def test_an_edited_user_agent_breaks_the_chain(people: Any) -> None:
    from django.db import connection

    client_for("gy").post("/collection/start/", START, HTTP_USER_AGENT=BROWSER)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_auditentry_append_only")
        else:
            cur.execute("DROP TRIGGER IF EXISTS audit_auditentry_append_only")
        cur.execute("UPDATE audit_auditentry SET user_agent = %s WHERE seq = %s", ["curl/8", _last().seq])
    assert not verify(actor=Actor("aud", Role.AUDITOR)).ok
