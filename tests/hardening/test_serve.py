"""`ecer serve` for real: gunicorn workers on a free port, WhiteNoise static files, probes, no Server
header, and on the embedded SQLite database logins that keep working while another process holds
the write lock (as the gateway's status batches do).

SQLite only: the point is the embedded database's locking (on PostgreSQL rows are locked, not the file).
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow]

PASSWORD = "serve-test-password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    data_dir: Path
    process: subprocess.Popen[bytes]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def fetch(url: str, opener: urllib.request.OpenerDirector | None = None, data: dict[str, str] | None = None,
          headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body, headers=headers or {})
    opener = opener or urllib.request.build_opener(NoRedirect)
    try:
        return opener.open(request, timeout=60)
    except urllib.error.HTTPError as exc:
        return exc


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if (os.environ.get("ECER_DATABASE_URL") or "").startswith("postgres"):
        pytest.skip("the SQLite locking test; the PostgreSQL pass tests the same code through the test client")
    data_dir = tmp_path_factory.mktemp("serve") / "data"
    env = dict(os.environ, ECER_DATA_DIR=str(data_dir), ECER_DATABASE_URL="", ECER_DEBUG="0",
               ECER_SECRET_KEY="serve-test-" + "k" * 50, ECER_LOGIN_FAILURE_LIMIT="100")
    run = [sys.executable, "-m", "ecer"]
    subprocess.run([*run, "manage", "migrate", "--noinput", "-v0"], env=env, check=True, timeout=300)
    subprocess.run([*run, "manage", "shell", "-c",
                    "from django.contrib.auth.models import User\n"
                    f"User.objects.create_user('operator', password={PASSWORD!r})"], env=env, check=True, timeout=120)
    port = free_port()
    process = subprocess.Popen([*run, "serve", "--port", str(port), "--workers", "2", "--threads", "2"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if fetch(f"{url}/healthz").status == 200:
                break
        except OSError:
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("ecer serve did not answer /healthz within 120 s")
    yield Server(url, data_dir, process)
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def log_in(server: Server) -> tuple[int, float]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(NoRedirect, urllib.request.HTTPCookieProcessor(jar))
    started = time.monotonic()
    page = fetch(f"{server.url}/login/", opener).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, page[:500]
    response = fetch(f"{server.url}/login/", opener, {"csrfmiddlewaretoken": token.group(1), "username": "operator",
                                                      "password": PASSWORD}, {"Referer": f"{server.url}/login/"})
    return response.status, time.monotonic() - started


def test_probes_static_files_and_headers(server: Server) -> None:
    health = fetch(f"{server.url}/healthz")
    assert health.status == 200 and "Server" not in health.headers
    assert re.fullmatch(r"[0-9a-f]{32}", health.headers["X-Request-ID"])
    ready = fetch(f"{server.url}/readyz")
    assert ready.status == 200, ready.read()
    page = fetch(f"{server.url}/login/")
    html = page.read().decode()
    assert "Server" not in page.headers and "script-src 'self'" in page.headers["Content-Security-Policy"]
    css = re.search(r'href="(/static/web/ecer\.[0-9a-f]{12}\.css)"', html)
    assert css, "collected static files carry a content hash in their name"
    static = fetch(server.url + css.group(1), headers={"Accept-Encoding": "gzip"})
    assert static.status == 200 and "max-age=315360000" in static.headers["Cache-Control"]
    assert static.headers.get("Content-Encoding") == "gzip"


def test_data_directory_and_database_are_private(server: Server) -> None:
    assert server.data_dir.stat().st_mode & 0o777 == 0o700
    assert (server.data_dir / "ecer.sqlite3").stat().st_mode & 0o777 == 0o600
    assert (server.data_dir / "secret_key").exists() is False  # ECER_SECRET_KEY was given
    assert (server.data_dir / "logs").stat().st_mode & 0o777 == 0o700


def test_logins_proceed_while_another_process_holds_writes(server: Server) -> None:
    database = server.data_dir / "ecer.sqlite3"
    stop = server.data_dir / "stop-writer"
    with sqlite3.connect(database) as probe:
        assert probe.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    # The writer: another process that keeps taking the write lock, holding it 0.3 s at a time, half
    # of the time — far longer than a gateway status batch (milliseconds), a bad case for a login
    # that must write its session, last_login and throttle records.
    writer = subprocess.Popen([sys.executable, "-c", (
        "import os, sqlite3, sys, time\n"
        "db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)\n"
        "end = time.monotonic() + 90\n"
        "holds = 0\n"
        "while time.monotonic() < end and not os.path.exists(sys.argv[2]):\n"
        "    db.execute('BEGIN IMMEDIATE')\n"
        "    db.execute('UPDATE auth_user SET last_login = last_login WHERE id = -1')\n"
        "    print('holding', flush=True); holds += 1\n"
        "    time.sleep(0.3)\n"
        "    db.execute('COMMIT')\n"
        "    time.sleep(0.3)\n"
        "print('holds', holds, flush=True)\n"), str(database), str(stop)], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout is not None and writer.stdout.readline().strip() == "holding"
        results: list[tuple[int, float]] = []
        threads = [threading.Thread(target=lambda: results.extend(log_in(server) for _ in range(4)))
                   for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        still_writing = writer.poll() is None
    finally:
        stop.touch()
        out, _ = writer.communicate(timeout=30)
    assert still_writing, "the writer must hold the lock during the logins"
    assert int(out.split()[-1]) >= 4
    print("logins (status, seconds):", results)
    assert len(results) == 12
    assert [status for status, _ in results] == [302] * 12, results  # 302: logged in; never 500
    assert max(seconds for _, seconds in results) < 15, results
