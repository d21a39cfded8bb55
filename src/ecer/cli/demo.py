"""`ecer demo`: a working installation in one command — database, catalogs, plans, illustrative data,
demo accounts — then a local web server, with the HJ 212 gateway and simulated data loggers
(示例) as child processes so the monitoring pages are live, and the background-job worker."""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import sys
from importlib import resources
from pathlib import Path

import click

from ecer.gateway.supervise import Children, wait_for_line

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
DEMO_PLAN = "sichuan-14fyp"
# The simulated loggers: real-time data every SIM_INTERVAL_S, minute data every SIM_MINUTE_S, the last
# SIM_BACKFILL_H hours of hourly data on first connect, every SIM_EXCEED_EVERY-th upload above a limit.
SIM_INTERVAL_S = 10
SIM_MINUTE_S = 60
SIM_BACKFILL_H = 6
SIM_EXCEED_EVERY = 7


def illustrative_dataset() -> Path:
    return Path(str(resources.files("ecer.demo").joinpath("data", "illustrative-statistics.csv")))


def _load_everything(reset: bool) -> None:
    from django.core.management import call_command

    from ecer.masterdata.models import ImportBatch
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
        from ecer.services.actor import system_actor
        from ecer.services.statistics import import_statistics

        result = import_statistics(dataset, actor=system_actor(), illustrative=True)
        click.echo(f"示例数据 / illustrative data: {result.rows} rows, {result.new_versions} new versions "
                   "(示例数据，非官方统计 / illustrative, not official statistics)")
    _decompose()
    _warm_dashboards()
    click.echo("评价考核 / assessment: ecer assess --period annual:2023 --measures demo "
               "(示例措施评分 illustrative reviewers' scores, 2021–2024)")
    from ecer.services.submissions import ensure_demo_periods

    periods = ensure_demo_periods()
    click.echo("数据填报 / submissions: periods " + ", ".join(
        f"{p.code} ({'closed' if p.closed else 'open, due ' + p.deadline.isoformat()})" for p in periods))
    devices = seed_demo_registry()
    click.echo(f"在线监测 / monitoring: {devices} illustrative devices registered")
    from ecer.services.energy_register import seed_demo_register

    units = seed_demo_register()
    click.echo(f"重点用能单位 / key energy-using units: {len(units.created)} new, {len(units.unchanged)} unchanged "
               "(示例名录 illustrative register)")
    from ecer.services.energy_monitoring import seed_demo_metering_points

    click.echo(f"能耗在线监测 / energy monitoring: {seed_demo_metering_points()} new illustrative metering points "
               "(ecer energy simulate --from-registry uploads to them)")
    from ecer.services.energy_reports import seed_demo_report

    report = seed_demo_report()
    click.echo("能源利用状况报告 / annual energy report: " + (
        f"#{report}, 2024, submitted by the demo enterprise, waiting for mianyang-reviewer (示例 illustrative; "
        "/energy/reports/)" if report else "none (no 2024 period or demo unit)"))
    from ecer.services.energy_budgets import seed_demo_budgets
    from ecer.services.energy_monthly import seed_demo_monthly_energy
    from ecer.services.energy_reconciliation import seed_demo_reports

    months = seed_demo_monthly_energy()
    budgets = seed_demo_budgets()
    reports = seed_demo_reports()
    click.echo(f"用能预算 / energy budgets: {months} new illustrative unit-months, {budgets} new illustrative city "
               f"budgets (/energy/budgets/, /energy/budgets/inspection/); 数据核对 reconciliation: {reports} new "
               "approved illustrative 2024 reports with planted discrepancies (/energy/reconciliation/?year=2024)")
    from ecer.services.ledger_proposals import seed_demo_ledger

    projects = seed_demo_ledger()
    click.echo(f"重点工程 / key projects: {len(projects.created)} new, {len(projects.unchanged)} unchanged "
               "(示例台账 illustrative ledger with planted double counts and over-claims; /projects/)")
    from ecer.services.two_high import seed_demo_register

    click.echo(f"两高一低 / two-high projects: {seed_demo_register()} new (示例清单 illustrative register; /two-high/)")


