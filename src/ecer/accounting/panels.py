"""Read current approved observations from the database into region × year panels with provenance."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ecer.core.panel import Panel
from ecer.core.provenance import InputRef


@dataclass
class PanelSet:
    """Panels by variable code plus, per (region, variable, year), the observation that gave the value."""

    regions: tuple[str, ...]
    years: tuple[int, ...]
    panels: dict[str, Panel] = field(default_factory=dict)
    refs: dict[tuple[str, str, int], InputRef] = field(default_factory=dict)
    illustrative: bool = False

    def inputs_for(self, region: str, variables: Iterable[str], years: Iterable[int]) -> list[InputRef]:
        years = list(years)
        return [self.refs[(region, v, y)] for v in variables for y in years if (region, v, y) in self.refs]


def load_panels(region_codes: Sequence[str], variables: Sequence[str], years: Sequence[int]) -> PanelSet:
    """Current approved values (NaN where none) for every region, variable and year asked for.

    The unit stored with each observation must equal the variable's catalog unit; a different unit
    becomes the panel's unit, so the core's unit checks reject it instead of mixing units.
    """
    from ecer.masterdata.models import Variable, current_observations

    regions, years_t = tuple(region_codes), tuple(years)
    r_index = {code: i for i, code in enumerate(regions)}
    units = dict(Variable.objects.filter(code__in=variables).values_list("code", "unit"))
    values = {v: np.full((len(regions), len(years_t)), np.nan) for v in variables}
    seen_units: dict[str, set[str]] = {v: set() for v in variables}
    out = PanelSet(regions, years_t)
    rows = current_observations(regions, variables, years_t).select_related("batch")
    for obs in rows:
        code, var, year = obs.region.code, obs.variable.code, int(obs.year)
        values[var][r_index[code], year - years_t[0]] = obs.value
        seen_units[var].add(obs.unit)
        out.illustrative = out.illustrative or obs.is_illustrative
        version = f"observation:{obs.pk} v{obs.version}"
        if obs.batch_id:
            version += f" batch:{obs.batch_id} ({obs.batch.file_name})"
        out.refs[(code, var, year)] = InputRef(var, obs.value, obs.unit, code, year, version,
                                               obs.source or None)
    for var in variables:
        unit = units.get(var, "")
        mismatched = seen_units[var] - {unit}
        out.panels[var] = Panel(var, sorted(mismatched)[0] if mismatched else unit, regions, years_t, values[var])
    return out
