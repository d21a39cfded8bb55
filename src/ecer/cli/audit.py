"""`ecer audit`: verify the audit log's hash chain, list its entries."""

from __future__ import annotations

import json
import sys

import click

from ecer.cli._actor import cli_actor

USER_OPTION = click.option("--user", "username", default=None,
                           help="act as this account (an auditor or province administrator); default: the system")


@click.group()
def audit() -> None:
    """Audit log (审计日志): verify the chain, list entries."""


@audit.command()
@click.option("--expect-head", default=None, metavar="SEQ:HASH",
              help="a head printed by an earlier run: it must still be on the chain")
@USER_OPTION
def verify(expect_head: str | None, username: str | None) -> None:
    """Recompute the hash chain; name every edited, removed or reordered entry. Exit 1 if any."""
    from ecer.site.django_setup import setup

    setup()
    from ecer.services.actor import PermissionDenied
    from ecer.services.audit import parse_head
    from ecer.services.audit import verify as run

    try:
        expected = parse_head(expect_head) if expect_head else None
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--expect-head") from err
    try:
        report = run(actor=cli_actor(username), expect_head=expected)
    except PermissionDenied as err:
        raise click.ClickException(f"not allowed: {err}") from err
    click.echo(f"审计日志 / audit log: {report.entries} entries; head {report.last_seq}:{report.last_hash}")
    if report.ok:
        click.echo("链完整 / chain intact: every entry matches its hash and links to the one before it")
        return
    click.echo(f"链已损坏 / chain BROKEN: {len(report.problems)} problem(s)", err=True)
    for problem in report.problems:
        click.echo(f"  {problem}", err=True)
    sys.exit(1)


@audit.command(name="list")
@click.option("--object", "obj", default=None, metavar="TYPE[:ID]", help="only entries about this record")
@click.option("--by", "by_user", default=None, help="only entries by this username")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 500))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@USER_OPTION
def list_(obj: str | None, by_user: str | None, limit: int, fmt: str, username: str | None) -> None:
    """The newest entries first."""
    from ecer.site.django_setup import setup

    setup()
    from ecer.services.actor import PermissionDenied
    from ecer.services.audit import entries

    obj_type, _, obj_id = (obj or "").partition(":")
    try:
        page = entries(actor=cli_actor(username), obj_type=obj_type or None, obj_id=obj_id or None,
                       username=by_user, limit=limit)
    except PermissionDenied as err:
        raise click.ClickException(f"not allowed: {err}") from err
    if fmt == "json":
        click.echo(json.dumps({"total": page.total, "entries": page.rows}, ensure_ascii=False, indent=2, default=str))
        return
    click.echo(f"{page.total} entries; newest {len(page.rows)}:")
    for row in page.rows:
        changed = ", ".join(c["field"] for c in row["changes"]) or "—"
        click.echo(f"  #{row['seq']:<6} {row['at']:%Y-%m-%d %H:%M:%S} {row['username']:<18} {row['action']:<24} "
                   f"{row['obj_type']}:{row['obj_id']}  [{changed}]  {row['source']}")
