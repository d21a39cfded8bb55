"""City series of the illustrative dataset. Values are fixed-point integers so that sums are exact.

Every quantity is held as (integer, decimals): 48598.8 亿元 is (485988, 1). A province flow is the sum of
its cities' integers, so "province = sum of cities" holds to the last printed digit.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from ecer.demo.assumptions import City, load_cities, load_cumulatives, load_levels

YEARS = (2020, 2021, 2022, 2023, 2024)
PROVINCE = "510000"
# Published Sichuan figures (METHODOLOGY §9; 四川省统计局 statistical bulletins). 2024 is the published
# bulletin value, not verified against a final yearbook: the note on those rows says so.
GDP_ANCHORS_100M_YUAN = {2020: 48598.8, 2021: 53850.8, 2022: 56610.2, 2023: 60132.9, 2024: 64697.0}
GDP_INDEX_ANCHORS = {2020: 103.8, 2021: 108.2, 2022: 102.9, 2023: 106.0, 2024: 105.7}
ENERGY_TOTAL_2020_10K_TCE = 21000.0
# Province intensity change by year (fraction): about the 14% five-year path (2.97, 5.85, 8.65, 11.37 %).
INTENSITY_PATH = {2021: -0.028, 2022: -0.030, 2023: -0.031, 2024: -0.030}
INDUSTRY_EXTRA_GROWTH = {2020: 0.008, 2021: 0.015, 2022: 0.009, 2023: 0.0, 2024: 0.010}
INDUSTRY_DEFLATOR = {2021: 1.05, 2022: 1.03, 2023: 0.985, 2024: 0.99}
RENEWABLE_2020_100M_KWH = 2300.0
RENEWABLE_GROWTH = {2021: 0.10, 2022: 0.03, 2023: 0.06, 2024: 0.08}
LISTED_PROJECTS_10K_TCE = {"511500": {2022: 35.0, 2023: 68.0, 2024: 92.0}, "511700": {2023: 40.0, 2024: 55.0}}
KEY_PROJECT_PROGRESS = {2020: 0.0, 2021: 0.21, 2022: 0.43, 2023: 0.64, 2024: 0.85}
# Energy-use budgets (用能预算) are issued for 2021 onwards: each city's 2020 assessed consumption
# (total − raw material − listed projects; no renewable deduction in the baseline year) growing by this
# allowed annual growth. Tight on purpose: cities whose consumption grows with their GDP exceed it.
# Slightly negative since the renewable deduction is on the coal-equivalent basis (about 0.30
# kgce/kWh instead of 0.1229, METHODOLOGY §2): the larger deduction would otherwise put every city
# well inside its budget, and the demo is meant to show every light.
ENERGY_BUDGET_GROWTH = -0.002

Key = tuple[str, str, int]


@dataclass
class Dataset:
    values: dict[Key, tuple[int, int]] = field(default_factory=dict)
    notes: dict[Key, str] = field(default_factory=dict)

    def put(self, region: str, variable: str, year: int, value: float, decimals: int) -> None:
        self.values[(region, variable, year)] = (round(value * 10**decimals), decimals)

    def get(self, region: str, variable: str, year: int) -> float:
        number, decimals = self.values[(region, variable, year)]
        return float(number / 10**decimals)


def largest_remainder(weights: list[float], total: int) -> list[int]:
    """Integers proportional to `weights` summing exactly to `total` (ties broken by position)."""
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    floors = [int(r // 1) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - floors[i]), i))
    for i in order[: total - sum(floors)]:
        floors[i] += 1
    return floors


@dataclass
class _State:
    """Unrounded running values per city, carried from one year to the next."""

    real_growth: dict[str, float] = field(default_factory=dict)
    energy: dict[str, float] = field(default_factory=dict)


def _gdp(data: Dataset, cities: list[City], rng: random.Random, state: _State, year: int) -> None:
    codes = [c.code for c in cities]
    if year == YEARS[0]:
        weights = [c.gdp_weight_2020 for c in cities]
    else:
        weights = [data.get(code, "gdp_current", year - 1) for code in codes]
    growth = [
        GDP_INDEX_ANCHORS[year] / 100 - 1 + c.growth_offset + rng.uniform(-0.004, 0.004) for c in cities
    ]
    # One shift for all cities so the GDP-weighted city growth equals the published provincial growth.
    shift = (
        GDP_INDEX_ANCHORS[year] / 100
        - 1
        - sum(w * g for w, g in zip(weights, growth, strict=True)) / sum(weights)
    )
    total = round(GDP_ANCHORS_100M_YUAN[year] * 10)
    if year != YEARS[0]:
        deflator = (
            GDP_ANCHORS_100M_YUAN[year] / GDP_ANCHORS_100M_YUAN[year - 1] / (GDP_INDEX_ANCHORS[year] / 100)
        )
        weights = [
            w * (1 + g + shift) * deflator * (1 + rng.uniform(-0.006, 0.006))
            for w, g in zip(weights, growth, strict=True)
        ]
    for code, g, tenths in zip(codes, growth, largest_remainder(weights, total), strict=True):
        state.real_growth[code] = g + shift
        data.put(code, "gdp_index", year, round(100 * (1 + g + shift), 1), 1)
        data.values[(code, "gdp_current", year)] = (tenths, 1)


def _energy(data: Dataset, cities: list[City], rng: random.Random, state: _State, year: int) -> None:
    if year == YEARS[0]:
        raw = {c.code: c.intensity_2020 * data.get(c.code, "gdp_current", year) for c in cities}
        scale = ENERGY_TOTAL_2020_10K_TCE / sum(raw.values())
        state.energy = {code: value * scale for code, value in raw.items()}
    else:
        grown = {c.code: state.energy[c.code] * (1 + state.real_growth[c.code]) for c in cities}
        change = {
            c.code: c.intensity_change + c.intensity_events.get(year, 0.0) + rng.uniform(-0.003, 0.003)
            for c in cities
        }
        target = sum(state.energy.values()) * GDP_INDEX_ANCHORS[year] / 100 * (1 + INTENSITY_PATH[year])
        # Common shift s, solved in closed form: sum(grown * (1 + change + s)) = target.
        shift = (target - sum(grown[k] * (1 + change[k]) for k in grown)) / sum(grown.values())
        state.energy = {k: grown[k] * (1 + change[k] + shift) for k in grown}
    for code, value in state.energy.items():
        data.put(code, "energy_total", year, value, 2)


def _industry(data: Dataset, cities: list[City], rng: random.Random, state: _State, year: int) -> None:
    for c in cities:
        growth = state.real_growth[c.code] + INDUSTRY_EXTRA_GROWTH[year] + rng.uniform(-0.006, 0.006)
        data.put(c.code, "industrial_va_index", year, round(100 * (1 + growth), 1), 1)
        energy = data.get(c.code, "energy_total", year)
        if year == YEARS[0]:
            va = c.industry_share * data.get(c.code, "gdp_current", year)
            ind_energy = c.industrial_energy_share * energy
            water = c.industrial_water_coeff * va
            raw_material = c.raw_material_2020
        else:
            va = data.get(c.code, "industrial_va_current", year - 1) * (1 + growth) * INDUSTRY_DEFLATOR[year]
            slip = c.intensity_change * 1.1 + c.intensity_events.get(year, 0.0) + rng.uniform(-0.004, 0.004)
            ind_energy = data.get(c.code, "industrial_energy", year - 1) * (1 + growth) * (1 + slip)
            water = (
                data.get(c.code, "industrial_water", year - 1)
                * (1 + growth)
                * (1 - 0.036 + rng.uniform(-0.01, 0.01))
            )
            raw_material = data.get(c.code, "energy_raw_material", year - 1) * (
                1 + 0.04 + rng.uniform(-0.03, 0.03)
            )
        ind_energy = min(ind_energy, 0.92 * energy)
        data.put(c.code, "industrial_va_current", year, va, 1)
        data.put(c.code, "industrial_energy", year, ind_energy, 2)
        data.put(c.code, "industrial_water", year, water, 1)
        data.put(c.code, "energy_raw_material", year, min(raw_material, 0.8 * ind_energy), 2)


def _energy_mix(data: Dataset, cities: list[City], rng: random.Random, year: int) -> None:
    gdp_total = sum(data.get(c.code, "gdp_current", YEARS[0]) for c in cities)
    energy_total = sum(data.get(c.code, "energy_total", YEARS[0]) for c in cities)
    for c in cities:
        energy = data.get(c.code, "energy_total", year)
        share = min(95.0, c.non_fossil_share_2020 + 0.8 * (year - YEARS[0]) + rng.uniform(-0.3, 0.3))
        data.put(c.code, "non_fossil_energy", year, share / 100 * energy, 2)
        if year == YEARS[0]:
            weight = 0.6 * data.get(c.code, "gdp_current", year) / gdp_total + 0.4 * energy / energy_total
            renewable = RENEWABLE_2020_100M_KWH * weight
        else:
            renewable = data.get(c.code, "renewable_electricity", year - 1) * (
                1 + RENEWABLE_GROWTH[year] + rng.uniform(-0.02, 0.02)
            )
        data.put(c.code, "renewable_electricity", year, renewable, 2)
        data.put(
            c.code, "energy_listed_projects", year, LISTED_PROJECTS_10K_TCE.get(c.code, {}).get(year, 0.0), 2
        )


def _public_institutions(data: Dataset, cities: list[City], rng: random.Random, year: int) -> None:
    for c in cities:
        if year == YEARS[0]:
            persons = c.population_10k * 1e4 * 0.06
            area = persons * rng.uniform(16, 20) / 1e4
            energy, water, co2 = (
                area * rng.uniform(170, 240),
                persons * rng.uniform(22, 30) / 1e4,
                area * rng.uniform(200, 400),
            )
        else:
            area = data.get(c.code, "pi_building_area", year - 1) * (1.005 + rng.uniform(-0.002, 0.002))
            persons = data.get(c.code, "pi_persons", year - 1) * (1.005 + rng.uniform(-0.002, 0.002))
            energy = (
                data.get(c.code, "pi_energy", year - 1)
                / data.get(c.code, "pi_building_area", year - 1)
                * area
                * (1 - 0.0085 * c.progress_factor + rng.uniform(-0.004, 0.004))
            )
            water = (
                data.get(c.code, "pi_water", year - 1)
                / data.get(c.code, "pi_persons", year - 1)
                * persons
                * (1 - 0.015 * c.progress_factor + rng.uniform(-0.005, 0.005))
            )
            co2 = (
                data.get(c.code, "pi_co2", year - 1)
                / data.get(c.code, "pi_building_area", year - 1)
                * area
                * (1 - 0.015 * c.progress_factor + rng.uniform(-0.005, 0.005))
            )
        data.put(c.code, "pi_building_area", year, area, 2)
        data.put(c.code, "pi_persons", year, persons, 0)
        data.put(c.code, "pi_energy", year, energy, 0)
        data.put(c.code, "pi_water", year, water, 2)
        data.put(c.code, "pi_co2", year, co2, 0)


def _levels(data: Dataset, cities: list[City], rng: random.Random) -> None:
    for level in load_levels():
        for c in cities:
            base = level.province_2020 + level.city_spread * rng.uniform(-1, 1)
            target = level.target_2025 + 0.5 * level.city_spread * rng.uniform(-1, 1)
            for year in YEARS:
                done = (year - YEARS[0]) / 5 * c.progress_factor
                value = base + (target - base) * done + (rng.uniform(-0.3, 0.3) if year > YEARS[0] else 0.0)
                data.put(c.code, level.variable, year, max(0.0, min(100.0, value)), 1)


def _cumulatives(data: Dataset, cities: list[City]) -> None:
    basis = {
        "population": {c.code: c.population_10k for c in cities},
        "energy": {c.code: data.get(c.code, "energy_total", YEARS[0]) for c in cities},
        "industry": {c.code: data.get(c.code, "industrial_va_current", YEARS[0]) for c in cities},
    }
    for item in load_cumulatives():
        weights = {c.code: basis[item.weight_basis][c.code] * c.progress_factor for c in cities}
        total_weight = sum(weights.values())
        for year, fraction in KEY_PROJECT_PROGRESS.items():
            for code, weight in weights.items():
                data.put(
                    code,
                    item.variable,
                    year,
                    item.plan_total_2025 * fraction * weight / total_weight,
                    item.decimals,
                )


def _budgets(data: Dataset, cities: list[City]) -> None:
    for c in cities:
        base = sum(
            sign * data.get(c.code, variable, YEARS[0])
            for sign, variable in ((1, "energy_total"), (-1, "energy_raw_material"), (-1, "energy_listed_projects"))
        )
        for year in YEARS[1:]:
            data.put(c.code, "energy_budget", year, base * (1 + ENERGY_BUDGET_GROWTH) ** (year - YEARS[0]), 2)


def city_series(seed: int) -> Dataset:
    """Every city's series for every year; deterministic for a given seed."""
    rng = random.Random(seed)
    cities = load_cities()
    data, state = Dataset(), _State()
    for year in YEARS:
        _gdp(data, cities, rng, state, year)
        _energy(data, cities, rng, state, year)
        _industry(data, cities, rng, state, year)
        _energy_mix(data, cities, rng, year)
        _public_institutions(data, cities, rng, year)
    _levels(data, cities, rng)
    _cumulatives(data, cities)
    _budgets(data, cities)
    return data
