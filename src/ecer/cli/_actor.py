"""The one place the CLI gets its actor from."""

from __future__ import annotations

import dataclasses
import getpass
import socket

import click

from ecer.services.actor import Actor, system_actor


def console_source() -> str:
    """Where a CLI action comes from, for the audit log: `cli:<os user>@<host>`."""
    try:
        who = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (containers)
        who = "?"
    return f"cli:{who}@{socket.gethostname()}"


def cli_actor(username: str | None) -> Actor:
    """The system actor (an operator at the console), or the named account's actor (`--user NAME`):
    that account's role and scope, refused when no such account exists.

    A name needs the database; an unknown name is refused."""
    if not username:
        return dataclasses.replace(system_actor(), source=console_source())
    from ecer.site.django_setup import setup

    setup()
    from django.contrib.auth import get_user_model

    from ecer.services.actor import actor_for_user

    user = get_user_model().objects.filter(username=username).first()
    if user is None or not user.is_active:
        raise click.BadParameter(f"no active user named {username!r}", param_hint="--user")
    return dataclasses.replace(actor_for_user(user), source=console_source())
