"""Importing a region-year statistics file (CSV or XLSX): all-or-nothing, append-only.

The file is parsed by `ecer.catalogs.statistics.read_statistics_file`, which raises InputFileError
listing every problem. Rows are then checked against the database (region and variable known, unit
as the variable's); any problem raises InputFileError before anything is written. The writes run in one
transaction, so a failure part-way also leaves nothing behind.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from ecer.catalogs.statistics import StatRow, read_statistics_file
from ecer.errors import InputFileError, Problem
from ecer.masterdata.models import ImportBatch, ObservationStatus, Region, Variable
from ecer.masterdata.services.observations import record_observation


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
    status: str = ObservationStatus.APPROVED,
) -> ImportResult:
    """Import a statistics file; returns counts. Raises InputFileError (nothing written) on any problem.

    `status`: imports run by an operator (the CLI, the provincial office) are stored approved; a web
    submission by city staff passes `submitted` and goes through review.
    """
    path = Path(path)
    rows = read_statistics_file(path)  # raises InputFileError listing every problem in the file
    regions = {r.code: r for r in Region.objects.filter(code__in={row.region_code for row in rows})}
    variables = {v.code: v for v in Variable.objects.filter(code__in={row.variable for row in rows})}
    problems = _check_against_db(path.name, rows, regions, variables)
    if problems:
        raise InputFileError(problems)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    new = unchanged = 0
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            file_name=path.name, sha256=sha, row_count=len(rows), is_illustrative=illustrative,
            user=user if user is not None and user.is_authenticated else None,
        )
        for row in rows:
            rec = record_observation(
                regions[row.region_code], int(row.year), variables[row.variable], float(row.value),
                unit=row.unit or None, source=row.source or "", note=row.note or "", status=status,
                is_illustrative=illustrative, user=user, batch=batch,
            )
            new += rec.created
            unchanged += not rec.created
        batch.new_versions, batch.unchanged = new, unchanged
        batch.save(update_fields=["new_versions", "unchanged"])
    return ImportResult(batch.pk, path.name, len(rows), new, unchanged)
