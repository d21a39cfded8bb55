"""End-to-end HJ 212 gateway benchmark: durable-ack throughput, ack latency, 10,000 open loggers.

    python benchmarks/bench_gateway.py [--loggers 10000] [--quick] [--offered 20000] [--processes 1]
                                       [--flood 2000] [--src /other/checkout/src] [--phases a,b,c,d]

Runs the gateway (`ecer hj212 serve`) and the load generator (`ecer hj212 simulate`) as separate
processes on 127.0.0.1, with a fresh SQLite registry and data directory under a temp dir. Phases:

a. baseline  : 500 loggers, `--offered` packets/s, one fsync per packet (--max-batch 1)
b. group     : the same load with group commit (the default), on `--processes` gateway processes
               sharing the port (SO_REUSEPORT, one WAL each, one lake): sustained durable throughput
c. province  : N (10,000) loggers held open at the real cadence (2011 every 30 s, random phase):
               ack latency, server CPU, RSS per connection
d. flood     : the province load while a flood of unknown MNs (`--flood` packets/s, fresh loopback
               addresses so the address block does not stop it early) runs from its own process

The machine may be shared: besides wall rates every row gives the gateway's CPU seconds per 1,000
acks (CPU of every gateway process / acks) and the load average, and the ack latency both as the
simulator saw it and as the gateway logged it (frame complete → ack written, its own histogram).
`--src` runs the gateway from another checkout's src/ (a before/after comparison in the same run).
Prints a Markdown table (pasted into docs/performance.md).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import random
import re
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
    def __init__(self, env: dict[str, str], data_dir: Path, port: int, *extra: str, log: Path) -> None:
        cmd = [sys.executable, "-m", "ecer", "hj212", "serve", "--port", str(port), "--data-dir", str(data_dir),
               "--idle-timeout", "600",
               # every simulated logger connects from 127.0.0.1: lift the per-address cap (default 256)
               "--max-connections-per-address", "100000", *extra]
        self.log = log
        with log.open("w") as err:
            self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=err, text=True)
        assert self.proc.stdout is not None and "listening" in self.proc.stdout.readline(), log.read_text()[-2000:]
        self.pid = self.proc.pid

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=120)

    def own_latency(self) -> dict[str, float]:
        """p50/p99 from the gateway's own histogram of the run ("ack latency over the run: n=… p50=…ms")."""
        found: dict[str, float] = {}
        for line in self.log.read_text(errors="replace").splitlines():
            if "ack latency over the run:" in line:
                for key in ("n", "p50", "p99"):
                    match = re.search(rf"\b{key}=([0-9.]+)", line)
                    if match:
                        found[key] = float(match.group(1))
        return found


SIM_PREFIXES = ("BENCH", "BENCHB", "BENCHC", "BENCHD")  # one registered set of loggers per simulator


