"""Dashboard pages (驾驶舱, region, indicator, drill-down, data versions, decomposition, assessment).

Thin: parse the query, call one `ecer.services.dashboard` function with the user's Actor, render.
Scope is the service's business; a service error becomes a 400/403/404 page with its message."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import condition

from ecer.services.actor import PermissionDenied, actor_from_request
from ecer.services.errors import InvalidRequest, NotFound, ServiceError
from ecer.web import charts
from ecer.web.units import is_english

View = Callable[..., HttpResponse]


def _lang() -> str:
    return "en" if is_english() else "zh"


def _year(request: HttpRequest) -> int | None:
    text = request.GET.get("year", "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise InvalidRequest(f"year '{text}' is not a number", param="year")
    return int(text)


def dashboard_view(func: View) -> View:
    """Login required; the service's errors shown as pages with the reason."""

    @login_required
    @wraps(func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return func(request, *args, **kwargs)
        except PermissionDenied as exc:
            return _problem(request, 403, str(exc))
        except NotFound as exc:
            return _problem(request, 404, str(exc))
        except InvalidRequest as exc:
            return _problem(request, 400, str(exc))
        except ServiceError as exc:
            # The server is fine; the data held cannot answer this (e.g. a year not yet complete):
            # 422 with the service's reason, not 503, which would tell a monitor the site is down.
            from ecer.services.errors import input_error_place

            return _problem(request, 422, getattr(exc.__cause__, "reason", str(exc)),
                            place=input_error_place(exc, _lang()))

    return wrapper


@lru_cache(maxsize=1)
def _link_prefixes() -> dict[str, str]:
    # Pages link every number: {% url %} per cell cost more than the rest of the page, so the
    # templates join these prefixes (reversed once) with the codes.
    return {"why": reverse("why", args=["0", "x", 2000]).removesuffix("0/x/2000/"),
            "region": reverse("region", args=["0"]).removesuffix("0/"),
            "indicator": reverse("indicator", args=["x"]).removesuffix("x/")}


def _page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, template, {**context, "links": _link_prefixes()})


def _problem(request: HttpRequest, status: int, message: str,
             place: list[tuple[str, str]] | None = None) -> HttpResponse:
    """`place`: where an accounting input error sits (region, indicator, year), named for a reader."""
    return render(request, "web/dashboard/problem.html", {"status": status, "message": message,
                                                          "place": place or []}, status=status)


@dashboard_view
def overview(request: HttpRequest) -> HttpResponse:
    from ecer.services.dashboard.common import DEFAULT_PLAN, NoReportedYear, PlanNotLoaded
    from ecer.services.dashboard.overview import overview as build

    try:
        view = build(indicator=request.GET.get("indicator") or None, year=_year(request),
                     actor=actor_from_request(request), lang=_lang())
    except PlanNotLoaded:
        # A fresh installation (only `ecer manage migrate`): say how to load a plan, not "404".
        return render(request, "web/dashboard/no_plan.html", {"plan_code": DEFAULT_PLAN})
    except NoReportedYear:
        # No approved data yet: say so instead of an error page.
        return render(request, "web/dashboard/empty.html")
    context = {"o": view, "chart": charts.overview_chart(view)}
    # The indicator/year switch asks for the body only and swaps it in place (static/web/ecer.js).
    partial = request.headers.get("X-ECER-Partial") == "overview"
    return _page(request, "web/dashboard/_overview_body.html" if partial else "web/dashboard/overview.html", context)


def _outlines_etag(request: HttpRequest) -> str:
    from ecer.services.dashboard.maps import outlines

    return outlines().etag


@login_required
@condition(etag_func=_outlines_etag)
def map_outlines(request: HttpRequest) -> HttpResponse:
    from ecer.services.dashboard.maps import outlines

    found = outlines()
    response = HttpResponse(found.geojson, content_type="application/geo+json")
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Map-Source"] = found.source.encode("ascii", "replace").decode()
    return response


@dashboard_view
def region(request: HttpRequest, code: str) -> HttpResponse:
    from ecer.services.dashboard.region import region_page

    page = region_page(code, _year(request), actor=actor_from_request(request), lang=_lang())
    return _page(request, "web/dashboard/region.html", {"p": page, "charts": charts.region_charts(page)})


@dashboard_view
def indicator(request: HttpRequest, code: str) -> HttpResponse:
    from ecer.services.dashboard.indicator import indicator_page

    page = indicator_page(code, _year(request), actor=actor_from_request(request), lang=_lang())
    return _page(request, "web/dashboard/indicator.html", {"p": page, "chart": charts.indicator_chart(page)})


@dashboard_view
def indicators(request: HttpRequest) -> HttpResponse:
    from ecer.services.dashboard.overview import overview as build

    view = build(year=_year(request), actor=actor_from_request(request), lang=_lang())
    return _page(request, "web/dashboard/indicators.html", {"o": view})


@dashboard_view
def why(request: HttpRequest, region: str, target: str, year: int) -> HttpResponse:
    from ecer.services.dashboard.drill import computation

    c = computation(region, target, year, actor=actor_from_request(request), lang=_lang())
    return render(request, "web/dashboard/why.html", {"c": c})


@dashboard_view
def batch(request: HttpRequest, batch_id: int) -> HttpResponse:
    from ecer.services.dashboard.sources import batch_page

    return render(request, "web/dashboard/batch.html",
                  {"b": batch_page(batch_id, actor=actor_from_request(request), lang=_lang())})


@dashboard_view
def observation(request: HttpRequest, observation_id: int) -> HttpResponse:
    from ecer.services.dashboard.sources import observation_history

    versions = observation_history(observation_id, actor=actor_from_request(request), lang=_lang())
    return render(request, "web/dashboard/observation.html", {"versions": versions, "asked": observation_id})


@dashboard_view
def decompositions(request: HttpRequest) -> HttpResponse:
    from ecer.services.dashboard.runs import list_runs

    return render(request, "web/dashboard/decompositions.html",
                  {"runs": list_runs(actor=actor_from_request(request), lang=_lang())})


@dashboard_view
def decomposition(request: HttpRequest, run_id: int) -> HttpResponse:
    from ecer.services.dashboard.runs import run_page

    return render(request, "web/dashboard/decomposition.html",
                  {"r": run_page(run_id, actor=actor_from_request(request), lang=_lang())})


@dashboard_view
def assessments(request: HttpRequest) -> HttpResponse:
    from ecer.services.dashboard.assessment import periods

    chosen = request.GET.get("period", "").strip()
    if chosen:  # the period switch of an assessment page (a plain GET form: works without script)
        return redirect("assessment", period=chosen)
    return render(request, "web/dashboard/assessments.html",
                  {"periods": periods(actor=actor_from_request(request), lang=_lang())})


@dashboard_view
def assessment(request: HttpRequest, period: str) -> HttpResponse:
    from ecer.services.dashboard.assessment import assessment_page

    page = assessment_page(period, actor=actor_from_request(request), lang=_lang())
    return _page(request, "web/dashboard/assessment.html", {"a": page})
