"""Helpers for the gateway tests (imported as `gwtools`). Gateway tests run the real gateway as a subprocess against a real database.

The registry lives in the Django database: a fresh SQLite file, or (when ECER_DATABASE_URL points
at PostgreSQL) a fresh database on that server, migrated once per session. pytest-django's own
test database is not used here because a separate process cannot see it.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from ecer.gateway.simulator import LoggerSpec, make_specs

REPO = Path(__file__).resolve().parents[2]


@dataclass
class GatewayDb:
    env: dict[str, str]

    def python(self, code: str) -> str:
        """Run Django code in a child process against this database; returns its stdout."""
        script = "from ecer.site.django_setup import setup; setup()\n" + code
        out = subprocess.run([sys.executable, "-c", script], env=self.env, capture_output=True, text=True,
                             timeout=60)
        assert out.returncode == 0, out.stderr
        return out.stdout

    def register(self, specs: list[LoggerSpec], crc_mode: str = "standard") -> None:
        payload = json.dumps([[s.mn, s.pw, s.edition.value, s.kind] for s in specs])
        self.python(
            "import json\nfrom ecer.hj212 import Edition\n"
            "from ecer.gateway.simulator import LoggerSpec, register_devices\n"
            "from ecer.monitoring.models import Device\n"
            f"specs = [LoggerSpec(m, p, Edition(e), k) for m, p, e, k in json.loads({payload!r})]\n"
            "register_devices(specs)\n"
            f"Device.objects.filter(mn__in=[s.mn for s in specs]).update(crc_mode={crc_mode!r})\n")

    def traffic(self, address: str) -> list[dict[str, object]]:
        """RejectedTraffic rows of one source address."""
        rows = self.query(f"list(RejectedTraffic.objects.filter(address={address!r}).order_by('verdict', 'reason')"
                          ".values('verdict', 'reason', 'count', 'bytes', 'samples'))")
        assert isinstance(rows, list)
        return rows

    def query(self, expr: str) -> object:
        """JSON of a Python expression evaluated with the monitoring models imported."""
        return json.loads(self.python(
            "import json\nfrom ecer.monitoring.models import *\n"
            f"print(json.dumps({expr}, default=str))\n"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class GatewayProcess:
    db: GatewayDb
    data_dir: Path
    port: int
    args: list[str] = field(default_factory=list)
    proc: subprocess.Popen[str] | None = None

    def start(self) -> GatewayProcess:
        cmd = [sys.executable, "-m", "ecer", "hj212", "serve", "--port", str(self.port), "--data-dir",
               str(self.data_dir), "--status-seconds", "0.2", "--flush-seconds", "0.3", *self.args]
        self.proc = subprocess.Popen(cmd, env=self.db.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()  # printed once the socket is listening
        assert "listening" in line, self.proc.stderr.read() if self.proc.stderr else line
        return self

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.kill()
        self.proc.wait()

    def stop(self, timeout: float = 30) -> tuple[int, str]:
        """SIGTERM and wait; returns (exit code, stderr)."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        _, err = self.proc.communicate(timeout=timeout)
        return self.proc.returncode, err

    def connect(self, source: str | None = None) -> socket.socket:
        """A connection from 127.0.0.1, or from another loopback `source` address (127.x.y.z)."""
        return socket.create_connection(("127.0.0.1", self.port), timeout=5,
                                        source_address=(source, 0) if source else None)


def unique_loopback() -> str:
    """A loopback address no other test uses (rejected traffic is counted per address)."""
    n = uuid.uuid4().int
    return f"127.{n % 250 + 2}.{(n >> 8) % 250 + 1}.{(n >> 16) % 250 + 1}"


def read_until(sock: socket.socket, count: int, marker: bytes = b"\r\n", timeout: float = 5.0) -> bytes:
    """Read until `count` markers were received (or time out)."""
    sock.settimeout(0.2)
    data = b""
    deadline = time.monotonic() + timeout
    while data.count(marker) < count and time.monotonic() < deadline:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            continue
        if not chunk:
            break
        data += chunk
    return data


def unique_specs(n: int, editions: list[str] | None = None) -> list[LoggerSpec]:
    """Loggers with an MN prefix no other test uses (the registry is shared by the session)."""
    return make_specs(n, editions or ["2017"], prefix="T" + uuid.uuid4().hex[:6].upper())
