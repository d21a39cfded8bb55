"""Unit labels for display, from the units catalog (ecer.catalogs.units)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from django.utils.translation import get_language

from ecer.catalogs.units import load_units

NO_EXTRA_UNITS: Mapping[str, tuple[str, str]] = {}


@cache
def _labels() -> dict[str, tuple[str, str]]:
    return {code: (u.name_zh, u.name_en) for code, u in load_units().items()}


def is_english() -> bool:
    """Is the active language English (else the pages speak Chinese)?"""
    return (get_language() or "").startswith("en")


def unit_label(code: str, extra: Mapping[str, tuple[str, str]] = NO_EXTRA_UNITS) -> str:
    """The unit's name in the active language, from the catalog or else from `extra` (code -> (zh, en));
    an unknown code is shown as the code itself."""
    zh, en = _labels().get(code) or extra.get(code) or (code, code)
    return en if is_english() else zh
