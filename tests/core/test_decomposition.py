"""Decomposition of a provincial intensity target to cities by energy-productivity tiers."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecer.core.decomposition import (
    CityBase,
    DecompositionParams,
    Tier,
    decompose,
    tier_for,
)
from ecer.core.errors import AccountingInputError

CITIES = [
    CityBase("510100", "成都", 6000.0, 17700.0, 6.5),
    CityBase("510300", "自贡", 800.0, 1450.0, 6.0),
    CityBase("510400", "攀枝花", 1900.0, 1050.0, 5.5),
    CityBase("510500", "泸州", 1100.0, 2150.0, 6.5),
]
PARAMS = DecompositionParams(provincial_reduction_pct=14.0, base_year=2020, target_year=2025)


def _aggregate_by_hand(cities: list[CityBase], reductions_pct: list[float], years: int) -> float:
    """Independent re-computation of the aggregate reduction (no numpy), to check the module."""
    e0 = sum(c.energy_10k_tce for c in cities)
    g0 = sum(c.gdp_100m_yuan for c in cities)
    g_t = [c.gdp_100m_yuan * (1 + c.gdp_growth_pct / 100) ** years for c in cities]
    e_t = [c.energy_10k_tce / c.gdp_100m_yuan * (1 - r / 100) * g for c, r, g in zip(cities, reductions_pct, g_t, strict=True)]
    return (1 - (sum(e_t) / sum(g_t)) / (e0 / g0)) * 100


def test_aggregate_of_city_targets_meets_provincial_target_plus_margin() -> None:
    d = decompose(CITIES, PARAMS)
    basic = [a.basic_reduction_pct for a in d.allocations]
    by_hand = _aggregate_by_hand(CITIES, basic, 5)
    assert d.check.aggregate_reduction_pct == pytest.approx(by_hand, abs=1e-9)
    assert by_hand >= 14.5
    assert d.check.meets_with_margin and d.check.meets_provincial_target
    assert d.check.solved_reduction_pct == pytest.approx(14.5, abs=1e-6)
    # Solved shift reproduces the unrounded targets; rounding is upwards to 0.1 pp.
    for a in d.allocations:
        assert a.raw_reduction_pct == pytest.approx(d.shift_pct + a.offset_pct)
        assert a.raw_reduction_pct <= a.basic_reduction_pct < a.raw_reduction_pct + 0.1 + 1e-9
        assert a.incentive_reduction_pct == pytest.approx(a.basic_reduction_pct + 0.5)
        assert a.projected_energy_10k_tce == pytest.approx(
            a.target_intensity_tce_per_10k_yuan * a.projected_gdp_100m_yuan
        )


def test_tiers_follow_productivity_relative_to_province() -> None:
    d = decompose(CITIES, PARAMS)
    by_code = {a.region_code: a for a in d.allocations}
    assert d.provincial_productivity_10k_yuan_per_tce == pytest.approx(22350 / 9800)
    assert by_code["510100"].tier == "T1"  # 17700/6000 = 2.95 vs 2.28 → ratio 1.29
    assert by_code["510400"].tier == "T4"  # 1050/1900 = 0.55 → ratio 0.24
    assert by_code["510100"].productivity_rank == 1 and by_code["510400"].productivity_rank == 4
    assert by_code["510100"].basic_reduction_pct < by_code["510400"].basic_reduction_pct


def test_tier_boundary_is_inclusive() -> None:
    assert tier_for(1.25, PARAMS.tiers).code == "T1"
    assert tier_for(1.2499999, PARAMS.tiers).code == "T2"
    assert tier_for(0.0, PARAMS.tiers).code == "T4"


def test_larger_margin_gives_larger_targets() -> None:
    low = decompose(CITIES, PARAMS)
    high = decompose(CITIES, DecompositionParams(14.0, 2020, 2025, margin_pct=1.5))
    assert high.shift_pct > low.shift_pct
    assert high.check.aggregate_reduction_pct >= 15.5


@pytest.mark.parametrize(
    ("city", "message"),
    [
        (CityBase("510700", "绵阳", 0.0, 3000.0, 6.0), "energy_10k_tce must be a positive"),
        (CityBase("510700", "绵阳", 1000.0, -1.0, 6.0), "gdp_100m_yuan must be a positive"),
        (CityBase("510700", "绵阳", float("nan"), 1.0, 6.0), "energy_10k_tce must be a positive"),
    ],
)
def test_impossible_inputs_name_the_city(city: CityBase, message: str) -> None:
    with pytest.raises(AccountingInputError, match=message) as err:
        decompose([*CITIES, city], PARAMS)
    assert err.value.region == "510700"


def test_missing_city_is_named() -> None:
    with pytest.raises(AccountingInputError, match="no base-year data") as err:
        decompose(CITIES, PARAMS, expected_codes=["510100", "510300", "510400", "510500", "511800"])
    assert err.value.region == "511800"


def test_infeasible_target_is_reported() -> None:
    params = DecompositionParams(40.0, 2020, 2025, max_city_reduction_pct=30.0)
    with pytest.raises(AccountingInputError, match="infeasible"):
        decompose(CITIES, params)


def test_tiers_that_reward_low_productivity_are_rejected() -> None:
    bad = (Tier("A", "a", "a", 1.0, 2.0), Tier("B", "b", "b", 0.0, 0.0))
    with pytest.raises(AccountingInputError, match="must not have a larger offset"):
        decompose(CITIES, DecompositionParams(14.0, 2020, 2025, tiers=bad))




@settings(max_examples=150, deadline=None)
@given(
    data=st.lists(
        st.tuples(st.floats(1.0, 1e5), st.floats(1.0, 1e5), st.floats(-5.0, 15.0)), min_size=1, max_size=25
    ),
    reduction=st.floats(1.0, 25.0),
    margin=st.floats(0.0, 2.0),
    step=st.sampled_from([0.0, 0.1, 0.5]),
)
def test_property_aggregate_meets_target_and_productive_cities_never_get_more(
    data: list[tuple[float, float, float]], reduction: float, margin: float, step: float
) -> None:
    cities = [CityBase(f"51{i:04d}", f"city{i}", e, g, gr) for i, (e, g, gr) in enumerate(data)]
    params = DecompositionParams(reduction, 2020, 2025, margin_pct=margin, round_step_pct=step)
    try:
        d = decompose(cities, params)
    except AccountingInputError as err:
        # Only legitimate refusal: structural change makes the cap unreachable.
        assert "infeasible" in str(err)
        return
    basic = [a.basic_reduction_pct for a in d.allocations]
    assert _aggregate_by_hand(cities, basic, 5) >= reduction + margin - 1e-6
    prods = [a.energy_productivity_10k_yuan_per_tce for a in d.allocations]
    for i in range(len(cities)):
        for j in range(len(cities)):
            if prods[i] > prods[j]:
                assert basic[i] <= basic[j] + 1e-12
    assert all(math.isfinite(b) and 0 <= b <= 50 for b in basic)
