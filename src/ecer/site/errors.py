"""The 500 page: no details, but the request id to quote, which finds the traceback in the log."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token

from ecer.site.requestid import NO_REQUEST


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    request_id = getattr(request, "request_id", NO_REQUEST)
    if request.path.startswith("/api/"):
        body = f'{{"detail": "internal error", "request_id": "{request_id}"}}'
        return HttpResponseServerError(body, content_type="application/json")
    try:  # a plain template without base.html: the error may come from the database or the session
        html = loader.get_template("web/500.html").render({"request_id": request_id})
    except Exception:  # noqa: BLE001 - the error page itself must not fail
        html = f"<h1>500</h1><p>request id {request_id}</p>"
    return HttpResponseServerError(html)
