"""Use case: API tokens for machine clients — create (shown once), list, revoke, and the actor a
presented token stands for.

A token acts as its user, with that user's role and scope. Anyone logged in manages their own
tokens; the province's administrators may also create and revoke other users' (for a city's upload
script, say). Creating and revoking are recorded in the audit log; the token text never is.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from ecer.services import audit
from ecer.services.actor import Actor, PermissionDenied, Role, actor_for_user

#: How often a token's last use is written (a write per request would be needless load).
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)
#: Longest lifetime a token may be given, in days (None: no expiry is allowed too).
MAX_LIFETIME_DAYS = 366


class TokenError(ValueError):
    """A request about tokens that cannot be done (unknown user, bad lifetime, unknown token)."""


@dataclass(frozen=True)
class TokenInfo:
    id: int
    username: str
    name: str
    prefix: str
    created_at: dt.datetime
    expires_at: dt.datetime | None
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None
    active: bool


@dataclass(frozen=True)
class NewToken:
    token: str  # the secret: shown to the caller once, stored only as its SHA-256
    info: TokenInfo


def _info(t: Any) -> TokenInfo:
    return TokenInfo(t.pk, t.user.get_username(), t.name, t.prefix, t.created_at, t.expires_at, t.last_used_at,
                     t.revoked_at, t.is_active())


def _owner(actor: Actor, username: str | None) -> Any:
    from django.contrib.auth import get_user_model

    wanted = username or actor.username
    if wanted != actor.username and actor.role not in (Role.PROVINCE_ADMIN, Role.SYSTEM):
        raise PermissionDenied(f"{actor.username} may manage only their own tokens")
    user = get_user_model().objects.filter(username=wanted, is_active=True).first()
    if user is None:
        raise TokenError(f"no active user named {wanted!r}")
    return user


def create_token(*, actor: Actor, name: str, username: str | None = None,
                 expires_days: int | None = None) -> NewToken:
    """A new token for `username` (default: the actor). `expires_days`: 1…MAX_LIFETIME_DAYS or None."""
    from django.db import transaction
    from django.utils import timezone

    from ecer.accounts.models import ApiToken
    from ecer.accounts.tokens import SHOWN_CHARS, new_token, token_digest

    name = name.strip()
    if not name or len(name) > 100:
        raise TokenError("a token needs a name of 1 to 100 characters (what it is for)")
    if expires_days is not None and not 1 <= expires_days <= MAX_LIFETIME_DAYS:
        raise TokenError(f"expiry must be 1 to {MAX_LIFETIME_DAYS} days")
    owner = _owner(actor, username)
    text = new_token()
    expires = timezone.now() + dt.timedelta(days=expires_days) if expires_days else None
    with transaction.atomic():
        token = ApiToken.objects.create(user=owner, name=name, prefix=text[:SHOWN_CHARS], digest=token_digest(text),
                                        expires_at=expires)
        audit.record(actor, "token.create", "api_token", str(token.pk), None,
                     {"user": owner.get_username(), "name": name, "prefix": token.prefix,
                      "expires_at": expires.isoformat() if expires else None})
    return NewToken(text, _info(token))


def list_tokens(*, actor: Actor, username: str | None = None) -> list[TokenInfo]:
    """The tokens of `username` (default: the actor), newest first; never the secrets."""
    from ecer.accounts.models import ApiToken

    owner = _owner(actor, username)
    return [_info(t) for t in ApiToken.objects.filter(user=owner).select_related("user")]


def revoke_token(token_id: int, *, actor: Actor) -> TokenInfo:
    """Revoke at once. Someone else's token is "unknown" unless the actor may manage it."""
    from django.db import transaction
    from django.utils import timezone

    from ecer.accounts.models import ApiToken

    with transaction.atomic():
        token = ApiToken.objects.select_related("user").select_for_update().filter(pk=token_id).first()
        may = token is not None and (token.user.get_username() == actor.username
                                     or actor.role in (Role.PROVINCE_ADMIN, Role.SYSTEM))
        if token is None or not may:
            raise TokenError(f"no token {token_id} of yours")
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit.record(actor, "token.revoke", "api_token", str(token.pk), {"revoked_at": None},
                         {"revoked_at": token.revoked_at.isoformat(), "user": token.user.get_username()})
    return _info(token)


def actor_for_token(token: str, source: str | None = None) -> Actor | None:
    """The actor a presented token stands for, or None (unknown, revoked, expired, inactive user)."""
    from django.utils import timezone

    from ecer.accounts.models import ApiToken
    from ecer.accounts.tokens import TOKEN_PREFIX, token_digest

    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    found = ApiToken.objects.select_related("user").filter(digest=token_digest(token)).first()
    now = timezone.now()
    if found is None or not found.is_active(now) or not found.user.is_active:
        return None
    if found.last_used_at is None or now - found.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return dataclasses.replace(actor_for_user(found.user), source=source)
