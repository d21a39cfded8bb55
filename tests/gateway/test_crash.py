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


@pytest.mark.slow
def test_sigkill_under_load_loses_nothing_acked_and_duplicates_nothing(gateway, gateway_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    specs = unique_specs(30, ["2005", "2017", "2025"])
    gateway_db.register(specs)
    port, data_dir = free_port(), tmp_path / "data"
    gw = gateway(port=port, data_dir=data_dir)
    # 30 loggers, a packet every 0.3 s each (~100 packets/s); DataTime advances 30 s per packet.
    sim = Simulator("127.0.0.1", port, specs, interval=30, speedup=100, track=True, drain_seconds=4,
                    start=dt.datetime(2025, 6, 1, 0, 0, 0))
    runner = threading.Thread(target=lambda: asyncio.run(sim.run(duration=24)), daemon=True)
    runner.start()
    rng = random.Random()
    kills = 0
    for _ in range(5):
        time.sleep(rng.uniform(2.0, 4.5))
        gw.kill()
        kills += 1
        time.sleep(rng.uniform(0.0, 0.5))
        gw = gateway(port=port, data_dir=data_dir)
    runner.join(timeout=60)
    assert not runner.is_alive()
    code, _ = gw.stop()
    assert code == 0 and kills == 5
    acked = set().union(*(packet_keys(f) for f in sim.stats.acked_frames))
    rows = query("SELECT mn, cn, data_time, factor, field FROM measurements", data_dir=data_dir)
    counts = Counter((r["mn"], r["cn"], r["data_time"].isoformat(sep=" "), r["factor"], r["field"]) for r in rows)
    assert sim.stats.acked > 500 and sim.stats.resent > 0  # real load, and loggers did re-send after kills
    assert acked - set(counts) == set(), "acknowledged rows missing from the lake"
    assert [k for k, n in counts.items() if n > 1] == [], "rows stored twice"
