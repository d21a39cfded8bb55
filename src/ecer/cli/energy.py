"""`ecer energy`: key energy-using units (重点用能单位) — the register (docs/energy-register.md), the
upload tokens of online energy monitoring (docs/energy-monitoring.md)."""

from __future__ import annotations

from pathlib import Path

import click

from ecer.cli._actor import cli_actor, django, emit_json, service_errors

USER = click.option("--user", help="act as this account (its role and regions); default: the console operator")


@click.group()
def energy() -> None:
    """Key energy-using units (重点用能单位): the register; reports, monitoring and budgets build on it."""


@energy.group()
def register() -> None:
    """The register (重点用能单位名录): Excel template, import (all-or-nothing), list."""


@register.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def template(file: Path) -> None:
    """Write the empty register workbook (header + a row of hints) to FILE."""
    from ecer.services.energy_register_file import template_bytes

    file.write_bytes(template_bytes())
    click.echo(f"{file}: register template ({file.stat().st_size:,} bytes)")


@register.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@USER
def import_(file: Path, user: str | None) -> None:
    """Import a register workbook: every row checked, nothing stored if any row is wrong."""
    django()
    from ecer.services.energy_register import import_register

    with service_errors():
        result = import_register(file.read_bytes(), file.name, actor=cli_actor(user))
    click.echo(f"{file.name}: {len(result.created)} new, {len(result.updated)} updated, "
               f"{len(result.unchanged)} unchanged")
    for change in result.changes:
        click.echo(f"  {change['credit_code']} {change['field']}: {change['old']} → {change['new']} (kept in history)")


@register.command("list")
@click.option("--region", help="GB/T 2260 code (a city includes its counties)")
@click.option("--industry", help="GB/T 4754 code prefix, e.g. 30 or 3011")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@USER
def list_(region: str | None, industry: str | None, fmt: str, user: str | None) -> None:
    """The units on the register (those the account may see)."""
    django()
    from ecer.services.energy_register import list_units

    with service_errors():
        units = list_units(actor=cli_actor(user), region=region, industry=industry)
    if fmt == "json":
        emit_json([u.__dict__ for u in units])
        return
    from ecer.texttable import render_table

    rows = [[u.credit_code, u.name, u.region_name, f"{u.industry_code} {u.industry_name}",
             "万吨" if u.level == "ten_thousand" else "指定",
             "" if u.annual_energy_tce is None else f"{u.annual_energy_tce:,.0f}"] for u in units]
    click.echo(render_table(["统一社会信用代码", "单位名称", "地区", "行业", "级别", "上年综合能耗 tce"], rows))


@energy.group()
def token() -> None:
    """Per-enterprise upload tokens for POST /api/energy/uploads (shown once, stored hashed)."""


@token.command("create")
@click.option("--enterprise", "credit_code", required=True, help="the unit's unified social credit code")
@click.option("--name", required=True, help="what the token is for, e.g. 'meter gateway 1'")
@USER
def token_create(credit_code: str, name: str, user: str | None) -> None:
    """Make an upload token for one enterprise and print it once."""
    django()
    from ecer.services.energy_tokens import create_upload_token

    with service_errors():
        made = create_upload_token(credit_code, actor=cli_actor(user), name=name)
    click.echo(f"upload token {made.info.id} for {made.info.enterprise} ({made.info.name}):")
    click.echo(made.token)
    click.echo("保存好它，它只显示这一次 / store it now: it is shown only this once", err=True)


@token.command("list")
@click.option("--enterprise", "credit_code", required=True)
@USER
def token_list(credit_code: str, user: str | None) -> None:
    """The enterprise's upload tokens (never their text)."""
    django()
    from ecer.services.energy_tokens import list_upload_tokens

    with service_errors():
        tokens = list_upload_tokens(credit_code, actor=cli_actor(user))
    for t in tokens:
        state = f"revoked {t.revoked_at:%Y-%m-%d %H:%M}" if t.revoked_at else "active"
        used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never"
        click.echo(f"{t.id}\t{t.prefix}…\t{t.name}\t{state}\tlast used {used}")


@token.command("revoke")
@click.argument("token_id", type=int)
@USER
def token_revoke(token_id: int, user: str | None) -> None:
    """Revoke an upload token at once."""
    django()
    from ecer.services.energy_tokens import revoke_upload_token

    with service_errors():
        info = revoke_upload_token(token_id, actor=cli_actor(user))
    click.echo(f"upload token {info.id} of {info.enterprise} revoked at {info.revoked_at:%Y-%m-%d %H:%M} UTC")
