"""gunicorn, started from Python by `ecer serve` (no gunicorn.conf.py to keep in step).

Workers are gthread (a few threads each), recycled after a number of requests so a slow leak cannot
grow without bound. The access log goes to stdout with the request id; errors go through the web
logging (file + console). The `Server` header is removed: nothing tells a scanner what serves the
pages (the TLS proxy in front sets its own, which the example configs suppress too).
"""

from __future__ import annotations

import os
from typing import Any

from gunicorn.app.base import BaseApplication

ACCESS_FORMAT = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms [%({x-request-id}o)s] "%(a)s"'


def drop_server_header() -> None:
    """gunicorn writes `Server: gunicorn` itself, after the application's headers."""
    from gunicorn.http import wsgi

    if getattr(wsgi.Response.default_headers, "_ecer_no_banner", False):
        return
    original = wsgi.Response.default_headers

    def default_headers(self: Any) -> list[str]:
        return [h for h in original(self) if not h.lower().startswith("server:")]

    default_headers._ecer_no_banner = True  # type: ignore[attr-defined]
    wsgi.Response.default_headers = default_headers  # type: ignore[method-assign]


def default_workers() -> int:
    return 2 * (os.cpu_count() or 1) + 1


class ECERApplication(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from ecer.site.wsgi import application

        return application


def run(bind: list[str], workers: int, threads: int, timeout: int, max_requests: int,
        forwarded_allow_ips: str) -> None:
    drop_server_header()
    ECERApplication({
        "bind": bind, "workers": workers, "threads": threads, "worker_class": "gthread",
        "timeout": timeout, "graceful_timeout": 30, "keepalive": 5,
        "max_requests": max_requests, "max_requests_jitter": max(1, max_requests // 10),
        "accesslog": "-", "access_log_format": ACCESS_FORMAT, "errorlog": "-",
        "forwarded_allow_ips": forwarded_allow_ips, "proc_name": "ecer-web",
        # Request line and header limits (gunicorn's defaults, stated): oversized requests get 400.
        "limit_request_line": 4094, "limit_request_fields": 100, "limit_request_field_size": 8190,
    }).run()
