"""Logging for the web processes: the console (journald under systemd) and a size-rotated file in
the log directory, every line with its request id.

Applied by the web entry points (`ecer.site.wsgi`, so `ecer serve`, gunicorn and the demo's server),
not by settings: the CLI and the HJ 212 gateway configure their own logging and must not get web
handlers stacked on top of theirs.

Several gunicorn workers write the same file. The standard RotatingFileHandler would let each one
rotate on its own (lines lost or written to a renamed file), so `SharedRotatingFileHandler` takes an
exclusive lock around each write and rotation, and reopens the file when another process rotated it.
"""

from __future__ import annotations

import fcntl
import logging
import logging.config
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

from ecer import config

WEB_LOG_NAME = "ecer-web.log"
FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(process)d %(name)s: %(message)s"


class SharedRotatingFileHandler(RotatingFileHandler):
    """A RotatingFileHandler that several processes may share (POSIX advisory lock beside the file)."""

    def __init__(self, filename: str, max_bytes: int, backup_count: int) -> None:
        super().__init__(filename, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8", delay=True)
        self._lock_path = f"{self.baseFilename}.lock"
        self._lock_fd = os.open(self._lock_path, os.O_CREAT | os.O_RDWR, config.PRIVATE_FILE)

    def _reopen_if_rotated(self) -> None:
        if self.stream is None:
            return
        try:
            on_disk = os.stat(self.baseFilename)
        except FileNotFoundError:
            on_disk = None
        mine = os.fstat(self.stream.fileno())
        if on_disk is None or (on_disk.st_ino, on_disk.st_dev) != (mine.st_ino, mine.st_dev):
            self.stream.close()
            self.stream = None  # type: ignore[assignment]  # reopened by emit (delay=True)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
        except (OSError, ValueError):  # closed (logging reconfigured while a logger still held us)
            self.handleError(record)
            return
        try:
            self._reopen_if_rotated()
            super().emit(record)  # rolls over first when the line would pass maxBytes
            if self.stream is not None:
                self.stream.flush()
        finally:
            fcntl.flock(self._lock_fd, fcntl.LOCK_UN)

    def _open(self):  # type: ignore[no-untyped-def]
        # Log files hold request paths and tracebacks: private like the rest of the data directory.
        config.make_private_file(Path(self.baseFilename))
        return super()._open()

    def close(self) -> None:
        super().close()
        if self._lock_fd >= 0:
            os.close(self._lock_fd)
            self._lock_fd = -1


def web_logging(log_dir: Path | None = None) -> dict[str, Any]:
    """The dictConfig for web processes (see docs/configuration.md for the ECER_LOG_* variables)."""
    directory = log_dir or config.log_dir()
    level = os.environ.get(config.ENV_LOG_LEVEL, "INFO").upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
        raise config.ConfigError(f"{config.ENV_LOG_LEVEL}={level!r}: expected DEBUG, INFO, WARNING or ERROR")
    handlers = ["console", "file"]
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "ecer.site.requestid.RequestIdFilter"}},
        "formatters": {"line": {"format": FORMAT}},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": "line"},
            "file": {
                "()": SharedRotatingFileHandler,
                "filename": str(directory / WEB_LOG_NAME),
                "max_bytes": config.integer(config.ENV_LOG_MAX_MB, 20, 1, 10_000) * 1024 * 1024,
                "backup_count": config.integer(config.ENV_LOG_BACKUPS, 10, 1, 1000),
                "filters": ["request_id"], "formatter": "line",
            },
        },
        "root": {"level": level, "handlers": handlers},
        "loggers": {
            # Django's own handlers (console when DEBUG, mail_admins) are replaced, not added to.
            "django": {"level": level, "handlers": handlers, "propagate": False},
            # 4xx responses are logged by django.request as warnings; a 404 flood must not fill the disk.
            "django.request": {"level": "ERROR", "handlers": handlers, "propagate": False},
            "django.server": {"level": "WARNING", "handlers": handlers, "propagate": False},
            "axes": {"level": "WARNING", "handlers": handlers, "propagate": False},
        },
    }


_configured = False


def configure_web_logging() -> None:
    """Once per process."""
    global _configured
    if not _configured:
        logging.config.dictConfig(web_logging())
        _configured = True
