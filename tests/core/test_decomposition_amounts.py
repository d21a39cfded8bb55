"""Decomposition of a provincial amount target (万吨, 万公里 …) to cities pro rata by a basis variable."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecer.core.decomposition_amounts import (
    DEFAULT_BASIS,
    AmountParams,
    BasisValue,
    decompose_amount,
    default_basis,
    round_up,
)
from ecer.core.errors import AccountingInputError

CITIES = [BasisValue("510100", "成都", 17716.7), BasisValue("510300", "自贡", 1458.4),
          BasisValue("510400", "攀枝花", 1040.8), BasisValue("510500", "泸州", 2157.2)]


def params(amount: float = 14.92, **kw: float) -> AmountParams:
    return AmountParams("cod_key_project_reduction", amount, "10k_t", 2020, 2025, "gdp_current", 2020, **kw)


def test_shares_steps_and_check_by_hand() -> None:
    d = decompose_amount(CITIES, params(margin_pct=5.0))
    total = 17716.7 + 1458.4 + 1040.8 + 2157.2
    assert d.basis_total == pytest.approx(total)
    chengdu = d.allocations[0]
    assert chengdu.share == pytest.approx(17716.7 / total)
    assert chengdu.raw_amount == pytest.approx(14.92 * 1.05 * 17716.7 / total)
    # rounded up to 0.0001 万吨 (1 t): never below the raw amount, at most one step above
    assert chengdu.raw_amount <= chengdu.basic_amount < chengdu.raw_amount + 0.0001 + 1e-12
    assert chengdu.basic_amount == pytest.approx(math.ceil(chengdu.raw_amount / 0.0001) * 0.0001)
    assert d.check.required_amount == pytest.approx(15.666)
    assert d.check.meets_with_margin and d.check.meets_provincial_target
    assert d.check.sum_basic_amount >= 15.666
    assert all(a.incentive_amount is None for a in d.allocations)


def test_incentive_and_zero_basis_city() -> None:
    cities = [*CITIES, BasisValue("513200", "阿坝", 0.0)]
    d = decompose_amount(cities, params(incentive_extra_pct=10.0, round_step=0.01))
    aba = d.allocations[-1]
    assert (aba.share, aba.basic_amount, aba.incentive_amount) == (0.0, 0.0, 0.0)
    chengdu = d.allocations[0]
    assert chengdu.incentive_amount == pytest.approx(round_up(chengdu.basic_amount * 1.1, 0.01))


def test_default_basis_documented_for_every_sichuan_amount_target() -> None:
    assert default_basis("cod_key_project_reduction") == "gdp_current"
    assert default_basis("nox_key_project_reduction") == "industrial_va_current"
    assert default_basis("unknown_amount") == "gdp_current"
    assert set(DEFAULT_BASIS) == {"cod_key_project_reduction", "nh3n_key_project_reduction",
                                  "nox_key_project_reduction", "voc_key_project_reduction",
                                  "sewage_pipe_new_length", "sewage_capacity_new"}


@pytest.mark.parametrize(("cities", "expected", "region"), [
    ([BasisValue("510100", "成都", -1.0)], "non-negative", "510100"),
    ([BasisValue("510100", "成都", float("nan"))], "non-negative", "510100"),
    ([BasisValue("510100", "成都", 0.0)], "add up to zero", None),
    ([CITIES[0], CITIES[0]], "twice", "510100"),
])
def test_bad_basis_is_named(cities: list[BasisValue], expected: str, region: str | None) -> None:
    with pytest.raises(AccountingInputError, match=expected) as info:
        decompose_amount(cities, params())
    assert info.value.region == region and info.value.indicator == "cod_key_project_reduction"


def test_missing_city_is_named() -> None:
    with pytest.raises(AccountingInputError, match="no gdp_current value in 2020") as info:
        decompose_amount(CITIES, params(), expected_codes=["510100", "510800"])
    assert info.value.region == "510800"


def test_negative_margin_rejected() -> None:
    with pytest.raises(AccountingInputError, match="margin_pct"):
        decompose_amount(CITIES, params(margin_pct=-1.0))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(min_value=0.0, max_value=1e6, allow_nan=False), min_size=1, max_size=30).filter(
        lambda xs: sum(xs) > 1e-6),
    st.floats(min_value=0.0, max_value=1e4, allow_nan=False),
    st.floats(min_value=0.0, max_value=20.0, allow_nan=False),
    st.sampled_from([0.0, 0.0001, 0.01, 1.0]),
)
def test_city_amounts_add_up_to_the_provincial_amount_plus_margin(
    basis: list[float], amount: float, margin: float, step: float
) -> None:
    cities = [BasisValue(f"51{i:04d}", f"city {i}", v) for i, v in enumerate(basis)]
    d = decompose_amount(cities, params(amount, margin_pct=margin, round_step=step))
    required = amount * (1 + margin / 100)
    amounts = [a.basic_amount for a in d.allocations]
    assert all(a >= 0 for a in amounts)
    assert math.fsum(amounts) >= required - 1e-9 * max(1.0, required)
    assert math.fsum(amounts) >= amount - 1e-9 * max(1.0, amount)
    # rounding adds at most one step per city
    assert math.fsum(amounts) <= required + len(cities) * step + 1e-9 * max(1.0, required)
    assert math.fsum(a.share for a in d.allocations) == pytest.approx(1.0)
    assert d.check.meets_with_margin
