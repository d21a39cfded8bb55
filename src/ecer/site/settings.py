"""Django settings. Everything deployment-specific comes from ECER_* variables (ecer.config)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE, NONE, SELF

from ecer import config

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = config.data_dir()

SECRET_KEY = config.secret_key()
DEBUG = config.debug()
ALLOWED_HOSTS = config.allowed_hosts()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "treebeard",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",  # django-ninja's static files: the Swagger UI of /api/docs works offline
    "ecer.masterdata",
    "ecer.monitoring",
    "ecer.results",
    "ecer.audit",
    "ecer.accounts",
    "ecer.web",
    "ecer.jobs",
    "ecer.collection",
    "ecer.alarms",
    "ecer.reports",
    "ecer.energy",
    "ecer.tasks",
    "ecer.projects",
    "ecer.twohigh",
]

MIDDLEWARE = [
    "ecer.site.requestid.RequestIdMiddleware",  # first: every log line of the request carries its id
    "ecer.site.origin.RequestOriginMiddleware",  # the client address and user agent the audit log records
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ecer.web.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "ecer.web.second_factor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ecer.site.badinput.BadNumberMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "ecer.site.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "ecer.web.context_processors.ecer",
                "ecer.alarms.views.badge",
            ],
        },
    },
]

WSGI_APPLICATION = "ecer.site.wsgi.application"



def _database() -> dict[str, Any]:
    database = dj_database_url.parse(config.database_url(), conn_max_age=60)
    if database["ENGINE"] == "django.db.backends.sqlite3" and database["NAME"] not in {"", ":memory:"}:
        # The embedded database is private to ECER (device secrets, sessions, accounts).
        path = Path(database["NAME"])
        config.make_private_dir(path.parent)
        config.make_private_file(path)
        # WAL: readers (pages) never wait for the writer (gateway status batches), and writers wait
        # their turn for up to the busy timeout instead of failing with "database is locked".
        # IMMEDIATE transactions take the write lock when they begin, so a transaction that read
        # first cannot fail the busy wait when it then writes. synchronous=NORMAL is durable in WAL mode
        # against application crashes (a power cut may lose the last commits, not corrupt the file).
        database["OPTIONS"] = {
            "timeout": config.integer(config.ENV_SQLITE_BUSY_TIMEOUT, 30, 1, 600),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    return database


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

# Chinese first, English second (the language switch in the page header).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = config.make_private_dir(DATA_DIR / "static")
# WhiteNoise serves STATIC_ROOT (filled by collectstatic, which `ecer serve` runs) with far-future
# caching for the hashed names; see ecer.site.staticstorage.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "ecer.site.staticstorage.StaticStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

# The plan the home page shows when none is chosen (a bundled plan code; see docs/configuration.md).
ECER_DEFAULT_PLAN = "sichuan-14fyp"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Background jobs (django-tasks): the database backend, so the embedded default needs no broker. A worker
# process (`ecer jobs worker`, started by `ecer demo`) runs them; see docs/jobs.md.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- Served over HTTPS (ECER_HTTPS=1, behind the TLS reverse proxy; docs/deployment.md) -------------
ECER_PROXY_HOPS = config.proxy_hops()
if config.https():
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # local probes speak plain HTTP
    SECURE_HSTS_SECONDS = config.integer(config.ENV_HSTS_SECONDS, 31_536_000, 0, 63_072_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = config.flag(config.ENV_HSTS_PRELOAD)
    if not SECURE_HSTS_PRELOAD:
        # Preloading is the domain owner's decision (hard to undo); ECER_HSTS_PRELOAD=1 opts in.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    if ECER_PROXY_HOPS:
        # Only the proxy talks to us and it sets this header itself (the example configs overwrite it).
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Content Security Policy (django-csp; docs/deployment.md "Scripts under the CSP") ----------------
# Scripts: files from /static/ and inline <script nonce="{{ request.csp_nonce }}"> only; no inline
# event handlers (onclick=...), no eval. Styles may be inline: chart libraries (ECharts tooltips) and
# HTMX write style attributes, and a style cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Login throttling (django-axes) -----------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "ecer.web.throttle.LoginThrottleBackend",  # refuses locked-out logins before any password check
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = config.integer(config.ENV_LOGIN_FAILURE_LIMIT, 5, 1, 100)
AXES_COOLOFF_TIME = timedelta(minutes=config.integer(config.ENV_LOGIN_COOLOFF_MINUTES, 15, 1, 7 * 24 * 60))
_LOCKOUT_CRITERIA = {"username": "username", "address": "ip_address", "username+address": ["username", "ip_address"]}
AXES_LOCKOUT_PARAMETERS = [_LOCKOUT_CRITERIA[c] for c in config.choice_list(
    config.ENV_LOGIN_LOCKOUT, "username,address", set(_LOCKOUT_CRITERIA))]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "ecer.site.clientip.client_ip"
AXES_LOCKOUT_CALLABLE = "ecer.web.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_ENABLE_ACCESS_FAILURE_LOG = True

# --- Second factor (django-otp TOTP) for the province roles; ECER_TOTP=off|optional|required ----------
ECER_TOTP = config.choice_list(config.ENV_TOTP, "optional", {"off", "optional", "required"})[0]
OTP_TOTP_ISSUER = "ECER"

# --- Alarms (ecer.alarms; docs/monitoring-analytics.md "Alarms") ----------------------------------
ECER_ALARM_OFFLINE_MINUTES = config.integer(config.ENV_ALARM_OFFLINE_MINUTES, 30, 1, 7 * 24 * 60)
ECER_ALARM_MIN_TRANSMISSION_RATE = config.integer(config.ENV_ALARM_MIN_TRANSMISSION_PERCENT, 90, 0, 100) / 100
ECER_ALARM_MIN_VALID_RATE = config.integer(config.ENV_ALARM_MIN_VALID_PERCENT, 90, 0, 100) / 100
# The scheduler (`ecer jobs scheduler`) queues the roll-ups + alarm detection this often; 0 = never.
ECER_ROLLUP_INTERVAL_MINUTES = config.integer(config.ENV_ROLLUP_INTERVAL_MINUTES, 10, 0, 24 * 60)
# The device page fetches its status, latest values and exceedances this often (without JavaScript
# it reloads itself at the same interval). The gateway writes status every few seconds; a shorter
# interval only adds load (one small API call per open page per interval).
ECER_DEVICE_REFRESH_SECONDS = config.integer(config.ENV_DEVICE_REFRESH_SECONDS, 30, 5, 3600)
# Mail for new alarms goes out only when a mail server is configured (ECER_EMAIL_HOST).
EMAIL_HOST = os.environ.get(config.ENV_EMAIL_HOST, "").strip()
ECER_EMAIL_ENABLED = bool(EMAIL_HOST)
EMAIL_PORT = config.integer(config.ENV_EMAIL_PORT, 25, 1, 65535)
EMAIL_HOST_USER = os.environ.get(config.ENV_EMAIL_USER, "")
EMAIL_HOST_PASSWORD = os.environ.get(config.ENV_EMAIL_PASSWORD, "")
EMAIL_USE_TLS = config.flag(config.ENV_EMAIL_TLS, False)
DEFAULT_FROM_EMAIL = os.environ.get(config.ENV_EMAIL_FROM, "").strip() or "ecer@localhost"
