"""One gateway per data directory: an exclusive advisory lock held for the process's lifetime.

The WAL, raw store and lake assume a single writer. Two gateways on one directory would interleave
WAL sequence numbers and delete each other's half-written part files. That also happens for a short
moment after a SIGKILL: a process killed inside a blocking syscall (fsync, rename) finishes that call
before it dies, so a supervisor that restarts at once can start the new gateway while the old one still
touches the files. The lock is released by the kernel when the holder dies, however it dies.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

LOCK_FILE = "gateway.lock"


class DataDirBusy(RuntimeError):
    pass


class DataDirLock:
    def __init__(self, data_dir: Path, wait_seconds: float = 30.0, name: str | None = None) -> None:
        data_dir.mkdir(parents=True, exist_ok=True)
        self.path = data_dir / (name or LOCK_FILE)  # gateway instances sharing a lake lock their own name
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = self._holder()
                    os.close(self._fd)
                    raise DataDirBusy(
                        f"another gateway (pid {holder}) is using the data directory {data_dir}; "
                        f"waited {wait_seconds:g} s for it to exit") from None
                time.sleep(0.05)
        os.ftruncate(self._fd, 0)
        os.write(self._fd, f"{os.getpid()}\n".encode())

    def _holder(self) -> str:
        try:
            return self.path.read_text().strip() or "unknown"
        except OSError:
            return "unknown"

    def release(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = -1
