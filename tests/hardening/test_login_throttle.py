"""Login throttling (django-axes): wrong passwords lock the account, and then even the right
password is refused until the cool-off ends or an administrator resets it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone


def attempt(client: Client, password: str, username: str = "province", **extra: str):
    return client.post("/login/", {"username": username, "password": password}, **extra)


def test_thirty_wrong_passwords_then_the_right_one_is_refused(accounts: None, client: Client) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    statuses = [attempt(client, f"guess-{i}").status_code for i in range(30)]
    assert statuses[: limit - 1] == [200] * (limit - 1)  # the form again, "did not match"
    assert set(statuses[limit:]) == {429}
    right = attempt(client, "demo-province")
    assert right.status_code == 429
    html = right.content.decode()
    assert 'id="login-locked"' in html and "登录失败次数过多" in html and "15 分钟" in html
    assert "_auth_user_id" not in client.session


def test_lockout_message_in_english(accounts: None, client: Client) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for i in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, f"guess-{i}")
    html = attempt(client, "demo-province").content.decode()
    assert "Too many failed log-in attempts. Log-in is locked for 15 minutes" in html


def test_default_locks_the_account_and_the_address(accounts: None, client: Client) -> None:
    for i in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, f"guess-{i}")
    assert attempt(client, "demo-province").status_code == 429
    assert attempt(client, "demo-auditor", username="auditor").status_code == 429  # same address
    elsewhere = attempt(client, "demo-province", REMOTE_ADDR="192.0.2.10")
    assert elsewhere.status_code == 429  # the account, from another address


def test_spraying_many_accounts_from_one_address_is_stopped(accounts: None, client: Client) -> None:
    for i in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "Password123", username=f"user{i}")
    assert attempt(client, "demo-auditor", username="auditor").status_code == 429
    assert attempt(client, "demo-auditor", username="auditor", REMOTE_ADDR="192.0.2.10").status_code == 302


def test_username_only_lets_other_accounts_in(accounts: None, client: Client, settings) -> None:
    settings.AXES_LOCKOUT_PARAMETERS = ["username"]
    for i in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, f"guess-{i}")
    assert attempt(client, "demo-province").status_code == 429
    assert attempt(client, "demo-auditor", username="auditor").status_code == 302


def test_forged_forwarded_for_does_not_escape_the_lock(accounts: None, client: Client, settings) -> None:
    settings.AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
    for i in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, f"guess-{i}", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}")
    assert attempt(client, "demo-province", HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429


def test_success_resets_the_count(accounts: None, client: Client) -> None:
    for round_ in range(3):
        for i in range(settings.AXES_FAILURE_LIMIT - 1):
            assert attempt(client, f"guess-{round_}-{i}").status_code == 200
        assert attempt(client, "demo-province").status_code == 302
        client.post("/logout/")


def test_cooloff_ends_the_lock(accounts: None, client: Client) -> None:
    from axes.models import AccessAttempt

    for i in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, f"guess-{i}")
    assert attempt(client, "demo-province").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    assert attempt(client, "demo-province").status_code == 302


def test_administrator_can_unlock(accounts: None, client: Client) -> None:
    for i in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, f"guess-{i}")
    call_command("axes_reset_username", "province")
    assert attempt(client, "demo-province").status_code == 302


@pytest.mark.parametrize(("hops", "forwarded", "expected"), [
    (0, "203.0.113.7", "127.0.0.1"),  # direct: the header is ignored
    (1, "198.51.100.1, 203.0.113.7", "203.0.113.7"),  # behind one proxy: what the proxy appended
    (1, "", "127.0.0.1"),
    (1, "not-an-address", "127.0.0.1"),
    (2, "198.51.100.1, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
])
def test_client_address(settings, rf, hops: int, forwarded: str, expected: str) -> None:
    from ecer.site.clientip import client_ip

    settings.ECER_PROXY_HOPS = hops
    request = rf.post("/login/", HTTP_X_FORWARDED_FOR=forwarded, REMOTE_ADDR="127.0.0.1")
    assert client_ip(request) == expected
