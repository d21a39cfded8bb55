"""End-to-end HJ 212 gateway benchmark: durable-ack throughput, ack latency, 10,000 open loggers.

    python benchmarks/bench_gateway.py [--loggers 10000] [--quick]

Runs the gateway (`ecer hj212 serve`) and the load generator (`ecer hj212 simulate`) as two separate
processes on 127.0.0.1, with a fresh SQLite registry and data directory under a temp dir. Phases:

1. baseline  : 500 loggers, 5,000 packets/s offered, one fsync per packet (--max-batch 1)
2. group     : the same load with group commit (the default): sustained durable throughput
3. province  : N (10,000) loggers held open at the real cadence (2011 every 30 s, random phase):
               ack latency, server CPU, RSS per connection
Prints a Markdown table (pasted into docs/performance.md).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def open_sockets(pid: int) -> int:
    n = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            n += os.readlink(fd).startswith("socket:")
    return n


class Gateway:
    def __init__(self, env: dict[str, str], data_dir: Path, port: int, *extra: str) -> None:
        cmd = [sys.executable, "-m", "ecer", "hj212", "serve", "--port", str(port), "--data-dir", str(data_dir),
               "--idle-timeout", "600",
               # every simulated logger connects from 127.0.0.1: lift the per-address cap (default 256)
               "--max-connections-per-address", "100000", *extra]
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.proc.stdout is not None and "listening" in self.proc.stdout.readline()
        self.pid = self.proc.pid

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=120)


def simulate(env: dict[str, str], port: int, loggers: int, interval: float, speedup: float, duration: float,
             prefix: str = "BENCH") -> dict[str, float]:
    cmd = [sys.executable, "-m", "ecer", "hj212", "simulate", "--port", str(port), "--loggers", str(loggers),
           "--interval", str(interval), "--speedup", str(speedup), "--duration", str(duration),
           "--editions", "2005,2017,2025", "--prefix", prefix, "--json"]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def phase(name: str, env: dict[str, str], data_dir: Path, port: int, loggers: int, speedup: float,
          duration: float, interval: float = 30.0, gateway_args: tuple[str, ...] = ()) -> dict[str, object]:
    gw = Gateway(env, data_dir, port, *gateway_args)
    time.sleep(0.5)
    rss0, cpu0 = rss_kib(gw.pid), cpu_seconds(gw.pid)
    peak = {"rss": rss0, "sockets": 0}

    def sample() -> None:
        while gw.proc.poll() is None and not done.is_set():
            sockets = open_sockets(gw.pid)
            if sockets >= peak["sockets"]:
                peak["sockets"], peak["rss"] = sockets, rss_kib(gw.pid)
            done.wait(1.0)

    done = threading.Event()
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.monotonic()
    result = simulate(env, port, loggers, interval, speedup, duration)
    elapsed = time.monotonic() - started
    cpu = cpu_seconds(gw.pid) - cpu0
    done.set()
    sampler.join()
    gw.stop()
    connections = max(0, peak["sockets"] - 1)  # minus the listening socket
    return {
        "phase": name, "loggers": loggers, "offered_pps": round(loggers * speedup / interval),
        "acked": result["acked"], "sent": result["sent"], "acked_pps": round(result["acked"] / duration),
        "p50_ms": result["ack_p50_ms"], "p99_ms": result["ack_p99_ms"],
        "server_cpu_pct": round(100 * cpu / elapsed), "peak_connections": connections,
        "rss_per_conn_kib": round((peak["rss"] - rss0) / connections, 1) if connections > 50 else None,
        "rss_mib": round(peak["rss"] / 1024),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--loggers", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true", help="short phases (smoke run)")
    args = parser.parse_args()
    short = 4.0 if args.quick else 10.0
    province_s = 35.0 if args.quick else 45.0
    tmp = Path(tempfile.mkdtemp(prefix="ecer-bench-gw-"))
    env = dict(os.environ, ECER_DATA_DIR=str(tmp), ECER_DATABASE_URL=f"sqlite:///{tmp / 'registry.sqlite3'}",
               DJANGO_SETTINGS_MODULE="ecer.site.settings", PYTHONPATH=str(ROOT / "src"))
    subprocess.run([sys.executable, "-m", "django", "migrate", "-v0"], env=env, check=True)
    subprocess.run([sys.executable, "-m", "ecer", "hj212", "simulate", "--register", "--duration", "0",
                    "--loggers", str(max(args.loggers, 1000)), "--prefix", "BENCH",
                    "--editions", "2005,2017,2025"], env=env, check=True, capture_output=True)
    port = 19212
    rows = [
        phase("baseline: fsync per packet", env, tmp / "a", port, 500, 300, short, gateway_args=("--max-batch", "1")),
        phase("group commit", env, tmp / "b", port + 1, 500, 300, short),
        phase("province: N loggers, 30 s cadence", env, tmp / "d", port + 3, args.loggers, 1, province_s),
    ]
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    print(f"machine: {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}; data dir on {tmp}")
    cols = ["phase", "loggers", "offered_pps", "acked_pps", "p50_ms", "p99_ms", "server_cpu_pct",
            "peak_connections", "rss_per_conn_kib", "rss_mib"]
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for row in rows:
        print("| " + " | ".join(str(row[c]) for c in cols) + " |")
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
