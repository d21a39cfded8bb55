"""Use case: a key energy-using unit's monitored energy — monthly tce on both bases (each figure with its
factor and source), the quality figures of METHODOLOGY §8 per month, and its metering points. The
figures come from the points' stored daily roll-up (`EnergyDay`: Σ consumption and received intervals
per local date, kept by each upload in its own transaction) through `ecer.core.energy_rollup` and
`ecer.core.energy_quality`; nothing is computed here that those do not define. A year is read as
365 rows a point, not its 35,040 intervals (docs/performance.md, "Energy monitoring").

Scope: as the register (`energy_register.find_unit`): a unit outside it is "not found".

Coal-equivalent basis (等价值) of electricity needs the year's coal rate of thermal power supply:
from `energy_factors.csv`, or configured (`ECER_COAL_RATES`). A year with neither gets the calorific
figures only and says why (never a guessed rate).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ecer.core.energy import ElectricityBasis
from ecer.core.energy_quality import QualityRules, completeness_of, daily_vs_monthly, expected_intervals
from ecer.core.energy_rollup import QuantityKey, energy_of_quantities, month_of
from ecer.core.energy_units import BASES
from ecer.core.meters import CHINA_TZ
from ecer.services.actor import Actor

CALORIFIC, COAL_EQUIVALENT = ElectricityBasis.CALORIFIC, ElectricityBasis.COAL_EQUIVALENT


@dataclass(frozen=True)
class FigureRow:
    energy_type: str
    energy_name: str
    quantity: float
    unit: str
    calorific_tce: float
    coal_equivalent_tce: float | None
    calorific_factor: str  # value, unit, status and source
    coal_equivalent_factor: str | None


@dataclass(frozen=True)
class MonthRow:
    month: str  # YYYY-MM
    calorific_tce: float
    coal_equivalent_tce: float | None
    figures: list[FigureRow]
    received: int
    expected: int
    completeness: float
    completeness_threshold: float
    completeness_passed: bool
    daily_sum_tce: float  # Σ of the days' tce (calorific), against the month's
    daily_monthly_deviation: float | None
    daily_monthly_threshold: float
    daily_monthly_passed: bool


@dataclass(frozen=True)
class PointRow:
    code: str
    name: str
    energy_type: str
    energy_name: str
    unit: str
    kind: str
    interval_minutes: int
    readings: int
    last_reading_at: dt.datetime | None


@dataclass(frozen=True)
class UnitEnergy:
    credit_code: str
    name: str
    year: int
    points: list[PointRow]
    months: list[MonthRow]
    coal_equivalent_note: str | None  # why the coal-equivalent figures are missing, if they are

    @property
    def year_calorific_tce(self) -> float:
        return math.fsum(m.calorific_tce for m in self.months)

    @property
    def year_coal_equivalent_tce(self) -> float | None:
        if any(m.coal_equivalent_tce is None for m in self.months):
            return None
        return math.fsum(m.coal_equivalent_tce or 0.0 for m in self.months)


def _factor_text(f: Any) -> str:
    year = f", {f.factor.year}" if f.factor.year is not None else ""
    # the conversion to the factor's base unit when it is not 1 (t → kg; steam: its declared enthalpy in MJ/t)
    base = f"{f.base_per_unit:g} {f.factor.base_unit}/{f.unit} × " if f.base_per_unit != 1 else ""
    return (f"{base}{f.factor.kgce_per_base_unit:g} kgce/{f.factor.base_unit} ({f.factor.status}{year}): "
            f"{f.factor.source}")


def factor_tables(year: int) -> tuple[dict[int, Any], tuple[ElectricityBasis, ...], str | None]:
    """The year's factor table, the bases it can give and, when the coal-equivalent one is missing, why."""
    from ecer.catalogs.energy_units import factor_table
    from ecer.config import coal_rates
    from ecer.core.energy import ELECTRICITY

    table = factor_table(year, coal_equivalent_overrides=coal_rates())
    missing = table.missing.get((ELECTRICITY, COAL_EQUIVALENT))
    if missing is None:
        return {year: table}, BASES, None
    return {year: table}, (CALORIFIC,), (f"{missing} (or set ECER_COAL_RATES, e.g. {year}:0.30, with its source "
                                         "in the deployment's records)")


@dataclass
class _Year:
    """A unit's stored daily roll-up (`EnergyDay`) of one year: quantities per (enterprise, date, energy
    type, unit, enthalpy), received intervals per date, and the points with data in the year."""

    days: dict[QuantityKey, float]
    received: dict[dt.date, int]
    with_data: set[int]


