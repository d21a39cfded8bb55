"""`ecer hj212 serve` and `ecer hj212 simulate` (added to the codec's `hj212` group)."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path

import click


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=9212, show_default=True, type=int, help="0 picks a free port")
@click.option("--data-dir", type=click.Path(path_type=Path), default=None,
              help="raw store, WAL and lake live here [default: ECER_DATA_DIR]")
@click.option("--idle-timeout", default=300.0, show_default=True, help="seconds without bytes before closing")
@click.option("--max-frame", default=10000, show_default=True, help="largest frame accepted, bytes")
@click.option("--max-queue", default=20000, show_default=True, help="uncommitted packets before reading pauses")
@click.option("--max-batch", default=5000, show_default=True,
              help="packets per group commit (1 = one fsync per packet)")
@click.option("--flush-seconds", default=2.0, show_default=True, help="WAL → lake cadence")
@click.option("--status-seconds", default=2.0, show_default=True, help="device status write cadence")
@click.option("--registry-seconds", default=30.0, show_default=True, help="device registry refresh cadence")
@click.option("--dedup-window-days", default=7, show_default=True, help="DataTime window kept in the dedup index")
@click.option("--lock-wait", default=30.0, show_default=True,
              help="seconds to wait for another gateway on the same data directory to exit")
@click.option("-v", "--verbose", is_flag=True)
def serve(host: str, port: int, data_dir: Path | None, idle_timeout: float, max_frame: int, max_queue: int,
          max_batch: int, flush_seconds: float, status_seconds: float, registry_seconds: float,
          dedup_window_days: int, lock_wait: float, verbose: bool) -> None:
    """Run the HJ 212 gateway (数据采集网关): accept loggers, store durably, ack, fill the lake."""
    from ecer import config
    from ecer.gateway.server import GatewayConfig, run

    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    run(GatewayConfig(host=host, port=port, data_dir=(data_dir or config.data_dir()).resolve(),
                      idle_timeout=idle_timeout, max_frame=max_frame, max_queue=max_queue, max_batch=max_batch,
                      flush_seconds=flush_seconds, status_seconds=status_seconds,
                      registry_seconds=registry_seconds, dedup_window_days=dedup_window_days,
                      lock_wait_seconds=lock_wait))


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=9212, show_default=True, type=int)
@click.option("--loggers", default=10, show_default=True, help="number of simulated loggers")
@click.option("--interval", default=30.0, show_default=True, help="real-time (2011) interval, seconds")
@click.option("--minute-every", default=600, show_default=True, help="minute data (2051) period, seconds")
@click.option("--editions", default="2017", show_default=True, help="comma list of 2005,2017,2025")
@click.option("--duration", default=60.0, show_default=True, help="seconds to run")
@click.option("--speedup", default=1.0, show_default=True, help="send N× faster while DataTime keeps cadence")
@click.option("--prefix", default="SIM", show_default=True, help="MN prefix")
@click.option("--register", is_flag=True, help="create the simulated devices in the registry first")
@click.option("--from-registry", is_flag=True,
              help="play the active registered devices (their MN, PW, edition, limits) instead of new ones")
@click.option("--forever", is_flag=True, help="run until SIGTERM / Ctrl-C instead of --duration")
@click.option("--backfill-hours", default=0, show_default=True,
              help="on first connect, send this many past hours of hourly data (2061)")
@click.option("--exceed-every", default=0, show_default=True,
              help="every N-th upload of a logger has one factor above its permitted limit (0 = never)")
@click.option("--json", "as_json", is_flag=True, help="print the summary as JSON")
def simulate(host: str, port: int, loggers: int, interval: float, minute_every: int, editions: str,
             duration: float, speedup: float, prefix: str, register: bool, from_registry: bool, forever: bool,
             backfill_hours: int, exceed_every: int, as_json: bool) -> None:
    """Simulate N data loggers (数采仪) against a gateway and report acks and latencies."""
    from ecer.gateway.simulator import Simulator, make_specs, register_devices, registry_specs

    if from_registry:
        from ecer.site.django_setup import setup

        setup()
        specs = registry_specs()
        if not as_json:
            click.echo(f"simulating {len(specs)} registered device(s): {', '.join(s.mn for s in specs)}", err=True)
        if not specs:
            raise click.ClickException("no active device in the registry (run `ecer demo --no-serve` first)")
        register = False
        loggers = len(specs)
    else:
        specs = make_specs(loggers, [e.strip() for e in editions.split(",") if e.strip()], prefix=prefix)
    if register:
        from ecer.site.django_setup import setup

        setup()
        created = register_devices(specs)
        if not as_json:
            click.echo(f"registered {created} new device(s) ({len(specs) - created} already known)")
    if (duration <= 0 and not forever) or not specs:
        return
    sim = Simulator(host, port, specs, interval=interval, minute_every=minute_every, speedup=speedup,
                    backfill_hours=backfill_hours, exceed_every=exceed_every,
                    seed=int(time.time()) if from_registry else 0)  # a demo restart is not a replay
    started = time.monotonic()
    stats = asyncio.run(sim.run(None if forever else duration))
    summary = stats.summary()
    summary["loggers"] = loggers
    summary["duration_s"] = round(time.monotonic() - started, 1) if forever else duration
    if as_json:
        click.echo(json.dumps(summary))
    else:
        for key, value in summary.items():
            click.echo(f"{key}: {value}")
