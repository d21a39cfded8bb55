"""A small inline SVG trend (no script, no CDN): a series with its permitted band and flagged points.

Used until the pages move to the ECharts set-up of the dashboards; the SVG holds only numbers that
this module formats, so it is safe to emit as markup.
"""

from __future__ import annotations

import datetime as dt
from html import escape

WIDTH, HEIGHT, PAD = 720, 220, 36


def trend_svg(points: list[tuple[dt.datetime, float | None, bool]], lower: float | None, upper: float | None,
              label: str) -> str:
    """`points`: (time, value, flagged); flagged points (invalid readings in the hour) are drawn as red dots."""
    values = [v for _, v, _ in points if v is not None]
    if not values:
        return ""
    lo = min([*values, *(b for b in (lower, upper) if b is not None)])
    hi = max([*values, *(b for b in (lower, upper) if b is not None)])
    hi = hi if hi > lo else lo + 1
    t0, t1 = points[0][0], points[-1][0]
    span = max((t1 - t0).total_seconds(), 1.0)

    def x(t: dt.datetime) -> float:
        return PAD + (WIDTH - 2 * PAD) * (t - t0).total_seconds() / span

    def y(v: float) -> float:
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * (v - lo) / (hi - lo)

    parts = [f'<svg class="trend" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
             f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">']
    if upper is not None:
        top, bottom = y(upper), y(lower) if lower is not None else HEIGHT - PAD
        parts.append(f'<rect x="{PAD}" y="{top:.1f}" width="{WIDTH - 2 * PAD}" height="{bottom - top:.1f}" '
                     'fill="#e3f4e8" />')
        parts.append(f'<text x="{WIDTH - PAD + 2}" y="{top + 4:.1f}" font-size="11">{upper:g}</text>')
        if lower is not None:
            parts.append(f'<text x="{WIDTH - PAD + 2}" y="{bottom + 4:.1f}" font-size="11">{lower:g}</text>')
    line = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v, _ in points if v is not None)
    parts.append(f'<polyline points="{line}" fill="none" stroke="#1f5fa8" stroke-width="1.5" />')
    for t, v, flagged in points:
        if v is not None and (flagged or (upper is not None and v > upper) or (lower is not None and v < lower)):
            parts.append(f'<circle cx="{x(t):.1f}" cy="{y(v):.1f}" r="3" fill="#a8261b" />')
    parts.append(f'<text x="{PAD}" y="{HEIGHT - 8}" font-size="11">{t0:%m-%d %H:%M}</text>')
    parts.append(f'<text x="{WIDTH - PAD}" y="{HEIGHT - 8}" font-size="11" text-anchor="end">{t1:%m-%d %H:%M}</text>')
    parts.append(f'<text x="4" y="{PAD - 8}" font-size="11">{hi:g}</text><text x="4" y="{HEIGHT - PAD}" '
                 f'font-size="11">{lo:g}</text></svg>')
    return "".join(parts)


BAR_WIDTH, BAR_HEIGHT, BAR_PAD = 340, 150, 28
COU_FILL, COMPUTED_FILL = "#1f5fa8", "#9cc0e8"


def bars_svg(bars: list[tuple[str, float | None, float]], label: str, unit: str = "t") -> str:
    """A small monthly bar chart of one pollutant: `bars` are (month YYYY-MM, amount or None, the part
    of it from Cou). Each bar is stacked: the Cou part dark, the concentration × flow part light.
    One chart per pollutant (small multiples): COD and NH3-N differ by two orders of magnitude and
    would not read on one axis."""
    values = [v for _, v, _ in bars if v is not None]
    if not bars or not values:
        return ""
    top = max(values) or 1.0
    slot = (BAR_WIDTH - 2 * BAR_PAD) / len(bars)
    base = BAR_HEIGHT - BAR_PAD
    scale = (base - 24) / top
    parts = [f'<svg class="bars" viewBox="0 0 {BAR_WIDTH} {BAR_HEIGHT}" width="100%" role="img" '
             f'aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">',
             f'<text x="{BAR_PAD}" y="14" font-size="12" font-weight="600">{escape(label)}</text>',
             f'<text x="{BAR_WIDTH - BAR_PAD}" y="14" font-size="11" text-anchor="end">≤ {top:.4g} {escape(unit)}</text>',
             f'<line x1="{BAR_PAD}" y1="{base}" x2="{BAR_WIDTH - BAR_PAD}" y2="{base}" stroke="#9aa5b1" />']
    for i, (month, value, cou) in enumerate(bars):
        x, w = BAR_PAD + i * slot + slot * 0.15, slot * 0.7
        if value is not None and value > 0:
            cou = min(max(cou, 0.0), value)
            h_all, h_cou = value * scale, cou * scale
            parts.append(f'<g><title>{escape(month)}: {value:.4f} {escape(unit)} (Cou {cou:.4f})</title>'
                         f'<rect x="{x:.1f}" y="{base - h_all:.1f}" width="{w:.1f}" height="{h_all - h_cou:.1f}" '
                         f'fill="{COMPUTED_FILL}" />'
                         f'<rect x="{x:.1f}" y="{base - h_cou:.1f}" width="{w:.1f}" height="{h_cou:.1f}" '
                         f'fill="{COU_FILL}" /></g>')
        parts.append(f'<text x="{x + w / 2:.1f}" y="{base + 14}" font-size="10" text-anchor="middle">'
                     f'{escape(month[-2:])}</text>')
    parts.append("</svg>")
    return "".join(parts)
