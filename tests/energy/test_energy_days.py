"""The daily roll-up (`EnergyDay`) that the unit page reads: each upload adds its per-date totals in its own
transaction, so the roll-up always equals the sums over the stored intervals and readings — across
midnight, over a gap spread onto two dates, with repeats — and the page's months equal the old path
(every interval of the year through `ecer.core.energy_rollup`)."""

from __future__ import annotations

import datetime as dt
import importlib
import math
from collections import defaultdict

import pytest
from django.apps import apps

from ecer.core.energy_quality import received_on
from ecer.core.energy_rollup import EnterpriseMeter, monthly_energy
from ecer.core.meters import IntervalConsumption, IntervalSource, MeterConsumption
from ecer.energy.models import EnergyDay, IntervalEnergy, MeteringPoint, MeterReading
from ecer.services.energy_monitoring import factor_tables, unit_energy
from ecer.services.energy_uploads import declaration
from energy.conftest import PROVINCE
from energy.test_register import CEMENT
from energy.test_uploads import T0, Q, body, points, post, reading, token_for  # noqa: F401 - a fixture

pytestmark = pytest.mark.usefixtures("regions", "points")


def _raw_days() -> dict[tuple[int, dt.date], tuple[float, int, int, int, int]]:
    """The roll-up as it must be: recomputed from every stored interval and reading."""
    values: dict[tuple[int, dt.date], list[float]] = defaultdict(list)
    spread: dict[tuple[int, dt.date], int] = defaultdict(int)
    received: dict[tuple[int, dt.date], int] = defaultdict(int)
    readings: dict[tuple[int, dt.date], int] = defaultdict(int)
    for point_id, day, value, source in IntervalEnergy.objects.values_list("point_id", "local_date", "value", "source"):
        values[(point_id, day)].append(value)
        spread[(point_id, day)] += source == "spread"
    for point in MeteringPoint.objects.all():
        for at, closes in MeterReading.objects.filter(point=point).values_list("at", "closes_interval"):
            day = received_on(at, dt.timedelta(minutes=point.interval_minutes))
            received[(point.pk, day)] += closes
            readings[(point.pk, day)] += 1
    return {key: (math.fsum(values.get(key, ())), len(values.get(key, ())), spread.get(key, 0), received.get(key, 0),
                  readings.get(key, 0)) for key in set(values) | set(readings)}


def _stored_days() -> dict[tuple[int, dt.date], tuple[float, int, int, int, int]]:
    return {(d.point_id, d.local_date): (d.quantity, d.intervals, d.spread, d.received, d.readings)
            for d in EnergyDay.objects.all()}


def _uploads() -> None:
    token = token_for(CEMENT)
    late = T0 + dt.timedelta(hours=23)
    # day one until 23:00, then a gap over midnight: the reading at 01:00 of day two is spread back onto day one
    e1 = [reading("E1", T0 + k * Q, 1000.0 + 25.0 * k, "cumulative") for k in range(93)]
    g1 = [reading("G1", T0 + k * Q, 3.5 + k % 3, "interval") for k in range(1, 97)]
    assert post(token, body("u-1", e1[:50] + g1[:40])).status_code == 200
    assert post(token, body("u-2", e1[40:] + g1[30:])).status_code == 200  # overlaps: the repeats count once
    assert post(token, body("u-3", [reading("E1", late + 8 * Q, 4000.0, "cumulative")])).status_code == 200
    assert post(token, body("u-3", [reading("E1", late + 8 * Q, 4000.0, "cumulative")])).json()["replayed"]


def test_the_daily_roll_up_equals_the_stored_intervals_and_readings() -> None:
    _uploads()
    stored, raw = _stored_days(), _raw_days()
    # E1 on two dates (and its first reading, 00:00 of day one, on the day before: it closes no interval)
    assert stored.keys() == raw.keys() and len(stored) == 4
    for key, (quantity, *counts) in raw.items():
        assert stored[key][0] == pytest.approx(quantity, rel=1e-12) and list(stored[key][1:]) == counts
    e1 = MeteringPoint.objects.get(code="E1")
    day_two = EnergyDay.objects.get(point=e1, local_date=dt.date(2026, 3, 2))
    assert day_two.spread == 4 and day_two.received == 1  # 00:00–01:00 spread; the 01:00 reading closes one


def test_the_page_months_equal_the_year_of_intervals_through_the_core() -> None:
    _uploads()
    march = unit_energy(CEMENT, actor=PROVINCE, year=2026).months[0]
    assert march.month == "2026-03"
    meters = []
    for point in MeteringPoint.objects.filter(energy_unit__enterprise__credit_code=CEMENT):
        intervals = tuple(IntervalConsumption(s, e, v, IntervalSource(src)) for s, e, v, src in
                          IntervalEnergy.objects.filter(point=point).order_by("start")
                          .values_list("start", "end", "value", "source"))
        meters.append(EnterpriseMeter(CEMENT, MeterConsumption(declaration(point), intervals, (), (), (), None)))
    from ecer.catalogs.energy_units import load_unit_fits

    tables, bases, _ = factor_tables(2026)
    [old] = monthly_energy(meters, load_unit_fits(), tables, bases=bases)
    assert march.calorific_tce == pytest.approx(old.tce(bases[0]), rel=1e-12)
    assert march.received == MeterReading.objects.filter(closes_interval=True).count()
    page = unit_energy(CEMENT, actor=PROVINCE, year=2026)
    assert {p.code: p.readings for p in page.points} == {
        p.code: MeterReading.objects.filter(point=p).count() for p in MeteringPoint.objects.filter(
            energy_unit__enterprise__credit_code=CEMENT)}
    assert all(p.last_reading_at == MeterReading.objects.filter(point__code=p.code).latest("at").at
               for p in page.points)


def test_the_migration_backfills_the_roll_up_of_readings_stored_before_it() -> None:
    _uploads()
    before = _stored_days()
    EnergyDay.objects.all().delete()
    importlib.import_module("ecer.energy.migrations.0004_energy_days").backfill(apps, None)
    after = _stored_days()
    assert after.keys() == before.keys()
    assert all(after[k][0] == pytest.approx(before[k][0], rel=1e-12) and after[k][1:] == before[k][1:] for k in before)