def simulate(env: dict[str, str], port: int, loggers: int, interval: float, speedup: float, duration: float,
             simulators: int = 1) -> dict[str, float]:
    """`simulators` simulator processes (the offered load split between them), results combined."""
    procs = []
    for k in range(simulators):
        cmd = [sys.executable, "-m", "ecer", "hj212", "simulate", "--port", str(port),
               "--loggers", str(loggers // simulators), "--interval", str(interval), "--speedup", str(speedup),
               "--duration", str(duration), "--editions", "2005,2017,2025", "--prefix", SIM_PREFIXES[k], "--json"]
        procs.append(subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    results = []
    for proc in procs:
        out, err = proc.communicate()
        if proc.returncode:
            raise RuntimeError(f"simulator failed: {err[-2000:]}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    combined = {key: sum(r[key] for r in results) for key in ("acked", "sent")}
    combined["ack_p50_ms"] = max(r["ack_p50_ms"] for r in results)  # the worst simulator's (conservative)
    combined["ack_p99_ms"] = max(r["ack_p99_ms"] for r in results)
    return combined


def flood(port: int, rate: float, duration: float) -> None:
    """Child process: unknown-MN packets at about `rate`/s, 50 per connection, each connection from a
    new loopback address (the gateway blocks an address after 100 unknown MNs: rotating keeps the
    flood on the parse → authenticate → quarantine path, the expensive one)."""
    import socket

    from ecer.gateway.simulator import LoggerSpec, build_upload
    from ecer.hj212 import Edition

    rng = random.Random(13)
    now = dt.datetime.now()
    bursts = []
    for b in range(40):
        packets = [build_upload(LoggerSpec(f"ROGUE{b:04d}{k:015d}", "000000", Edition.HJ212_2017, "water"), "2011",
                                now, str(20260101000000000 + k), rng) for k in range(50)]
        bursts.append(b"".join(packets))
    sent, n, t0 = 0, 0, time.monotonic()
    while time.monotonic() - t0 < duration:
        n += 1
        source = f"127.{(n >> 16) % 250 + 2}.{(n >> 8) % 250 + 1}.{n % 250 + 1}"
        with contextlib.suppress(OSError), socket.socket() as sock:
            sock.bind((source, 0))
            sock.settimeout(2.0)
            sock.connect(("127.0.0.1", port))
            sock.sendall(bursts[n % len(bursts)])
            sent += 50
        ahead = sent / rate - (time.monotonic() - t0)
        if ahead > 0:
            time.sleep(ahead)
    print(json.dumps({"flood_sent": sent, "flood_pps": round(sent / (time.monotonic() - t0))}), flush=True)


def phase(name: str, env: dict[str, str], data_dir: Path, port: int, loggers: int, speedup: float,
          duration: float, interval: float = 30.0, gateway_args: tuple[str, ...] = (), processes: int = 1,
          simulators: int = 1, flood_pps: float = 0.0) -> dict[str, object]:
    data_dir.mkdir(parents=True, exist_ok=True)
    if processes > 1:
        gws = [Gateway(env, data_dir, port, "--reuse-port", "--instance", f"g{k}", *gateway_args,
                       log=data_dir / f"gateway-g{k}.log") for k in range(processes)]
    else:
        gws = [Gateway(env, data_dir, port, *gateway_args, log=data_dir / "gateway.log")]
    time.sleep(0.5)
    rss0 = sum(rss_kib(gw.pid) for gw in gws)
    cpu0 = sum(cpu_seconds(gw.pid) for gw in gws)
    load0 = os.getloadavg()[0]
    peak = {"rss": rss0, "sockets": 0}

    def sample() -> None:
        while all(gw.proc.poll() is None for gw in gws) and not done.is_set():
            sockets = sum(open_sockets(gw.pid) for gw in gws)
            if sockets >= peak["sockets"]:
                peak["sockets"], peak["rss"] = sockets, sum(rss_kib(gw.pid) for gw in gws)
            done.wait(1.0)

    done = threading.Event()
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    flooder = None
    if flood_pps:
        flooder = subprocess.Popen([sys.executable, __file__, "--flood-child", str(port), str(flood_pps),
                                    str(duration)], env=env, stdout=subprocess.PIPE, text=True)
    started = time.monotonic()
    result = simulate(env, port, loggers, interval, speedup, duration, simulators)
    elapsed = time.monotonic() - started
    cpu = sum(cpu_seconds(gw.pid) for gw in gws) - cpu0
    flood_result = json.loads(flooder.communicate()[0].strip().splitlines()[-1]) if flooder else {}
    done.set()
    sampler.join()
    for gw in gws:
        gw.stop()
    own = [gw.own_latency() for gw in gws]
    connections = max(0, peak["sockets"] - len(gws))  # minus the listening sockets
    return {
        "phase": name, "loggers": loggers, "offered_pps": round(loggers * speedup / interval),
        "flood_pps": flood_result.get("flood_pps", 0), "processes": processes,
        "acked": result["acked"], "sent": result["sent"], "acked_pps": round(result["acked"] / duration),
        "p50_ms": result["ack_p50_ms"], "p99_ms": result["ack_p99_ms"],
        "gw_p50_ms": max((o.get("p50", 0.0) for o in own), default=None),
        "gw_p99_ms": max((o.get("p99", 0.0) for o in own), default=None),
        "server_cpu_pct": round(100 * cpu / elapsed),
        "cpu_s_per_1k_acks": round(1000 * cpu / result["acked"], 3) if result["acked"] else None,
        "load": f"{load0:.1f}/{os.getloadavg()[0]:.1f}", "peak_connections": connections,
        "rss_per_conn_kib": round((peak["rss"] - rss0) / connections, 1) if connections > 50 else None,
        "rss_mib": round(peak["rss"] / 1024),
    }


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--flood-child":
        flood(int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--loggers", type=int, default=10_000)
    parser.add_argument("--quick", action="store_true", help="short phases (smoke run)")
    parser.add_argument("--offered", type=int, default=20_000, help="packets/s offered in phases a and b")
    parser.add_argument("--processes", type=int, default=1, help="gateway processes on one port in phase b")
    parser.add_argument("--simulators", type=int, default=2, choices=range(1, len(SIM_PREFIXES) + 1),
                        help="simulator processes in phases a and b (one cannot offer 20,000/s)")
    parser.add_argument("--flood", type=float, default=2000.0, help="unknown-MN packets/s in phase d")
    parser.add_argument("--phases", default="a,b,c,d")
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the src/ the gateway runs from")
    args = parser.parse_args()
    short = 4.0 if args.quick else 10.0
    province_s = 35.0 if args.quick else 45.0
    tmp = Path(tempfile.mkdtemp(prefix="ecer-bench-gw-"))
    env = dict(os.environ, ECER_DATA_DIR=str(tmp), ECER_DATABASE_URL=f"sqlite:///{tmp / 'registry.sqlite3'}",
               DJANGO_SETTINGS_MODULE="ecer.site.settings", PYTHONPATH=str(args.src.resolve()))
    subprocess.run([sys.executable, "-m", "django", "migrate", "-v0"], env=env, check=True)
    for k, prefix in enumerate(SIM_PREFIXES[: max(1, args.simulators)]):
        subprocess.run([sys.executable, "-m", "ecer", "hj212", "simulate", "--register", "--duration", "0",
                        "--loggers", str(max(args.loggers, 1000) if k == 0 else 500), "--prefix", prefix,
                        "--editions", "2005,2017,2025"], env=env, check=True, capture_output=True)
    port = 19212
    speedup = args.offered * 30.0 / 500
    wanted = set(args.phases.split(","))
    rows = []
    if "a" in wanted:
        rows.append(phase("baseline: fsync per packet", env, tmp / "a", port, 500, speedup, short,
                          gateway_args=("--max-batch", "1"), simulators=args.simulators))
    if "b" in wanted:
        rows.append(phase(f"group commit, {args.processes} process(es)", env, tmp / "b", port + 1, 500, speedup,
                          short, processes=args.processes, simulators=args.simulators))
    if "c" in wanted:
        rows.append(phase("province: N loggers, 30 s cadence", env, tmp / "d", port + 3, args.loggers, 1,
                          province_s))
    if "d" in wanted:
        rows.append(phase("province + unknown-MN flood", env, tmp / "e", port + 4, args.loggers, 1, province_s,
                          flood_pps=args.flood))
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    print(f"machine: {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
          f"{platform.system()} {platform.release()}; data dir on {tmp}; gateway from {args.src}; "
          f"run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC")
    cols = ["phase", "loggers", "offered_pps", "flood_pps", "processes", "acked_pps", "p50_ms", "p99_ms",
            "gw_p50_ms", "gw_p99_ms", "server_cpu_pct", "cpu_s_per_1k_acks", "load", "peak_connections",
            "rss_per_conn_kib", "rss_mib"]
    print("| " + " | ".join(cols) + " |")
    print("|" + "---|" * len(cols))
    for row in rows:
        print("| " + " | ".join(str(row[c]) for c in cols) + " |")
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
