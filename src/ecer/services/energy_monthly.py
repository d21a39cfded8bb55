"""Use case: the stored monthly energy of each key energy-using unit (`MonthlyEnergy`), which the
budgets and the reconciliation read (docs/energy-budgets.md).

`refresh_monthly_energy` rolls the stored interval consumption of a year up to months through
`energy_monitoring.unit_energy` (the unit page's own figures: tce on both bases and completeness per
METHODOLOGY §8) and stores them, so the budget and reconciliation pages read twelve rows per unit
instead of a year of 15-minute intervals. `ecer energy monthly --year` runs it; it is idempotent.

The demo seeds illustrative months instead (示例, `seed_demo_monthly_energy`): no meter has sent a
year of data in a fresh demo. A unit's monitored month replaces its illustrative one.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

from ecer.services.actor import Actor, Role, require_role

MONITORING, ILLUSTRATIVE = "monitoring", "illustrative"
REFRESHERS = (Role.PROVINCE_ADMIN, Role.CITY_OPERATOR)


@dataclass(frozen=True)
class Month:
    month: int
    calorific_tce: float
    coal_equivalent_tce: float | None
    completeness: float
    source: str


def refresh_monthly_energy(year: int, *, actor: Actor, credit_codes: list[str] | None = None) -> int:
    """Store the monitored months of `year` of the units connected to online monitoring in the actor's
    scope (optionally only `credit_codes`); returns how many months were written."""
    from django.db import transaction

    from ecer.energy.models import MonthlyEnergy
    from ecer.services.energy_monitoring import unit_energy
    from ecer.services.energy_register import _scoped

    require_role(actor, *REFRESHERS)
    units = _scoped(actor).filter(online_monitoring=True)
    if credit_codes:
        units = units.filter(enterprise__credit_code__in=[c.strip().upper() for c in credit_codes])
    written = 0
    for unit in units:
        energy = unit_energy(unit.enterprise.credit_code, actor=actor, year=year)
        with transaction.atomic():
            for m in energy.months:
                if m.expected == 0 and m.received == 0:
                    continue
                MonthlyEnergy.objects.update_or_create(
                    energy_unit=unit, month=dt.date(year, int(m.month[5:]), 1),
                    defaults={"calorific_tce": m.calorific_tce, "coal_equivalent_tce": m.coal_equivalent_tce,
                              "completeness": m.completeness, "source": MONITORING})
                written += 1
    return written


def months_of(unit_ids: list[int], year: int) -> dict[int, dict[int, Month]]:
    """unit id → month (1–12) → its stored figure, for `year`."""
    from ecer.energy.models import MonthlyEnergy

    out: dict[int, dict[int, Month]] = {}
    for row in MonthlyEnergy.objects.filter(energy_unit_id__in=unit_ids, month__year=year):
        out.setdefault(row.energy_unit_id, {})[row.month.month] = Month(
            row.month.month, row.calorific_tce, row.coal_equivalent_tce, row.completeness, row.source)
    return out


def year_total(months: dict[int, Month], basis: str = "calorific") -> tuple[int, float | None, float]:
    """(months with data, the year's tce on `basis` or None when a month lacks it, mean completeness)."""
    if not months:
        return 0, None, 0.0
    values = [m.calorific_tce if basis == "calorific" else m.coal_equivalent_tce for m in months.values()]
    total = None if any(v is None for v in values) else math.fsum(v or 0.0 for v in values)
    return len(months), total, math.fsum(m.completeness for m in months.values()) / 12


# --- illustrative demo months (示例) ----------------------------------------------------------------

#: Monthly profile of a year's use (示例: heavier in winter and in summer's cooling peak), sums to 12.
PROFILE = (1.06, 0.92, 1.02, 0.98, 1.00, 1.02, 1.05, 1.06, 0.99, 0.98, 0.94, 0.98)
#: Illustrative year-on-year change of each demo unit's use (示例). Planted for the budgets (2026):
#: 眉山铝业 +15% (over budget, red), 乐山多晶硅 +6% (over budget, yellow), 达州化工 +1% (third fastest).
DEMO_GROWTH = {"91510700MADEM0002X": -0.03, "91511500MADEM00033": -0.01, "91510400MADEM0004L": 0.0,
               "91510800MADEM0005C": -0.02, "91511700MADEM0006N": 0.01, "91511100MADEM0007T": 0.06,
               "91511400MADEM0011Q": 0.15, "91513400MADEM0012L": -0.01}
#: Planted for the reconciliation (2024, 示例): monitored against the annual report.
#: 攀枝花钢铁 monitored +9% above its report, 凉山冶炼 −7% below; 广元水泥's meters sent nothing in
#: Feb–Mar (not comparable: never a discrepancy); every other unit within ±2% of its report.
DEMO_REPORT_OFFSET = {"91510400MADEM0004L": 0.09, "91513400MADEM0012L": -0.07, "91510700MADEM0002X": 0.012,
                      "91511500MADEM00033": -0.015, "91511700MADEM0006N": 0.004, "91511100MADEM0007T": -0.008,
                      "91511400MADEM0011Q": 0.018, "91510800MADEM0005C": 0.0}
DEMO_MISSING_MONTHS = {"91510800MADEM0005C": (2024, (2, 3))}
DEMO_YEARS = (2024, 2025, 2026)
#: coal-equivalent over calorific of the demo units' mix (示例: electricity's share lifts it)
DEMO_COAL_EQUIVALENT_RATIO = 1.18


def demo_report_total(credit_code: str, annual_tce: float) -> float:
    """The 2024 annual-report total of a demo unit (示例): the register's annual figure."""
    return float(annual_tce)


def demo_months(credit_code: str, annual_tce: float, today: dt.date) -> dict[int, dict[int, float]]:
    """year → month → calorific tce of a demo unit (示例), through the month before `today`."""
    out: dict[int, dict[int, float]] = {}
    growth = DEMO_GROWTH.get(credit_code, 0.0)
    level = {2024: annual_tce * (1 + DEMO_REPORT_OFFSET.get(credit_code, 0.0))}
    level[2025] = annual_tce
    level[2026] = annual_tce * (1 + growth)
    missing_year, missing = DEMO_MISSING_MONTHS.get(credit_code, (0, ()))
    for year in DEMO_YEARS:
        months = {}
        for m in range(1, 13):
            if dt.date(year, m, 1) >= dt.date(today.year, today.month, 1):
                break
            if year == missing_year and m in missing:
                continue
            months[m] = round(level[year] * PROFILE[m - 1] / 12, 1)
        out[year] = months
    return out


def seed_demo_monthly_energy(today: dt.date | None = None) -> int:
    """Illustrative months (示例) of the demo register's units connected to monitoring, 2024 through last
    month; never over a monitored month. Idempotent; returns how many months are new."""
    from django.db import transaction
    from django.utils import timezone

    from ecer.energy.models import KeyEnergyUnit, MonthlyEnergy

    today = today or timezone.localdate()
    created = 0
    with transaction.atomic():
        for unit in KeyEnergyUnit.objects.select_related("enterprise").filter(
                online_monitoring=True, enterprise__credit_code__in=list(DEMO_GROWTH)):
            for year, months in demo_months(unit.enterprise.credit_code, unit.annual_energy_tce or 0.0,
                                            today).items():
                for m, tce in months.items():
                    _, new = MonthlyEnergy.objects.get_or_create(
                        energy_unit=unit, month=dt.date(year, m, 1),
                        defaults={"calorific_tce": tce, "coal_equivalent_tce": round(tce * DEMO_COAL_EQUIVALENT_RATIO, 1),
                                  "completeness": 1.0, "source": ILLUSTRATIVE})
                    created += new
    return created


def unit_city(region_code: str) -> str:
    """The 市(州) of a GB/T 2260 region code (its first four digits)."""
    return region_code[:4] + "00"


def scoped_units(actor: Actor) -> Any:
    from ecer.services.energy_register import _scoped

    return _scoped(actor)


def report_total(unit: Any, year: int, basis: str = "calorific") -> float | None:
    """The total (tce, `basis` calorific or coal_equivalent) of the unit's latest approved annual
    energy-utilisation report of `year` (`energy_reports.approved_report_total`), or None. The caller
    has applied the scope (it passes only units the actor may see)."""
    from ecer.services.energy_reports import approved_report_total

    total = approved_report_total(unit, year)
    if total is None:
        return None
    return total.calorific_tce if basis == "calorific" else total.coal_equivalent_tce
