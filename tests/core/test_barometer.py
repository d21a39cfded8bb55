"""Barometer lights, both variants, against annual target and progress requirement (METHODOLOGY §3)."""

from __future__ import annotations

import numpy as np
import pytest

from ecer.core.barometer import BarometerOptions, Light, ThresholdBasis, Variant, lights
from ecer.core.errors import AccountingInputError
from ecer.core.evaluate import ProgressOptions, TargetKind, TargetSpec, evaluate_target
from ecer.core.panel import Panel

SPEC = TargetSpec("energy_intensity", TargetKind.REDUCTION, 2020, 2025, 0.14)


def evaluate(values: list[float], variant: Variant = Variant.NDRC2020_TEN_PERCENT,
             basis: ThresholdBasis = ThresholdBasis.RELATIVE):
    years = tuple(range(2020, 2020 + len(values)))
    panel = Panel("energy_intensity", "tce_per_10k_yuan", ("r",), years, np.array([values]))
    options = ProgressOptions(barometer=BarometerOptions(variant=variant, threshold_basis=basis))
    return evaluate_target(panel, SPEC, options)


def test_ten_percent_variant_against_progress_requirement() -> None:
    # requirement 2021: 2.97%; 10% of it = 0.297 pp
    assert evaluate([1.0, 0.97]).light_progress[0, 0] == Light.GREEN
    assert evaluate([1.0, 0.9725]).light_progress[0, 0] == Light.YELLOW  # K = 2.75%, gap 0.22 pp
    assert evaluate([1.0, 0.975]).light_progress[0, 0] == Light.RED  # K = 2.5%, gap 0.47 pp


def test_absolute_threshold_basis_reads_ten_percent_as_points() -> None:
    result = evaluate([1.0, 0.97, 0.96, 0.949], basis=ThresholdBasis.ABSOLUTE)
    assert result.light_progress[0, 2] == Light.YELLOW  # gap 3.55 pp < 10 pp
    assert evaluate([1.0, 0.97, 0.96, 0.949]).light_progress[0, 2] == Light.RED


def test_rise_variant() -> None:
    rose = evaluate([1.0, 1.01], Variant.NDRC2021_RISE)
    assert rose.light_progress[0, 0] == Light.RED
    assert rose.light_annual[0, 0] == Light.RED
    missed = evaluate([1.0, 0.99], Variant.NDRC2021_RISE)
    assert missed.light_progress[0, 0] == Light.YELLOW  # far below 2.97% but did not rise
    # cumulative progress still positive although this year rose: annual red, progress yellow
    mixed = evaluate([1.0, 0.95, 0.96], Variant.NDRC2021_RISE)
    assert mixed.light_annual[0, 1] == Light.RED
    assert mixed.light_progress[0, 1] == Light.YELLOW


def test_annual_target_and_progress_can_differ() -> None:
    result = evaluate([1.0, 0.93, 0.92])  # 2022: annual −1.08% (missed), cumulative 8% (≥ 5.85%)
    assert result.light_progress[0, 1] == Light.GREEN
    assert result.light_annual[0, 1] == Light.RED


def test_not_assessed_and_bad_input() -> None:
    out = lights(np.array([False]), np.array([1.0]), np.array([2.0]), np.array([False]),
                 not_assessed=np.array([True]))
    assert out.tolist() == [Light.NOT_ASSESSED]
    with pytest.raises(AccountingInputError):
        lights(np.array([False]), np.array([np.nan]), np.array([2.0]), np.array([False]))
    with pytest.raises(AccountingInputError):
        BarometerOptions(threshold=-0.1)
