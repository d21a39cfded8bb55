"""Energy-use budgets (用能预算, plan §四(一); docs/energy-budgets.md), pure rules.

- Split: a city's budget for its key units is split to them by a named, versioned rule.
  `pro_rata_base_year` v1: each unit gets the budget × its base-year consumption / the units' sum.
  A unit without a positive base-year figure cannot be split to (named in the error); such a city
  enters the budgets as issued instead (rule `issued`).
- Follow-up: a unit's use from January to the latest month whose monitored figure is complete, against
  the pro-rata budget of the same days (budget × days elapsed / days of the year). The light is the
  barometer's (`ecer.core.barometer`, 901号 variant): green when the use is within the pro-rata budget,
  yellow when above it by at most the threshold (10%) of it, red beyond. No complete month: not assessed.
- Inspection list (节能监察): every unit over its pro-rata budget, and the N fastest-growing units
  (year-to-date use against the same months a year earlier, growth > 0 only).
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ecer.core.barometer import BarometerOptions, Light, lights
from ecer.core.energy_checks import EnergyCheckParameters
from ecer.core.errors import AccountingInputError

RULE_PRO_RATA = "pro_rata_base_year"
RULE_PRO_RATA_VERSION = "1"
RULE_ISSUED = "issued"
RULE_ISSUED_VERSION = "1"
RULES = {RULE_PRO_RATA: RULE_PRO_RATA_VERSION, RULE_ISSUED: RULE_ISSUED_VERSION}


def allocate_pro_rata(total_tce: float, bases: Mapping[str, float | None]) -> dict[str, float]:
    """`pro_rata_base_year` v1: unit → budget (tce); the budgets add up to the total."""
    if not (math.isfinite(total_tce) and total_tce > 0):
        raise AccountingInputError(f"the city's budget must be a positive number of tce, got {total_tce!r}")
    if not bases:
        raise AccountingInputError("no key energy-using unit to split the budget to")
    bad = sorted(code for code, b in bases.items() if b is None or not math.isfinite(b) or b <= 0)
    if bad:
        raise AccountingInputError(f"no positive base-year consumption for {', '.join(bad)}: split pro rata needs "
                                   "one for every unit (or enter the budgets as issued)")
    total_base = math.fsum(b for b in bases.values() if b is not None)
    return {code: total_tce * float(b or 0) / total_base for code, b in bases.items()}


def days_through(year: int, month: int) -> int:
    return (dt.date(year, month, calendar.monthrange(year, month)[1]) - dt.date(year, 1, 1)).days + 1


def pro_rata_budget(budget_tce: float, year: int, month: int) -> float:
    """The part of a year's budget for January 1 through the end of `month` (by days)."""
    return budget_tce * days_through(year, month) / (366 if calendar.isleap(year) else 365)


@dataclass(frozen=True)
class UnitUse:
    """A unit's budget and its monthly monitored use: month (1–12) → (tce, complete?) of the year and
    of the year before."""

    credit_code: str
    budget_tce: float
    months: Mapping[int, tuple[float, bool]]
    previous: Mapping[int, tuple[float, bool]]


@dataclass(frozen=True)
class BudgetStatus:
    credit_code: str
    budget_tce: float
    through_month: int  # 0: no complete month
    used_tce: float
    budget_to_date_tce: float
    used_share: float | None  # used / budget to date
    light: Light
    growth: float | None  # year-to-date against the same months a year earlier
    note: str


def _complete_run(months: Mapping[int, tuple[float, bool]], last: int) -> int:
    k = 0
    while k < last and (k + 1) in months and months[k + 1][1]:
        k += 1
    return k


def budget_statuses(uses: Sequence[UnitUse], year: int, as_of_month: int, params: EnergyCheckParameters,
                    ) -> list[BudgetStatus]:
    """Each unit's use to date against its pro-rata budget, with its light (barometer, 901号 variant)."""
    if not 1 <= as_of_month <= 12:
        raise AccountingInputError(f"as_of_month must be 1–12, got {as_of_month}")
    rows = []
    for u in uses:
        if not (math.isfinite(u.budget_tce) and u.budget_tce > 0):
            raise AccountingInputError(f"{u.credit_code}: budget must be a positive number of tce, got {u.budget_tce!r}")
        k = _complete_run(u.months, as_of_month)
        used = math.fsum(u.months[m][0] for m in range(1, k + 1))
        to_date = pro_rata_budget(u.budget_tce, year, k) if k else 0.0
        growth = None
        if k and all(m in u.previous and u.previous[m][1] for m in range(1, k + 1)):
            before = math.fsum(u.previous[m][0] for m in range(1, k + 1))
            growth = used / before - 1 if before > 0 else None
        missing = [m for m in range(k + 1, as_of_month + 1) if m not in u.months or not u.months[m][1]]
        note = (f"months {', '.join(map(str, missing))} incomplete or missing: followed up to month {k}"
                if missing else "")
        rows.append((u, k, used, to_date, growth, note))
    if not rows:
        return []
    used_a = np.array([r[2] for r in rows])
    to_date_a = np.array([r[3] for r in rows])
    assessed = np.array([r[1] > 0 for r in rows])
    got = lights(used_a <= to_date_a, used_a - to_date_a, to_date_a, np.zeros(len(rows), dtype=bool),
                 BarometerOptions(threshold=params.budget_barometer_threshold), not_assessed=~assessed)
    return [BudgetStatus(u.credit_code, u.budget_tce, k, used, to_date, used / to_date if to_date > 0 else None,
                         Light(int(light)), growth, note)
            for (u, k, used, to_date, growth, note), light in zip(rows, got, strict=True)]


@dataclass(frozen=True)
class InspectionEntry:
    credit_code: str
    over_budget: bool
    growth_rank: int | None  # 1 = fastest growing
    reasons: tuple[str, ...]


def inspection_list(statuses: Sequence[BudgetStatus], params: EnergyCheckParameters) -> list[InspectionEntry]:
    """Units over their pro-rata budget, and the `inspection_top_growth` fastest growing (growth > 0)."""
    growing = sorted((s for s in statuses if s.growth is not None and s.growth > 0),
                     key=lambda s: (-(s.growth or 0.0), s.credit_code))[:params.inspection_top_growth]
    rank = {s.credit_code: i for i, s in enumerate(growing, start=1)}
    out = []
    for s in statuses:
        over = s.light in (Light.YELLOW, Light.RED)
        reasons = []
        if over:
            reasons.append(f"used {s.used_tce:,.0f} tce to month {s.through_month}, "
                           f"{(s.used_share or 0) - 1:+.1%} against the pro-rata budget {s.budget_to_date_tce:,.0f} tce")
        if s.credit_code in rank:
            reasons.append(f"growth {s.growth:+.1%} year on year (rank {rank[s.credit_code]} of the "
                           f"{params.inspection_top_growth} fastest)")
        if reasons:
            out.append(InspectionEntry(s.credit_code, over, rank.get(s.credit_code), tuple(reasons)))
    return sorted(out, key=lambda e: (not e.over_budget, e.growth_rank or 10**6, e.credit_code))
