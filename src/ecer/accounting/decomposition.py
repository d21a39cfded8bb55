"""Base-year inputs of the target decomposition from gathered panels (pure), with their data versions.

Energy is the base-year `energy_total` minus `energy_raw_material` (raw-material energy is never
counted, 发改环资〔2022〕803号; a city without any raw-material figure has none deducted);
nationally listed projects are not deducted here, since they are waived only in an assessment
(1310号). GDP is the base year's current-price `gdp_current`, which is the constant-price value at
base-year prices.

Amount targets (`ecer.core.decomposition_amounts`) take each city's value of a basis variable in
the base year (`basis_values`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ecer.accounting.inputs import RegionInfo
from ecer.accounting.panels import PanelSet
from ecer.core.decomposition import CityBase
from ecer.core.decomposition_amounts import BasisValue
from ecer.core.provenance import InputRef

VARIABLES = ("energy_total", "energy_raw_material", "gdp_current")


def _used(city: RegionInfo, year: int, refs: Sequence[InputRef]) -> dict[str, Any]:
    """The stored provenance record of one city: the values used and the data version of each."""
    return {"region": city.code, "name_zh": city.name_zh, "year": year, "values": [r.to_dict() for r in refs]}


@dataclass(frozen=True)
class DecompositionInputs:
    bases: list[CityBase]
    #: per region code: the values used and the data version of each (for the stored provenance)
    inputs: list[dict[str, Any]]
    illustrative: bool


def city_bases(data: PanelSet, cities: Sequence[RegionInfo], base_year: int, growth_pct: float,
               growth_for: Mapping[str, float]) -> DecompositionInputs:
    """One CityBase per city that has any base-year figure (a city with none is left out, and the
    decomposition then names it as missing)."""
    bases, inputs, illustrative = [], [], False
    for city in cities:
        refs = data.inputs_for(city.code, VARIABLES, [base_year])
        if not refs:
            continue
        value = {v: data.value(city.code, v, base_year) for v in VARIABLES}
        raw = 0.0 if math.isnan(value["energy_raw_material"]) else value["energy_raw_material"]
        bases.append(CityBase(city.code, city.name_zh, value["energy_total"] - raw, value["gdp_current"],
                              growth_for.get(city.code, growth_pct)))
        inputs.append(_used(city, base_year, refs))
        illustrative = illustrative or any(
            (city.code, v, base_year) in data.illustrative_keys for v in VARIABLES)
    return DecompositionInputs(bases, inputs, illustrative)


@dataclass(frozen=True)
class BasisInputs:
    values: list[BasisValue]
    inputs: list[dict[str, Any]]
    illustrative: bool


def basis_values(data: PanelSet, cities: Sequence[RegionInfo], variable: str, year: int) -> BasisInputs:
    """Each city's value of the basis variable of an amount decomposition in `year` (a city without
    one is left out, and the decomposition then names it as missing)."""
    values, inputs, illustrative = [], [], False
    for city in cities:
        refs = data.inputs_for(city.code, [variable], [year])
        if not refs:
            continue
        values.append(BasisValue(city.code, city.name_zh, data.value(city.code, variable, year)))
        inputs.append(_used(city, year, refs))
        illustrative = illustrative or (city.code, variable, year) in data.illustrative_keys
    return BasisInputs(values, inputs, illustrative)
