"""Crash test: SIGKILL the gateway repeatedly under simulator load; every acked row is in the lake once."""

from __future__ import annotations

import asyncio
import datetime as dt
import random
import threading
import time
from collections import Counter

import pytest
from gwtools import free_port, unique_specs

from ecer.gateway.lake import query
from ecer.gateway.simulator import Simulator, packet_keys


def crash_loop(gateway, gateway_db, tmp_path, kills: int, pause: tuple[float, float], loggers: int) -> None:  # type: ignore[no-untyped-def]
    """SIGKILL the gateway `kills` times, `pause` seconds apart, under the load of `loggers` loggers
    (a packet every 0.3 s each); afterwards every acknowledged row is in the lake exactly once."""
    specs = unique_specs(loggers, ["2005", "2017", "2025"])
    gateway_db.register(specs)
    port, data_dir = free_port(), tmp_path / "data"
    gw = gateway(port=port, data_dir=data_dir)
    # DataTime advances 30 s per packet
    sim = Simulator("127.0.0.1", port, specs, interval=30, speedup=100, track=True, drain_seconds=4,
                    start=dt.datetime(2025, 6, 1, 0, 0, 0))
    done = threading.Event()
    runner = threading.Thread(target=lambda: asyncio.run(_run_until(sim, done)), daemon=True)
    runner.start()
    rng = random.Random()
    for _ in range(kills):
        time.sleep(rng.uniform(*pause))
        gw.kill()
        time.sleep(rng.uniform(0.0, 0.3))
        gw = gateway(port=port, data_dir=data_dir)
    time.sleep(2)  # some load on the last incarnation too
    done.set()
    runner.join(timeout=120)
    assert not runner.is_alive()
    code, _ = gw.stop()
    assert code == 0
    acked = set().union(*(packet_keys(f) for f in sim.stats.acked_frames))
    rows = query("SELECT mn, cn, data_time, factor, field FROM measurements", data_dir=data_dir)
    counts = Counter((r["mn"], r["cn"], r["data_time"].isoformat(sep=" "), r["factor"], r["field"]) for r in rows)
    assert sim.stats.acked > 100 * loggers // 30 and sim.stats.resent > 0  # real load, re-sends after kills
    assert acked - set(counts) == set(), "acknowledged rows missing from the lake"
    assert [k for k, n in counts.items() if n > 1] == [], "rows stored twice"


async def _run_until(sim: Simulator, done: threading.Event) -> None:
    task = asyncio.create_task(sim.run(duration=3600))
    while not done.is_set():
        await asyncio.sleep(0.2)
    sim.request_stop()
    await task


@pytest.mark.slow
def test_sigkill_under_load_loses_nothing_acked_and_duplicates_nothing(gateway, gateway_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    crash_loop(gateway, gateway_db, tmp_path, kills=5, pause=(2.0, 4.5), loggers=30)


@pytest.mark.slow
@pytest.mark.once
def test_one_hundred_sigkills_under_load(gateway, gateway_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Issue 13: 100 SIGKILLs under load; nothing acknowledged is lost or doubled."""
    crash_loop(gateway, gateway_db, tmp_path, kills=100, pause=(0.2, 1.0), loggers=20)
