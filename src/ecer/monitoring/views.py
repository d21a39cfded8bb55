from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from ecer.monitoring import services


@login_required
def point_list(request: HttpRequest) -> HttpResponse:
    return render(request, "monitoring/point_list.html", {
        "points": services.points_with_devices(),
        "quarantine": services.quarantine()[:20],
    })


@login_required
def device_detail(request: HttpRequest, mn: str) -> HttpResponse:
    device = services.device_by_mn(mn)
    if device is None:
        raise Http404("unknown MN")
    return render(request, "monitoring/device_detail.html", {
        "device": device,
        "point": device.point,
        "status": services.status_of(device),
        "latest": services.latest_values(device),
    })
