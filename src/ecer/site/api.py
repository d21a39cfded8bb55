"""The HTTP API (django-ninja, OpenAPI at /api/docs). Each app contributes one router.

Service errors become HTTP errors here, once for every endpoint: PermissionDenied → 403,
NotFound → 404, InvalidRequest / other ServiceError / a bad input file → 400, with the service's
message as `detail`. The Swagger UI is served from django-ninja's own static files (`ninja` in
INSTALLED_APPS), never from a CDN.
"""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from ecer.alarms.api import router as alarms_router
from ecer.collection.api import router as collection_router
from ecer.energy.api import router as energy_router
from ecer.errors import InputFileError
from ecer.jobs.api import router as jobs_router
from ecer.masterdata.api import router as masterdata_router
from ecer.monitoring.api import router as monitoring_router
from ecer.projects.api import router as projects_router
from ecer.reports.api import router as reports_router
from ecer.services.actor import PermissionDenied
from ecer.services.errors import NotFound, ServiceError
from ecer.site import api_errors
from ecer.site.api_auth import API_AUTH
from ecer.tasks.api import router as tasks_router
from ecer.twohigh.api import router as twohigh_router
from ecer.web.assessment_api import router as assessment_router

# Every endpoint needs a session (with CSRF on writes) or a bearer token unless it says auth=None.
api = NinjaAPI(title="ECER API", version="1", urls_namespace="api", auth=API_AUTH)
api_errors.install(api)
api.add_router("/", masterdata_router)
api.add_router("/monitoring/", monitoring_router)
api.add_router("/alarms/", alarms_router)
api.add_router("/jobs/", jobs_router)
api.add_router("/collection/", collection_router)
api.add_router("/assessment/", assessment_router)
api.add_router("/reports/", reports_router)
api.add_router("/energy/", energy_router)
api.add_router("/tasks/", tasks_router)
api.add_router("/projects/", projects_router)
api.add_router("/two-high/", twohigh_router)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=403)


@api.exception_handler(NotFound)
def _not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=404)


@api.exception_handler(ServiceError)
def _bad_request(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=400)


@api.exception_handler(InputFileError)
def _bad_file(request: HttpRequest, exc: InputFileError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc), "problems": [str(p) for p in exc.problems]},
                               status=400)
