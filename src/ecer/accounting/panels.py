"""Region × year panels of observed variables, with where each value came from (pure; no Django).

A `PanelSet` is filled by a gatherer (`gather_db.load_panels` from current approved observations,
`gather_file.panels_from_rows` from a statistics file); the evaluation then selects the regions,
variables and years of each target from it. Cells without a value are NaN; the core names them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from ecer.accounting.ledger_cells import LedgerCell
from ecer.core.panel import FloatArray, Panel
from ecer.core.provenance import InputRef


@dataclass
class PanelSet:
    """Panels by variable code plus, per (region, variable, year), the observation that gave the value.

    `units` is each variable's catalog unit (used for a variable without any value: an all-NaN
    panel); `illustrative_keys` are the cells whose value is labelled illustrative (示例数据).
    """

    regions: tuple[str, ...]
    years: tuple[int, ...]
    panels: dict[str, Panel] = field(default_factory=dict)
    refs: dict[tuple[str, str, int], InputRef] = field(default_factory=dict)
    illustrative_keys: set[tuple[str, str, int]] = field(default_factory=set)
    units: dict[str, str] = field(default_factory=dict)
    #: (region, variable) → where its values came from, for the key-project reductions (ledger_cells)
    sources: dict[tuple[str, str], LedgerCell] = field(default_factory=dict)

    @property
    def illustrative(self) -> bool:
        return bool(self.illustrative_keys)

    def inputs_for(self, region: str, variables: Iterable[str], years: Iterable[int]) -> list[InputRef]:
        years = list(years)
        return [self.refs[(region, v, y)] for v in variables for y in years if (region, v, y) in self.refs]

    def value(self, region: str, variable: str, year: int) -> float:
        """The value of one cell (NaN when it has none); region and year must be on the axes."""
        return float(self.panels[variable].values[self.regions.index(region), self.years.index(year)])

    def select(self, regions: Sequence[str], variables: Sequence[str], years: Sequence[int]) -> PanelSet:
        """The sub-panels for these regions, variables and years; absent cells are NaN."""
        regions_t, years_t = tuple(regions), tuple(years)
        r_pos = {code: i for i, code in enumerate(self.regions)}
        y_pos = {year: j for j, year in enumerate(self.years)}
        # Pad with one NaN row and column so that an unknown region or year selects NaN.
        rows = np.array([r_pos.get(code, len(self.regions)) for code in regions_t], dtype=np.intp)
        cols = np.array([y_pos.get(year, len(self.years)) for year in years_t], dtype=np.intp)
        out = PanelSet(regions_t, years_t, units=self.units)
        for var in variables:
            source = self.panels.get(var)
            if source is None:
                values = np.full((len(regions_t), len(years_t)), np.nan)
            else:
                padded = np.pad(source.values, ((0, 1), (0, 1)), constant_values=np.nan)
                values = padded[np.ix_(rows, cols)]
            unit = source.unit if source is not None else self.units.get(var, "")
            out.panels[var] = Panel(var, unit, regions_t, years_t, values)
        wanted_r, wanted_v, wanted_y = set(regions_t), set(variables), set(years_t)
        out.refs = {k: v for k, v in self.refs.items() if k[0] in wanted_r and k[1] in wanted_v and k[2] in wanted_y}
        out.illustrative_keys = {k for k in self.illustrative_keys if k in out.refs}
        out.sources = {k: v for k, v in self.sources.items() if k[0] in wanted_r and k[1] in wanted_v}
        return out


@dataclass
class PanelBuilder:
    """Collects values cell by cell, then builds the PanelSet (shared by both gatherers)."""

    regions: tuple[str, ...]
    years: tuple[int, ...]
    units: dict[str, str]
    values: dict[str, FloatArray] = field(default_factory=dict)
    seen_units: dict[str, set[str]] = field(default_factory=dict)
    refs: dict[tuple[str, str, int], InputRef] = field(default_factory=dict)
    illustrative_keys: set[tuple[str, str, int]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._r = {code: i for i, code in enumerate(self.regions)}
        self._y = {year: j for j, year in enumerate(self.years)}

    def add(self, region: str, variable: str, year: int, value: float, unit: str, ref: InputRef,
            illustrative: bool) -> None:
        if region not in self._r or year not in self._y or variable not in self.units:
            return
        if variable not in self.values:
            self.values[variable] = np.full((len(self.regions), len(self.years)), np.nan)
            self.seen_units[variable] = set()
        self.values[variable][self._r[region], self._y[year]] = value
        self.seen_units[variable].add(unit)
        self.refs[(region, variable, year)] = ref
        if illustrative:
            self.illustrative_keys.add((region, variable, year))
        else:
            self.illustrative_keys.discard((region, variable, year))

    def build(self) -> PanelSet:
        """The unit stored with a value must equal the variable's catalog unit; a different unit
        becomes the panel's unit, so the core's unit checks reject it instead of mixing units."""
        out = PanelSet(self.regions, self.years, refs=self.refs, illustrative_keys=self.illustrative_keys,
                       units=self.units)
        for var, unit in self.units.items():
            values = self.values.get(var)
            if values is None:
                values = np.full((len(self.regions), len(self.years)), np.nan)
            mismatched = self.seen_units.get(var, set()) - {unit}
            out.panels[var] = Panel(var, sorted(mismatched)[0] if mismatched else unit, self.regions, self.years,
                                    values)
        return out
