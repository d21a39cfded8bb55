"""The site's URLs plus one view that fails, for the 500-page test."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from ecer.site.urls import urlpatterns as site_urls


def fail(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("deliberate failure for the 500 page test")


urlpatterns = [path("test-500/", fail), *site_urls]
