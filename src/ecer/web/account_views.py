"""Pages of one's account and of the audit log: API tokens (create, revoke) and the audit page."""

from __future__ import annotations

import dataclasses

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from ecer.services import audit, tokens
from ecer.services.actor import Actor, PermissionDenied, actor_for_user
from ecer.site.clientip import client_ip

AUDIT_PAGE_SIZE = 50


def _actor(request: HttpRequest) -> Actor:
    return dataclasses.replace(actor_for_user(request.user), source=client_ip(request))


class NewTokenForm(forms.Form):
    name = forms.CharField(label=_("What is it for"), max_length=100)
    expires_days = forms.IntegerField(label=_("Valid for (days, empty: until revoked)"), required=False,
                                      min_value=1, max_value=tokens.MAX_LIFETIME_DAYS)


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    form, created = NewTokenForm(request.POST or None), None
    if request.method == "POST" and form.is_valid():
        try:
            created = tokens.create_token(actor=actor, name=form.cleaned_data["name"],
                                          expires_days=form.cleaned_data["expires_days"])
            form = NewTokenForm()
        except tokens.TokenError as err:
            form.add_error(None, str(err))
    return render(request, "web/tokens.html", {"form": form, "created": created,
                                               "tokens": tokens.list_tokens(actor=actor)})


@require_POST
@login_required
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        tokens.revoke_token(token_id, actor=_actor(request))
    except tokens.TokenError as err:
        raise DjangoPermissionDenied(str(err)) from err
    return redirect("tokens")


def _page_number(request: HttpRequest) -> int:
    text = request.GET.get("page", "1")
    return max(1, min(int(text), 10**6)) if text.isdigit() else 1


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """The audit log, newest first; filters by object type, object id, user and action."""
    actor = _actor(request)
    filters = {k: request.GET.get(k, "").strip()[:200] or None for k in ("obj_type", "obj_id", "username", "action")}
    page = _page_number(request)
    try:
        found = audit.entries(actor=actor, offset=(page - 1) * AUDIT_PAGE_SIZE, limit=AUDIT_PAGE_SIZE, **filters)
    except PermissionDenied as err:
        raise DjangoPermissionDenied(str(err)) from err
    pages = max(1, -(-found.total // AUDIT_PAGE_SIZE))
    return render(request, "web/audit.html", {"page": found, "number": page, "pages": pages,
                                              "filters": {k: v or "" for k, v in filters.items()}})
