"""Properties of the accounting rules (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ecer.core.barometer import BarometerOptions, Light, ThresholdBasis, Variant
from ecer.core.deductions import DeductionOptions, energy_for_intensity, energy_for_total_assessment
from ecer.core.evaluate import ProgressOptions, TargetKind, TargetSpec, evaluate_target
from ecer.core.intensity import change_since, cumulative_change
from ecer.core.panel import Panel
from ecer.core.progress import Comparator, Completion, Direction, completion_ratio

positive = st.floats(min_value=0.05, max_value=50.0, allow_nan=False)
paths = st.lists(st.lists(positive, min_size=3, max_size=7), min_size=1, max_size=4).filter(
    lambda rows: len({len(r) for r in rows}) == 1)


@given(paths)
def test_product_of_annual_changes_equals_direct_ratio(rows: list[list[float]]) -> None:
    values = np.array(rows)
    annual = values[:, 1:] / values[:, :-1] - 1
    direct = values[:, -1] / values[:, 0] - 1
    np.testing.assert_allclose(cumulative_change(annual), direct, rtol=1e-9, atol=1e-12)
    panel = Panel("x", "u", tuple(f"r{i}" for i in range(len(rows))), tuple(range(2020, 2020 + values.shape[1])), values)
    np.testing.assert_allclose(change_since(panel, 2020)[:, -1], direct, rtol=1e-9, atol=1e-12)


options = st.builds(
    lambda variant, basis, threshold: ProgressOptions(barometer=BarometerOptions(variant, threshold, basis)),
    st.sampled_from(list(Variant)), st.sampled_from(list(ThresholdBasis)), st.floats(0.0, 0.5))


@settings(max_examples=80)
@given(paths, st.floats(0.01, 0.6), options, st.sampled_from([TargetKind.REDUCTION, TargetKind.LEVEL]),
       st.sampled_from(list(Comparator)), st.sampled_from(list(Direction)))
def test_meeting_the_requirement_is_never_red(rows: list[list[float]], target: float, opts: ProgressOptions,
                                               kind: TargetKind, comparator: Comparator, direction: Direction) -> None:
    values = np.array(rows)
    panel = Panel("x", "u", tuple(f"r{i}" for i in range(len(rows))), tuple(range(2020, 2020 + values.shape[1])), values)
    value = target if kind is TargetKind.REDUCTION else target * 40
    assume(not (kind is TargetKind.REDUCTION and comparator is Comparator.LE))  # a reduction is judged upward
    implied = {Comparator.GE: Direction.HIGHER, Comparator.LE: Direction.LOWER}.get(comparator, direction)
    spec = TargetSpec("x", kind, 2020, 2025, value, comparator, direction=implied)
    result = evaluate_target(panel, spec, opts)
    assert not (result.met & (result.light_progress == Light.RED)).any()
    assert (result.light_progress[result.met] == Light.GREEN).all()
    assert (result.light_annual[result.annual_met] == Light.GREEN).all()
    assert (result.light_progress[~result.met] != Light.GREEN).all()


@given(st.lists(st.tuples(st.floats(1.0, 1e4), st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.floats(0.0, 1.0)),
                min_size=1, max_size=6), st.booleans())
def test_deductions_never_increase_assessed_consumption(rows: list[tuple[float, float, float, float]],
                                                        switch: bool) -> None:
    arr = np.array(rows)
    total = arr[:, 0:1]
    # deductions as shares of total, jointly below it
    raw, ren, listed = (arr[:, k : k + 1] * total / 3.01 for k in (1, 2, 3))
    regions = tuple(f"r{i}" for i in range(len(rows)))

    def p(name: str, v: np.ndarray) -> Panel:
        return Panel(name, "10k_tce", regions, (2021,), v)

    e = p("energy_total", total)
    for adjusted in (energy_for_intensity(e, p("raw", raw), p("ren", ren), p("listed", listed),
                                          DeductionOptions(deduct_renewables_from_intensity=switch)),
                     energy_for_total_assessment(e, p("raw", raw), p("ren", ren), p("listed", listed))):
        assert (adjusted.values <= total).all()
        assert (adjusted.values > 0).all()


@given(st.floats(-0.5, 0.95), st.floats(-0.5, 0.95), st.floats(0.01, 0.9), st.sampled_from(list(Completion)))
def test_completion_is_monotone_in_achieved_reduction(k1: float, k2: float, r: float, method: Completion) -> None:
    low, high = sorted((k1, k2))
    assert completion_ratio(low, r, method) <= completion_ratio(high, r, method)
