"""The gateway over real TCP on 127.0.0.1, as a subprocess against a real registry database."""

from __future__ import annotations

import datetime as dt
import random
import time
from pathlib import Path

import pytest
from gwtools import read_until, unique_loopback, unique_specs

from ecer.gateway.lake import query
from ecer.gateway.simulator import build_upload, packet_keys
from ecer.gateway.stores import RawStore
from ecer.hj212 import build_packet, frame_data, parse

T0 = dt.datetime(2025, 3, 1, 8, 0, 0)


def uploads(spec, n: int, start: dt.datetime = T0) -> list[bytes]:  # type: ignore[no-untyped-def]
    rng = random.Random(1)
    return [build_upload(spec, "2011", start + dt.timedelta(seconds=30 * i), f"20250301080000{i:03d}", rng)
            for i in range(n)]


def lake_keys(data_dir: Path) -> list[tuple[str, ...]]:
    rows = query("SELECT mn, cn, data_time, factor, field FROM measurements", data_dir=data_dir)
    return [(r["mn"], r["cn"], r["data_time"].isoformat(sep=" "), r["factor"], r["field"]) for r in rows]


def raw_records(data_dir: Path) -> list:  # type: ignore[type-arg]
    store = RawStore(data_dir / "gateway" / "raw")
    try:
        return list(store.records())
    finally:
        store.close()


