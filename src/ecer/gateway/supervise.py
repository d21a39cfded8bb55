"""Run the gateway and the logger simulator as child processes of `ecer demo`, and stop them.

The children must never outlive the demo: each runs in its own session (so a Ctrl-C in the
terminal reaches only the demo, which stops them in order: simulator first, so its last uploads
are still acknowledged, then the gateway), is asked to stop with SIGTERM, waited for, then killed.
On Linux each child also gets PR_SET_PDEATHSIG, so even a SIGKILLed demo takes its children along.
"""

from __future__ import annotations

import atexit
import ctypes
import os
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _die_with_parent() -> None:  # runs in the child between fork and exec
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Child:
    name: str
    proc: subprocess.Popen[bytes]

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self, grace_seconds: float) -> int | None:
        """SIGTERM, wait up to `grace_seconds`, then SIGKILL; returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=grace_seconds)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


@dataclass
class Children:
    """Started children, stopped in reverse order of start, exactly once (atexit as a backstop)."""

    started: list[Child] = field(default_factory=list)

    def __post_init__(self) -> None:
        atexit.register(self.stop_all)

    def start(self, name: str, args: list[str], env: dict[str, str], log: Path, capture: bool = False) -> Child:
        """`ecer <args>` with stderr (and stdout unless `capture`) appended to `log`."""
        with log.open("ab") as out:
            proc = subprocess.Popen([sys.executable, "-m", "ecer", *args], env=env,
                                    stdout=subprocess.PIPE if capture else out, stderr=out, stdin=subprocess.DEVNULL, start_new_session=True,
                                    preexec_fn=_die_with_parent)
        child = Child(name, proc)
        self.started.append(child)
        return child

    def stop_all(self, grace_seconds: float = 10.0) -> None:
        while self.started:
            self.started.pop().stop(grace_seconds)


def wait_for_line(child: Child, marker: str, timeout: float) -> str:
    """Read the child's stdout until a line containing `marker` (the gateway prints one when listening)."""
    assert child.proc.stdout is not None
    fd = child.proc.stdout.fileno()
    deadline = time.monotonic() + timeout
    buffer = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        buffer += chunk
        for line in buffer.decode(errors="replace").splitlines():
            if marker in line:
                return line
    raise RuntimeError(f"{child.name} did not report {marker!r} within {timeout:.0f} s "
                       f"(exit code {child.proc.poll()}); output: {buffer.decode(errors='replace')[-500:]}")
