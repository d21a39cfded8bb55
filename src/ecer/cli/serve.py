"""`ecer serve`: the production web server (gunicorn workers, static files through WhiteNoise).

Behind the TLS reverse proxy of docs/deployment.md. Before the workers start it checks the
settings, collects the static files into the data directory and (with --migrate) applies
migrations, so a bad configuration fails here, once, with a message, not in every worker.
"""

from __future__ import annotations

import click

from ecer import config


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="address to listen on (the reverse proxy connects here)")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="worker processes [ECER_WEB_WORKERS, else 2 × cores + 1]")
@click.option("--threads", type=click.IntRange(1, 64), default=None, help="threads per worker [ECER_WEB_THREADS, else 4]")
@click.option("--timeout", type=click.IntRange(5, 3600), default=60, show_default=True,
              help="seconds before a stuck worker is restarted")
@click.option("--max-requests", type=click.IntRange(0, 10**7), default=2000, show_default=True,
              help="requests after which a worker is replaced (0 = never)")
@click.option("--migrate", is_flag=True, help="apply database migrations first")
@click.option("--no-collectstatic", is_flag=True, help="skip collecting static files (already done)")
def serve(host: str, port: int, workers: int | None, threads: int | None, timeout: int, max_requests: int,
          migrate: bool, no_collectstatic: bool) -> None:
    """Serve the web application with gunicorn (生产部署; see docs/deployment.md)."""
    from django.core.management import call_command

    from ecer.site.django_setup import setup
    from ecer.site.gunicorn_app import default_workers, run

    workers = workers or config.integer(config.ENV_WEB_WORKERS, default_workers(), 1, 64)
    threads = threads or config.integer(config.ENV_WEB_THREADS, 4, 1, 64)
    setup()
    call_command("check", fail_level="ERROR")
    if migrate:
        call_command("migrate", interactive=False, verbosity=1)
    if not no_collectstatic:
        call_command("collectstatic", interactive=False, verbosity=0)
        click.echo(f"static files collected into {config.data_dir() / 'static'}")
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    click.echo(f"ECER web: http://{bind}/ ({workers} workers × {threads} threads; health /healthz, /readyz)")
    # gunicorn trusts X-Forwarded-* only from the proxy on this machine.
    run([bind], workers, threads, timeout, max_requests, forwarded_allow_ips="127.0.0.1,::1")
