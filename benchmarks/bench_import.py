"""Benchmark: importing the 3,520-row illustrative statistics file, bulk import vs the per-row baseline.

Run:  python benchmarks/bench_import.py [--repeat 3]

Uses a fresh SQLite database in a temporary ECER_DATA_DIR (or ECER_DATABASE_URL if set: the tables
are emptied, so never point it at data you keep). Per repetition and in the same process:
- baseline: the previous implementation, `record_observation` once per row inside one transaction
  (a query for the latest version and an INSERT per row);
- bulk: `import_statistics` (one query for all latest versions, one bulk insert).
Each is timed for a first import into an empty store and for an idempotent re-import (0 new versions),
and the two produce the same observations (checked).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path


def _setup() -> None:
    if "ECER_DATABASE_URL" not in os.environ:
        os.environ["ECER_DATA_DIR"] = tempfile.mkdtemp(prefix="ecer-bench-import-")
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from ecer.site.django_setup import setup

    setup()
    from ecer.masterdata.services.setup import prepare_database

    prepare_database()


def _empty() -> None:
    from ecer.masterdata.models import ImportBatch, Observation

    # Newest first: `supersedes` is PROTECTed.
    for obs in Observation.objects.order_by("-version").values_list("version", flat=True).distinct():
        Observation.objects.filter(version=obs).delete()
    ImportBatch.objects.all().delete()


def _baseline(path: Path) -> tuple[int, int]:
    from django.db import transaction

    from ecer.catalogs.statistics import read_statistics_file
    from ecer.masterdata.models import ImportBatch, ObservationStatus, Region, Variable
    from ecer.masterdata.services.observations import record_observation

    rows = read_statistics_file(path)
    regions = {r.code: r for r in Region.objects.all()}
    variables = {v.code: v for v in Variable.objects.all()}
    new = 0
    with transaction.atomic():
        batch = ImportBatch.objects.create(file_name=path.name, sha256="", row_count=len(rows), is_illustrative=True)
        for row in rows:
            rec = record_observation(regions[row.region_code], int(row.year), variables[row.variable],
                                     float(row.value), unit=row.unit or None, source=row.source, note=row.note,
                                     status=ObservationStatus.APPROVED, is_illustrative=True, batch=batch)
            new += rec.created
    return len(rows), new


def _bulk(path: Path) -> tuple[int, int]:
    from ecer.masterdata.services.imports import import_statistics

    result = import_statistics(path, illustrative=True)
    return result.rows, result.new_versions


def _snapshot() -> list[tuple[object, ...]]:
    from ecer.masterdata.models import Observation

    return list(Observation.objects.order_by("region__code", "variable__code", "year", "version").values_list(
        "region__code", "variable__code", "year", "version", "value", "unit", "status", "is_illustrative"))


def _timed(fn, path: Path) -> tuple[float, tuple[int, int]]:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    out = fn(path)
    return time.perf_counter() - start, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    _setup()
    from django.db import connection

    from ecer.cli.demo import illustrative_dataset

    path = illustrative_dataset()
    times: dict[str, list[float]] = {k: [] for k in ("baseline first", "baseline again", "bulk first", "bulk again")}
    for _ in range(args.repeat):
        for name, fn in (("baseline", _baseline), ("bulk", _bulk)):
            _empty()
            t1, (rows, new) = _timed(fn, path)
            snap = _snapshot()
            t2, (_, again) = _timed(fn, path)
            assert new == rows and again == 0, (name, rows, new, again)
            times[f"{name} first"].append(t1)
            times[f"{name} again"].append(t2)
            if name == "baseline":
                reference = snap
            else:
                assert snap == reference, "bulk import stored different observations than the baseline"
    print(f"import of {rows} rows ({path.name}), {connection.vendor}, median of {args.repeat}:")
    for name, values in times.items():
        print(f"  {name:<15} {statistics.median(values):8.3f} s")
    print(f"  speed-up first import: {statistics.median(times['baseline first']) / statistics.median(times['bulk first']):.0f}x")


if __name__ == "__main__":
    main()
