"""Security headers, CSP, health probes, request ids and the production settings check."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.contrib.auth.models import User
from django.test import Client

PRODUCTION_ENV = {
    "ECER_HTTPS": "1", "ECER_DEBUG": "0", "ECER_PROXY_HOPS": "1",
    "ECER_ALLOWED_HOSTS": "ecer.example.org,127.0.0.1",
    "ECER_SECRET_KEY": "a-long-random-production-key-" + "x7Qp2Lm9" * 6,
    "ECER_DATABASE_URL": "",
}


def _run_check(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, ECER_DATA_DIR=str(tmp_path / "data"), **{**PRODUCTION_ENV, **extra})
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests (Playwright) in this process
    return subprocess.run([sys.executable, "-m", "ecer", "manage", "check", "--deploy", "--fail-level", "DEBUG"],
                          env=env, capture_output=True, text=True, timeout=120)


def test_check_deploy_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = _run_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)" in result.stdout or \
        "System check identified no issues (1 silenced)" in result.stdout


def test_check_deploy_complains_without_https(tmp_path: Path) -> None:
    result = _run_check(tmp_path, ECER_HTTPS="0")
    assert result.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr + result.stdout


def test_csp_and_security_headers(province: User, client: Client) -> None:
    client.force_login(province)
    response = client.get("/login/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "onchange=" not in client.get("/").content.decode()


def test_no_page_uses_inline_event_handlers() -> None:
    """Inline handlers (onclick=…) are blocked by the CSP: templates must not use them."""
    root = Path(__file__).resolve().parents[2] / "src" / "ecer"
    offenders = [str(p) for p in root.rglob("templates/**/*.html")
                 if any(f" on{e}=" in p.read_text() for e in ("click", "change", "submit", "load", "input"))]
    assert offenders == []


def test_request_id_in_header_and_kept_from_the_proxy(client: Client, db: None) -> None:
    mine = client.get("/healthz")
    assert len(mine["X-Request-ID"]) == 32
    from_proxy = client.get("/healthz", HTTP_X_REQUEST_ID="abcdef0123456789")
    assert from_proxy["X-Request-ID"] == "abcdef0123456789"
    forged = client.get("/healthz", HTTP_X_REQUEST_ID="x\r\nSet-Cookie: a=b")
    assert forged["X-Request-ID"] != "x\r\nSet-Cookie: a=b"


def test_healthz_and_readyz(client: Client, db: None, settings, tmp_path: Path) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    settings.STATIC_ROOT = tmp_path
    settings.DEBUG = False
    not_ready = client.get("/readyz")
    assert not_ready.status_code == 503
    assert "static files not collected" in not_ready.json()["problems"]["static"]
    (tmp_path / "staticfiles.json").write_text("{}")
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json() == {"status": "ready"}


def test_server_error_is_logged_with_its_request_id(client: Client, db: None, settings, tmp_path: Path,
                                                    monkeypatch) -> None:
    import logging.config

    from ecer.site import logconfig

    names = ("", *logconfig.web_logging(tmp_path)["loggers"])
    saved = {name: (list(logging.getLogger(name).handlers), logging.getLogger(name).propagate) for name in names}
    logging.config.dictConfig(logconfig.web_logging(tmp_path))
    try:
        import ecer.site.health as health

        def broken() -> None:
            raise RuntimeError("the database caught fire")

        monkeypatch.setattr(health, "_database", broken)
        client.raise_request_exception = False
        response = client.get("/readyz", HTTP_X_REQUEST_ID="req-0123456789")
        assert response.status_code == 500
        assert "req-0123456789" in response.content.decode()
        assert "fire" not in response.content.decode()
        log = (tmp_path / logconfig.WEB_LOG_NAME).read_text()
        assert "ERROR [req-0123456789]" in log and "RuntimeError: the database caught fire" in log
        assert (tmp_path / logconfig.WEB_LOG_NAME).stat().st_mode & 0o777 == 0o600
    finally:
        for name, (handlers, propagate) in saved.items():
            logger = logging.getLogger(name)
            for handler in list(logger.handlers):
                logger.removeHandler(handler)
                if handler not in handlers:
                    handler.close()
            for handler in handlers:
                logger.addHandler(handler)
            logger.propagate = propagate
