"""The Django user behind an actor, for the "recorded by" of what a service writes."""

from __future__ import annotations

from typing import Any

from ecer.services.actor import Actor


def django_user(actor: Actor) -> Any:
    """The actor's Django user, or None (the system, or an actor built without an account)."""
    if actor.user_id is None:
        return None
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(pk=actor.user_id).first()
