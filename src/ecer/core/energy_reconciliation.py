"""Reconciliation of the key energy-using units (issue 11 item 4; docs/energy-budgets.md).

Two comparisons, both pure:

- per unit, the monitored year (online energy monitoring, METHODOLOGY §8) against the year's approved
  annual energy-utilisation report: a relative difference above `report_max_difference` is a
  discrepancy. A monitored year is compared only when it is whole (twelve months) and its meters
  delivered at least `min_completeness` of the expected data; otherwise it is "not comparable" with the
  reason, never a discrepancy (a gap in the data is not a difference in the energy);
- per city, the sum of its key units' year figures against the city's statistical total
  (`energy_total`): the share of the city's energy that key units account for. A share above
  `share_max` (100%: the units cannot use more than the city) or below `share_min` (implausibly low) is
  a finding.

Each finding carries the figures, the threshold and a sentence saying what differs, so a reviewer can
resolve its case with a note.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from ecer.core.energy_checks import EnergyCheckParameters


class FindingKind(StrEnum):
    MONITORED_VS_REPORT = "monitored_vs_report"  # 在线监测与年度报告不符
    SHARE_ABOVE_TOTAL = "share_above_total"  # 重点用能单位合计超过全市统计总量
    SHARE_IMPLAUSIBLY_LOW = "share_implausibly_low"  # 重点用能单位占比过低


class Status(StrEnum):
    AGREES = "agrees"
    DIFFERS = "differs"
    NOT_COMPARABLE = "not_comparable"


@dataclass(frozen=True)
class MonitoredYear:
    """A unit's monitored year: the tce of each month with data and the year's completeness."""

    months: int  # months with data (of 12)
    tce: float
    completeness: float  # received / expected intervals over the year's months with data


@dataclass(frozen=True)
class UnitComparison:
    credit_code: str
    monitored_tce: float | None
    report_tce: float | None
    difference_tce: float | None  # monitored − report
    relative: float | None  # difference / report
    threshold: float
    status: Status
    reason: str
    #: the reason as a code (pages translate it): no_report, bad_report, no_monitoring, partial_year,
    #: incomplete, differs, agrees
    why: str = ""


def compare_unit(credit_code: str, monitored: MonitoredYear | None, report_tce: float | None,
                 params: EnergyCheckParameters) -> UnitComparison:
    """The monitored year against the report's total (same basis, tce)."""
    t = params.report_max_difference

    def not_comparable(why: str, reason: str) -> UnitComparison:
        return UnitComparison(credit_code, monitored.tce if monitored else None, report_tce, None, None, t,
                              Status.NOT_COMPARABLE, reason, why)

    if report_tce is None:
        return not_comparable("no_report", "no approved annual energy-utilisation report for the year")
    if not math.isfinite(report_tce) or report_tce <= 0:
        return not_comparable("bad_report", f"the report's total {report_tce!r} tce is not a positive number")
    if monitored is None or monitored.months == 0:
        return not_comparable("no_monitoring", "no monitored energy for the year")
    if monitored.months < 12:
        return not_comparable("partial_year", f"monitoring covers {monitored.months} of 12 months")
    if monitored.completeness < params.min_completeness:
        return not_comparable("incomplete", f"monitoring delivered {monitored.completeness:.1%} of the expected "
                              f"data (< {params.min_completeness:.0%}, METHODOLOGY §8)")
    diff = monitored.tce - report_tce
    rel = diff / report_tce
    if abs(rel) > t:
        return UnitComparison(credit_code, monitored.tce, report_tce, diff, rel, t, Status.DIFFERS,
                              f"monitored {monitored.tce:,.1f} tce is {rel:+.1%} against the report's "
                              f"{report_tce:,.1f} tce (more than ±{t:.0%})", "differs")
    return UnitComparison(credit_code, monitored.tce, report_tce, diff, rel, t, Status.AGREES,
                          f"within ±{t:.0%} ({rel:+.1%})", "agrees")


@dataclass(frozen=True)
class UnitFigure:
    """A unit's year figure counted in its city's sum, and where it comes from (report, monitoring, register)."""

    credit_code: str
    tce: float
    source: str


@dataclass(frozen=True)
class CityShare:
    region_code: str
    units: int
    units_tce: float
    city_tce: float | None
    share: float | None
    share_min: float
    share_max: float
    status: Status
    kind: FindingKind | None
    reason: str
    #: the reason as a code (pages translate it): no_total, bad_total, no_units, above, low, plausible
    why: str = ""


def city_share(region_code: str, figures: Sequence[UnitFigure], city_tce: float | None,
               params: EnergyCheckParameters) -> CityShare:
    """The key units' share of the city's statistical total; above `share_max` or below `share_min` a finding."""
    total = math.fsum(f.tce for f in figures)
    lo, hi = params.share_min, params.share_max

    def result(share: float | None, status: Status, kind: FindingKind | None, reason: str, why: str) -> CityShare:
        return CityShare(region_code, len(figures), total, city_tce, share, lo, hi, status, kind, reason, why)

    if city_tce is None:
        return result(None, Status.NOT_COMPARABLE, None, "no approved statistical total (energy_total) for the year",
                      "no_total")
    if not math.isfinite(city_tce) or city_tce <= 0:
        return result(None, Status.NOT_COMPARABLE, None, f"the statistical total {city_tce!r} tce is not positive",
                      "bad_total")
    if not figures:
        return result(None, Status.NOT_COMPARABLE, None, "no key energy-using unit with a year figure", "no_units")
    share = total / city_tce
    if share > hi:
        return result(share, Status.DIFFERS, FindingKind.SHARE_ABOVE_TOTAL,
                      f"the key units' {total:,.0f} tce are {share:.1%} of the city's statistical "
                      f"{city_tce:,.0f} tce (above {hi:.0%}: the units cannot use more than the city)", "above")
    if share < lo:
        return result(share, Status.DIFFERS, FindingKind.SHARE_IMPLAUSIBLY_LOW,
                      f"the key units' {total:,.0f} tce are only {share:.1%} of the city's statistical "
                      f"{city_tce:,.0f} tce (below {lo:.0%}: units missing from the register or their figures short)", "low")
    return result(share, Status.AGREES, None, f"{share:.1%} of the city's total (plausible: {lo:.0%}–{hi:.0%})", "plausible")
