"""Gateway logging: rotated files and a rate limit, so a flood cannot fill the disk with tracebacks.

The limit is per message template (logger + format string + level): at most `burst` records per
`period_seconds`; the rest are counted, and the next record that passes says how many were dropped.
"""

from __future__ import annotations

import logging
import logging.handlers
import time
from pathlib import Path


class RateLimitFilter(logging.Filter):
    def __init__(self, burst: int = 20, period_seconds: float = 60.0, max_keys: int = 1000) -> None:
        super().__init__()
        self.burst, self.period, self.max_keys = burst, period_seconds, max_keys
        self._windows: dict[tuple[str, object, int], list[float]] = {}  # key → [window start, count, dropped]

    def filter(self, record: logging.LogRecord) -> bool:
        now = time.monotonic()
        key = (record.name, record.msg, record.levelno)
        window = self._windows.get(key)
        if window is None or now - window[0] >= self.period:
            if len(self._windows) >= self.max_keys:
                self._windows.clear()
            dropped = int(window[2]) if window else 0
            self._windows[key] = [now, 1, 0]
            if dropped:
                record.msg = f"{record.msg} [{dropped} similar message(s) suppressed]"
            return True
        if window[1] < self.burst:
            window[1] += 1
            return True
        window[2] += 1
        return False


def configure(verbose: bool = False, log_file: Path | None = None, max_bytes: int = 10 * 1024 * 1024,
              backups: int = 5, burst: int = 20, period_seconds: float = 60.0) -> None:
    """Console (stderr) and, when given, a rotated file; both behind the rate limit."""
    handlers: list[logging.Handler] = [logging.StreamHandler()]
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.handlers.RotatingFileHandler(log_file, maxBytes=max_bytes, backupCount=backups,
                                                             encoding="utf-8"))
    limit = RateLimitFilter(burst, period_seconds)
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in handlers:
        handler.addFilter(limit)
        handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = handlers
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
