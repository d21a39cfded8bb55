"""Readable labels for codes shown on the monitoring pages: factor names and unit symbols.

Pages store and pass codes (w01018, mg_per_l); people read names (化学需氧量, mg/L). The names come
from the catalogs (HJ 212 factor table, unit catalog) in the active language; an unknown code is
shown as it is rather than hidden.
"""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from ecer.catalogs.units import load_units
from ecer.hj212 import describe_factor

register = template.Library()


def _english() -> bool:
    return (get_language() or "zh-hans").startswith("en")


@register.filter
def factor_name(code: str) -> str:
    factor = describe_factor(code)
    if factor is None:
        return code
    return factor.name_en if _english() else factor.name_zh


@register.filter
def unit_symbol(code: str) -> str:
    unit = load_units().get(code)
    if unit is None:
        return code
    return unit.name_en if _english() else unit.name_zh
