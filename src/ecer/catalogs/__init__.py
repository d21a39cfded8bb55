"""Catalogs as data: regions, statistical variables, conversion and emission factors.

Each catalog is a CSV inside `ecer/catalogs/data`, each row with its source. Loaders check every row and
raise `ecer.errors.InputFileError` naming file, row and field. Units and indicators live in
`ecer.catalogs.units` / `ecer.catalogs.indicators` (not re-exported here).
"""

from ecer.catalogs.factors import (
    CO2FuelFactor,
    EnergyFactor,
    FactorMissingError,
    GridFactor,
    electricity_factor,
    electricity_factor_row,
    energy_factor,
    grid_factor,
    load_co2_fuel_factors,
    load_energy_factors,
    load_grid_factors,
)
from ecer.catalogs.regions import Region, RegionCatalog, Zone, load_regions, read_regions_file
from ecer.catalogs.statistics import StatRow, read_statistics_file, write_statistics_template
from ecer.catalogs.variables import Variable, VariableCatalog, load_variables

__all__ = [
    "CO2FuelFactor",
    "EnergyFactor",
    "FactorMissingError",
    "GridFactor",
    "Region",
    "RegionCatalog",
    "StatRow",
    "Variable",
    "VariableCatalog",
    "Zone",
    "electricity_factor",
    "electricity_factor_row",
    "energy_factor",
    "grid_factor",
    "load_co2_fuel_factors",
    "load_energy_factors",
    "load_grid_factors",
    "load_regions",
    "load_variables",
    "read_regions_file",
    "read_statistics_file",
    "write_statistics_template",
]