def test_ack_only_after_durable_store(gateway, gateway_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (spec,) = unique_specs(1)
    gateway_db.register([spec])
    gw = gateway()
    packets = uploads(spec, 3)
    with gw.connect() as sock:
        sock.sendall(b"".join(packets))
        replies = read_until(sock, 3)
        gw.kill()  # SIGKILL right after the acks: nothing may be lost
    acks = [parse(line) for line in replies.split(b"\r\n") if line]
    assert [a.cn for a in acks] == ["9014"] * 3
    assert [a.qn for a in acks] == [parse(p).qn for p in packets]
    # The raw frames are on disk; the measurements reach the lake through WAL replay on restart.
    assert sum(r.verdict == "accepted" and r.mn == spec.mn for r in raw_records(tmp_path / "data")) == 3
    gateway().stop()
    expected = set().union(*(packet_keys(p) for p in packets))
    found = lake_keys(tmp_path / "data")
    assert expected <= set(found)
    assert len(found) == len(set(found))


def test_unknown_and_wrong_password_devices_are_quarantined(gateway, gateway_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    known, unknown = unique_specs(2)
    gateway_db.register([known])
    gw = gateway()
    wrong_pw = build_upload(known.__class__(known.mn, "999999", known.edition, known.kind), "2011", T0, "1", random.Random())
    source = unique_loopback()
    with gw.connect(source) as sock:
        sock.sendall(uploads(unknown, 1)[0] + wrong_pw)
        assert read_until(sock, 1, timeout=1.5) == b""  # no ack for either
    time.sleep(0.6)  # status batches are written every 0.2 s
    code, _ = gw.stop()
    assert code == 0
    rows = gateway_db.query(
        f"list(QuarantinedDevice.objects.filter(mn__in=[{known.mn!r}, {unknown.mn!r}])"
        ".values_list('mn', 'reason', 'packet_count'))")
    assert sorted(map(tuple, rows)) == sorted([(known.mn, "wrong_pw", 1), (unknown.mn, "unknown_mn", 1)])
    assert raw_records(tmp_path / "data") == []  # counted with samples, not stored frame by frame
    traffic = gateway_db.traffic(source)
    assert [(t["verdict"], t["reason"], t["count"]) for t in traffic] == [
        ("quarantined", "unknown_mn", 1), ("quarantined", "wrong_pw", 1)]
    assert sorted(s["mn"] for t in traffic for s in t["samples"]) == sorted([unknown.mn, known.mn])
    assert lake_keys(tmp_path / "data") == []


def test_idle_connections_are_closed(gateway) -> None:  # type: ignore[no-untyped-def]
    gw = gateway("--idle-timeout", "0.5")
    with gw.connect() as sock:
        sock.settimeout(5)
        started = time.monotonic()
        assert sock.recv(100) == b""  # EOF from the server
        assert 0.4 < time.monotonic() - started < 4
    gw.stop()


def test_oversize_frame_rejected_and_next_packet_served(gateway, gateway_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (spec,) = unique_specs(1)
    gateway_db.register([spec])
    gw = gateway("--max-frame", "500")
    big = build_packet(qn="1", st="32", cn="2011", pw=spec.pw, mn=spec.mn, flag=5,
                       cp="DataTime=20250301080000;" + ";".join(f"x{i:03d}-Rtd=1.0" for i in range(60)))
    assert len(big) > 500 > len(uploads(spec, 1)[0])
    good = uploads(spec, 1)[0]
    source = unique_loopback()
    with gw.connect(source) as sock:
        sock.sendall(big + good)
        reply = read_until(sock, 1)
    assert parse(reply).cn == "9014" and parse(reply).qn == parse(good).qn
    time.sleep(0.5)
    gw.stop()
    rejected = gateway_db.traffic(source)
    assert rejected and all(r["reason"].startswith("frame_too_large") for r in rejected)
    assert rejected[0]["samples"][0]["frame"].encode("latin-1") == big[:200]  # a bounded sample


def test_rejected_frames_are_kept_with_reason_and_counted(gateway, gateway_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (spec,) = unique_specs(1)
    gateway_db.register([spec])
    gw = gateway()
    good = uploads(spec, 2)
    bad_crc = good[1][:-6] + (b"0000" if good[1][-6:-2] != b"0000" else b"1111") + b"\r\n"
    source = unique_loopback()
    with gw.connect(source) as sock:
        sock.sendall(good[0] + b"GET / HTTP/1.0\r\n" + bad_crc)
        assert parse(read_until(sock, 1)).qn == parse(good[0]).qn
        time.sleep(0.8)
    gw.stop()
    assert [(r["reason"], r["count"]) for r in gateway_db.traffic(source)] == [("crc_mismatch", 1), ("junk", 1)]
    assert {r.verdict for r in raw_records(tmp_path / "data")} == {"accepted"}
    status = gateway_db.query(f"list(DeviceStatus.objects.filter(device__mn={spec.mn!r}).values("
                              "'packets_accepted', 'packets_rejected', 'last_rejection_reason'))")
    assert status == [{"packets_accepted": 1, "packets_rejected": 2, "last_rejection_reason": "crc_mismatch"}]


def test_graceful_shutdown_drains_and_acks_everything(gateway, gateway_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    specs = unique_specs(3, ["2005", "2017", "2025"])
    gateway_db.register(specs)
    gw = gateway()
    socks = [gw.connect() for _ in specs]
    sent = {s.mn: uploads(s, 100) for s in specs}
    for sock, spec in zip(socks, specs, strict=True):
        sock.sendall(b"".join(sent[spec.mn]))
    time.sleep(0.05)
    assert gw.proc is not None
    gw.proc.send_signal(15)
    for sock, spec in zip(socks, specs, strict=True):
        replies = read_until(sock, 100, timeout=10)
        sock.close()
        assert sum(parse(line).cn == "9014" for line in replies.split(b"\r\n") if line) == 100, spec.edition
    assert gw.proc.wait(timeout=20) == 0
    expected = set().union(*(packet_keys(p) for ps in sent.values() for p in ps))
    found = lake_keys(tmp_path / "data")
    assert set(found) == expected and len(found) == len(expected)  # all in the lake, WAL flushed on exit
    assert {f[3] for f in found if f[0] == specs[0].mn} >= {"a21026", "a21002"}  # 2005 codes normalised


def test_resent_packets_are_stored_once(gateway, gateway_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    (spec,) = unique_specs(1)
    gateway_db.register([spec])
    packets = uploads(spec, 5)
    gw = gateway()
    for _ in range(2):  # a logger re-sending its history after reconnecting
        with gw.connect() as sock:
            sock.sendall(b"".join(packets))
            assert read_until(sock, 5).count(b"CN=9014") == 5
    gw.stop()
    gw = gateway()  # and once more after a restart (the dedup index survives)
    with gw.connect() as sock:
        sock.sendall(b"".join(packets))
        assert read_until(sock, 5).count(b"CN=9014") == 5
    gw.stop()
    found = lake_keys(tmp_path / "data")
    assert len(found) == len(set(found)) == len(set().union(*(packet_keys(p) for p in packets)))


def test_modbus_crc_needs_the_device_tolerance(gateway, gateway_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ecer.hj212 import modbus_crc

    strict, tolerant = unique_specs(2)
    gateway_db.register([strict])
    gateway_db.register([tolerant], crc_mode="accept-modbus")

    def modbus_frame(spec) -> bytes:  # type: ignore[no-untyped-def]
        data = parse(uploads(spec, 1)[0]).data.encode()
        return b"##%04d" % len(data) + data + b"%04X\r\n" % modbus_crc(data)

    assert frame_data(b"x") != modbus_frame(strict)  # sanity: a different CRC
    gw = gateway()
    source = unique_loopback()
    with gw.connect(source) as sock:
        sock.sendall(modbus_frame(strict) + modbus_frame(tolerant))
        replies = read_until(sock, 1, timeout=2)
    assert replies.count(b"CN=9014") == 1 and tolerant.mn.encode() in replies
    time.sleep(0.5)
    gw.stop()
    (rejected,) = gateway_db.traffic(source)
    assert rejected["count"] == 1 and rejected["reason"].startswith("crc_mismatch")


@pytest.mark.parametrize("n", [1])
def test_status_shows_connection(gateway, gateway_db, n) -> None:  # type: ignore[no-untyped-def]
    (spec,) = unique_specs(n)
    gateway_db.register([spec])
    gw = gateway()
    with gw.connect() as sock:
        sock.sendall(uploads(spec, 1)[0])
        read_until(sock, 1)
        time.sleep(0.6)
        online = gateway_db.query(f"DeviceStatus.objects.get(device__mn={spec.mn!r}).connected")
    time.sleep(0.6)
    offline = gateway_db.query(f"DeviceStatus.objects.get(device__mn={spec.mn!r}).connected")
    gw.stop()
    assert (online, offline) == (True, False)
