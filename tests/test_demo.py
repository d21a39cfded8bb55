"""`ecer demo`: `--no-serve` builds a complete installation (re-running changes nothing); serving also runs
the HJ 212 gateway and simulated loggers as children, stopped with the demo."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.contrib.auth import authenticate
from django.contrib.auth.models import User

from ecer.cli.main import cli
from ecer.masterdata.models import (
    DecompositionRun,
    ImportBatch,
    Observation,
    Plan,
    Region,
    RegionalTarget,
    Target,
)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: object) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


@pytest.mark.django_db(transaction=True)
def test_demo_no_serve_twice() -> None:
    runner = CliRunner()
    first = runner.invoke(cli, ["demo", "--no-serve"])
    assert first.exit_code == 0, first.output + repr(first.exception)
    assert "province" in first.output and "demo-province" in first.output
    assert "示例数据（非官方统计）" in first.output and "not official statistics" in first.output
    counts = (Region.objects.count(), Plan.objects.count(), Target.objects.count(),
              Observation.objects.count(), ImportBatch.objects.count(), User.objects.count())
    assert Plan.objects.filter(code="sichuan-14fyp").exists()
    assert Target.objects.filter(plan__code="sichuan-14fyp", code="energy_intensity").exists()
    assert Observation.objects.count() > 1000
    assert Observation.objects.filter(is_illustrative=False).count() == 0
    assert Observation.objects.exclude(status="approved").count() == 0
    user = User.objects.get(username="guangyuan")
    assert user.password.startswith("md5$")  # stored hashed, never in clear
    assert user.ecer_profile.region.code == "510800"
    assert user.groups.filter(name="city_operator").exists()
    reporter = User.objects.get(username="enterprise")
    assert reporter.ecer_enterprise.enterprise.credit_code == "91510700MADEM0002X"  # bound after the registry
    assert authenticate(username="auditor", password="demo-auditor") is not None
    # the city targets are the decomposed (illustrative) ones, with their run as provenance
    assert "目标分解 / decomposition: 21 city targets" in first.output
    decomposed = RegionalTarget.objects.filter(plan__code="sichuan-14fyp", indicator__code="energy_intensity")
    assert decomposed.count() == 21 and not decomposed.filter(decomposition=None).exists()
    # one run for the intensity target and one per amount target (six in sichuan-14fyp)
    assert DecompositionRun.objects.count() == 7 and not DecompositionRun.objects.filter(is_illustrative=False).exists()

    second = runner.invoke(cli, ["demo", "--no-serve"])
    assert second.exit_code == 0, second.output + repr(second.exception)
    assert "already imported" in second.output and "(unchanged)" in second.output
    assert "unchanged; 示例分解" in second.output and DecompositionRun.objects.count() == 7
    assert counts == (Region.objects.count(), Plan.objects.count(), Target.objects.count(),
                      Observation.objects.count(), ImportBatch.objects.count(), User.objects.count())
    # the assessment of the demo's database with the bundled illustrative reviewers' scores grades every city
    assert "ecer assess --period annual:2023 --measures demo" in first.output
    assessed = runner.invoke(cli, ["assess", "--period", "annual:2023", "--measures", "demo", "--format", "json"])
    assert assessed.exit_code == 0, assessed.output + repr(assessed.exception)
    report = json.loads(assessed.stdout)
    assert report["illustrative_data"] is True and report["measures"]["illustrative"] is True
    assert len(report["regions"]) == 21 and all(r["grade"] is not None for r in report["regions"])


# --- serving mode: web server, HJ 212 gateway and simulated loggers as one unit -----------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


@pytest.fixture
def demo_database(tmp_path: Path) -> Iterator[str]:
    """A database only the demo subprocess uses: SQLite in its data directory, or a fresh PostgreSQL one."""
    url = os.environ.get("ECER_DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield f"sqlite:///{tmp_path / 'ecer.sqlite3'}"
        return
    import psycopg

    name = f"ecer_demo_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield url.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _packets_seen(url: str) -> int:
    return _count(url, "SELECT COALESCE(SUM(packets_accepted), 0) FROM monitoring_devicestatus "
                       "WHERE last_packet_at IS NOT NULL")


def _rollups_run(url: str) -> int:
    return _count(url, "SELECT COUNT(*) FROM jobs_job WHERE kind = 'monitoring.rollup_alarms' "
                       "AND status = 'succeeded'")


def _first_value(url: str, sql: str) -> str:
    if url.startswith("postgres"):
        import psycopg

        with psycopg.connect(url) as conn:
            value = conn.execute(sql).fetchone()[0]  # type: ignore[index]
            return value if isinstance(value, str) else json.dumps(value)
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        return str(conn.execute(sql).fetchone()[0])


def _count(url: str, sql: str) -> int:
    if url.startswith("postgres"):
        import psycopg

        with psycopg.connect(url) as conn:
            return int(conn.execute(sql).fetchone()[0])  # type: ignore[index]
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        try:
            return int(conn.execute(sql).fetchone()[0])
        except sqlite3.OperationalError:  # not migrated yet
            return 0


def _wait(what: str, check: Callable[[], bool], timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.3)
    raise AssertionError(f"{what} not within {timeout} s; demo output:\n{log.read_text()[-3000:]}")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except OSError:
        return False


def test_demo_serves_gateway_and_simulated_loggers_and_stops_them(tmp_path: Path, demo_database: str) -> None:
    web, gw = _free_port(), _free_port()
    log = tmp_path / "demo.out"
    env = dict(os.environ, ECER_DATA_DIR=str(tmp_path), ECER_DATABASE_URL=demo_database,
               PYTHONPATH=str(Path(__file__).resolve().parents[1] / "src"))
    with log.open("wb") as out:
        demo = subprocess.Popen([sys.executable, "-m", "ecer", "demo", "--port", str(web), "--gateway-port", str(gw)],
                                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait("/login/ answering", lambda: _answers(f"http://127.0.0.1:{web}/login/"), 60, log)
        banner = log.read_text()
        # the production server path (gunicorn + WhiteNoise), not Django's development server
        with urllib.request.urlopen(f"http://127.0.0.1:{web}/static/web/ecer.css", timeout=10) as css:
            assert css.status == 200 and css.headers["Content-Type"].startswith("text/css")
            assert css.headers.get("Server") is None
        assert "Booting worker" in log.read_text() and "runserver" not in log.read_text()
        assert f"127.0.0.1:{gw}" in banner and "模拟数采仪（示例）/ simulated data loggers" in banner
        gateway_pid = int(re.search(r"gateway: \S+ \(pid (\d+)\)", banner).group(1))  # type: ignore[union-attr]
        simulator_pid = int(re.search(r"simulated data loggers: .*\(pid (\d+)\)", banner).group(1))  # type: ignore[union-attr]
        worker_pid = int(re.search(r"job worker: pid (\d+)", banner).group(1))  # type: ignore[union-attr]
        scheduler_pid = int(re.search(r"scheduler \(roll-ups, alarms\): pid (\d+)", banner).group(1))  # type: ignore[union-attr]
        assert _alive(gateway_pid) and _alive(simulator_pid) and _alive(worker_pid) and _alive(scheduler_pid)
        socket.create_connection(("127.0.0.1", gw), timeout=5).close()
        _wait("a DeviceStatus with a packet", lambda: _packets_seen(demo_database) > 0, 25, log)
        # the scheduler queued the roll-ups once the loggers' first data was in the lake, and the
        # worker ran them: the very first run already rolled up dates (the pages are not empty until
        # the next interval)
        _wait("a finished monitoring.rollup_alarms job", lambda: _rollups_run(demo_database) > 0, 60, log)
        first = json.loads(_first_value(demo_database, "SELECT result FROM jobs_job WHERE kind = "
                                                       "'monitoring.rollup_alarms' ORDER BY created_at LIMIT 1"))
        assert first["rolled_dates"], first

        demo.send_signal(signal.SIGTERM)
        demo.wait(timeout=20)
        assert not any(map(_alive, (gateway_pid, simulator_pid, worker_pid, scheduler_pid))), log.read_text()[-2000:]
        assert _port_free(web) and _port_free(gw)
        assert "stopped:" in (tmp_path / "demo-monitoring.log").read_text()  # the gateway shut down cleanly
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)
            demo.wait()
