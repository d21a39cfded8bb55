"""`ecer demo`: a working installation in one command — database, catalogs, plans, illustrative data,
demo accounts — then a local web server."""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path

import click

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
DEMO_PLAN = "sichuan-14fyp"


def illustrative_dataset() -> Path:
    return Path(str(resources.files("ecer.demo").joinpath("data", "illustrative-statistics.csv")))


def _load_everything(reset: bool) -> None:
    from django.core.management import call_command

    from ecer.masterdata.models import ImportBatch
    from ecer.masterdata.services.imports import import_statistics
    from ecer.masterdata.services.plans import load_plan_into_db
    from ecer.masterdata.services.setup import prepare_database
    from ecer.monitoring.demo import seed_demo_registry
    from ecer.plans import bundled_plans

    call_command("migrate", interactive=False, verbosity=0)
    if reset:
        call_command("flush", interactive=False, verbosity=0)
        click.echo("已清空数据库 / database emptied (--reset)")
    counts = prepare_database()
    click.echo(f"目录 / catalogs: {counts.regions} regions, {counts.variables} variables, "
               f"{counts.indicators} indicators")
    for code in bundled_plans():
        loaded = load_plan_into_db(code)
        state = "loaded" if loaded.changed else "unchanged"
        click.echo(f"方案 / plan {code}: {loaded.plan.targets.count()} targets ({state})")
    dataset = illustrative_dataset()
    sha = hashlib.sha256(dataset.read_bytes()).hexdigest()
    if ImportBatch.objects.filter(sha256=sha, is_illustrative=True).exists():
        click.echo(f"示例数据 / illustrative data: {dataset.name} already imported")
    else:
        result = import_statistics(dataset, illustrative=True)
        click.echo(f"示例数据 / illustrative data: {result.rows} rows, {result.new_versions} new versions "
                   "(示例数据，非官方统计 / illustrative, not official statistics)")
    _decompose()
    devices = seed_demo_registry()
    click.echo(f"在线监测 / monitoring: {devices} illustrative devices registered")


def _decompose() -> None:
    """Decompose the Sichuan energy-intensity target to the 21 cities from the illustrative data, so
    the demo's city targets (and their lights) are the decomposed ones; unchanged data → unchanged."""
    from ecer.masterdata.services.decomposition import decompose_from_database

    saved = decompose_from_database(DEMO_PLAN)
    state = "saved" if saved.changed else "unchanged"
    click.echo(f"目标分解 / decomposition: {saved.run.targets.count()} city targets for {DEMO_PLAN} energy_intensity "
               f"(run {saved.run.pk}, {state}; 示例分解 / illustrative)")


def _print_logins(url: str) -> None:
    from ecer.masterdata.services.accounts import ensure_demo_accounts

    accounts = ensure_demo_accounts()
    click.echo("")
    click.echo("=" * 72)
    click.echo(f"  ECER 演示 / demo:  {url}")
    click.echo("  示例数据（非官方统计）/ Illustrative data — not official statistics")
    click.echo("  演示账号 / demo logins (用户名 / user, 密码 / password):")
    for acc in accounts:
        click.echo(f"    {acc.username:<10} {acc.password:<16} {acc.label_zh} / {acc.label_en}")
    click.echo("=" * 72)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="prepare everything, do not start the web server")
@click.option("--reset", is_flag=True, help="empty the database first (all data in it is lost)")
def demo(host: str, port: int, no_serve: bool, reset: bool) -> None:
    """Set up a demo installation in ECER_DATA_DIR and serve it (演示).

    Idempotent: running it again keeps the data, reloads only what changed and resets the demo
    passwords.
    """
    from ecer import config
    from ecer.site.django_setup import setup

    click.echo(f"数据目录 / data directory: {config.data_dir()}")
    setup()
    _load_everything(reset)
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    _print_logins(url)
    if no_serve:
        return
    if host not in LOOPBACK:
        click.echo("警告 / warning: the demo passwords are public; listening beyond this machine exposes them.")
    from django.conf import settings
    from django.core.management import call_command

    if host not in settings.ALLOWED_HOSTS and host not in {"0.0.0.0", "::"}:
        settings.ALLOWED_HOSTS.append(host)
    if host in {"0.0.0.0", "::"}:
        settings.ALLOWED_HOSTS.append("*")
    # The development server serves static files with --insecure; good enough for a local demo.
    call_command("runserver", f"{host}:{port}" if ":" not in host else f"[{host}]:{port}",
                 use_reloader=False, insecure_serving=True)
