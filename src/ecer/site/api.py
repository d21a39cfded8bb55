"""The HTTP API (django-ninja, OpenAPI at /api/docs). Each app contributes one router."""

from ninja import NinjaAPI

from ecer.jobs.api import router as jobs_router
from ecer.masterdata.api import router as masterdata_router
from ecer.monitoring.api import router as monitoring_router
from ecer.site import api_errors
from ecer.site.api_auth import API_AUTH

# Every endpoint needs a session (with CSRF on writes) or a bearer token unless it says auth=None.
api = NinjaAPI(title="ECER API", version="1", urls_namespace="api", auth=API_AUTH)
api_errors.install(api)
api.add_router("/", masterdata_router)
api.add_router("/monitoring/", monitoring_router)
api.add_router("/jobs/", jobs_router)
