"""One gateway per data directory: a second one waits for the first to die, or refuses clearly."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from gwtools import free_port

from ecer.gateway.datalock import DataDirBusy, DataDirLock


def test_lock_is_exclusive_until_released(tmp_path) -> None:  # type: ignore[no-untyped-def]
    first = DataDirLock(tmp_path)
    with pytest.raises(DataDirBusy, match=f"pid {os.getpid()}.*{tmp_path}"):
        DataDirLock(tmp_path, wait_seconds=0.2)
    first.release()
    DataDirLock(tmp_path, wait_seconds=0).release()


def test_second_gateway_refuses_then_takes_over_after_sigkill(gateway, gateway_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    data_dir = tmp_path / "data"
    first = gateway(data_dir=data_dir)
    cmd = [sys.executable, "-m", "ecer", "hj212", "serve", "--port", str(free_port()), "--data-dir", str(data_dir)]
    refused = subprocess.run([*cmd, "--lock-wait", "0.5"], env=gateway_db.env, capture_output=True, text=True,
                             timeout=60)
    assert refused.returncode != 0
    assert f"another gateway (pid {first.proc.pid}) is using the data directory {data_dir}" in refused.stderr
    first.kill()  # no wait: the restart must not race the dying process
    second = gateway(data_dir=data_dir)  # waits for the lock, then listens
    code, _ = second.stop()
    assert code == 0
