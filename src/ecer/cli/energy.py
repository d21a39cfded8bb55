"""`ecer energy`: key energy-using units (重点用能单位) — the register (docs/energy-register.md), the
upload tokens of online energy monitoring (docs/energy-monitoring.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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


@energy.command()
@click.option("--from-registry", is_flag=True,
              help="play the metering points of the registered units connected to online monitoring (required: "
                   "the meters are the registered ones)")
@click.option("--enterprise", "credit_codes", multiple=True, help="only these units (credit codes; repeatable)")
@click.option("--url", default="http://127.0.0.1:8000/api/energy/uploads", show_default=True,
              help="the upload endpoint of the running server")
@click.option("--days", default=1, show_default=True, type=click.IntRange(1, 366), help="days to simulate")
@click.option("--start", "start_date", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="first local date (default: --days before today, so no reading is in the future)")
@click.option("--speed", default=0.0, show_default=True,
              help="simulated seconds per wall-clock second (900: a 15-minute interval a second); 0: as fast "
                   "as the server answers")
@click.option("--batch-minutes", default=15, show_default=True, type=click.IntRange(15, 1440),
              help="simulated minutes of readings per upload (per unit)")
@click.option("--gap-every-days", default=7, show_default=True, help="plant a gap on every N-th day (0: none)")
@click.option("--gap-intervals", default=8, show_default=True, help="readings missing in a planted gap")
@click.option("--resend-every", default=10, show_default=True, help="send every N-th upload twice (0: never)")
@click.option("--truth", "truth_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="write the ground truth (quantities, tce per month, received, rollovers, gaps) as JSON here")
@USER
def simulate(from_registry: bool, credit_codes: tuple[str, ...], url: str, days: int, start_date: Any,
             speed: float, batch_minutes: int, gap_every_days: int, gap_intervals: int, resend_every: int,
             truth_path: Path | None, user: str | None) -> None:
    """Simulate the energy meters of registered units uploading to a running server over HTTP, with a
    ground truth. Each unit gets an upload token for the run, revoked at its end."""
    import datetime as dt
    import json

    from ecer.config import coal_rates
    from ecer.energy.simulator import (
        CHINA_TZ,
        SimPoint,
        Simulator,
        SimUnit,
        base_steps_for,
        http_post,
        truth_tce,
    )

    django()
    from ecer.services.energy_monitoring import revoke_simulator_tokens, simulator_units

    if not from_registry:
        raise click.UsageError("give --from-registry: the simulated meters are the registered metering points")
    actor = cli_actor(user)
    with service_errors():
        registered = simulator_units(actor=actor, credit_codes=list(credit_codes) or None)
    if not registered:
        raise click.ClickException("no unit connected to online monitoring with active metering points "
                                   "(run `ecer demo --no-serve` first, or declare points in the admin)")
    units = [SimUnit(r.credit_code, r.token, tuple(
        SimPoint(p["code"], p["energy_type"], p["unit"], p["kind"], p["interval_minutes"], p["rollover_value"],
                 p["enthalpy_gj_per_t"], base_steps_for(p["energy_type"], p["unit"], p["enthalpy_gj_per_t"],
                                                        p["interval_minutes"], r.annual_energy_tce, len(r.points),
                                                        p["rollover_value"], gap_intervals if gap_every_days else 0))
        for p in r.points)) for r in registered]
    today = dt.datetime.now(CHINA_TZ).replace(hour=0, minute=0, second=0, microsecond=0)
    start = (dt.datetime(start_date.year, start_date.month, start_date.day, tzinfo=CHINA_TZ) if start_date
             else today - dt.timedelta(days=days))
    click.echo(f"simulating {sum(len(u.points) for u in units)} metering point(s) of {len(units)} unit(s) from "
               f"{start:%Y-%m-%d} for {days} day(s) → {url}", err=True)
    sim = Simulator(units, start, days, http_post(url), speed=speed, batch_minutes=batch_minutes,
                    gap_every_days=gap_every_days, gap_intervals=gap_intervals, resend_every=resend_every,
                    log=lambda line: click.echo(line, err=True))
    try:
        truth = sim.run()
    finally:
        with service_errors():
            revoke_simulator_tokens(registered, actor=actor)
    result = {**truth.as_json(), "tce": truth_tce(units, truth, coal_rates())}
    if truth_path:
        truth_path.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    click.echo(f"uploads: {truth.uploads} ({truth.replayed} repeated and answered as replayed), "
               f"rejected: {len(truth.rejected)}, planted gap readings: {truth.gaps}, "
               f"rollovers: {sum(truth.rollovers.values())}")
    for code, months in result["tce"].items():
        for month, bases in months.items():
            coal = bases["coal_equivalent"]
            click.echo(f"  {code} {month}: {bases['calorific']:.4f} tce calorific, "
                       + ("coal-equivalent not computable (no coal rate)" if coal is None else
                          f"{coal:.4f} tce coal-equivalent"))
    if truth.rejected:
        raise SystemExit(1)


@energy.command()
@USER
def rollup(user: str | None) -> None:
    """Copy the accepted uploads not yet in the energy lake into it, then bring the daily and monthly energy
    roll-ups up to date (what the scheduled roll-up job does after the monitoring roll-ups)."""
    django()
    from ecer.services.energy_lake import run_energy_rollups

    with service_errors():
        run = run_energy_rollups(actor=cli_actor(user))
    click.echo(f"lake: {len(run.batches)} batch(es), {run.uploads} upload(s), {run.intervals:,} interval(s) on "
               f"{len(run.dates)} date(s); roll-ups: {len(run.rolled_dates)} date(s), "
               f"{len(run.rolled_months)} month(s) in {run.seconds:.1f} s")


@energy.command()
@click.option("--year", type=click.IntRange(2000, 2100), required=True)
@click.option("--enterprise", "credit_codes", multiple=True, help="only this unit (repeatable)")
@USER
def monthly(year: int, credit_codes: tuple[str, ...], user: str | None) -> None:
    """Store each monitored unit's months of YEAR (tce, completeness) for the budgets and the reconciliation."""
    django()
    from ecer.services.energy_monthly import refresh_monthly_energy

    with service_errors():
        n = refresh_monthly_energy(year, actor=cli_actor(user), credit_codes=list(credit_codes) or None)
    click.echo(f"{year}: {n} unit-months stored")


