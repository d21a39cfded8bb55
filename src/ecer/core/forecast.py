"""Likely target-year value from the path so far, with an interval (METHODOLOGY §1 extension).

Method (log-linear trend of annual changes): with observations v_0..v_k (k+1 points, consecutive
years), the annual log changes d_i = ln(v_i / v_{i−1}) are treated as independent draws with mean μ
and standard deviation σ. Over the h years left, ln v_T = ln v_k + Σ d, estimated by h·d̄, with
prediction standard error s·√(h + h²/m) (future noise plus uncertainty of d̄; m = k changes) and a
Student-t quantile with m − 1 degrees of freedom. The `linear` method does the same on plain
differences d_i = v_i − v_{i−1} (for levels that may be zero, e.g. cumulative reductions since the
base year). Needs ≥ 3 points for an interval; with 2 points
the trend is a single change and only a point forecast is given; with < 2 points, no forecast.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from ecer.core.errors import AccountingInputError
from ecer.core.panel import FloatArray, Panel
from ecer.core.progress import check_period, remaining_per_year, remaining_task

#: Two-sided Student-t quantiles t_{1−α/2, df} for df = 1..30 (standard tables); beyond 30 the
#: normal quantile is used. Only the levels listed are offered.
_T_QUANTILES: dict[float, tuple[float, ...]] = {
    0.90: (6.314, 2.920, 2.353, 2.132, 2.015, 1.943, 1.895, 1.860, 1.833, 1.812, 1.796, 1.782, 1.771,
           1.761, 1.753, 1.746, 1.740, 1.734, 1.729, 1.725, 1.721, 1.717, 1.714, 1.711, 1.708, 1.706,
           1.703, 1.701, 1.699, 1.697),
    0.95: (12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
           2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
           2.052, 2.048, 2.045, 2.042),
}
_NORMAL_QUANTILES = {0.90: 1.645, 0.95: 1.960}


class ForecastMethod(StrEnum):
    LOGLINEAR = "loglinear"  # trend of annual relative changes (intensities; values > 0)
    LINEAR = "linear"  # trend of annual differences (levels, may be 0)


class ForecastStatus(StrEnum):
    INTERVAL = "interval"  # point forecast and interval
    POINT_ONLY = "point_only"  # 2 data points: one change, no spread to estimate
    INSUFFICIENT_DATA = "insufficient_data"  # < 2 data points: no forecast


@dataclass(frozen=True)
class Forecast:
    """Per region: likely target-year value and interval (NaN only where `status` says none exists)."""

    status: ForecastStatus
    message_en: str
    message_zh: str
    regions: tuple[str, ...]
    last_year: int
    target_year: int
    level: float
    point: FloatArray
    lower: FloatArray
    upper: FloatArray
    mean_annual_change: FloatArray


def t_quantile(level: float, df: int) -> float:
    """Two-sided Student-t quantile for the offered levels (0.90, 0.95)."""
    if level not in _T_QUANTILES:
        raise AccountingInputError(f"forecast interval level must be one of {sorted(_T_QUANTILES)}, got {level}")
    if df < 1:
        raise AccountingInputError("t quantile needs at least one degree of freedom")
    table = _T_QUANTILES[level]
    return table[df - 1] if df <= len(table) else _NORMAL_QUANTILES[level]


def forecast_target_year(panel: Panel, target_year: int, level: float = 0.90,
                         method: ForecastMethod = ForecastMethod.LOGLINEAR) -> Forecast:
    """Forecast every region's value in `target_year` from all years of `panel` (values > 0 for
    `loglinear`, finite for `linear`). `mean_annual_change` is relative (loglinear) or absolute (linear)."""
    nan = np.full(len(panel.regions), np.nan)
    last = panel.years[-1]
    if target_year < last:
        raise AccountingInputError(f"target year {target_year} is before the last observed year {last}",
                                   indicator=panel.variable, year=target_year)
    if len(panel.years) < 2:
        return Forecast(ForecastStatus.INSUFFICIENT_DATA, "fewer than 2 data points: no forecast",
                        "数据点少于2个，无法预测", panel.regions, last, target_year, level, nan, nan, nan, nan)
    back: Callable[[FloatArray], FloatArray]
    if method is ForecastMethod.LOGLINEAR:
        panel.require_positive()
        logs, back = np.log(panel.values), _exp
    else:
        panel.require_finite()
        logs, back = panel.values, _identity
    d = np.diff(logs, axis=1)
    m = d.shape[1]
    h = target_year - last
    mean = d.mean(axis=1)
    point = back(logs[:, -1] + h * mean)
    mean_change = np.expm1(mean) if method is ForecastMethod.LOGLINEAR else mean
    if m < 2:
        return Forecast(ForecastStatus.POINT_ONLY, "2 data points: trend from one change, no interval",
                        "仅2个数据点：按一次变化外推，无区间", panel.regions, last, target_year, level,
                        point, nan, nan, mean_change)
    se = d.std(axis=1, ddof=1) * np.sqrt(h + h * h / m)
    q = t_quantile(level, m - 1)
    lower = back(logs[:, -1] + h * mean - q * se)
    upper = back(logs[:, -1] + h * mean + q * se)
    return Forecast(ForecastStatus.INTERVAL, f"{level:.0%} prediction interval, t with {m - 1} df",
                    f"{level:.0%}预测区间（t分布，自由度{m - 1}）", panel.regions, last, target_year, level,
                    point, lower, upper, mean_change)


def _identity(values: FloatArray) -> FloatArray:
    return values


def _exp(values: FloatArray) -> FloatArray:
    result: FloatArray = np.exp(values)
    return result


def reduction_still_needed(
    panel: Panel, base_year: int, target_year: int, total_reduction: FloatArray | float
) -> FloatArray:
    """Annual reduction (fraction) needed in each year from the last observed year to the target year
    to reach the reduction target R: `1 − ((1 − R)/(1 − K))^(1/m)` (≤ 0: already reached)."""
    check_period(base_year, target_year, panel.variable)
    panel.require_positive()
    k = 1.0 - panel.values[:, -1] / panel.column(base_year)
    left = max(target_year - panel.years[-1], 0)
    return remaining_per_year(remaining_task(k, np.asarray(total_reduction, dtype=np.float64)), left)
