"""Use case: region-year statistics files (统计数据) — the empty template, and the import.

Import is all-or-nothing (`ecer.masterdata.services.imports`). Scope: an actor bound to a region
may import rows of its regions only; a file with a row of another region is refused whole, naming
the rows. Status: imports by the province's administrators and by the system are stored approved
(the office's own figures); anyone else's go in as submitted and wait for review.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ecer.errors import InputFileError, Problem
from ecer.services.actor import Actor, PermissionDenied, Role, require_role, visible_region_codes
from ecer.services.users import django_user

if TYPE_CHECKING:
    from ecer.masterdata.services.imports import ImportResult

#: Who may import a statistics file at all.
IMPORT_ROLES = (Role.PROVINCE_ADMIN, Role.PROVINCE_REVIEWER, Role.CITY_OPERATOR)
#: Whose imports are stored approved rather than submitted for review.
APPROVING_ROLES = (Role.PROVINCE_ADMIN, Role.SYSTEM)


def write_template(path: str | Path) -> Path:
    """Write an empty statistics file (.csv or .xlsx) with the expected columns; returns its path."""
    from ecer.catalogs.statistics import write_statistics_template

    path = Path(path)
    if path.suffix.lower() not in {".csv", ".xlsx"}:
        raise InputFileError([Problem(str(path), "file name", "must end in .csv or .xlsx")])
    return Path(write_statistics_template(path))


def _check_scope(path: Path, actor: Actor) -> None:
    from ecer.catalogs.statistics import read_statistics_file

    visible = visible_region_codes(actor)
    if visible is None:
        return
    foreign = [r for r in read_statistics_file(path) if r.region_code not in visible]
    if foreign:
        rows = ", ".join(f"row {r.row_number} ({r.region_code})" for r in foreign[:10])
        more = f" and {len(foreign) - 10} more" if len(foreign) > 10 else ""
        raise PermissionDenied(f"{path.name}: {actor.username} may not import data of other regions: {rows}{more}")


def import_statistics(path: str | Path, *, actor: Actor, illustrative: bool = False) -> ImportResult:
    """Import FILE (CSV or XLSX): all rows or none; unchanged values add no new version. Returns the
    `ImportResult` (rows, new versions, unchanged, batch id). Raises InputFileError (nothing
    written) or PermissionDenied."""
    from ecer.masterdata.models import ObservationStatus
    from ecer.masterdata.services.imports import import_statistics as run

    require_role(actor, *IMPORT_ROLES)
    path = Path(path)
    _check_scope(path, actor)
    status = ObservationStatus.APPROVED if actor.role in APPROVING_ROLES else ObservationStatus.SUBMITTED
    return run(path, user=django_user(actor), illustrative=illustrative, status=str(status))
