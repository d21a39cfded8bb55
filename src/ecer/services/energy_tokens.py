"""Use case: per-enterprise upload tokens for online energy monitoring (一企一令牌).

An enterprise's meter gateway is a machine, not a person, and must be able to upload its readings and
nothing else. So an upload token is bound to an **enterprise** (not to a user account): presented on
`POST /api/energy/uploads` it stands for an enterprise reporter of that enterprise with no other
rights (it is refused by every other endpoint, which take user tokens). Like user API tokens
(`ecer.services.tokens`) it is 256 random bits, stored only as its SHA-256, shown once when made and
never again; it can be revoked at once. An enterprise reporter's own API token works on the upload
endpoint too (same scope rule: its own enterprise only).

Who may make and revoke one: the province's administrators, a city's operators for the units in their
regions, and the enterprise's own reporters. Making and revoking are recorded in the audit log.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass
from typing import Any

from ecer.services import audit
from ecer.services.actor import Actor, PermissionDenied, Role, is_anonymous, may_read_region
from ecer.services.errors import NotFound

#: Upload tokens start with this (not `ecer_`, so the user-token check never looks them up).
UPLOAD_TOKEN_PREFIX = "ecerup_"
SHOWN_CHARS = 14
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class UploadTokenInfo:
    id: int
    enterprise: str
    name: str
    prefix: str
    created_at: dt.datetime
    created_by: str
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


@dataclass(frozen=True)
class NewUploadToken:
    token: str  # shown once
    info: UploadTokenInfo


def _info(t: Any) -> UploadTokenInfo:
    return UploadTokenInfo(t.pk, t.enterprise.credit_code, t.name, t.prefix, t.created_at, t.created_by,
                           t.last_used_at, t.revoked_at)


def _digest(text: str) -> str:
    from ecer.accounts.tokens import token_digest

    return token_digest(text)


def _managed_unit(credit_code: str, actor: Actor) -> Any:
    """The unit whose tokens the actor may manage; one they may not is 'not found' (codes cannot be probed)."""
    from ecer.energy.models import KeyEnergyUnit

    unit = KeyEnergyUnit.objects.select_related("enterprise").filter(
        enterprise__credit_code=credit_code.strip().upper()).first()
    may = unit is not None and not is_anonymous(actor) and (
        actor.role in (Role.PROVINCE_ADMIN, Role.SYSTEM)
        or (actor.role == Role.CITY_OPERATOR and may_read_region(actor, unit.enterprise.region_code))
        or (actor.role == Role.ENTERPRISE_REPORTER and actor.enterprise_id == unit.enterprise_id))
    if unit is None or not may:
        if unit is not None and may_read_region(actor, unit.enterprise.region_code):
            raise PermissionDenied(f"{actor.username} ({actor.role}) may not manage upload tokens")
        raise NotFound(f"no key energy-using unit {credit_code} whose upload tokens you manage")
    return unit


def create_upload_token(credit_code: str, *, actor: Actor, name: str) -> NewUploadToken:
    from django.db import transaction

    from ecer.energy.models import UploadToken
    from ecer.services.errors import InvalidRequest

    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidRequest("an upload token needs a name of 1 to 100 characters (e.g. the meter gateway)", "name")
    unit = _managed_unit(credit_code, actor)
    text = UPLOAD_TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = UploadToken.objects.create(enterprise=unit.enterprise, name=name, prefix=text[:SHOWN_CHARS],
                                           digest=_digest(text), created_by=actor.username)
        audit.record(actor, "energy_upload_token.create", "energy_upload_token", str(token.pk), None,
                     {"enterprise": unit.enterprise.credit_code, "name": name, "prefix": token.prefix})
    return NewUploadToken(text, _info(token))


def list_upload_tokens(credit_code: str, *, actor: Actor) -> list[UploadTokenInfo]:
    unit = _managed_unit(credit_code, actor)
    return [_info(t) for t in unit.enterprise.energy_upload_tokens.select_related("enterprise")]


def revoke_upload_token(token_id: int, *, actor: Actor) -> UploadTokenInfo:
    from django.db import transaction
    from django.utils import timezone

    from ecer.energy.models import UploadToken

    with transaction.atomic():
        token = UploadToken.objects.select_related("enterprise").select_for_update().filter(pk=token_id).first()
        if token is None:
            raise NotFound(f"no upload token {token_id}")
        _managed_unit(token.enterprise.credit_code, actor)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit.record(actor, "energy_upload_token.revoke", "energy_upload_token", str(token.pk),
                         {"revoked_at": None}, {"revoked_at": token.revoked_at.isoformat()})
    return _info(token)


def actor_for_upload_token(text: str, source: str | None = None) -> Actor | None:
    """The actor an upload token stands for (an enterprise reporter of its enterprise, no user), or None."""
    from django.utils import timezone

    from ecer.energy.models import UploadToken

    if not text.startswith(UPLOAD_TOKEN_PREFIX) or len(text) > 200:
        return None
    found = UploadToken.objects.select_related("enterprise").filter(digest=_digest(text)).first()
    if found is None or found.revoked_at is not None:
        return None
    now = timezone.now()
    if found.last_used_at is None or now - found.last_used_at > LAST_USED_RESOLUTION:
        UploadToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return Actor(username=f"upload-token:{found.prefix}", role=Role.ENTERPRISE_REPORTER,
                 region_code=found.enterprise.region_code, enterprise_id=found.enterprise_id, source=source)
