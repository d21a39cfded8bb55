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
# Production web serving (docs/deployment.md).
ENV_HTTPS = "ECER_HTTPS"
ENV_HSTS_SECONDS = "ECER_HSTS_SECONDS"
ENV_HSTS_PRELOAD = "ECER_HSTS_PRELOAD"
ENV_PROXY_HOPS = "ECER_PROXY_HOPS"
ENV_WEB_WORKERS = "ECER_WEB_WORKERS"
ENV_WEB_THREADS = "ECER_WEB_THREADS"
ENV_SQLITE_BUSY_TIMEOUT = "ECER_SQLITE_BUSY_TIMEOUT"
ENV_LOG_DIR = "ECER_LOG_DIR"
ENV_LOG_LEVEL = "ECER_LOG_LEVEL"
ENV_LOG_MAX_MB = "ECER_LOG_MAX_MB"
ENV_LOG_BACKUPS = "ECER_LOG_BACKUPS"
# Login protection.
ENV_LOGIN_FAILURE_LIMIT = "ECER_LOGIN_FAILURE_LIMIT"
ENV_LOGIN_COOLOFF_MINUTES = "ECER_LOGIN_COOLOFF_MINUTES"
ENV_LOGIN_LOCKOUT = "ECER_LOGIN_LOCKOUT"
ENV_TOTP = "ECER_TOTP"
# read where they act (ecer.monitoring.secrets, ecer.hj212.accel / packet), named here for the docs test
ENV_DEVICE_SECRET_ITERATIONS = "ECER_DEVICE_SECRET_ITERATIONS"
ENV_PURE_CODEC = "ECER_PURE_CODEC"
ENV_ASSESSMENT_MEASURES_DIR = "ECER_ASSESSMENT_MEASURES_DIR"  # read in ecer.services.dashboard.assessment
# alarms (ecer.alarms): thresholds and the mail they send (read in ecer.site.settings)
ENV_ALARM_OFFLINE_MINUTES = "ECER_ALARM_OFFLINE_MINUTES"
ENV_ALARM_MIN_TRANSMISSION_PERCENT = "ECER_ALARM_MIN_TRANSMISSION_PERCENT"
ENV_ALARM_MIN_VALID_PERCENT = "ECER_ALARM_MIN_VALID_PERCENT"
ENV_ROLLUP_INTERVAL_MINUTES = "ECER_ROLLUP_INTERVAL_MINUTES"  # recurring jobs (ecer.services.schedule)
# the device page (/monitoring/devices/<MN>/) fetches its live values this often (read in ecer.site.settings)
ENV_DEVICE_REFRESH_SECONDS = "ECER_DEVICE_REFRESH_SECONDS"
# energy monitoring: the coal rate of thermal power supply (kgce/kWh) for years the catalog leaves open
ENV_COAL_RATES = "ECER_COAL_RATES"
ENV_EMAIL_HOST = "ECER_EMAIL_HOST"
ENV_EMAIL_PORT = "ECER_EMAIL_PORT"
ENV_EMAIL_USER = "ECER_EMAIL_USER"
ENV_EMAIL_PASSWORD = "ECER_EMAIL_PASSWORD"
ENV_EMAIL_TLS = "ECER_EMAIL_TLS"
ENV_EMAIL_FROM = "ECER_EMAIL_FROM"

DOCUMENTED_VARIABLES = (ENV_DATA_DIR, ENV_DATABASE_URL, ENV_SECRET_KEY, ENV_DEBUG, ENV_ALLOWED_HOSTS,
                        ENV_HTTPS, ENV_HSTS_SECONDS, ENV_HSTS_PRELOAD, ENV_PROXY_HOPS, ENV_WEB_WORKERS,
                        ENV_WEB_THREADS, ENV_SQLITE_BUSY_TIMEOUT, ENV_LOG_DIR, ENV_LOG_LEVEL, ENV_LOG_MAX_MB,
                        ENV_LOG_BACKUPS, ENV_LOGIN_FAILURE_LIMIT, ENV_LOGIN_COOLOFF_MINUTES, ENV_LOGIN_LOCKOUT,
                        ENV_TOTP, ENV_DEVICE_SECRET_ITERATIONS, ENV_PURE_CODEC, ENV_ALARM_OFFLINE_MINUTES,
                        ENV_ALARM_MIN_TRANSMISSION_PERCENT, ENV_ALARM_MIN_VALID_PERCENT, ENV_EMAIL_HOST,
                        ENV_EMAIL_PORT, ENV_EMAIL_USER, ENV_EMAIL_PASSWORD, ENV_EMAIL_TLS, ENV_EMAIL_FROM,
                        ENV_ASSESSMENT_MEASURES_DIR, ENV_ROLLUP_INTERVAL_MINUTES, ENV_DEVICE_REFRESH_SECONDS,
                        ENV_COAL_RATES)

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


