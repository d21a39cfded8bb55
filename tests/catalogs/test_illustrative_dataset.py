"""The committed illustrative dataset: regenerates byte-identically, parses, hits the anchors, sums hold."""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

import pytest

from ecer.catalogs import StatRow, load_regions, load_variables, read_statistics_file
from ecer.demo.generate import DEFAULT_SEED, main, render, source_text
from ecer.demo.series import GDP_ANCHORS_100M_YUAN, GDP_INDEX_ANCHORS, YEARS

COMMITTED = (
    Path(__file__).resolve().parents[2] / "src" / "ecer" / "demo" / "data" / "illustrative-statistics.csv"
)
CITIES = [r.code for r in load_regions().children("510000")]


@pytest.fixture(scope="module")
def rows() -> list[StatRow]:
    return read_statistics_file(COMMITTED)


@pytest.fixture(scope="module")
def values(rows: list[StatRow]) -> dict[tuple[str, str, int], float]:
    return {(r.region_code, r.variable, r.year): r.value for r in rows}


def test_regenerating_gives_the_committed_bytes(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    assert main(["--out", str(out)]) == 0
    assert out.read_bytes() == COMMITTED.read_bytes()
    assert render(seed=1) != render(DEFAULT_SEED)


def test_every_row_says_it_is_illustrative(rows: list[StatRow]) -> None:
    assert {r.source for r in rows} == {source_text(DEFAULT_SEED)}
    assert "not official statistics" in source_text(DEFAULT_SEED)


def test_province_gdp_is_the_published_anchor(values: dict[tuple[str, str, int], float]) -> None:
    for year in YEARS:
        assert values[("510000", "gdp_current", year)] == GDP_ANCHORS_100M_YUAN[year]
        assert values[("510000", "gdp_index", year)] == GDP_INDEX_ANCHORS[year]
    assert values[("510000", "gdp_current", 2022)] == 56610.2


def test_complete_for_every_region_year_and_sichuan_variable(
    values: dict[tuple[str, str, int], float],
) -> None:
    national_only = {"cod_emission", "nh3n_emission", "nox_emission", "voc_emission"}
    for variable in load_variables():
        for region in ["510000", *CITIES]:
            for year in YEARS:
                # budgets (用能预算) are issued for the plan's years after the base year only
                expected = variable.code not in national_only and (variable.code != "energy_budget" or year > 2020)
                assert ((region, variable.code, year) in values) == expected, (region, variable.code, year)


def test_province_flows_are_sums_of_cities(values: dict[tuple[str, str, int], float]) -> None:
    sums: dict[tuple[str, int], float] = defaultdict(float)
    for (region, variable, year), value in values.items():
        if region != "510000":
            sums[(variable, year)] += value
    for variable in load_variables():
        if not variable.additive_across_regions or ("510000", variable.code, 2020) not in values:
            continue
        for year in YEARS:
            assert math.isclose(
                values[("510000", variable.code, year)],
                sums[(variable.code, year)],
                rel_tol=1e-12,
                abs_tol=1e-9,
            ), (variable.code, year)


def _intensity_change(values: dict[tuple[str, str, int], float], region: str) -> list[float]:
    constant = values[(region, "gdp_current", 2020)]
    intensity = [values[(region, "energy_total", 2020)] / constant]
    for year in YEARS[1:]:
        constant *= values[(region, "gdp_index", year)] / 100
        intensity.append(values[(region, "energy_total", year)] / constant)
    return [intensity[i] / intensity[i - 1] - 1 for i in range(1, len(intensity))]


def test_intensity_on_the_path_overall_with_a_spread(values: dict[tuple[str, str, int], float]) -> None:
    assert 20500 < values[("510000", "energy_total", 2020)] < 21500
    province = _intensity_change(values, "510000")
    cumulative = math.prod(1 + r for r in province) - 1
    assert -0.125 < cumulative < -0.10  # the 14% path requires -11.37% by 2024
    by_city = {code: math.prod(1 + r for r in _intensity_change(values, code)) - 1 for code in CITIES}
    assert by_city["510800"] > -0.05 and by_city["513400"] > -0.08  # 广元, 凉山 lag
    assert any(r > 0 for code in CITIES for r in _intensity_change(values, code))  # intensity rose somewhere
    assert sum(1 for c in by_city.values() if c <= -0.1137) >= 3  # some cities on track


def test_city_index_consistent_with_province_growth(values: dict[tuple[str, str, int], float]) -> None:
    for year in YEARS[1:]:
        weights = {c: values[(c, "gdp_current", year - 1)] for c in CITIES}
        mean = sum(w * values[(c, "gdp_index", year)] for c, w in weights.items()) / sum(weights.values())
        assert abs(mean - GDP_INDEX_ANCHORS[year]) < 0.1


def test_plausible_shares_and_key_projects(values: dict[tuple[str, str, int], float]) -> None:
    assert 0.34 < values[("510100", "gdp_current", 2020)] / GDP_ANCHORS_100M_YUAN[2020] < 0.38
    for small in ("513200", "513300"):
        assert values[(small, "gdp_current", 2020)] / GDP_ANCHORS_100M_YUAN[2020] < 0.02
    for variable, plan in (("cod", 14.92), ("nh3n", 0.79), ("nox", 5.95), ("voc", 2.53)):
        share = values[("510000", f"{variable}_key_project_reduction", 2024)] / plan
        assert 0.8 <= share <= 0.9, variable
    listed = {c for c in CITIES if any(values[(c, "energy_listed_projects", y)] > 0 for y in YEARS)}
    assert 2 <= len(listed) <= 3


def test_barometer_against_the_provincial_path_shows_all_three_lights(
    values: dict[tuple[str, str, int], float],
) -> None:
    required = 1 - (1 - 0.14) ** (4 / 5)  # progress requirement for 2024 (METHODOLOGY §1)
    lights = set()
    for code in CITIES:
        achieved = 1 - math.prod(1 + r for r in _intensity_change(values, code))
        gap = (required - achieved) / required
        lights.add("green" if gap <= 0 else "yellow" if gap <= 0.10 else "red")
    assert lights == {"green", "yellow", "red"}


def test_energy_budgets_show_green_yellow_and_red_against_assessed_consumption(
    values: dict[tuple[str, str, int], float],
) -> None:
    """Assessed consumption (total − raw material − listed projects − new renewables on the
    coal-equivalent basis, each year's increase at that year's catalog rate) against the illustrative
    budget in 2023: some cities within it, some over by less than 10 %, one more."""
    from ecer.catalogs import electricity_factor

    def assessed(region: str, year: int) -> float:
        steps = sum((values[(region, "renewable_electricity", y)] - values[(region, "renewable_electricity", y - 1)])
                    * electricity_factor(y, "coal_equivalent") * 10 for y in range(2021, year + 1))
        renewable = max(0.0, steps)
        return (values[(region, "energy_total", year)] - values[(region, "energy_raw_material", year)]
                - values[(region, "energy_listed_projects", year)] - renewable)

    lights = set()
    for code in CITIES:
        budget = values[(code, "energy_budget", 2023)]
        assert 0.9 < budget / assessed(code, 2020) < 1.1
        excess = assessed(code, 2023) - budget
        lights.add("green" if excess <= 0 else "yellow" if excess <= 0.1 * budget else "red")
    assert lights == {"green", "yellow", "red"}
