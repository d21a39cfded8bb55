"""The optional TOTP second factor for the province roles (django-otp), with real codes."""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice


def code(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def log_in(client: Client, username: str, password: str):
    return client.post("/login/", {"username": username, "password": password})


def enrol(client: Client) -> TOTPDevice:
    page = client.get("/account/totp/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user__username="province", confirmed=False)
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.content.decode())
    assert secret and len(secret.group(1)) >= 16
    confirmed = client.post("/account/totp/", {"token": code(device)})
    assert confirmed.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


# A logged-in page with the site header that needs no loaded plan (the overview at / needs one).
PAGE = "/account/tokens/"


def test_optional_mode_asks_only_after_enrolment(province: User, client: Client) -> None:
    assert log_in(client, "province", "demo-province")["Location"] == "/"
    assert client.get(PAGE).status_code == 200  # not enrolled: password alone, as before
    assert 'id="totp-link"' in client.get(PAGE).content.decode()
    device = enrol(client)
    client.post("/logout/")
    log_in(client, "province", "demo-province")
    home = client.get(PAGE)
    assert home.status_code == 302 and home["Location"].startswith("/login/verify/")
    assert client.get("/api/plans").status_code == 403
    wrong = client.post("/login/verify/", {"token": "000000" if code(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and "验证码不正确" in wrong.content.decode()
    device.refresh_from_db()
    device.throttling_failure_count = 0  # django-otp's growing delay after a wrong code
    device.throttling_failure_timestamp = None
    device.save()
    # The enrolment used this time step's code; django-otp never accepts a code twice: the next step's.
    ok = client.post("/login/verify/?next=/", {"token": code(device, 1), "next": "/"})
    assert ok.status_code == 302 and ok["Location"] == "/"
    assert client.get(PAGE).status_code == 200 and client.get("/api/plans").status_code == 200


def test_other_roles_are_never_asked(accounts: None, client: Client, settings) -> None:
    settings.ECER_TOTP = "required"
    assert log_in(client, "auditor", "demo-auditor").status_code == 302
    assert client.get(PAGE).status_code == 200
    assert 'id="totp-link"' not in client.get(PAGE).content.decode()


def test_required_mode_sends_province_roles_to_enrol(reviewer: User, client: Client, settings) -> None:
    settings.ECER_TOTP = "required"
    log_in(client, "reviewer", "reviewer-pw")
    home = client.get(PAGE)
    assert home.status_code == 302 and home["Location"].startswith("/account/totp/")


def test_off_mode_ignores_devices(province: User, client: Client, settings) -> None:
    log_in(client, "province", "demo-province")
    enrol(client)
    client.post("/logout/")
    settings.ECER_TOTP = "off"
    log_in(client, "province", "demo-province")
    assert client.get(PAGE).status_code == 200


def test_next_cannot_leave_the_site(province: User, client: Client) -> None:
    log_in(client, "province", "demo-province")
    device = enrol(client)
    client.post("/logout/")
    log_in(client, "province", "demo-province")
    response = client.post("/login/verify/", {"token": code(device, 1), "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == "/"