class ConfigError(ValueError):
    """An ECER_* variable has a value that cannot be used; the message names it and why."""


def make_private_dir(path: Path) -> Path:
    """Create `path` (and parents) if missing; the directory itself is readable by its owner only.

    Everything ECER keeps (database, device registry, secret key, raw HJ 212 records, logs) lives
    below it, so closing the directory protects every file in it, whatever its own mode.
    An existing directory is tightened only when it is ours and empty or already ECER's (never, say,
    a shared /tmp that ECER_DATA_DIR was pointed at)."""
    created = not path.exists()
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    ours = created or (path.stat().st_uid == os.getuid() and _empty_or_ecer(path))
    if ours and path.stat().st_mode & 0o077:
        path.chmod(PRIVATE_DIR)
    return path


def _empty_or_ecer(path: Path) -> bool:
    if path.stat().st_mode & 0o1000:  # sticky: a shared directory such as /tmp
        return False
    names = {p.name for p in path.iterdir()}
    return not names or bool(names & {"secret_key", "ecer.sqlite3", "logs", "static"})


def make_private_file(path: Path) -> Path:
    """Create an empty file readable by its owner only (or tighten an existing one we own)."""
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, PRIVATE_FILE))
    except FileExistsError:
        if path.stat().st_mode & 0o077 and path.stat().st_uid == os.getuid():
            path.chmod(PRIVATE_FILE)
    return path


def data_dir() -> Path:
    """The directory for the embedded database, the monitoring lake and generated files (mode 0700)."""
    raw = os.environ.get(ENV_DATA_DIR)
    path = Path(raw) if raw else Path.home() / ".local" / "share" / "ecer"
    return make_private_dir(path).resolve()


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
        make_private_file(path).write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


def flag(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name}={raw!r}: expected 1/true/yes or 0/false/no")


def integer(name: str, default: int, minimum: int, maximum: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r}: expected a whole number") from None
    if not minimum <= value <= maximum:
        raise ConfigError(f"{name}={value}: expected {minimum} to {maximum}")
    return value


def coal_rates() -> dict[int, float]:
    """`ECER_COAL_RATES=2024:0.3010,2025:0.2995`: year → configured coal rate of thermal power supply in
    kgce/kWh, for the coal-equivalent basis (等价值) of electricity where energy_factors.csv has no row."""
    raw = os.environ.get(ENV_COAL_RATES, "").strip()
    rates: dict[int, float] = {}
    for item in (i.strip() for i in raw.split(",") if i.strip()):
        year, _, value = item.partition(":")
        try:
            y, v = int(year), float(value)
        except ValueError:
            raise ConfigError(f"{ENV_COAL_RATES}: {item!r}: expected YEAR:KGCE_PER_KWH, e.g. 2025:0.2995") from None
        if not (2000 <= y <= 2100 and 0.1 <= v <= 0.5):
            raise ConfigError(f"{ENV_COAL_RATES}: {item!r}: expected a year 2000–2100 and 0.1–0.5 kgce/kWh")
        rates[y] = v
    return rates


def choice_list(name: str, default: str, allowed: set[str]) -> list[str]:
    raw = os.environ.get(name, "").strip() or default
    values = [v.strip() for v in raw.split(",") if v.strip()]
    unknown = [v for v in values if v not in allowed]
    if unknown or not values:
        raise ConfigError(f"{name}={raw!r}: expected a comma list of {', '.join(sorted(allowed))}")
    return values


def debug() -> bool:
    return flag(ENV_DEBUG)


def https() -> bool:
    """Served to users over HTTPS (through the TLS reverse proxy): secure cookies, HSTS, redirect."""
    return flag(ENV_HTTPS)


def proxy_hops() -> int:
    """How many reverse proxies in front of the web server append to X-Forwarded-For (0: none)."""
    return integer(ENV_PROXY_HOPS, 0, 0, 5)


def log_dir() -> Path:
    raw = os.environ.get(ENV_LOG_DIR)
    return make_private_dir(Path(raw) if raw else data_dir() / "logs")


def allowed_hosts() -> list[str]:
    raw = os.environ.get(ENV_ALLOWED_HOSTS, "127.0.0.1,localhost,[::1]")
    return [h.strip() for h in raw.split(",") if h.strip()]
