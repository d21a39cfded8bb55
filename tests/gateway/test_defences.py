"""The gateway under attack (issue 13): authentication limits, connection caps, slow senders,
raw-store budget, TLS. Real gateway processes on 127.0.0.1; attackers use other loopback addresses."""

from __future__ import annotations

import datetime as dt
import random
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest
from gwtools import read_until, unique_loopback, unique_specs

from ecer.gateway.simulator import LoggerSpec, build_upload
from ecer.hj212 import parse

T0 = dt.datetime(2025, 3, 1, 8, 0, 0)


def upload(spec: LoggerSpec, i: int = 0, pw: str | None = None) -> bytes:
    who = spec if pw is None else LoggerSpec(spec.mn, pw, spec.edition, spec.kind)
    return build_upload(who, "2011", T0 + dt.timedelta(seconds=30 * i), f"20250301080000{i:03d}", random.Random(i))


def acked(sock: socket.socket, timeout: float = 2.0) -> bool:
    return b"CN=9014" in read_until(sock, 1, timeout=timeout)


def closed_by_peer(sock: socket.socket, timeout: float = 3.0) -> bool:
    sock.settimeout(timeout)
    try:
        while True:
            if not sock.recv(4096):
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except TimeoutError:
        return False


def test_password_guesser_is_blocked_and_the_real_logger_keeps_working(gateway, gateway_db) -> None:  # type: ignore[no-untyped-def]
    (spec,) = unique_specs(1)
    gateway_db.register([spec])
    gw = gateway("--address-failures", "10", "--mn-failures", "20")
    legit = gw.connect()  # the real logger, from 127.0.0.1
    legit.sendall(upload(spec, 0))
    assert acked(legit)
    guesser = unique_loopback()
    tries = 0
    with gw.connect(guesser) as sock:
        try:
            for i in range(50):
                sock.sendall(upload(spec, i, pw=f"{i:06d}"))
                tries += 1
                time.sleep(0.01)
        except (BrokenPipeError, ConnectionResetError):
            pass
        assert closed_by_peer(sock)
    # the right password from the guesser's address is refused now
    try:
        with gw.connect(guesser) as sock:
            sock.sendall(upload(spec, 99))
            assert not acked(sock, timeout=1.0)
    except (ConnectionResetError, BrokenPipeError):
        pass
    # other addresses guessing the same MN: after 20 failures in all, the MN is blocked for them ...
    for _ in range(3):
        with gw.connect(unique_loopback()) as sock:
            for i in range(6):
                sock.sendall(upload(spec, i, pw="000000"))
            time.sleep(0.2)
    with gw.connect(unique_loopback()) as sock:
        sock.sendall(upload(spec, 100))  # even with the right PW
        assert not acked(sock, timeout=1.0)
    # ... but not for the address the logger authenticated from
    for i in range(1, 4):
        legit.sendall(upload(spec, i))
        assert acked(legit)
    legit.close()
    time.sleep(0.5)
    gw.stop()
    events = gateway_db.query(f"list(SecurityEvent.objects.filter(mn={spec.mn!r}).order_by('at')"
                              ".values_list('kind', 'address', 'count'))")
    assert ["address_blocked", guesser, 10] in events
    assert any(kind == "mn_blocked" and count == 20 for kind, _, count in events)


def test_connection_caps(gateway, gateway_db) -> None:  # type: ignore[no-untyped-def]
    (spec,) = unique_specs(1)
    gateway_db.register([spec])
    gw = gateway("--max-connections-per-address", "5", "--max-connections", "8")
    flood = unique_loopback()
    socks = [gw.connect(flood) for _ in range(9)]
    time.sleep(0.3)
    refused = sum(closed_by_peer(s, timeout=0.3) for s in socks)
    assert refused == 4  # 5 per address
    others = [gw.connect(unique_loopback()) for _ in range(4)]
    time.sleep(0.3)
    assert sum(closed_by_peer(s, timeout=0.3) for s in others) == 1  # 8 in total
    for s in socks + others:
        s.close()
    time.sleep(0.3)
    with gw.connect() as sock:  # capacity comes back
        sock.sendall(upload(spec))
        assert acked(sock)
    time.sleep(5.5)  # refusals are summarised as one security event per 5 s
    gw.stop()
    details = gateway_db.query("list(SecurityEvent.objects.filter(kind='connection_refused').values_list('detail', flat=True))")
    assert any("address_cap" in d for d in details) and any("total_cap" in d for d in details)


def test_slow_sender_is_dropped_whatever_trickles_in(gateway, gateway_db) -> None:  # type: ignore[no-untyped-def]
    (spec,) = unique_specs(1)
    gateway_db.register([spec])
    gw = gateway("--frame-grace", "0.5", "--min-rate", "100", "--idle-timeout", "3")
    packet = upload(spec)
    slow = gw.connect(unique_loopback())
    started = time.monotonic()
    try:
        for byte in packet:
            slow.sendall(bytes([byte]))
            time.sleep(0.05)  # 20 bytes/s, each byte "activity"
            if time.monotonic() - started > 4:
                break
    except (BrokenPipeError, ConnectionResetError):
        pass
    assert closed_by_peer(slow, timeout=1.0) and time.monotonic() - started < 3
    slow.close()
    junk = gw.connect(unique_loopback())  # a junk trickle does not count as activity for the idle timer
    t0 = time.monotonic()
    try:
        while time.monotonic() - t0 < 6:
            junk.sendall(b"x")
            time.sleep(0.2)
    except (BrokenPipeError, ConnectionResetError):
        pass
    assert time.monotonic() - t0 < 5.5
    junk.close()
    with gw.connect() as sock:  # a normal logger is unaffected
        sock.sendall(packet)
        assert acked(sock)
    gw.stop()


def test_raw_store_stays_within_its_budget(gateway, gateway_db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (spec,) = unique_specs(1)
    gateway_db.register([spec])
    gw = gateway("--raw-segment-bytes", "8192", "--raw-budget-bytes", "32768")
    sent = 0
    with gw.connect() as sock:
        for i in range(300):
            packet = upload(spec, i)
            sent += len(packet)
            sock.sendall(packet)
        assert read_until(sock, 300, timeout=10).count(b"CN=9014") == 300
    gw.stop()
    raw = sum(p.stat().st_size for p in (tmp_path / "data" / "gateway" / "raw").glob("raw-*.seg"))
    assert sent > 3 * 32768 and raw <= 32768 + 8192 + 1024


def test_tls_on_the_device_port(gateway, gateway_db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (spec,) = unique_specs(1)
    gateway_db.register([spec])
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                    "-days", "1", "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    gw = gateway("--tls-cert", str(cert), "--tls-key", str(key))
    context = ssl.create_default_context(cafile=str(cert))
    context.check_hostname = False
    with context.wrap_socket(gw.connect(), server_hostname="localhost") as sock:
        sock.sendall(upload(spec))
        reply = read_until(sock, 1)
    assert parse(reply).cn == "9014"
    with gw.connect() as plain:  # a plain-text logger cannot talk to a TLS port
        plain.sendall(upload(spec, 1))
        with pytest.raises((ConnectionResetError, AssertionError)):
            assert acked(plain, timeout=1.0)
            raise ConnectionResetError
    gw.stop()
