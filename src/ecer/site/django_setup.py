"""Start Django from non-web entry points (the CLI, the gateway, scripts)."""

from __future__ import annotations

import os


def setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ecer.site.settings")
    import django

    django.setup()
