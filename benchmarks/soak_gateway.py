"""Soak check: the gateway, fed by the simulator for minutes, stores exactly what it acknowledged.

    python benchmarks/soak_gateway.py [--minutes 3] [--loggers 300] [--speedup 10]

The gateway runs as its own process (fresh SQLite registry and data directory); the simulator runs
here with ack tracking, mixed 2005/2017/2025 editions. At the end the gateway is stopped gracefully
(SIGTERM: drain, flush the lake) and the lake is compared with the acknowledged uploads:
every acknowledged (MN, CN, DataTime, factor, field) must be there exactly once. Exits 1 if not.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench_gateway import ROOT, Gateway
from ecer.gateway.lake import query
from ecer.gateway.simulator import Simulator, make_specs, packet_keys


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--loggers", type=int, default=300)
    parser.add_argument("--speedup", type=float, default=10.0, help="packets per logger per 30 s × speedup")
    parser.add_argument("--port", type=int, default=19300)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="ecer-soak-"))
    env = dict(os.environ, ECER_DATA_DIR=str(tmp), ECER_DATABASE_URL=f"sqlite:///{tmp / 'registry.sqlite3'}",
               DJANGO_SETTINGS_MODULE="ecer.site.settings", PYTHONPATH=str(ROOT / "src"))
    subprocess.run([sys.executable, "-m", "django", "migrate", "-v0"], env=env, check=True)
    specs = make_specs(args.loggers, ["2005", "2017", "2025"], prefix="SOAK")
    subprocess.run([sys.executable, "-m", "ecer", "hj212", "simulate", "--register", "--duration", "0",
                    "--loggers", str(args.loggers), "--prefix", "SOAK", "--editions", "2005,2017,2025"],
                   env=env, check=True, capture_output=True)

    data_dir = tmp / "data"
    gateway = Gateway(env, data_dir, args.port)
    sim = Simulator("127.0.0.1", args.port, specs, interval=30, speedup=args.speedup, track=True,
                    drain_seconds=10)
    started = time.monotonic()
    asyncio.run(sim.run(duration=args.minutes * 60))
    elapsed = time.monotonic() - started
    gateway.stop()

    acked = set().union(*(packet_keys(f) for f in sim.stats.acked_frames))
    rows = query("SELECT mn, cn, data_time, factor, field FROM measurements", data_dir=data_dir)
    stored = Counter((r["mn"], r["cn"], r["data_time"].isoformat(sep=" "), r["factor"], r["field"])
                     for r in rows)
    missing = acked - set(stored)
    duplicated = [key for key, n in stored.items() if n > 1]
    unacked_stored = set(stored) - acked
    report = {
        "minutes": round(elapsed / 60, 2), "loggers": args.loggers, "packets_sent": sim.stats.sent,
        "packets_acked": sim.stats.acked, "acked_rows": len(acked), "lake_rows": len(rows),
        "missing_acked_rows": len(missing), "duplicated_rows": len(duplicated),
        "stored_but_not_acked_rows": len(unacked_stored),
    }
    print(json.dumps(report))
    ok = not missing and not duplicated and sim.stats.acked > 0
    print("OK: every acknowledged row is in the lake exactly once" if ok else "FAILED", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
