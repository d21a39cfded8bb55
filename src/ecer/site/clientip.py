"""The client's address as the login throttle sees it.

Direct serving (ECER_PROXY_HOPS=0): the socket's peer, REMOTE_ADDR; headers are ignored, since any
client can send X-Forwarded-For. Behind N reverse proxies, each appending the address it saw, the
N-th address from the right of X-Forwarded-For is the one the outermost trusted proxy saw; what a
client wrote further left is ignored. (django-axes' default would trust the header from anyone.)
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    hops = getattr(settings, "ECER_PROXY_HOPS", 0)
    remote = request.META.get("REMOTE_ADDR", "")
    if hops <= 0:
        return remote
    chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(chain) < hops:
        return remote
    candidate = chain[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
