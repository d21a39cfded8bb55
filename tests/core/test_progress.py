"""Progress requirement, completion, remaining task, level targets (METHODOLOGY §1)."""

from __future__ import annotations

import numpy as np
import pytest

from ecer.core.barometer import Light
from ecer.core.errors import AccountingInputError
from ecer.core.evaluate import ProgressOptions, TargetKind, TargetSpec, evaluate_target
from ecer.core.panel import Panel
from ecer.core.progress import (
    Comparator,
    Completion,
    Direction,
    Interpolation,
    check_period,
    compare,
    completion_ratio,
    level_requirement,
    reduction_requirement,
    remaining_per_year,
    remaining_task,
)

YEARS = (2020, 2021, 2022, 2023, 2024, 2025)


def test_geometric_path_r14() -> None:
    path = reduction_requirement(0.14, 2020, 2025, YEARS, ("510000",))
    assert [round(float(p) * 100, 2) for p in path[0, 1:]] == [2.97, 5.85, 8.65, 11.37, 14.00]
    assert path[0, 0] == 0.0


def test_configured_annual_targets_take_precedence() -> None:
    annual = np.full((1, 6), np.nan)
    annual[0, 1:3] = [0.03, 0.035]
    path = reduction_requirement(0.14, 2020, 2025, YEARS, ("510000",), annual)
    assert path[0, 1] == pytest.approx(0.03)
    assert path[0, 2] == pytest.approx(1 - 0.97 * 0.965)
    a = 1 - 0.86 ** 0.2
    assert path[0, 3] == pytest.approx(1 - 0.97 * 0.965 * (1 - a))


def test_reduction_target_given_as_percentage_is_rejected() -> None:
    with pytest.raises(AccountingInputError, match="percentage") as err:
        reduction_requirement(14.0, 2020, 2025, YEARS, ("510800",), indicator="energy_intensity")
    assert (err.value.region, err.value.indicator) == ("510800", "energy_intensity")


def test_target_year_before_base_year_is_rejected() -> None:
    with pytest.raises(AccountingInputError, match="not after base year"):
        check_period(2025, 2020, "energy_intensity")
    panel = Panel("energy_intensity", "tce_per_10k_yuan", ("a",), (2020, 2021), np.array([[1.0, 0.9]]))
    with pytest.raises(AccountingInputError, match="not after base year") as err:
        evaluate_target(panel, TargetSpec("energy_intensity", TargetKind.REDUCTION, 2025, 2020, 0.14))
    assert err.value.indicator == "energy_intensity"


def test_completion_ratio_log_reproduces_official_example_linear_does_not() -> None:
    assert round(float(completion_ratio(0.0487, 0.17)) * 100, 1) == 26.8
    assert round(float(completion_ratio(0.0487, 0.17, Completion.LINEAR)) * 100, 1) == 28.6


def test_remaining_task() -> None:
    x = remaining_task(0.051, 0.14)
    assert float(x) == pytest.approx(1 - 0.86 / 0.949)
    per_year = remaining_per_year(x, 2)
    assert (1 - float(per_year)) ** 2 == pytest.approx(1 - float(x))
    assert float(remaining_per_year(x, 0)) == pytest.approx(float(x))  # target year: not spread
    assert float(remaining_task(0.15, 0.14)) < 0  # already met: headroom
    with pytest.raises(AccountingInputError):
        remaining_per_year(x, -1)


def test_level_requirement_linear_and_geometric() -> None:
    lin = level_requirement(20.0, 40.0, 2020, 2025, YEARS, ("a",))
    assert lin[0].tolist() == pytest.approx([20, 24, 28, 32, 36, 40])
    geo = level_requirement(20.0, 40.0, 2020, 2025, YEARS, ("a",), Interpolation.GEOMETRIC)
    assert geo[0, 5] == pytest.approx(40.0)
    assert geo[0, 1] == pytest.approx(20 * 2 ** 0.2)
    with pytest.raises(AccountingInputError, match="geometric"):
        level_requirement(0.0, 5.0, 2020, 2025, YEARS, ("a",), Interpolation.GEOMETRIC)


def test_comparators() -> None:
    actual = np.array([10.0, 9.0, 10.4, 11.0])
    required = np.full(4, 10.0)
    met_ge, gap_ge = compare(actual, required, Comparator.GE)
    assert met_ge.tolist() == [True, False, True, True]
    assert gap_ge[1] == pytest.approx(1.0)
    met_le, _ = compare(actual, required, Comparator.LE)
    assert met_le.tolist() == [True, True, False, False]
    # about (左右): a tolerance on the short side only (METHODOLOGY §2a). Higher is better: 9.0 falls
    # 1.0 short, beyond the 0.5 tolerance; 11.0 is beyond the requirement in the good direction → met.
    met_about, gap_about = compare(actual, required, Comparator.ABOUT, about_tolerance=0.05,
                                   direction=Direction.HIGHER)
    assert met_about.tolist() == [True, False, True, True]
    assert gap_about.tolist() == pytest.approx([-0.5, 0.5, -0.9, -1.5])
    met_low, gap_low = compare(actual, required, Comparator.ABOUT, about_tolerance=0.05, direction=Direction.LOWER)
    assert met_low.tolist() == [True, True, True, False]
    assert gap_low[3] == pytest.approx(0.5)


