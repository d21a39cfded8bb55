"""Importing a region-year statistics file (CSV or XLSX): all-or-nothing, append-only.

The file is parsed by `ecer.catalogs.statistics.read_statistics_file`, which raises InputFileError
listing every problem. Rows are then checked against the database (region and variable known, unit
as the variable's); any problem raises InputFileError before anything is written. The writes run in one
transaction, so a failure part-way also leaves nothing behind.

Same rule as `observations.record_observation`, in bulk: one query reads the latest version of every
(region, year, variable) in the file, rows whose value and unit equal it are counted unchanged, the
others are inserted with one bulk insert as version n+1 superseding version n.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from ecer.catalogs.statistics import StatRow, read_statistics_file
from ecer.errors import InputFileError, Problem
from ecer.masterdata.models import ImportBatch, Observation, ObservationStatus, Region, Variable
from ecer.masterdata.services.plausibility import previous_year_values, soft_findings

#: Rows per INSERT statement (SQLite limits the number of bound parameters per statement).
BULK_BATCH_SIZE = 500


@dataclass(frozen=True)
class ImportResult:
    batch_id: int
    file_name: str
    rows: int
    new_versions: int
    unchanged: int


def _location(row: StatRow) -> str:
    return f"row {row.row_number}"


def _check_against_db(
    file_name: str, rows: list[StatRow], regions: dict[str, Region], variables: dict[str, Variable]
) -> list[Problem]:
    problems: list[Problem] = []
    for row in rows:
        where = _location(row)
        if row.region_code not in regions:
            problems.append(Problem(file_name, where, f"region {row.region_code} is not loaded in the "
                                    "database (load the catalogs first: `ecer demo --no-serve`)", "region_code"))
        var = variables.get(row.variable)
        if var is None:
            problems.append(Problem(file_name, where, f"variable {row.variable!r} is not loaded in the "
                                    "database", "variable"))
        elif row.unit and row.unit != var.unit:
            problems.append(Problem(file_name, where, f"unit {row.unit!r} differs from the unit of "
                                    f"{row.variable} ({var.unit})", "unit"))
    return problems


def import_statistics(
    path: str | Path,
    user: AbstractBaseUser | None = None,
    illustrative: bool = False,
    status: str = str(ObservationStatus.APPROVED),
) -> ImportResult:
    """Import a statistics file; returns counts. Raises InputFileError (nothing written) on any problem.

    `status`: imports run by an operator (the CLI, the provincial office) are stored approved; a web
    submission by city staff passes `submitted` and goes through review.
    """
    path = Path(path)
    rows = read_statistics_file(path)  # raises InputFileError listing every problem in the file
    regions = {r.code: r for r in Region.objects.filter(code__in={row.region_code for row in rows})}
    variables = {v.code: v for v in Variable.objects.filter(code__in={row.variable for row in rows})}
    problems = _check_against_db(path.name, rows, regions, variables) or _unexplained_changes(path.name, rows)
    if problems:
        raise InputFileError(problems)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    recorder = user if user is not None and user.is_authenticated else None
    with transaction.atomic():
        batch = ImportBatch.objects.create(file_name=path.name, sha256=sha, row_count=len(rows),
                                           is_illustrative=illustrative, user=recorder)
        latest = _latest_versions(rows, regions, variables)
        new_rows = []
        for row in rows:
            region, variable = regions[row.region_code], variables[row.variable]
            unit = row.unit or variable.unit
            previous = latest.get((region.pk, int(row.year), variable.pk))
            if previous is not None and previous[2] == float(row.value) and previous[3] == unit:
                continue
            new_rows.append(Observation(
                region=region, year=int(row.year), variable=variable, value=float(row.value), unit=unit,
                source=row.source or "", note=row.note or "", status=status, is_illustrative=illustrative,
                version=previous[1] + 1 if previous else 1, supersedes_id=previous[0] if previous else None,
                recorded_by=recorder, batch=batch))
        Observation.objects.bulk_create(new_rows, batch_size=BULK_BATCH_SIZE)
        batch.new_versions, batch.unchanged = len(new_rows), len(rows) - len(new_rows)
        batch.save(update_fields=["new_versions", "unchanged"])
    return ImportResult(batch.pk, path.name, len(rows), batch.new_versions, batch.unchanged)


def _latest_versions(rows: list[StatRow], regions: dict[str, Region], variables: dict[str, Variable]
                     ) -> dict[tuple[int, int, int], tuple[int, int, float, str]]:
    """(region id, year, variable id) → (id, version, value, unit) of its newest version, any status."""
    wanted = {(regions[r.region_code].pk, int(r.year), variables[r.variable].pk) for r in rows}
    found = (Observation.objects.filter(region_id__in={k[0] for k in wanted}, year__in={k[1] for k in wanted},
                                        variable_id__in={k[2] for k in wanted})
             .order_by().values_list("region_id", "year", "variable_id", "id", "version", "value", "unit"))
    latest: dict[tuple[int, int, int], tuple[int, int, float, str]] = {}
    for region_id, year, variable_id, pk, version, value, unit in found.iterator(chunk_size=5000):
        key = (region_id, year, variable_id)
        if key in wanted and (key not in latest or version > latest[key][1]):
            latest[key] = (pk, version, value, unit)
    return latest


def _unexplained_changes(file_name: str, rows: list[StatRow]) -> list[Problem]:
    """Soft plausibility findings (year-on-year change, ratio band) on rows without a note: the note is
    the explanation a reviewer reads, so a surprising figure is imported only with one."""
    in_file = {(r.region_code, int(r.year), r.variable): r for r in rows}
    stored = previous_year_values(in_file)
    groups: dict[tuple[str, int], dict[str, StatRow]] = {}
    for row in rows:
        groups.setdefault((row.region_code, int(row.year)), {})[row.variable] = row
    problems: list[Problem] = []
    for (region, year), by_variable in groups.items():
        previous = {}
        for variable in by_variable:
            earlier = in_file.get((region, year - 1, variable))
            value = earlier.value if earlier is not None else stored.get((region, year, variable))
            if value is not None:
                previous[variable] = float(value)
        values = {v: float(r.value) for v, r in by_variable.items()}
        for finding in soft_findings(year, values, previous):
            row = by_variable[finding.variable]
            if not (row.note or "").strip():
                problems.append(Problem(file_name, _location(row), f"{finding.message_en}; the note column "
                                        "is empty: explain the figure there", "note"))
    return problems