def _decompose() -> None:
    """Decompose the Sichuan energy-intensity target to the 21 cities from the illustrative data, so
    the demo's city targets (and their lights) are the decomposed ones; unchanged data → unchanged."""
    from ecer.services.actor import system_actor
    from ecer.services.decompose import decompose_from_database

    saved = decompose_from_database(DEMO_PLAN, actor=system_actor()).intensity
    state = "saved" if saved.changed else "unchanged"
    click.echo(f"目标分解 / decomposition: {saved.targets} city targets for {DEMO_PLAN} energy_intensity "
               f"(run {saved.run_id}, {state}; 示例分解 / illustrative)")


def _warm_dashboards() -> None:
    """Compute the progress of every reported year once now (kept per data version), so the first
    page view of the overview and the region pages reads precomputed results."""
    from ecer.services.dashboard.cache import warm
    from ecer.services.dashboard.common import context

    years = context(DEMO_PLAN).years
    seconds = warm(DEMO_PLAN, years)
    click.echo(f"驾驶舱 / dashboards: progress of {years[0]}–{years[-1]} precomputed "
               f"({sum(seconds.values()):.1f} s, reused until the data change)" if years else
               "驾驶舱 / dashboards: no reported year yet")


def _print_logins(url: str, monitoring: list[str]) -> None:
    from ecer.masterdata.services.accounts import ensure_demo_accounts

    accounts = ensure_demo_accounts()
    click.echo("")
    click.echo("=" * 72)
    click.echo(f"  ECER 演示 / demo:  {url}")
    click.echo("  示例数据（非官方统计）/ Illustrative data — not official statistics")
    for line in monitoring:
        click.echo(f"  {line}")
    click.echo("  演示账号 / demo logins (用户名 / user, 密码 / password):")
    for acc in accounts:
        click.echo(f"    {acc.username:<19} {acc.password:<24} {acc.label_zh} / {acc.label_en}")
    click.echo("=" * 72)


