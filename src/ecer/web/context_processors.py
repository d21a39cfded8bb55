"""Template context shared by every page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from ecer.masterdata.models import Observation


def ecer(request: HttpRequest) -> dict[str, Any]:
    # The banner is shown on every page as long as any illustrative (made-up) data is in the database,
    # so that no screenshot of the demo can be mistaken for official statistics.
    return {"illustrative_data": Observation.objects.filter(is_illustrative=True).exists()}
