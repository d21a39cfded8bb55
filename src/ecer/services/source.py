"""Where plan and statistics come from for decomposition and assessment: the database (current
approved observations, the loaded plan with its stored regional targets) or a statistics file
(region_code, year, variable, value, unit, source, note) with the plan's file.

Either way the plan targets, regions and panels are the plain inputs of `ecer.accounting`, so
decomposition and assessment run the same evaluation on both.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ecer.errors import InputFileError
from ecer.services.errors import InvalidRequest, ServiceError

DEFAULT_PLAN = "sichuan-14fyp"
INTENSITY = "energy_intensity"


@dataclass
class Source:
    """The plan (PlanInputs, or None when it can be loaded neither from the database nor its file)
    and, for a file source, the file's rows and label ("file:NAME sha256:…")."""

    plan: Any
    data_file: str | None = None
    rows: list[Any] = field(default_factory=list)
    label: str = "database"

    def panels(self, region_codes: Sequence[str], variables: Sequence[str], years: Sequence[int]) -> Any:
        if self.data_file is not None:
            from ecer.accounting.gather_file import panels_from_rows

            return panels_from_rows(self.rows, self.label, region_codes, variables, years)
        from ecer.accounting.gather_db import load_panels

        data = load_panels(region_codes, variables, years)
        if not data.refs:
            raise ServiceError(
                f"no approved observations of {', '.join(variables)} for {years[0]}–{years[-1]} in the database: "
                "import statistics (ecer data import) or give a statistics file")
        return data


def _plan_from_file(plan_code: str) -> Any:
    from ecer.accounting.gather_file import plan_inputs_from_file

    try:
        return plan_inputs_from_file(plan_code)
    except (InputFileError, FileNotFoundError, KeyError, ValueError):
        return None


def open_source(plan_code: str, data_file: str | None) -> Source:
    """The file source (no database needed) or the database source; the plan comes from the database
    when it is loaded there (with its stored regional targets), else from its file. A bad statistics
    file raises InputFileError with every problem."""
    if data_file is not None:
        from ecer.accounting.gather_file import read_statistics

        rows, label = read_statistics(data_file)
        return Source(_plan_from_file(plan_code), data_file, rows, label)
    from ecer.accounting.gather_db import plan_inputs_from_db  # the caller has configured Django

    return Source(plan_inputs_from_db(plan_code) or _plan_from_file(plan_code))


def reduction_target(source: Source, indicator: str) -> Any:
    return None if source.plan is None else source.plan.reduction_target(indicator)


def cities(source: Source, province: str | None) -> tuple[str, list[Any]]:
    """The province (given, else the plan's region, else inferred from the file) and its cities."""
    from ecer.accounting.gather_file import catalog_region
    from ecer.catalogs import load_regions

    regions = load_regions()
    if province is None and source.plan is not None and source.plan.region.code:
        province = source.plan.region.code
    if province is None:
        parents = {regions.get(r.region_code).parent for r in source.rows
                   if r.region_code in regions and regions.get(r.region_code).level == "city"}
        if len(parents) != 1:
            raise InvalidRequest(f"cannot infer the province from the data (city parents: "
                                 f"{sorted(map(str, parents))}); give the province", param="province")
        province = str(parents.pop())
    if province not in regions:
        raise InvalidRequest(f"unknown province code {province}", param="province")
    return province, [catalog_region(r.code) for r in regions.children(province) if r.level == "city"]
