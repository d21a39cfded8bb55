"""Target-year forecast from the path so far; honest about too few data points."""

from __future__ import annotations

import numpy as np
import pytest

from ecer.core.errors import AccountingInputError
from ecer.core.forecast import ForecastStatus, forecast_target_year, reduction_still_needed, t_quantile
from ecer.core.panel import Panel


def panel(values: list[float], first_year: int = 2020) -> Panel:
    years = tuple(range(first_year, first_year + len(values)))
    return Panel("energy_intensity", "tce_per_10k_yuan", ("r",), years, np.array([values]))


def test_constant_rate_path_gives_exact_point_and_zero_width_interval() -> None:
    result = forecast_target_year(panel([1.0, 0.97, 0.9409, 0.912673]), 2025)
    assert result.status is ForecastStatus.INTERVAL
    assert result.point[0] == pytest.approx(0.97 ** 5)
    assert result.lower[0] == pytest.approx(result.upper[0])
    assert result.mean_annual_change[0] == pytest.approx(-0.03)


def test_interval_widens_with_noise_and_contains_point() -> None:
    result = forecast_target_year(panel([1.0, 0.96, 0.95, 0.91]), 2025)
    assert result.lower[0] < result.point[0] < result.upper[0]
    # hand computation of the documented method
    d = np.diff(np.log([1.0, 0.96, 0.95, 0.91]))
    se = d.std(ddof=1) * np.sqrt(2 + 4 / 3)
    assert result.upper[0] == pytest.approx(0.91 * np.exp(2 * d.mean() + t_quantile(0.90, 2) * se))


def test_too_few_points_say_so() -> None:
    two = forecast_target_year(panel([1.0, 0.97]), 2025)
    assert two.status is ForecastStatus.POINT_ONLY
    assert np.isnan(two.lower).all() and two.point[0] == pytest.approx(0.97 ** 5)
    one = forecast_target_year(panel([1.0]), 2025)
    assert one.status is ForecastStatus.INSUFFICIENT_DATA
    assert "fewer than 2" in one.message_en


def test_reduction_still_needed_and_bad_input() -> None:
    needed = reduction_still_needed(panel([1.0, 0.97, 0.96, 0.949]), 2020, 2025, 0.14)
    assert (1 - needed[0]) ** 2 == pytest.approx(0.86 / 0.949)
    with pytest.raises(AccountingInputError):
        forecast_target_year(panel([1.0, 0.97, 0.96]), 2021)
    with pytest.raises(AccountingInputError):
        t_quantile(0.5, 3)


def test_linear_method_for_levels_that_start_at_zero() -> None:
    from ecer.core.forecast import ForecastMethod

    cumulative = panel([0.0, 2.0, 4.5, 6.5])
    with pytest.raises(AccountingInputError):
        forecast_target_year(cumulative, 2025)  # log-linear needs positive values
    result = forecast_target_year(cumulative, 2025, method=ForecastMethod.LINEAR)
    assert result.point[0] == pytest.approx(6.5 + 2 * 6.5 / 3)
    assert result.lower[0] < result.point[0] < result.upper[0]