def _check_port_free(host: str, port: int, what: str) -> None:
    """Fail before starting anything when a port is taken (the web server would exit without cleanup)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise click.ClickException(f"{what} port {host}:{port} is not available ({exc.strerror}); "
                                       f"choose another with --{'gateway-' if 'gateway' in what else ''}port") from exc


def _start_monitoring(children: Children, gateway_port: int) -> list[str]:
    """Start the gateway (loopback only) and the simulator; returns the banner lines."""
    from ecer import config

    data_dir = config.data_dir()
    env = dict(os.environ, ECER_DATA_DIR=str(data_dir))
    log = data_dir / "demo-monitoring.log"
    gateway = children.start("gateway", ["hj212", "serve", "--host", "127.0.0.1", "--port", str(gateway_port),
                                         "--data-dir", str(data_dir), "--status-seconds", "2",
                                         "--flush-seconds", "2"], env, log, capture=True)
    wait_for_line(gateway, "listening on", timeout=60)
    simulator = children.start("simulator", [
        "hj212", "simulate", "--from-registry", "--forever", "--port", str(gateway_port),
        "--interval", str(SIM_INTERVAL_S), "--minute-every", str(SIM_MINUTE_S),
        "--backfill-hours", str(SIM_BACKFILL_H), "--exceed-every", str(SIM_EXCEED_EVERY)], env, log)
    return [f"HJ 212 网关 / gateway: 127.0.0.1:{gateway_port} (pid {gateway.pid})",
            f"模拟数采仪（示例）/ simulated data loggers: registered demo devices, every {SIM_INTERVAL_S} s "
            f"(pid {simulator.pid})",
            f"监测日志 / monitoring log: {log}"]


#: Seconds between the demo scheduler's looks at the schedule (`ecer jobs scheduler --poll`).
DEMO_SCHEDULER_POLL_S = 5

#: The demo's web server: gunicorn as `ecer serve` runs it, sized for a laptop (ECER_WEB_WORKERS is for production).
DEMO_WEB_WORKERS = 2
DEMO_WEB_THREADS = 4


def _exit_on_sigterm(signum: int, frame: object) -> None:
    # SystemExit unwinds the set-up like Ctrl-C does, so the `finally` below stops the children; once
    # gunicorn runs, its arbiter takes SIGTERM/SIGINT, stops its workers and exits the same way.
    sys.exit(128 + signum)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="prepare everything, do not start the web server")
@click.option("--reset", is_flag=True, help="empty the database first (all data in it is lost)")
@click.option("--gateway-port", default=9212, show_default=True, type=int,
              help="HJ 212 gateway port (always on 127.0.0.1)")
@click.option("--no-gateway", is_flag=True, help="do not start the HJ 212 gateway and the simulated loggers")
def demo(host: str, port: int, no_serve: bool, reset: bool, gateway_port: int, no_gateway: bool) -> None:
    """Set up a demo installation in ECER_DATA_DIR and serve it (演示), with the HJ 212 gateway and
    simulated data loggers (示例) feeding the monitoring pages.

    Idempotent: running it again keeps the data, reloads only what changed and resets the demo
    passwords. The gateway and simulator are child processes, stopped when the demo stops.
    """
    from ecer import config
    from ecer.site.django_setup import setup

    click.echo(f"数据目录 / data directory: {config.data_dir()}")
    if not no_serve:  # fail before the set-up work, not after it
        _check_port_free(host, port, "web")
        if not no_gateway:
            _check_port_free("127.0.0.1", gateway_port, "gateway")
    setup()
    _load_everything(reset)
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    if no_serve:
        _print_logins(url, [])
        return
    children = Children()
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        _serve(host, port, url, children, None if no_gateway else gateway_port)
    finally:
        children.stop_all()


def _start_job_worker(children: Children) -> list[str]:
    """The background-job worker (uploads, report generation) and the scheduler that queues the
    recurring roll-ups and alarm detection: child processes like the gateway."""
    from ecer import config

    data_dir = config.data_dir()
    env = dict(os.environ, ECER_DATA_DIR=str(data_dir))
    log = data_dir / "demo-jobs.log"
    worker = children.start("jobs", ["jobs", "worker"], env, log)
    schedule_log = data_dir / "demo-scheduler.log"
    # a short poll: the first roll-up waits for the loggers' first data, and should follow it closely
    scheduler = children.start("scheduler", ["jobs", "scheduler", "--poll", str(DEMO_SCHEDULER_POLL_S)], env,
                               schedule_log)
    return [f"后台任务 / job worker: pid {worker.pid}, log {log}",
            f"定时任务 / scheduler (roll-ups, alarms): pid {scheduler.pid}, log {schedule_log}"]


def _serve(host: str, port: int, url: str, children: Children, gateway_port: int | None) -> None:
    monitoring = ["在线监测：未启动网关 / monitoring: gateway not started (--no-gateway)"]
    if gateway_port is not None:
        monitoring = _start_monitoring(children, gateway_port)
    monitoring.extend(_start_job_worker(children))
    _print_logins(url, monitoring)
    if host not in LOOPBACK:
        click.echo("警告 / warning: the demo passwords are public; listening beyond this machine exposes them.")
    from django.conf import settings
    from django.core.management import call_command

    if host not in settings.ALLOWED_HOSTS and host not in {"0.0.0.0", "::"}:
        settings.ALLOWED_HOSTS.append(host)
    if host in {"0.0.0.0", "::"}:
        settings.ALLOWED_HOSTS.append("*")
    # The production server, as `ecer serve` runs it: gunicorn workers, static files through WhiteNoise.
    from ecer.site.gunicorn_app import run

    call_command("collectstatic", interactive=False, verbosity=0)
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    run([bind], DEMO_WEB_WORKERS, DEMO_WEB_THREADS, timeout=60, max_requests=0, forwarded_allow_ips="127.0.0.1,::1")
