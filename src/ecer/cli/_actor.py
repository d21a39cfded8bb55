"""The one place the CLI gets its actor from; service errors as click errors; JSON output."""

from __future__ import annotations

import dataclasses
import getpass
import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from ecer.services.actor import Actor, PermissionDenied, system_actor


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


def django() -> None:
    """Configure Django before a service that reads the database (idempotent)."""
    from ecer.site.django_setup import setup

    setup()


@contextmanager
def service_errors() -> Iterator[None]:
    """Service errors as click errors: a wrong parameter as a usage error naming it, the rest (with
    every problem of a bad input file) as an error message; exit status 1 or 2."""
    from ecer.errors import InputFileError
    from ecer.services.errors import InvalidRequest, ServiceError

    try:
        yield
    except InvalidRequest as err:
        if err.param:
            raise click.BadParameter(str(err), param_hint=f"--{err.param.replace('_', '-')}") from err
        raise click.ClickException(str(err)) from err
    except (ServiceError, InputFileError, PermissionDenied) as err:
        raise click.ClickException(str(err)) from err


def emit_json(obj: Any) -> None:
    """A dataclass or plain data as indented JSON (Chinese kept as is)."""
    data = dataclasses.asdict(obj) if dataclasses.is_dataclass(obj) and not isinstance(obj, type) else obj
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
