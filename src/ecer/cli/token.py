"""`ecer token`: API tokens for machine clients — create (printed once), list, revoke."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from ecer.cli._actor import cli_actor

USER_OPTION = click.option("--user", "username", default=None,
                           help="act as this account (default: the system operator)")
FOR_OPTION = click.option("--for", "owner", default=None,
                          help="the account the token belongs to (default: the --user account)")


@contextmanager
def _errors() -> Iterator[None]:
    from ecer.services.actor import PermissionDenied
    from ecer.services.tokens import TokenError

    try:
        yield
    except PermissionDenied as err:
        raise click.ClickException(f"not allowed: {err}") from err
    except TokenError as err:
        raise click.ClickException(str(err)) from err


def _setup() -> None:
    from ecer.site.django_setup import setup

    setup()


@click.group()
def token() -> None:
    """API tokens (访问令牌) for machine clients: `Authorization: Bearer <token>`."""


@token.command()
@click.option("--name", required=True, help="what the token is for, e.g. 'nightly upload'")
@click.option("--expires-days", type=int, default=None, help="lifetime in days (default: until revoked)")
@FOR_OPTION
@USER_OPTION
def create(name: str, expires_days: int | None, owner: str | None, username: str | None) -> None:
    """Create a token and print it once; only its hash is stored."""
    _setup()
    from ecer.services.tokens import create_token

    actor = cli_actor(username)
    if owner is None and username is None:
        raise click.BadParameter("whose token? give --for USER (or act as the account with --user)", param_hint="--for")
    with _errors():
        made = create_token(actor=actor, name=name, username=owner, expires_days=expires_days)
    expires = f"{made.info.expires_at:%Y-%m-%d %H:%M} UTC" if made.info.expires_at else "never (until revoked)"
    click.echo(f"token {made.info.id} for {made.info.username} ({made.info.name}), expires {expires}:")
    click.echo(made.token)
    click.echo("保存好它，它只显示这一次 / store it now: it is shown only this once", err=True)


@token.command(name="list")
@FOR_OPTION
@USER_OPTION
def list_(owner: str | None, username: str | None) -> None:
    """The account's tokens (never the secrets)."""
    _setup()
    from ecer.services.tokens import list_tokens

    if owner is None and username is None:
        raise click.BadParameter("whose tokens? give --for USER or --user USER", param_hint="--for")
    with _errors():
        tokens = list_tokens(actor=cli_actor(username), username=owner)
    for t in tokens:
        state = "active" if t.active else ("revoked" if t.revoked_at else "expired")
        used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
        click.echo(f"{t.id:>5}  {t.prefix}…  {state:<8} {t.username:<18} last used {used:<16} {t.name}")
    if not tokens:
        click.echo("no tokens")


@token.command()
@click.argument("token_id", type=int)
@USER_OPTION
def revoke(token_id: int, username: str | None) -> None:
    """Revoke token TOKEN_ID at once."""
    _setup()
    from ecer.services.tokens import revoke_token

    with _errors():
        info = revoke_token(token_id, actor=cli_actor(username))
    click.echo(f"token {info.id} ({info.prefix}…, {info.username}) revoked at {info.revoked_at:%Y-%m-%d %H:%M:%S} UTC")
