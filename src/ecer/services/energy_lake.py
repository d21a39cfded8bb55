"""Use case: copy the accepted energy uploads into the energy lake and roll them up (issue 11 item 3:
"daily and monthly energy per enterprise in tce, stored in the lake and rolled up with the monitoring
roll-ups"). Run by the scheduled roll-up job (`monitoring.rollup_alarms`, every
ECER_ROLLUP_INTERVAL_MINUTES) after the monitoring roll-ups, or `ecer energy rollup`.

Why the database stays the system of record: an upload is all-or-nothing and idempotent, and a stored
reading never changes; that needs one transaction over the upload record, its readings and intervals,
and the unique keys that refuse a concurrent duplicate. The unit page reads the daily roll-up kept in
that same transaction (`EnergyDay`), so it is exact the moment an upload is answered. The lake is the
analytic copy for province-scale roll-ups (`ecer.analytics.energy_rollup`), written only from
committed uploads, in batches (one Parquet part per local date and batch, not a file per upload):

1. claim: one UPDATE gives the committed uploads not yet copied (at most MAX_BATCH_UPLOADS, oldest
   first) the next batch number (`EnergyUpload.lake_batch`); an upload still in its transaction is not
   visible, so it goes in a later batch, never half;
2. write: the batch's intervals, one part per date, atomically (`energy_rollup.write_batch`), then logged;
3. a batch claimed but not logged (a crash in between) is written again first on the next run, under
   the same part names: nothing is lost and nothing doubled.

Only the province administrator (and the system) may run it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ecer.services.actor import Actor, Role, require_role

#: Uploads per batch at most (a batch's intervals are held in memory once: at a day of three 15-minute
#: points per upload, 2,000 uploads are ≈ 0.6 M rows); a backlog (the first run after an upgrade) is
#: copied in several batches.
MAX_BATCH_UPLOADS = 2000


def _data_dir() -> Path:
    from ecer import config

    return config.data_dir()


@dataclass
class EnergyLakeRun:
    batches: list[int] = field(default_factory=list)
    uploads: int = 0
    intervals: int = 0
    dates: list[str] = field(default_factory=list)  # lake dates written
    rolled_dates: list[str] = field(default_factory=list)
    rolled_months: list[str] = field(default_factory=list)
    seconds: float = 0.0


def _batch_rows(batch: int) -> Any:
    import pyarrow as pa

    from ecer.analytics.energy_rollup import SCHEMA
    from ecer.energy.models import IntervalEnergy

    cols: dict[str, list[Any]] = {name: [] for name in SCHEMA.names}
    for row in (IntervalEnergy.objects.filter(upload__lake_batch=batch).order_by("point_id", "start")
                .values_list("point__energy_unit__enterprise__credit_code", "point__code", "point__energy_type",
                             "point__unit", "point__enthalpy_gj_per_t", "start", "local_date", "value", "source",
                             "upload_id").iterator(chunk_size=5000)):
        for name, value in zip(SCHEMA.names, row, strict=True):
            cols[name].append(value)
    return pa.table(cols, schema=SCHEMA)


def copy_to_lake(*, actor: Actor) -> EnergyLakeRun:
    """Write the batches claimed but not yet logged, then claim and write the uploads committed since."""
    from django.db import transaction
    from django.db.models import Max

    from ecer.analytics import energy_rollup
    from ecer.energy.models import EnergyUpload

    require_role(actor, Role.PROVINCE_ADMIN)
    data_dir = _data_dir()
    logged = energy_rollup.logged_batches(data_dir)
    last_logged = max(logged, default=0)
    run = EnergyLakeRun()

    def write(batch: int) -> None:
        rows = _batch_rows(batch)
        run.dates = sorted(set(run.dates) | set(energy_rollup.write_batch(data_dir, batch, rows)))
        run.batches.append(batch)
        run.intervals += rows.num_rows
        run.uploads += EnergyUpload.objects.filter(lake_batch=batch).count()

    for batch in sorted(set(EnergyUpload.objects.filter(lake_batch__gt=last_logged)
                            .values_list("lake_batch", flat=True).distinct())):
        write(batch)  # claimed by a run that stopped before logging it
    while True:
        with transaction.atomic():
            top = EnergyUpload.objects.aggregate(n=Max("lake_batch"))["n"] or 0
            ids = list(EnergyUpload.objects.filter(lake_batch__isnull=True).order_by("pk")
                       .values_list("pk", flat=True)[:MAX_BATCH_UPLOADS])
            if not ids:
                return run
            EnergyUpload.objects.filter(pk__in=ids, lake_batch__isnull=True).update(lake_batch=top + 1)
        write(top + 1)


def factor_rows(years: set[int]) -> Any:
    """tce per unit of every declared (energy type, unit, enthalpy) in each year, from the catalog
    (`energy_monitoring.factor_tables`: a year without a coal rate has no coal-equivalent factor)."""
    from ecer.analytics.energy_rollup import FactorRow, FactorRows
    from ecer.catalogs.energy_units import load_unit_fits
    from ecer.core.energy_units import ConversionError, to_tce
    from ecer.energy.models import MeteringPoint
    from ecer.services.energy_monitoring import CALORIFIC, COAL_EQUIVALENT, factor_tables

    fits = load_unit_fits()
    declared = set(MeteringPoint.objects.values_list("energy_type", "unit", "enthalpy_gj_per_t"))
    rows = []
    for year in sorted(years):
        tables, bases, _ = factor_tables(year)
        for energy_type, unit, enthalpy in sorted(declared, key=lambda d: (d[0], d[1], d[2] or 0.0)):
            try:
                per = {b: to_tce(energy_type, 1.0, unit, b, fits, tables[year], enthalpy_gj_per_t=enthalpy).tce
                       for b in bases}
            except ConversionError:
                continue  # a declaration the catalog no longer fits: its rows stay without tce (the upload names it)
            rows.append(FactorRow(energy_type, unit, enthalpy, year, per[CALORIFIC], per.get(COAL_EQUIVALENT)))
    return FactorRows(rows)


def run_energy_rollups(*, actor: Actor) -> EnergyLakeRun:
    """Copy the new uploads into the lake, then bring the energy roll-ups up to date (incremental)."""
    import time

    from ecer.analytics import energy_rollup

    started = time.perf_counter()
    run = copy_to_lake(actor=actor)
    data_dir = _data_dir()
    years = {int(d[:4]) for d in energy_rollup.lake_dates(data_dir)}
    rolled = energy_rollup.update(data_dir, factor_rows(years))
    run.rolled_dates, run.rolled_months = rolled.dates, rolled.months
    run.seconds = time.perf_counter() - started
    return run


def monthly_energy(months: list[str] | None = None, *, actor: Actor) -> list[dict[str, Any]]:
    """The lake's monthly roll-up rows (per enterprise, energy type and unit), for the province (and
    the system): what reconciliation against city totals reads."""
    from ecer.analytics import energy_rollup

    require_role(actor, Role.PROVINCE_ADMIN, Role.PROVINCE_REVIEWER, Role.AUDITOR)
    return energy_rollup.monthly_rows(_data_dir(), months)
