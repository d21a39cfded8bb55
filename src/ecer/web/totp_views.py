"""The second-factor pages: enter the authenticator code, and enrol an authenticator app."""

from __future__ import annotations

import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from ecer.web.second_factor import confirmed_device

DEVICE_NAME = "ECER"


class TokenForm(forms.Form):
    token = forms.RegexField(regex=r"^\s*\d{6}\s*$", label=_("6-digit code"), max_length=12,
                             error_messages={"invalid": _("Enter the 6-digit code shown by the app.")})


def _next_url(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    ok = url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()},
                                         require_https=request.is_secure())
    return wanted if ok else "/"


def _check(form: TokenForm, device: TOTPDevice) -> bool:
    """django-otp's throttling (growing delay after each wrong code) applies inside verify_token."""
    if not form.is_valid():
        return False
    if device.verify_token(form.cleaned_data["token"].strip()):
        return True
    form.add_error("token", _("The code is not correct (or came too late). Enter the current code."))
    return False


@login_required
def verify(request: HttpRequest) -> HttpResponse:
    device = confirmed_device(request.user)
    if device is None:
        return redirect("totp-setup")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and _check(form, device):
        otp_login(request, device)
        return redirect(_next_url(request))
    return render(request, "web/totp_verify.html", {"form": form, "next": _next_url(request)})


def _pending_device(request: HttpRequest) -> TOTPDevice:
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=request.user, name=DEVICE_NAME, confirmed=False)


@login_required
def setup(request: HttpRequest) -> HttpResponse:
    if confirmed_device(request.user) is not None and not request.user.is_verified():
        return redirect("totp-verify")
    device = _pending_device(request)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and _check(form, device):
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=request.user).exclude(pk=device.pk).delete()
        otp_login(request, device)
        return redirect(_next_url(request))
    qr = segno.make(device.config_url, error="m").svg_inline(scale=4, title="TOTP")
    secret = device.config_url.split("secret=")[1].split("&")[0]
    context = {"form": form, "qr_svg": qr, "secret": secret, "next": _next_url(request),
               "enrolled": confirmed_device(request.user) is not None}
    return render(request, "web/totp_setup.html", context)