def _year(code: str, points: list[Any], year: int) -> _Year:
    from ecer.energy.models import EnergyDay

    by_id = {p.pk: p for p in points}
    parts: dict[QuantityKey, list[float]] = defaultdict(list)
    received: dict[dt.date, int] = defaultdict(int)
    with_data: set[int] = set()
    for point_id, day, quantity, n_received in (EnergyDay.objects.filter(
            point__in=points, local_date__gte=dt.date(year, 1, 1), local_date__lt=dt.date(year + 1, 1, 1),
            intervals__gt=0).values_list("point_id", "local_date", "quantity", "received")):
        p = by_id[point_id]
        parts[(code, day.isoformat(), p.energy_type, p.unit, p.enthalpy_gj_per_t)].append(quantity)
        received[day] += n_received
        with_data.add(point_id)
    return _Year({k: math.fsum(v) for k, v in parts.items()}, received, with_data)


def _month_row(month: str, period: Any, days: list[Any], year_data: _Year, intervals: list[dt.timedelta],
               rules: QualityRules, names: dict[str, str], today: dt.date) -> MonthRow:
    y, m = int(month[:4]), int(month[5:])
    first = dt.date(y, m, 1)
    # the current month is expected up to yesterday: today's intervals are still coming in
    after = min(dt.date(y + (m == 12), m % 12 + 1, 1), max(first, today))
    has_coal = period is not None and any(f.basis is COAL_EQUIVALENT for f in period.figures)
    figures = []
    for f in (period.figures if period else ()):
        if f.basis is not CALORIFIC:
            continue
        other = next((g for g in period.figures if g.basis is COAL_EQUIVALENT and g.energy_type == f.energy_type
                      and g.unit == f.unit), None)
        figures.append(FigureRow(f.energy_type, names.get(f.energy_type, f.energy_type), f.quantity, f.unit, f.tce, other.tce if other else None,
                                 _factor_text(f), _factor_text(other) if other else None))
    received = sum(n for day, n in year_data.received.items() if first <= day < after)
    expected = sum(expected_intervals(step, first, after) for step in intervals)
    share = completeness_of(received, expected, first, after, rules)
    calorific = period.tce(CALORIFIC) if period else 0.0
    check = daily_vs_monthly([d.tce(CALORIFIC) for d in days], calorific, rules)
    return MonthRow(month, calorific, period.tce(COAL_EQUIVALENT) if has_coal else None, figures, share.received,
                    share.expected, share.share, share.threshold, share.passed, check.daily_sum, check.deviation,
                    check.threshold, check.passed)


def energy_names(lang: str) -> dict[str, str]:
    from ecer.catalogs.factors import load_energy_factors
    from ecer.core.energy import ELECTRICITY

    # electricity's rows are named per basis (电力(当量值), 电力(等价值)); a quantity of it is neither
    names = {f.code: f.name_en if lang == "en" else f.name_zh for f in load_energy_factors()}
    names[ELECTRICITY] = names[ELECTRICITY].split("(")[0].strip()
    return names


def unit_energy(credit_code: str, *, actor: Actor, year: int | None = None, lang: str = "zh") -> UnitEnergy:
    """The unit's monitored energy per month of `year` (default: this year), with quality figures."""
    from django.db.models import Sum
    from django.utils import timezone

    from ecer.catalogs.energy_units import load_unit_fits
    from ecer.energy.models import EnergyDay, MeterReading
    from ecer.services.energy_register import find_unit

    unit = find_unit(credit_code, actor=actor)
    year = year or timezone.now().astimezone(CHINA_TZ).year
    code = unit.enterprise.credit_code
    points = list(unit.metering_points.all())
    # the readings stored per point from the roll-up (a Count over the readings table costs a scan of them),
    # the last one by the (point, at) index
    counts = dict(EnergyDay.objects.filter(point__in=points).values("point_id").annotate(n=Sum("readings"))
                  .values_list("point_id", "n"))
    names = energy_names(lang)
    rows = [PointRow(p.code, p.name, p.energy_type, names.get(p.energy_type, p.energy_type), p.unit, p.kind,
                     p.interval_minutes, int(counts.get(p.pk) or 0),
                     MeterReading.objects.filter(point=p).order_by("-at").values_list("at", flat=True).first())
            for p in points]
    # the stored daily roll-up (EnergyDay, kept by each upload), not the year's intervals: 365 rows a point
    year_data = _year(code, points, year)
    # a retired (inactive) point counts where it has data of the year; otherwise it is not expected to report
    intervals = [dt.timedelta(minutes=p.interval_minutes) for p in points if p.active or p.pk in year_data.with_data]
    tables, bases, note = factor_tables(year)
    fits = load_unit_fits()
    months = {p.period: p for p in energy_of_quantities(month_of(year_data.days), fits, tables, bases=bases)}
    days = energy_of_quantities(year_data.days, fits, tables, bases=bases)
    now = timezone.now().astimezone(CHINA_TZ)
    last_month = 12 if year < now.year else now.month
    rules = QualityRules()
    # from the first month with data on: before it the points were not yet connected (no commissioning
    # date is declared), after it a month without data is a month of missing data (completeness 0)
    first = min((int(k[5:]) for k in months), default=last_month + 1)
    month_rows = []
    for m in range(first, last_month + 1):
        key = f"{year:04d}-{m:02d}"
        month_rows.append(_month_row(key, months.get(key), [d for d in days if d.period.startswith(key)], year_data,
                                     intervals, rules, names, now.date()))
    return UnitEnergy(code, unit.enterprise.name, year, rows, month_rows,
                      note if any(p.energy_type == "electricity" for p in points) else None)


