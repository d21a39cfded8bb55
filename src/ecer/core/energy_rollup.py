"""Daily and monthly energy per enterprise in tce, from its metering points' interval consumption.

Day boundary: an interval belongs to the China-local date on which it **starts** (`MeterRules.local_tz`,
Asia/Shanghai). The interval 23:45–24:00 is that day's last; the reading stamped 00:00 closes it. A
month is the calendar month of those dates. Each period's quantities are summed per energy type and
unit in physical units first (math.fsum), then converted once with the factors of the period's year,
on both bases; since conversion is linear, a month equals the sum of its days.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ecer.core.energy import ElectricityBasis
from ecer.core.energy_units import (
    BASES,
    ConversionError,
    ConversionProblem,
    FactorTable,
    TceFigure,
    UnitFit,
    to_tce,
)
from ecer.core.meters import CHINA_TZ, IntervalConsumption, IntervalSource, MeterConsumption

QuantityKey = tuple[str, str, str, str, float | None]  # enterprise, period, energy type, unit, enthalpy
_Key = QuantityKey


@dataclass(frozen=True)
class EnterpriseMeter:
    """One metering point's converted batch, and the enterprise (credit code) it belongs to."""

    enterprise: str
    consumption: MeterConsumption


@dataclass(frozen=True)
class PeriodEnergy:
    """An enterprise's energy in one period ('YYYY-MM-DD' or 'YYYY-MM'): per energy type and unit, on both
    bases, each figure with its factor and source."""

    enterprise: str
    period: str
    figures: tuple[TceFigure, ...]

    def tce(self, basis: ElectricityBasis) -> float:
        return math.fsum(f.tce for f in self.figures if f.basis is basis)


def local_date(interval: IntervalConsumption, tz: dt.tzinfo = CHINA_TZ) -> dt.date:
    """The date an interval counts on: the local date of its start."""
    return interval.start.astimezone(tz).date()


@dataclass(frozen=True)
class DayTotal:
    """One point's share of one local date in a batch: Σ consumption (point's unit), intervals, spread
    intervals, readings closing an interval that starts that date (completeness counts these), and
    all readings stored, counted on the same date (the first reading of a cumulative meter closes none)."""

    quantity: float
    intervals: int
    spread: int
    received: int
    readings: int = 0


def day_totals(consumption: MeterConsumption, readings_at: Iterable[dt.datetime] = (),
               tz: dt.tzinfo = CHINA_TZ) -> dict[dt.date, DayTotal]:
    """A converted batch summed per local date: what a stored daily roll-up adds for it. Since the
    batches of a point never share an interval or a reading, the totals of its batches add up."""
    values: dict[dt.date, list[float]] = defaultdict(list)
    spread: dict[dt.date, int] = defaultdict(int)
    received: dict[dt.date, int] = defaultdict(int)
    for interval in consumption.intervals:
        day = local_date(interval, tz)
        values[day].append(interval.value)
        spread[day] += interval.source is IntervalSource.SPREAD
    step = consumption.declaration.interval
    for at in set(consumption.read_at):
        received[(at - step).astimezone(tz).date()] += 1
    readings: dict[dt.date, int] = defaultdict(int)
    for at in set(readings_at):
        readings[(at - step).astimezone(tz).date()] += 1
    return {day: DayTotal(math.fsum(values.get(day, ())), len(values.get(day, ())), spread.get(day, 0),
                          received.get(day, 0), readings.get(day, 0))
            for day in sorted(set(values) | set(received) | set(readings))}


def _period(day: dt.date, monthly: bool) -> str:
    return f"{day.year:04d}-{day.month:02d}" if monthly else day.isoformat()


def _sums(meters: Iterable[EnterpriseMeter], monthly: bool, tz: dt.tzinfo) -> dict[_Key, list[float]]:
    sums: dict[_Key, list[float]] = defaultdict(list)
    for meter in meters:
        d = meter.consumption.declaration
        for interval in meter.consumption.intervals:
            key = (meter.enterprise, _period(local_date(interval, tz), monthly), d.energy_type, d.unit,
                   d.enthalpy_gj_per_t)
            sums[key].append(interval.value)
    return sums


def energy_of_quantities(quantities: Mapping[QuantityKey, float], fits: Mapping[tuple[str, str], UnitFit],
                         tables: Mapping[int, FactorTable], *,
                         bases: Sequence[ElectricityBasis] = BASES) -> tuple[PeriodEnergy, ...]:
    """Each (enterprise, period)'s energy from physical quantities already summed per (enterprise, period,
    energy type, unit, enthalpy): what a stored daily roll-up gives (`month_of` makes its days a month).
    The same conversion as `daily_energy`/`monthly_energy`, sorted the same way."""
    figures: dict[tuple[str, str], list[TceFigure]] = defaultdict(list)
    for (enterprise, period, energy_type, unit, enthalpy), quantity in sorted(
            quantities.items(), key=lambda item: (*item[0][:4], item[0][4] or 0.0)):
        year = int(period[:4])
        if year not in tables:
            raise ConversionError(ConversionProblem("year", str(year), f"a factor table for {year} "
                                                    f"(given: {', '.join(map(str, sorted(tables))) or 'none'})"))
        figures[(enterprise, period)] += [to_tce(energy_type, quantity, unit, basis, fits, tables[year],
                                                 enthalpy_gj_per_t=enthalpy) for basis in bases]
    return tuple(PeriodEnergy(e, p, tuple(f)) for (e, p), f in sorted(figures.items()))


def month_of(quantities: Mapping[QuantityKey, float]) -> dict[QuantityKey, float]:
    """Daily quantities ('YYYY-MM-DD' periods) summed to their calendar months (math.fsum)."""
    parts: dict[QuantityKey, list[float]] = defaultdict(list)
    for (enterprise, period, energy_type, unit, enthalpy), quantity in quantities.items():
        parts[(enterprise, period[:7], energy_type, unit, enthalpy)].append(quantity)
    return {key: math.fsum(values) for key, values in parts.items()}


def _energy(meters: Iterable[EnterpriseMeter], fits: Mapping[tuple[str, str], UnitFit],
            tables: Mapping[int, FactorTable], monthly: bool, tz: dt.tzinfo,
            bases: Sequence[ElectricityBasis]) -> tuple[PeriodEnergy, ...]:
    quantities = {key: math.fsum(values) for key, values in _sums(meters, monthly, tz).items()}
    return energy_of_quantities(quantities, fits, tables, bases=bases)


def daily_energy(meters: Iterable[EnterpriseMeter], fits: Mapping[tuple[str, str], UnitFit],
                 tables: Mapping[int, FactorTable], *, tz: dt.tzinfo = CHINA_TZ,
                 bases: Sequence[ElectricityBasis] = BASES) -> tuple[PeriodEnergy, ...]:
    """Each enterprise's energy per local date, sorted by enterprise and date. `tables` maps a year to
    its factors (`ecer.catalogs.energy_units.factor_table`); raises ConversionError naming the field.
    `bases`: both by default; only the calorific one where a year has no coal rate configured (the
    caller then says so instead of guessing one)."""
    return _energy(meters, fits, tables, False, tz, bases)


def monthly_energy(meters: Iterable[EnterpriseMeter], fits: Mapping[tuple[str, str], UnitFit],
                   tables: Mapping[int, FactorTable], *, tz: dt.tzinfo = CHINA_TZ,
                   bases: Sequence[ElectricityBasis] = BASES) -> tuple[PeriodEnergy, ...]:
    """Each enterprise's energy per calendar month of local dates (the sum of its days)."""
    return _energy(meters, fits, tables, True, tz, bases)
