"""Chart data for the pages' ECharts (static/web/charts.js builds the options): plain lists and
labels in the page's language, embedded with `json_script` (no inline script, CSP-safe)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from ecer.web.units import unit_label


def unit_text(code: str) -> str:
    return "%" if code == "pct" else unit_label(code)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def overview_chart(view: Any) -> dict[str, Any]:
    year, target = view.year, view.indicator.code
    regions = [{
        "adcode": c.code, "name": c.name, "level": c.level.code, "label": c.level.label, "colour": c.level.colour,
        "actual": _round(c.actual), "required": _round(c.required), "gap": _round(c.gap),
        "completion": _round(c.completion_pct), "href": reverse("region", args=[c.code]) + f"?year={year}",
        "why": reverse("why", args=[c.code, target, year]),
    } for c in view.cities]
    legend = [{"code": lv.code, "label": lv.label, "colour": lv.colour, "count": n} for lv, n in view.counts]
    return {"map_url": reverse("map-outlines"), "regions": regions, "legend": legend,
            "title": f"{view.indicator.name(_lang())} · {year}", "unit": unit_text(view.cities[0].unit if view.cities
                                                                                    else "pct"),
            "labels": {"actual": _("actual"), "required": _("required"), "gap": _("gap"),
                       "completion": _("completion")}}


def _lang() -> str:
    from ecer.web.units import is_english

    return "en" if is_english() else "zh"


def region_charts(page: Any) -> list[dict[str, Any]]:
    out = []
    for i, panel in enumerate(page.panels):
        fc = panel.forecast or {}
        forecast = None
        if "likely" in fc:
            low, high = (fc.get("interval") or [None, None])
            forecast = {"year": fc.get("target_year"), "likely": fc["likely"], "low": low, "high": high}
        target_year = panel.target.target_year
        out.append({
            "id": f"chart-{i}", "name": panel.name, "unit": unit_text(panel.unit),
            "years": [f.year for f in panel.years],
            "actual": [_round(f.actual) for f in panel.years],
            "required": [_round(f.required) for f in panel.years],
            "target": {"year": target_year, "value": _round(panel.target_value)} if panel.target_value is not None
            else None,
            "forecast": forecast,
            "labels": {"actual": _("actual"), "required": _("required path"), "target": _("target"),
                       "forecast": _("forecast"), "interval": _("forecast interval")},
        })
    return out


def indicator_chart(page: Any) -> dict[str, Any]:
    rows = [c for c in page.regions if c.completion_pct is not None]
    return {
        "names": [c.name for c in rows], "completion": [_round(c.completion_pct) for c in rows],
        "colours": [c.level.colour for c in rows], "levels": [c.level.label for c in rows],
        "hrefs": [reverse("why", args=[c.code, page.target.code, page.year]) for c in rows],
        "label": _("completion"),
    }
