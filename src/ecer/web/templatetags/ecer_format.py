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


@register.filter
def fig(value: float | None) -> str:
    """A computed figure as the CLI prints it: two decimals, three significant digits when small;
    an em dash when there is none."""
    from ecer.accounting.report import format_number

    if value is None:
        return "—"
    return format_number(float(value))


@register.filter
def unit_text(code: str) -> str:
    """The unit of a report figure: % for a reduction (code "pct"), else the catalog unit's name."""
    return "%" if code == "pct" else unit_label(code)


@register.filter
def short_version(text: str) -> str:
    return (text or "")[:12]


@register.filter
def share(value: float | None) -> str:
    """A share as a percentage with one decimal (0.123 → 12.3%); an em dash when there is none."""
    return "—" if value is None else f"{value * 100:.1f}%"


@register.filter
def change(value: float | None) -> str:
    """A relative change with its sign (0.05 → +5.0%); an em dash when there is none."""
    return "—" if value is None else f"{value * 100:+.1f}%"


@register.filter
def tce(value: float | None) -> str:
    """Tonnes of standard coal, whole (12,345); an em dash when there is none."""
    return "—" if value is None else f"{value:,.0f}"
