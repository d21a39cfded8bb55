"""The worker process keeps running while the SQLite file is write-locked by another process, then runs
the queued job (a real worker process, a real database file, a real lock)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

PROBE = Path(__file__).with_name("worker_probe.py")
MAX_BACKOFF = ["--max-backoff", "0.5"]


def _wait(predicate: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.slow
def test_worker_waits_out_a_locked_database_and_then_runs_the_job(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "ECER_DATABASE_URL"}
    env.update(ECER_DATA_DIR=str(tmp_path), ECER_SQLITE_BUSY_TIMEOUT="1", PYTHONUNBUFFERED="1")
    ecer = Path(sys.executable).with_name("ecer")
    subprocess.run([str(ecer), "manage", "migrate", "-v0"], env=env, check=True, timeout=120)
    job_id = subprocess.run([sys.executable, str(PROBE), "enqueue"], env=env, check=True, timeout=60,
                            capture_output=True, text=True).stdout.strip()
    db = sqlite3.connect(tmp_path / "ecer.sqlite3", isolation_level=None)
    db.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
    log = tmp_path / "worker.log"
    with log.open("w") as out:
        worker = subprocess.Popen([sys.executable, str(PROBE), "worker", "--interval", "0.1", *MAX_BACKOFF],
                                  env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait(lambda: log.read_text().count("retrying in") >= 2 or worker.poll() is not None, 60,
              "the worker to meet the lock")
        assert worker.poll() is None, f"the worker exited on the locked database:\n{log.read_text()}"
        assert "database is locked" in log.read_text()
        db.execute("ROLLBACK")  # the lock goes away
        status = lambda: db.execute("SELECT status FROM jobs_job WHERE id = ?",  # noqa: E731
                                    (job_id.replace("-", ""),)).fetchone()
        _wait(lambda: status() is not None and status()[0] == "succeeded", 60, "the job to succeed")
        assert worker.poll() is None, "the worker should keep running"
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        db.close()
