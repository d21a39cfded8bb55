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
from ecer.core.meters import CHINA_TZ, IntervalConsumption, MeterConsumption

_Key = tuple[str, str, str, str, float | None]  # enterprise, period, energy type, unit, enthalpy


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


def _energy(meters: Iterable[EnterpriseMeter], fits: Mapping[tuple[str, str], UnitFit],
            tables: Mapping[int, FactorTable], monthly: bool, tz: dt.tzinfo,
            bases: Sequence[ElectricityBasis]) -> tuple[PeriodEnergy, ...]:
    figures: dict[tuple[str, str], list[TceFigure]] = defaultdict(list)
    for (enterprise, period, energy_type, unit, enthalpy), values in sorted(
            _sums(meters, monthly, tz).items(), key=lambda item: (*item[0][:4], item[0][4] or 0.0)):
        year = int(period[:4])
        if year not in tables:
            raise ConversionError(ConversionProblem("year", str(year), f"a factor table for {year} "
                                                    f"(given: {', '.join(map(str, sorted(tables))) or 'none'})"))
        quantity = math.fsum(values)
        figures[(enterprise, period)] += [to_tce(energy_type, quantity, unit, basis, fits, tables[year],
                                                 enthalpy_gj_per_t=enthalpy) for basis in bases]
    return tuple(PeriodEnergy(e, p, tuple(f)) for (e, p), f in sorted(figures.items()))


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
