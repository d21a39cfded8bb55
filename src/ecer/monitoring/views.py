"""Monitoring pages. Thin: get the actor, call `ecer.services.monitoring`, render."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ecer.monitoring.charts import bars_svg, trend_svg
from ecer.services import monitoring, monitoring_overview
from ecer.services import monitoring_analytics as analytics
from ecer.services.actor import PermissionDenied, actor_from_request
from ecer.services.errors import InvalidRequest, NotFound


def _context(result: Any) -> dict[str, Any]:
    """A service's result dataclass as template context (fields by name, objects not copied)."""
    return {field.name: getattr(result, field.name) for field in dataclasses.fields(result)}


def _lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh"


@login_required
def point_list(request: HttpRequest) -> HttpResponse:
    get = request.GET
    enterprise = _int(request, "enterprise", 0) or None
    page = monitoring.point_list(actor=actor_from_request(request), lang=_lang(), city=get.get("city", ""),
                                 enterprise=enterprise, kind=get.get("kind", ""), status=get.get("status", ""))
    point_map = monitoring.map_of(page)
    return render(request, "monitoring/point_list.html", {
        **_context(page), "f_city": get.get("city", ""), "f_enterprise": enterprise, "f_kind": get.get("kind", ""),
        "f_status": get.get("status", ""), "city_options": [(c, page.region_names.get(c, c)) for c in page.cities],
        "point_map": point_map, "map_chart": map_chart(point_map),
        "may_open_cities": monitoring_overview.may_open_cities(actor_from_request(request))})


#: Marker colour and shape per status: the shape too, so colour is never the only signal.
MARKER_STYLE = {"exceedance": ("#c8321f", "triangle"), "online": ("#1d8a4a", "circle"),
                "offline": ("#6b7580", "rect"), "never": ("#d08a00", "diamond")}


def status_labels() -> dict[str, str]:
    return {"exceedance": _("exceedance"), "online": _("online"), "offline": _("offline"),
            "never": _("never connected")}


def map_chart(point_map: monitoring.PointMap) -> dict[str, Any]:
    """What static/web/charts.js draws on the monitoring map (a json_script block)."""
    kinds = {"water": _("water"), "air": _("air")}
    return {
        "map_url": reverse("map-outlines") if point_map.city_codes else None,
        "regions": [{"adcode": c, "name": point_map.region_names.get(c, c)} for c in point_map.city_codes],
        "points": [{"id": m.point_id, "enterprise": m.enterprise, "outlet": f"{m.outlet_code} {m.outlet_name}",
                    "kind": kinds.get(m.kind, m.kind), "status": m.status, "alarm": m.alarm,
                    "exceedances": m.exceedances, "lon": m.longitude, "lat": m.latitude,
                    "devices": [{"mn": mn, "href": reverse("monitoring:device", args=[mn])} for mn in m.mns]}
                   for m in point_map.placed],
        "styles": {code: {"colour": c, "symbol": sym, "label": status_labels()[code]}
                   for code, (c, sym) in MARKER_STYLE.items()},
        "labels": {"enterprise": _("Enterprise"), "outlet": _("Outlet"), "kind": _("Kind"), "status": _("Status"),
                   "alarm": _("an alarm is open"), "device": _("Device page"),
                   "exceedances": _("Exceedances (%(hours)s h)") % {"hours": point_map.window_hours}},
    }


@login_required
def device_detail(request: HttpRequest, mn: str) -> HttpResponse:
    try:
        detail = monitoring.device_detail(mn, actor=actor_from_request(request), lang=_lang())
    except NotFound as err:
        raise Http404(str(err)) from err
    from ecer.monitoring.templatetags.monitoring_labels import latest_as_of_text

    seconds = settings.ECER_DEVICE_REFRESH_SECONDS
    return render(request, "monitoring/device_detail.html", {
        **_context(detail), "refresh_seconds": seconds,
        "latest_as_of_text": latest_as_of_text(detail.latest_as_of, detail.rollup_minutes), "live_config": {
            "url": reverse("api:device_live", args=[mn]) + f"?lang={_lang()}", "seconds": seconds,
            # The words the script puts into the cells; the rest of the markup is in _device_live_templates.html.
            "labels": {"online": _("online"), "offline": _("offline"), "since": _("since"), "from": _("from"),
                       "exceedance": _("exceedance"), "realtime_over": _("real-time over limit"),
                       "flag": _("Data flag"), "accepted": _("accepted"), "rejected": _("rejected"),
                       "quarantined": _("quarantined"), "updated": _("updated %(time)s"),
                       "failed": _("update failed at %(time)s; retrying")}}})


# -- pages over the roll-ups (ecer.analytics): a point's trend and tables, emissions, data quality --
WINDOWS = {"hourly": dt.timedelta(days=2), "daily": dt.timedelta(days=31), "monthly": dt.timedelta(days=366)}


def _int(request: HttpRequest, name: str, default: int) -> int:
    try:
        return int(request.GET.get(name, default))
    except ValueError:
        return default


def _no_rollups(rows: Any) -> str:
    """A page's empty state (only asked for when it has no rows): when the next scheduled roll-up runs."""
    from ecer.monitoring.templatetags.monitoring_labels import no_rollups_text

    return "" if rows else no_rollups_text(analytics.next_rollup())


