"""The demo generator's assumptions, kept as CSV data beside the output (see docs/illustrative-data.md).

None of these numbers is an official statistic: they are plausible magnitudes chosen so that the demo
shows the platform's behaviour (green, yellow and red lights; laggards; deductions). Sichuan's published
GDP figures are the only anchors, and they are in `generate.py` with their sources.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources
from pathlib import Path


def data_path(name: str) -> Path:
    return Path(str(resources.files("ecer.demo").joinpath("data", name)))


def _rows(name: str) -> list[dict[str, str]]:
    with data_path(name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@dataclass(frozen=True)
class City:
    code: str
    gdp_weight_2020: float
    population_10k: float
    intensity_2020: float  # tce per 10k yuan of current GDP
    industry_share: float  # industrial value added / GDP
    industrial_energy_share: float  # industrial energy / total energy
    raw_material_2020: float  # 10k tce
    non_fossil_share_2020: float  # pct
    growth_offset: float  # real growth relative to the province, as a fraction
    intensity_change: float  # annual intensity change before calibration, as a fraction
    intensity_events: dict[int, float]  # extra change in a year, as a fraction (a city that slips)
    progress_factor: float  # < 1: lags on levels and key projects; > 1: ahead
    industrial_water_coeff: float  # m3 per 10k yuan of industrial value added


def _events(text: str) -> dict[int, float]:
    events: dict[int, float] = {}
    for item in filter(None, text.split(";")):
        year, change = item.split(":")
        events[int(year)] = float(change) / 100
    return events


def load_cities() -> list[City]:
    return [
        City(
            code=row["code"],
            gdp_weight_2020=float(row["gdp_weight_2020"]),
            population_10k=float(row["population_10k"]),
            intensity_2020=float(row["intensity_2020_tce_per_10k_yuan"]),
            industry_share=float(row["industry_share"]),
            industrial_energy_share=float(row["industrial_energy_share"]),
            raw_material_2020=float(row["raw_material_2020_10k_tce"]),
            non_fossil_share_2020=float(row["non_fossil_share_2020_pct"]),
            growth_offset=float(row["growth_offset_pct"]) / 100,
            intensity_change=float(row["intensity_change_pct"]) / 100,
            intensity_events=_events(row["intensity_events"]),
            progress_factor=float(row["progress_factor"]),
            industrial_water_coeff=float(row["industrial_water_m3_per_10k_yuan"]),
        )
        for row in _rows("city-assumptions.csv")
    ]


@dataclass(frozen=True)
class LevelAssumption:
    variable: str
    province_2020: float
    target_2025: float
    city_spread: float


def load_levels() -> list[LevelAssumption]:
    return [
        LevelAssumption(
            row["variable"],
            float(row["province_2020_pct"]),
            float(row["target_2025_pct"]),
            float(row["city_spread_pct"]),
        )
        for row in _rows("level-assumptions.csv")
    ]


@dataclass(frozen=True)
class CumulativeAssumption:
    variable: str
    plan_total_2025: float
    decimals: int
    weight_basis: str  # population | energy | industry


def load_cumulatives() -> list[CumulativeAssumption]:
    return [
        CumulativeAssumption(
            row["variable"], float(row["plan_total_2025"]), int(row["decimals"]), row["weight_basis"]
        )
        for row in _rows("cumulative-assumptions.csv")
    ]