def test_about_needs_a_direction_and_ge_le_must_agree_with_it() -> None:
    one = np.array([1.0])
    with pytest.raises(AccountingInputError, match="needs the indicator's direction"):
        compare(one, one, Comparator.ABOUT)
    with pytest.raises(AccountingInputError, match="contradicts"):
        compare(one, one, Comparator.GE, direction=Direction.LOWER)


def test_a_base_beyond_the_target_is_never_asked_to_fall() -> None:
    """Regression (issue 7 §1.1): 雅安's non-fossil share, 70% in the base year against a 41.5%左右
    level, was required to fall along a path toward 41.5% and shown red at 72.4%."""
    panel = Panel("non_fossil_share", "pct", ("511800", "510100"), (2020, 2021, 2022, 2023),
                  np.array([[70.0, 71.0, 71.5, 72.4], [36.0, 37.0, 38.0, 37.6]]))
    spec = TargetSpec("non_fossil_share", TargetKind.LEVEL, 2020, 2025, 41.5, Comparator.ABOUT,
                      direction=Direction.HIGHER)
    result = evaluate_target(panel, spec)
    i, j = result.cell("511800", 2023)
    assert result.required[i, j] == pytest.approx(41.5)  # holds the target, no falling path
    assert result.met[i, j] and result.light_progress[i, j] == Light.GREEN
    assert result.completion[i, j] == pytest.approx(1.0)
    k = result.regions.index("510100")  # 36 → 41.5: 2023 requires 39.3, 5% tolerance → 37.335
    assert result.required[k, j] == pytest.approx(39.3)
    assert result.met[k, j] and result.gap[k, j] == pytest.approx(39.3 - 37.6 - 0.05 * 39.3)


def test_evaluate_level_target() -> None:
    panel = Panel("non_fossil_share", "pct", ("a", "b"), (2020, 2021, 2022),
                  np.array([[30.0, 31.0, 33.0], [30.0, 29.0, 31.0]]))
    spec = TargetSpec("non_fossil_share", TargetKind.LEVEL, 2020, 2025, 40.0, Comparator.GE)
    result = evaluate_target(panel, spec)
    assert result.years == (2021, 2022)
    assert result.required[0].tolist() == pytest.approx([32.0, 34.0])
    assert result.met.tolist() == [[False, False], [False, False]]
    assert result.completion[0, 1] == pytest.approx(0.3)
    assert result.remaining[0, 1] == pytest.approx(7.0)
    assert result.remaining_per_year[0, 1] == pytest.approx(7.0 / 3)
    assert bool(result.annual_worsened[1, 0]) and not result.annual_worsened[0, 0]
    already = evaluate_target(panel, TargetSpec("non_fossil_share", TargetKind.LEVEL, 2020, 2025, 29.0))
    assert already.completion.tolist() == [[1.0, 1.0], [1.0, 1.0]]  # base already met: no distance to cover
    geo = evaluate_target(panel, spec, ProgressOptions(interpolation=Interpolation.GEOMETRIC))
    assert geo.required[0, 0] == pytest.approx(30 * (4 / 3) ** 0.2)


def test_level_completion_is_capped_once_the_target_is_met() -> None:
    # Base 89.5% against a 90% target: 97% would be "1,500%" of the distance; it reads 100%, and the
    # over-achievement stays visible in the actual value and the (negative) gap.
    panel = Panel("straw_utilisation_rate", "pct", ("a", "b"), (2020, 2021),
                  np.array([[89.5, 97.0], [89.5, 89.75]]))
    result = evaluate_target(panel, TargetSpec("straw_utilisation_rate", TargetKind.LEVEL, 2020, 2025, 90.0))
    assert result.completion[:, 0].tolist() == pytest.approx([1.0, 0.5])
    assert result.actual[0, 0] == 97.0 and result.gap[0, 0] < 0


def test_evaluate_reduction_incentive_and_missing_base_year() -> None:
    panel = Panel("ei", "tce_per_10k_yuan", ("a", "b"), (2020, 2021), np.array([[1.0, 0.96], [1.0, 0.98]]))
    spec = TargetSpec("ei", TargetKind.REDUCTION, 2020, 2025, np.array([0.14, 0.14]),
                      incentive=np.array([0.17, np.nan]))
    result = evaluate_target(panel, spec)
    assert result.incentive_met.tolist() == [[True], [False]]
    late = Panel("ei", "tce_per_10k_yuan", ("a",), (2021, 2022), np.array([[1.0, 0.96]]))
    with pytest.raises(AccountingInputError, match="base year") as err:
        evaluate_target(late, TargetSpec("ei", TargetKind.REDUCTION, 2020, 2025, 0.14))
    assert err.value.year == 2020


def test_missing_year_in_indicator_values_names_region_and_year() -> None:
    panel = Panel("ei", "tce_per_10k_yuan", ("a", "b"), (2020, 2021, 2022),
                  np.array([[1.0, 0.96, 0.95], [1.0, np.nan, 0.9]]))
    with pytest.raises(AccountingInputError, match="missing") as err:
        evaluate_target(panel, TargetSpec("ei", TargetKind.REDUCTION, 2020, 2025, 0.14))
    assert (err.value.region, err.value.indicator, err.value.year) == ("b", "ei", 2021)
