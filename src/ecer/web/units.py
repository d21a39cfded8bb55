"""Unit labels for display, from the units catalog (ecer.catalogs.units)."""

from __future__ import annotations

from functools import cache

from django.utils.translation import get_language

from ecer.catalogs.units import load_units


@cache
def _labels() -> dict[str, tuple[str, str]]:
    return {code: (u.name_zh, u.name_en) for code, u in load_units().items()}


def unit_label(code: str) -> str:
    """The unit's name in the active language; an unknown code is shown as the code itself."""
    zh, en = _labels().get(code, (code, code))
    return en if (get_language() or "").startswith("en") else zh
