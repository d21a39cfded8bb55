"""Several gateway processes on one port (SO_REUSEPORT), each with its own WAL, feeding one lake."""

from __future__ import annotations

import time
from pathlib import Path

from gwtools import free_port, read_until, unique_specs
from test_defences import upload

from ecer.gateway.lake import query
from ecer.gateway.simulator import packet_keys


def test_two_instances_share_a_port_and_one_lake(gateway, gateway_db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    specs = unique_specs(40)
    gateway_db.register(specs)
    port, data_dir = free_port(), tmp_path / "data"
    a = gateway("--reuse-port", "--instance", "a", port=port, data_dir=data_dir)
    b = gateway("--reuse-port", "--instance", "b", port=port, data_dir=data_dir)
    sent = []
    for _ in range(2):  # the second round re-sends everything: each key must still be stored once
        for spec in specs:
            packets = [upload(spec, i) for i in range(3)]
            sent += packets
            with a.connect() as sock:  # same port: the kernel picks the process
                sock.sendall(b"".join(packets))
                assert read_until(sock, 3).count(b"CN=9014") == 3
        time.sleep(0.5)
    a.stop()
    b.stop()
    wal_dirs = {p.parent.name for p in (data_dir / "gateway").glob("*/wal")}
    assert wal_dirs == {"a", "b"}
    raw = {d: sum(p.stat().st_size for p in (data_dir / "gateway" / d / "raw").glob("*.seg")) for d in "ab"}
    assert raw["a"] > 0 and raw["b"] > 0, raw  # both processes took connections
    rows = query("SELECT mn, cn, data_time, factor, field FROM measurements", data_dir=data_dir)
    keys = [(r["mn"], r["cn"], r["data_time"].isoformat(sep=" "), r["factor"], r["field"]) for r in rows]
    assert len(keys) == len(set(keys)) == len(set().union(*(packet_keys(p) for p in sent)))