@login_required
def point_rollups(request: HttpRequest, mn: str) -> HttpResponse:
    period = request.GET.get("period", "hourly")
    period = period if period in WINDOWS else "hourly"
    try:
        end = dt.date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        end = timezone.localdate()
    try:
        data = analytics.point_rollups(mn, period, end - WINDOWS[period], end, actor=actor_from_request(request))
    except PermissionDenied as exc:
        raise Http404("unknown MN") from exc
    time_col = {"hourly": "hour", "daily": "day", "monthly": "month"}[period]
    factors = sorted({r["factor"] for r in data.rows})
    charts = []
    for factor in factors:
        series = [r for r in data.rows if r["factor"] == factor]
        pts = [(r[time_col] if isinstance(r[time_col], dt.datetime) else dt.datetime.combine(r[time_col], dt.time()),
                r["avg"], bool(r["n_invalid"])) for r in series]
        lower, upper = data.limits.get(factor, (None, None))
        charts.append({"factor": factor, "svg": mark_safe(trend_svg(pts, lower, upper, factor)),  # noqa: S308
                       "limit": data.limits.get(factor)})
    return render(request, "monitoring/point_rollups.html", {
        "mn": mn, "info": data.info, "period": period, "rows": data.rows[-500:], "time_col": time_col,
        "charts": charts, "periods": list(WINDOWS), "no_rollups_text": _no_rollups(data.rows)})


@login_required
def emissions(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    year, month = _int(request, "year", today.year), _int(request, "month", 0) or None
    group = request.GET.get("group", "enterprise")
    group = group if group in ("enterprise", "city", "point") else "enterprise"
    actor = actor_from_request(request)
    rows = analytics.emissions(actor=actor, year=year, month=month, group=group)
    return render(request, "monitoring/emissions.html", {"rows": rows, "year": year, "month": month, "group": group,
                                                         "may_open_cities": monitoring_overview.may_open_cities(actor),
                                                         "no_rollups_text": _no_rollups(rows)})


@login_required
def quality(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    year, month = _int(request, "year", today.year), _int(request, "month", today.month)
    actor = actor_from_request(request)
    rows = analytics.quality(actor=actor, year=year, month=month)
    return render(request, "monitoring/quality.html", {"rows": rows, "year": year, "month": month,
                                                       "may_open_cities": monitoring_overview.may_open_cities(actor),
                                                       "no_rollups_text": _no_rollups(rows)})


# -- one enterprise's or city's monitoring year (ecer.services.monitoring_overview) --
def _year(request: HttpRequest) -> int:
    year = _int(request, "year", timezone.localdate().year)
    return year if year in monitoring_overview.YEARS else timezone.localdate().year


def _overview_page(request: HttpRequest, view: monitoring_overview.Overview) -> HttpResponse:
    from ecer.monitoring.templatetags.monitoring_labels import factor_name

    months = [f"{view.year}-{m:02d}" for m in range(1, 13)]
    cells = {(e.month, e.pollutant): e for e in view.emissions}
    factors = list(dict.fromkeys((e.pollutant, e.factor) for e in sorted(
        view.emissions, key=lambda e: view.pollutants.index(e.pollutant))))
    charts = []
    for pollutant, factor in factors:
        bars = [(m, cells[(m, pollutant)].amount_t if (m, pollutant) in cells else None,
                 cells[(m, pollutant)].cou_t if (m, pollutant) in cells else 0.0) for m in months]
        charts.append({"pollutant": pollutant, "svg": mark_safe(bars_svg(bars, factor_name(factor)))})  # noqa: S308
    table = [{"month": m, "cells": [cells.get((m, p)) for p, _ in factors]}
             for m in months if any((m, p) in cells for p, _ in factors)]
    # quality per point / enterprise as one row each, one cell per month of the whole's table
    quality_months = [q.month for q in view.quality]
    by_unit: dict[str, dict[str, Any]] = {}
    for q in view.quality_by:
        by_unit.setdefault(q.key, {"key": q.key, "name": q.name, "months": {}})["months"][q.month] = q
    quality_rows = [{**u, "cells": [u["months"].get(m) for m in quality_months]} for u in by_unit.values()]
    today = timezone.localdate().year
    return render(request, "monitoring/overview.html", {
        "o": view, "factors": factors, "charts": charts, "table": table, "quality_rows": quality_rows,
        "years": list(range(today, today - 6, -1)), "no_rollups_text": _no_rollups(view.quality)})


@login_required
def enterprise_overview(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        view = monitoring_overview.enterprise_overview(actor_from_request(request), pk, _year(request), lang=_lang())
    except NotFound as err:  # outside the scope answers like a missing id
        raise Http404(str(err)) from err
    return _overview_page(request, view)


@login_required
def city_overview(request: HttpRequest, code: str) -> HttpResponse:
    try:
        view = monitoring_overview.city_overview(actor_from_request(request), code, _year(request), lang=_lang())
    except PermissionDenied as err:  # a region code outside the scope: refused (codes are public)
        raise DjangoPermissionDenied(str(err)) from err
    except (NotFound, InvalidRequest) as err:
        raise Http404(str(err)) from err
    return _overview_page(request, view)
