"""Readable labels for codes shown on the monitoring pages: factor names and unit symbols.

Pages store and pass codes (w01018, mg_per_l); people read names (化学需氧量, mg/L). The names come
from the catalogs (HJ 212 factor table, unit catalog) in the active language; an unknown code is
shown as it is rather than hidden.
"""

from __future__ import annotations

import datetime as dt
import math

from django import template
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext, ngettext

from ecer.hj212 import describe_factor
from ecer.web.units import is_english, unit_label

register = template.Library()

# HJ 212 factor units that the ECER unit catalog does not list (it is about energy and statistics):
# code -> (zh, en). "dimensionless" and "pH" print nothing after the number.
FACTOR_UNITS = {"m3_per_s": ("立方米/秒", "m³/s"), "degc": ("℃", "°C"), "dimensionless": ("", ""), "pH": ("", ""),
                "kpa": ("千帕", "kPa"), "m_per_s": ("米/秒", "m/s")}
# Data upload commands (CN) shown on the pages: code -> (zh, en), HJ 212-2017 table 6.
COMMANDS = {"2011": ("实时数据", "real-time data"), "2051": ("分钟数据", "minute data"),
            "2061": ("小时数据", "hourly data"), "2031": ("日数据", "daily data")}


@register.filter
def factor_name(code: str) -> str:
    factor = describe_factor(code)
    if factor is None:
        return code
    return factor.name_en if is_english() else factor.name_zh


@register.filter
def unit_symbol(code: str) -> str:
    return unit_label(code, FACTOR_UNITS)


@register.filter
def cn_name(code: str) -> str:
    names = COMMANDS.get(code)
    return code if names is None else f"{names[is_english()]} ({code})"


@register.filter
def lookup(mapping: dict[str, object], key: str) -> object:
    return mapping.get(key) if mapping else None


@register.filter
def ago(moment: dt.datetime | None) -> str:
    """How long ago, in seconds under a minute (the gateway writes status every few seconds)."""
    if moment is None:
        return ""
    seconds = max(0, int((timezone.now() - moment).total_seconds()))
    if seconds < 60:
        return ngettext("%(n)d second ago", "%(n)d seconds ago", seconds) % {"n": seconds}
    return gettext("%(ago)s ago") % {"ago": timesince(moment)}


@register.filter
def percent(rate: float | None) -> str:
    """0.9734 → 97.3% (one decimal: a rate of 99.96% must not read as 100%); None → —."""
    if rate is None:
        return "—"
    return f"{math.floor(rate * 1000) / 10:.1f}%"


@register.filter
def city_of(region_code: str) -> str:
    """The city (市/州) code of a region code: 510104 → 510100 (a county's city; as the point list's
    city filter and the city page take it)."""
    return f"{str(region_code)[:4]}00"


def latest_as_of_text(as_of: dt.datetime | None, minutes: int) -> str:
    """What period the device page's latest values cover: the roll-up run they come from, and how
    often it runs (the values are as new as that run, the status above is live)."""
    if as_of is None:
        return gettext("No roll-up has run yet: the latest values appear after the first run.")
    when = timezone.localtime(as_of).strftime("%Y-%m-%d %H:%M:%S")
    if not minutes:
        return gettext("Values as of the roll-up run at %(time)s (the roll-ups are not scheduled).") % {"time": when}
    return gettext("Values as of the roll-up run at %(time)s; the roll-ups run every %(minutes)s minutes.") % {
        "time": when, "minutes": minutes}


def no_rollups_text(next_run: object) -> str:
    """The empty state of a page over the roll-ups: when the scheduler's next roll-up comes (an
    `ecer.services.schedule.NextRun`, or None when the roll-ups are not scheduled)."""
    if next_run is None:
        return gettext("No roll-ups yet: the roll-ups are not scheduled (ECER_ROLLUP_INTERVAL_MINUTES is 0); "
                       "run `ecer monitoring rollup`.")
    if getattr(next_run, "running", False):
        return gettext("No roll-ups yet: a roll-up is running now; reload the page in a minute.")
    if getattr(next_run, "waiting_for", ""):
        return gettext("No roll-ups yet: the first scheduled roll-up runs as soon as the loggers' first data "
                       "has arrived.")
    at: dt.datetime = next_run.at  # type: ignore[attr-defined]
    minutes = int(next_run.every.total_seconds() // 60)  # type: ignore[attr-defined]
    return gettext("No roll-ups yet: the next scheduled roll-up runs at %(time)s (every %(minutes)s minutes).") % {
        "time": timezone.localtime(at).strftime("%H:%M"), "minutes": minutes}
