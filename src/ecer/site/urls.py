from django.contrib import admin
from django.urls import include, path

from ecer.site import errors, health
from ecer.site.api import api

handler500 = errors.server_error

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("monitoring/", include("ecer.monitoring.urls")),
    path("jobs/", include("ecer.jobs.urls")),
    path("collection/", include("ecer.collection.urls")),
    path("reports/", include("ecer.reports.urls")),
    path("energy/", include("ecer.energy.urls")),
    path("tasks/", include("ecer.tasks.urls")),
    path("projects/", include("ecer.projects.urls")),
    path("two-high/", include("ecer.twohigh.urls")),
    path("", include("ecer.web.urls")),
]