@energy.command()
@click.option("--year", type=click.IntRange(2000, 2100), required=True)
@click.option("--region", help="a 市(州) code: only its units")
@click.option("--open-cases", is_flag=True, help="open a case for every finding (audit-logged)")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@USER
def reconcile(year: int, region: str | None, open_cases: bool, fmt: str, user: str | None) -> None:
    """Monitored energy against the annual report per unit; the key units' share of each city's total."""
    django()
    from ecer.services.energy_reconciliation import reconciliation, run_reconciliation

    actor = cli_actor(user)
    with service_errors():
        run = run_reconciliation(year, actor=actor, region=region) if open_cases else None
        r = reconciliation(year, actor=actor, region=region)
    if fmt == "json":
        emit_json({"year": year, "findings": r.findings,
                   "units": [{"credit_code": u.credit_code, **{k: str(v) if k == "status" else v
                                                               for k, v in vars(u.comparison).items()}}
                             for u in r.units],
                   "cities": [{**{k: str(v) if k in ("status", "kind") else v for k, v in vars(c.share).items()}}
                              for c in r.cities],
                   "opened": run.opened if run else []})
        return
    for c in r.cities:
        click.echo(f"{c.region_code} {c.region_name}: {c.share.status} — {c.share.reason}")
    for u in r.units:
        click.echo(f"{u.credit_code} {u.name}: {u.comparison.status} — {u.comparison.reason}")
    if run:
        click.echo(f"{run.findings} finding(s): {len(run.opened)} case(s) opened, {len(run.updated)} updated, "
                   f"{len(run.unchanged)} unchanged")


@energy.group()
def report() -> None:
    """Annual energy-utilisation reports (能源利用状况报告, docs/energy-report.md): read and export; filing and
    deciding are done on the pages or through the API."""


@report.command("list")
@click.option("--unit", help="credit code of the unit")
@click.option("--period", help="reporting period code, e.g. 2024")
@click.option("--status", type=click.Choice(["draft", "submitted", "returned", "approved"]))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@USER
def report_list(unit: str | None, period: str | None, status: str | None, fmt: str, user: str | None) -> None:
    """The report versions the account may see, newest first."""
    django()
    from ecer.services.energy_reports import list_reports

    with service_errors():
        rows = list_reports(cli_actor(user), unit=unit, period=period, status=status)
    if fmt == "json":
        emit_json([r.__dict__ for r in rows])
        return
    from ecer.texttable import render_table

    def tce(value: float | None) -> str:
        return "—" if value is None else f"{value:,.2f}"

    click.echo(render_table(["#", "统一社会信用代码", "单位名称", "年度", "版本", "状态", "当量值 tce", "等价值 tce"],
                            [[str(r.id), r.credit_code, r.enterprise, str(r.year), f"v{r.version}", r.status,
                              tce(r.calorific_tce), tce(r.coal_equivalent_tce)] for r in rows]))


@report.command("show")
@click.argument("report_id", type=int)
@USER
def report_show(report_id: int, user: str | None) -> None:
    """One report version as JSON: figures with their factors, products against their limits, problems."""
    django()
    from ecer.services.energy_reports import get_report

    with service_errors():
        emit_json(get_report(cli_actor(user), report_id))


@report.command("export")
@click.argument("report_id", type=int)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@USER
def report_export(report_id: int, file: Path, user: str | None) -> None:
    """The report version as an Excel workbook."""
    django()
    from ecer.services.energy_reports import export_report

    with service_errors():
        data, _name = export_report(cli_actor(user), report_id)
    file.write_bytes(data)
    click.echo(f"{file}: report #{report_id}")


@report.command("total")
@click.argument("credit_code")
@click.option("--year", type=click.IntRange(2000, 2100), required=True)
@USER
def report_total(credit_code: str, year: int, user: str | None) -> None:
    """The unit's annual energy by its latest approved report of the year (tce on both bases), as JSON."""
    django()
    from ecer.services.energy_reports import approved_report_total

    with service_errors():
        emit_json(approved_report_total(credit_code, year, actor=cli_actor(user)))
