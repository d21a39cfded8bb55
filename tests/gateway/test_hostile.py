"""Issue 13, "Done when": hostile traffic at once, bounded (about 12 s) and on 127.0.0.1.

A password guesser, an unknown-MN flood, a connection flood up to the cap, slow senders and junk
run together (each from its own loopback addresses) while a legitimate logger uploads from
127.0.0.1 and a user logs in to the web app (its own process, free port, same database). Checked:
the logger's every upload is acknowledged (p99 printed and bounded), the guesser is blocked within
20 tries and never acknowledged, every web login works, the raw store grows by less than 2× the
bytes received, and the gateway's descriptors and memory stay bounded.
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from gwtools import free_port, unique_loopback, unique_specs
from test_defences import upload

from ecer.gateway.simulator import LoggerSpec

ATTACK_SECONDS = 12.0
MAX_CONNECTIONS, PER_ADDRESS = 300, 100
# The goal is p99 ≤ 50 ms (docs/performance.md measures it); this shared 2-core CI machine gets slack.
# The legitimate logger runs in its own process so the attackers' threads (and their GIL) do not
# delay its measurement.
P99_BOUND_S = float(os.environ.get("ECER_HOSTILE_P99_BOUND_S", "1.0"))


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sent = 0

    def add(self, n: int) -> None:
        with self.lock:
            self.sent += n


def send_counted(sock: socket.socket, data: bytes, tally: Tally) -> bool:
    try:
        sock.sendall(data)
    except OSError:
        return False
    tally.add(len(data))
    return True


def connect(port: int, source: str, timeout: float = 2.0) -> socket.socket | None:
    try:
        return socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0))
    except OSError:
        return None


def legit_process(port: int, spec: LoggerSpec, seconds: float, results: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    latencies: list[float] = []
    missing: list[int] = []
    stop = threading.Event()
    threading.Timer(seconds, stop.set).start()
    legit_logger(port, spec, stop, latencies, missing)
    results.put((latencies, missing))


def legit_logger(port: int, spec: LoggerSpec, stop: threading.Event, latencies: list[float], missing: list[int]) -> None:
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    sock.settimeout(3.0)
    i = 0
    while not stop.is_set():
        started = time.monotonic()
        sock.sendall(upload(spec, 1000 + i))
        reply = b""
        try:
            while b"\r\n" not in reply:
                chunk = sock.recv(4096)
                if not chunk:
                    break
                reply += chunk
        except TimeoutError:
            pass
        if b"CN=9014" in reply:
            latencies.append(time.monotonic() - started)
        else:
            missing.append(i)
        i += 1
        time.sleep(0.05)
    sock.close()


def guesser(port: int, spec: LoggerSpec, source: str, stop: threading.Event, tally: Tally, acks: list[bytes]) -> None:
    sock = connect(port, source)
    i = 0
    while sock is not None and not stop.is_set() and i < 200:
        if not send_counted(sock, upload(spec, i, pw=f"{i:06d}"), tally):
            break
        i += 1
        time.sleep(0.005)
    while not stop.is_set():  # now with the right PW: a blocked address gets nothing
        sock = connect(port, source)
        if sock is not None:
            send_counted(sock, upload(spec, 5000), tally)
            sock.settimeout(0.3)
            try:
                data = sock.recv(4096)
                if b"9014" in data:
                    acks.append(data)
            except OSError:
                pass
            sock.close()
        time.sleep(0.3)


def unknown_flood(port: int, sources: list[str], stop: threading.Event, tally: Tally) -> None:
    rng = random.Random()
    while not stop.is_set():
        for source in sources:
            sock = connect(port, source)
            if sock is None:
                continue
            fake = LoggerSpec(f"ROGUE{rng.randrange(10**18):018d}", "000000", spec_edition(), "water")
            burst = b"".join(upload(LoggerSpec(fake.mn[:-3] + f"{k:03d}", "1", fake.edition, "water"), k)
                             for k in range(150))
            send_counted(sock, burst, tally)
            sock.close()
            if stop.is_set():
                return
            time.sleep(0.1)  # ~1,500 unknown-MN packets/s: a flood, without the harness taking the CPU


def spec_edition():  # type: ignore[no-untyped-def]
    from ecer.hj212 import Edition

    return Edition.HJ212_2017


def connection_flood(port: int, sources: list[str], stop: threading.Event, held: list[socket.socket]) -> None:
    for source in sources:
        for _ in range(PER_ADDRESS + 20):
            sock = connect(port, source, timeout=1.0)
            if sock is not None:
                held.append(sock)
            if stop.is_set():
                return


def slow_sender(port: int, source: str, stop: threading.Event, tally: Tally, packet: bytes) -> None:
    while not stop.is_set():
        sock = connect(port, source)
        if sock is None:
            time.sleep(0.5)
            continue
        for byte in packet:
            if stop.is_set() or not send_counted(sock, bytes([byte]), tally):
                break
            time.sleep(0.2)
        sock.close()


def junk_sender(port: int, source: str, stop: threading.Event, tally: Tally) -> None:
    rng = random.Random(3)
    blob = bytes(rng.randrange(256) for _ in range(16384)).replace(b"#", b"x")
    while not stop.is_set():
        sock = connect(port, source)
        if sock is None:
            time.sleep(0.2)
            continue
        for _ in range(8):
            if stop.is_set() or not send_counted(sock, blob, tally):
                break
            time.sleep(0.02)
        sock.close()


def web_logins(url_port: int, stop: threading.Event, results: list[tuple[int, float]]) -> None:
    while not stop.is_set():
        started = time.monotonic()
        try:
            status = web_login(url_port)
        except OSError as exc:  # a timeout or reset is a failed login
            print(f"web login failed: {exc!r}")
            status = 0
        results.append((status, time.monotonic() - started))
        time.sleep(1.0)


def web_login(url_port: int) -> int:
    """GET the login page, POST the form; the HTTP status (302 = logged in)."""
    conn = http.client.HTTPConnection("127.0.0.1", url_port, timeout=30)
    conn.request("GET", "/login/")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert cookie and token, page[:300]
    body = f"username=hostile&password=web-login-works-1&csrfmiddlewaretoken={token.group(1)}"
    conn.request("POST", "/login/", body=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={cookie.group(1)}",
        "Referer": f"http://127.0.0.1:{url_port}/login/"})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


def proc_usage(pid: int) -> tuple[int, int]:
    """(open descriptors, resident kB) of a process."""
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    rss = next(int(line.split()[1]) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
               if line.startswith("VmRSS:"))
    return fds, rss


def start_web(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "django", "runserver", "--noreload", f"127.0.0.1:{port}"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc, port
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise AssertionError("web app did not start")


@pytest.mark.slow
@pytest.mark.once
def test_hostile_traffic_at_once(gateway, gateway_db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (spec,) = unique_specs(1)
    gateway_db.register([spec])
    gateway_db.python("from django.contrib.auth.models import User\n"
                      "User.objects.filter(username='hostile').delete()\n"
                      "User.objects.create_user('hostile', password='web-login-works-1')\n")
    web, web_port = start_web(gateway_db.env)
    assert web_login(web_port) == 302  # before the attack (also warms the web process up)
    gw = gateway("--max-connections", str(MAX_CONNECTIONS), "--max-connections-per-address", str(PER_ADDRESS),
                 "--frame-grace", "2", "--min-rate", "100", "--address-failures", "10", "--mn-failures", "20")
    assert gw.proc is not None
    raw_dir = tmp_path / "data" / "gateway" / "raw"
    raw_before = sum(p.stat().st_size for p in raw_dir.glob("raw-*.seg"))
    fds_before, rss_before = proc_usage(gw.proc.pid)

    stop = threading.Event()
    tally = Tally()
    latencies: list[float] = []
    missing: list[int] = []
    guesser_acks: list[bytes] = []
    held: list[socket.socket] = []
    logins: list[tuple[int, float]] = []
    guesser_address = unique_loopback()
    context = multiprocessing.get_context("fork")  # before any thread of ours exists
    results = context.Queue()
    legit = context.Process(target=legit_process, args=(gw.port, spec, ATTACK_SECONDS, results))
    legit.start()
    threads = [
        threading.Thread(target=guesser, args=(gw.port, spec, guesser_address, stop, tally, guesser_acks)),
        threading.Thread(target=unknown_flood, args=(gw.port, [unique_loopback() for _ in range(40)], stop, tally)),
        threading.Thread(target=connection_flood, args=(gw.port, [unique_loopback() for _ in range(3)], stop, held)),
        *[threading.Thread(target=slow_sender, args=(gw.port, unique_loopback(), stop, tally, upload(spec, 9)))
          for _ in range(10)],
        threading.Thread(target=junk_sender, args=(gw.port, unique_loopback(), stop, tally)),
        threading.Thread(target=web_logins, args=(web_port, stop, logins)),
    ]
    usage: list[tuple[int, int]] = []
    try:
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + ATTACK_SECONDS
        while time.monotonic() < deadline:
            usage.append(proc_usage(gw.proc.pid))
            time.sleep(0.5)
        latencies, missing = results.get(timeout=60)
        legit.join(timeout=30)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        for sock in held:
            sock.close()
        web.terminate()
        web.wait(timeout=30)
    time.sleep(0.5)
    code, _ = gw.stop()
    assert code == 0

    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1] if latencies else float("inf")
    max_fds, max_rss = max(u[0] for u in usage), max(u[1] for u in usage)
    raw_growth = sum(p.stat().st_size for p in raw_dir.glob("raw-*.seg")) - raw_before
    print(f"\nhostile: legit acks {len(latencies)}, missing {len(missing)}, p99 {p99 * 1000:.1f} ms, "
          f"median {latencies[len(latencies) // 2] * 1000:.1f} ms; attack bytes sent {tally.sent:,}; raw store "
          f"+{raw_growth:,} bytes; held connections {len(held)}; descriptors {fds_before}→max {max_fds}; "
          f"RSS {rss_before}→max {max_rss} kB; web logins {[s for s, _ in logins]}, "
          f"max {max((t for _, t in logins), default=0):.2f} s")
    # the legitimate logger
    assert len(latencies) > 20 and missing == []
    assert p99 <= P99_BOUND_S
    # the guesser: blocked within 20 tries, never acknowledged
    wrong = gateway_db.query(f"list(RejectedTraffic.objects.filter(address={guesser_address!r}, reason='wrong_pw')"
                             ".values_list('count', flat=True))")
    assert wrong and wrong[0] <= 20
    assert gateway_db.query(f"SecurityEvent.objects.filter(kind='address_blocked', address={guesser_address!r}).exists()")
    assert guesser_acks == []
    # the web keeps working
    assert len(logins) >= 2 and all(status == 302 for status, _ in logins)
    # bounded disk, descriptors and memory
    assert tally.sent > 500_000 and raw_growth < 2 * tally.sent
    assert max_fds <= MAX_CONNECTIONS + 100
    assert max_rss - rss_before < 200_000  # kB