def seed_demo_metering_points() -> int:
    """The illustrative metering points (示例; ecer/demo/data/key-energy-metering-points.csv) of the demo
    register's units, each checked like an admin entry (`full_clean`). Idempotent; returns how many are new."""
    import csv
    from importlib import resources

    from django.db import transaction

    from ecer.energy.models import KeyEnergyUnit, MeteringPoint

    path = resources.files("ecer.demo").joinpath("data", "key-energy-metering-points.csv")
    created = 0
    with transaction.atomic():
        for row in csv.DictReader(path.read_text(encoding="utf-8").splitlines()):
            unit = KeyEnergyUnit.objects.filter(enterprise__credit_code=row["credit_code"]).first()
            if unit is None or unit.metering_points.filter(code=row["code"]).exists():
                continue
            point = MeteringPoint(energy_unit=unit, code=row["code"], name=row["name"],
                                  energy_type=row["energy_type"], unit=row["unit"], kind=row["kind"],
                                  interval_minutes=int(row["interval_minutes"]),
                                  rollover_value=float(row["rollover_value"]) if row["rollover_value"] else None,
                                  enthalpy_gj_per_t=float(row["enthalpy_gj_per_t"]) if row["enthalpy_gj_per_t"]
                                  else None)
            point.full_clean()
            point.save()
            created += 1
    return created


@dataclass(frozen=True)
class SimulatedUnit:
    """What the meter simulator needs of a registered unit: its points and an upload token made for it."""

    credit_code: str
    annual_energy_tce: float | None
    token: str
    token_id: int
    points: list[dict[str, Any]]


def simulator_units(*, actor: Actor, credit_codes: list[str] | None = None) -> list[SimulatedUnit]:
    """The units connected to online monitoring with active metering points (those the actor manages), each
    with a new upload token named 'meter simulator' (audited like any; revoke with `revoke_simulator_tokens`)."""
    from ecer.energy.models import KeyEnergyUnit
    from ecer.services.energy_tokens import create_upload_token

    units = KeyEnergyUnit.objects.select_related("enterprise").filter(online_monitoring=True,
                                                                     metering_points__active=True).distinct()
    if credit_codes:
        units = units.filter(enterprise__credit_code__in=credit_codes)
    found = []
    for unit in units.order_by("enterprise__credit_code"):
        points = [{"code": p.code, "energy_type": p.energy_type, "unit": p.unit, "kind": p.kind,
                   "interval_minutes": p.interval_minutes, "rollover_value": p.rollover_value,
                   "enthalpy_gj_per_t": p.enthalpy_gj_per_t}
                  for p in unit.metering_points.filter(active=True).order_by("code")]
        made = create_upload_token(unit.enterprise.credit_code, actor=actor, name="meter simulator")
        found.append(SimulatedUnit(unit.enterprise.credit_code, unit.annual_energy_tce, made.token, made.info.id,
                                   points))
    return found


def revoke_simulator_tokens(units: list[SimulatedUnit], *, actor: Actor) -> None:
    from ecer.services.energy_tokens import revoke_upload_token

    for unit in units:
        revoke_upload_token(unit.token_id, actor=actor)
