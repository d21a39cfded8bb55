from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from ecer.monitoring import services


@login_required
def point_list(request: HttpRequest) -> HttpResponse:
    points = services.points_with_devices()
    return render(request, "monitoring/point_list.html", {
        "points": points,
        "overview": services.overview(points),
        "exceedances": services.exceedance_counts(points),
        "window_hours": services.EXCEEDANCE_WINDOW_HOURS,
        "quarantine": services.quarantine()[:20],
    })


@login_required
def device_detail(request: HttpRequest, mn: str) -> HttpResponse:
    device = services.device_by_mn(mn)
    if device is None:
        raise Http404("unknown MN")
    status = services.status_of(device)
    return render(request, "monitoring/device_detail.html", {
        "device": device,
        "point": device.point,
        "status": status,
        "events": services.recent_events(status),
        "latest": services.latest_by_factor(device),
        "exceedances": services.recent_exceedances(device),
        "window_hours": services.EXCEEDANCE_WINDOW_HOURS,
    })
