"""Formatting of target values: numbers without float noise, unit labels in the active language."""

from __future__ import annotations

from django import template

from ecer.web.units import unit_label

register = template.Library()


@register.filter
def number(value: float | None) -> str:
    if value is None:
        return ""
    text = f"{value:,.4f}".rstrip("0").rstrip(".")
    return text or "0"


@register.filter
def unit(code: str) -> str:
    return unit_label(code)


@register.filter
def comparator_symbol(code: str) -> str:
    return {"ge": "≥", "le": "≤", "about": "≈"}.get(code, code)
