"""`ecer hj212 serve` and `ecer hj212 simulate` (added to the codec's `hj212` group)."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from ecer.gateway.server import GatewayConfig as GatewayConfigType


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=9212, show_default=True, type=int, help="0 picks a free port")
@click.option("--data-dir", type=click.Path(path_type=Path), default=None,
              help="raw store, WAL and lake live here [default: ECER_DATA_DIR]")
@click.option("--idle-timeout", default=300.0, show_default=True,
              help="seconds without a complete frame before closing (junk and partial bytes do not count)")
@click.option("--frame-grace", default=5.0, show_default=True, help="seconds a frame may take before --min-rate applies")
@click.option("--min-rate", default=100.0, show_default=True,
              help="bytes/s a frame in progress must reach after the grace (slow senders are dropped)")
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
@click.option("--address-failures", default=10, show_default=True,
              help="wrong PWs from one address within --auth-window before it is blocked")
@click.option("--address-unknown-mn", default=100, show_default=True,
              help="unknown MNs from one address within --auth-window before it is blocked")
@click.option("--mn-failures", default=20, show_default=True,
              help="wrong PWs for one MN within --auth-window before untrusted addresses are refused for it")
@click.option("--auth-window", default=300.0, show_default=True, help="seconds over which failures are counted")
@click.option("--block-seconds", default=60.0, show_default=True, help="first block; doubles on every repeat")
@click.option("--block-max-seconds", default=3600.0, show_default=True)
@click.option("--max-connections", default=0, show_default=True,
              help="total connections (0 = descriptor limit minus --fd-headroom)")
@click.option("--max-connections-per-address", default=256, show_default=True)
@click.option("--fd-headroom", default=256, show_default=True, help="descriptors kept free for the stores")
@click.option("--max-junk-bytes", default=65536, show_default=True,
              help="rejected bytes on one connection since its last good frame before it is closed")
@click.option("--raw-segment-bytes", default=64 * 1024 * 1024, show_default=True)
@click.option("--raw-budget-bytes", default=20 * 1024**3, show_default=True,
              help="raw store size; the oldest segments go first")
@click.option("--raw-retention-days", default=400.0, show_default=True)
@click.option("--min-free-bytes", default=1024**3, show_default=True,
              help="free space kept on the data file system (oldest raw segments go first)")
@click.option("--tls-cert", type=click.Path(path_type=Path, exists=True), default=None,
              help="PEM certificate (chain): TLS on the device port")
@click.option("--tls-key", type=click.Path(path_type=Path, exists=True), default=None)
@click.option("--reuse-port", is_flag=True, help="SO_REUSEPORT: run several gateways on one port (give each --instance)")
@click.option("--instance", default="", help="name of this process's WAL/raw store (gateway/<instance>/); one lake")
@click.option("--log-file", type=click.Path(path_type=Path), default=None, help="also log to this rotated file")
@click.option("--log-max-bytes", default=10 * 1024 * 1024, show_default=True)
@click.option("--log-backups", default=5, show_default=True)
@click.option("-v", "--verbose", is_flag=True)
def serve(**options: object) -> None:
    """Run the HJ 212 gateway (数据采集网关): accept loggers, store durably, ack, fill the lake."""
    from ecer.gateway import logs
    from ecer.gateway.server import run

    o = options
    logs.configure(bool(o["verbose"]), o["log_file"], int(o["log_max_bytes"]), int(o["log_backups"]))
    run(gateway_config(o))


def gateway_config(o: dict[str, object]) -> GatewayConfigType:
    from ecer import config
    from ecer.gateway.guard import GuardConfig
    from ecer.gateway.server import GatewayConfig
    from ecer.gateway.stores import RawStorePolicy

    if o["instance"] and not str(o["instance"]).replace("-", "").replace("_", "").isalnum():
        raise click.BadParameter("letters, digits, - and _ only", param_hint="--instance")
    if (o["tls_cert"] is None) != (o["tls_key"] is None):
        raise click.UsageError("--tls-cert and --tls-key go together")
    data_dir = o["data_dir"] or config.data_dir()
    guard = GuardConfig(
        address_failures=o["address_failures"], address_unknown_mn=o["address_unknown_mn"],
        mn_failures=o["mn_failures"], window_seconds=o["auth_window"], block_seconds=o["block_seconds"],
        block_max_seconds=o["block_max_seconds"], max_connections=o["max_connections"],
        max_connections_per_address=o["max_connections_per_address"], fd_headroom=o["fd_headroom"])
    raw = RawStorePolicy(segment_bytes=o["raw_segment_bytes"], budget_bytes=o["raw_budget_bytes"],
                         retention_days=o["raw_retention_days"], min_free_bytes=o["min_free_bytes"])
    return GatewayConfig(
        host=o["host"], port=o["port"], data_dir=Path(data_dir).resolve(),
        idle_timeout=o["idle_timeout"], frame_grace=o["frame_grace"], min_rate=o["min_rate"],
        max_junk_bytes=o["max_junk_bytes"], max_frame=o["max_frame"], max_queue=o["max_queue"],
        max_batch=o["max_batch"], flush_seconds=o["flush_seconds"], status_seconds=o["status_seconds"],
        registry_seconds=o["registry_seconds"], dedup_window_days=o["dedup_window_days"],
        lock_wait_seconds=o["lock_wait"], guard=guard, raw_policy=raw, tls_cert=o["tls_cert"],
        tls_key=o["tls_key"], reuse_port=bool(o["reuse_port"]), instance=str(o["instance"]))


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
              help="play the active registered demo devices (MN, edition, limits; the PWs are the demo's) "
                   "instead of new ones")
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
        from ecer.monitoring.demo import demo_secrets

        specs = registry_specs(demo_secrets())
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
