"""Process-wide settings read from environment variables.

Kept free of Django so that the CLI, the HJ 212 gateway and the pure core can read the same
settings without importing the web stack. Every variable is documented in docs/configuration.md
(a test fails when one is missing there).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ENV_DATA_DIR = "ECER_DATA_DIR"
ENV_DATABASE_URL = "ECER_DATABASE_URL"
ENV_SECRET_KEY = "ECER_SECRET_KEY"
ENV_DEBUG = "ECER_DEBUG"
ENV_ALLOWED_HOSTS = "ECER_ALLOWED_HOSTS"

DOCUMENTED_VARIABLES = (ENV_DATA_DIR, ENV_DATABASE_URL, ENV_SECRET_KEY, ENV_DEBUG, ENV_ALLOWED_HOSTS)


def data_dir() -> Path:
    """The directory for the embedded database, the monitoring lake and generated files."""
    raw = os.environ.get(ENV_DATA_DIR)
    path = Path(raw) if raw else Path.home() / ".local" / "share" / "ecer"
    path.mkdir(parents=True, exist_ok=True)
    return path.resolve()


def database_url() -> str:
    """`ECER_DATABASE_URL`, or SQLite inside the data directory (the embedded default)."""
    return os.environ.get(ENV_DATABASE_URL) or f"sqlite:///{data_dir() / 'ecer.sqlite3'}"


def secret_key() -> str:
    """`ECER_SECRET_KEY`, or a key generated once and kept in the data directory."""
    key = os.environ.get(ENV_SECRET_KEY)
    if key:
        return key
    path = data_dir() / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def debug() -> bool:
    return os.environ.get(ENV_DEBUG, "0").lower() in {"1", "true", "yes"}


def allowed_hosts() -> list[str]:
    raw = os.environ.get(ENV_ALLOWED_HOSTS, "127.0.0.1,localhost,[::1]")
    return [h.strip() for h in raw.split(",") if h.strip()]
