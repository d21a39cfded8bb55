"""/healthz and /readyz for the process supervisor, the reverse proxy and load balancers.

/healthz: the process answers (no database, so a slow database never gets a live worker killed).
/readyz: the process can serve users: the database answers, no migration is pending and (outside
debug) the static files were collected. 503 with the failing check otherwise.
Both are exempt from login, the HTTPS redirect and the language middleware's work; they reveal
nothing beyond "ok" and the names of the failing checks.
"""

from __future__ import annotations

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

MANIFEST = "staticfiles.json"


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        return f"database unavailable ({type(exc).__name__})"
    if pending:
        return f"{len(pending)} migration(s) not applied (run: ecer manage migrate)"
    return None


def _static_files() -> str | None:
    if settings.DEBUG:
        return None
    if not (settings.STATIC_ROOT / MANIFEST).exists():
        return "static files not collected (run: ecer manage collectstatic)"
    return None


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    problems = {name: problem for name, problem in (("database", _database()), ("static", _static_files()))
                if problem}
    if problems:
        return JsonResponse({"status": "not ready", "problems": problems}, status=503)
    return JsonResponse({"status": "ready"})
