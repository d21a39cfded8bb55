"""Permitted ranges and how a reading is judged against them (pure: no Django).

Rules (issue 7, item 1.5):
- A limit is a range [lower, upper]; `lower` is None for the usual "not above" limit. pH 6–9 is
  violated by 5.2 as well as by 10.4.
- An exceedance (超标) is judged on the hourly average (CN 2061), as discharge permits judge it,
  using the oxygen-corrected value (ZsAvg) where the device sends one. A single real-time reading
  (CN 2011) or minute average (CN 2051) outside the range is "real-time over limit" (实时超限):
  shown, never counted as an exceedance.
"""

from __future__ import annotations

EXCEEDANCE_CN = "2061"  # hourly data: the only series judged for exceedance
JUDGED_FIELDS = ("ZsAvg", "Avg")  # oxygen-corrected value first, where sent


def violates(value: float | None, lower: float | None, upper: float | None) -> bool:
    """True when `value` lies outside [lower, upper] (either bound may be absent)."""
    if value is None:
        return False
    if upper is not None and value > upper:
        return True
    return lower is not None and value < lower


def permitted_range_text(lower: float | None, upper: float | None) -> str:
    if lower is not None and upper is not None:
        return f"{lower}–{upper}"
    if lower is not None:
        return f"≥ {lower}"
    return f"≤ {upper}"


def judgement(cn: str, value: float | None, lower: float | None, upper: float | None) -> str:
    """"exceedance" (hourly average outside the range), "realtime_over" (a real-time or minute value
    outside it) or "" (inside, or no limit)."""
    if not violates(value, lower, upper):
        return ""
    return "exceedance" if cn == EXCEEDANCE_CN else "realtime_over"
