"""Total-consumption control against a budget or allowed growth; incentive exemption."""

from __future__ import annotations

import numpy as np
import pytest

from ecer.core.barometer import Light
from ecer.core.errors import AccountingInputError
from ecer.core.panel import Panel
from ecer.core.progress import Interpolation
from ecer.core.total_energy import budget_from_growth, total_consumption_control

REGIONS = ("a", "b", "c")
YEARS = (2020, 2021)


def test_budget_from_growth() -> None:
    budget = budget_from_growth(np.array([100.0, 100.0, 100.0]), 0.1, 2020, 2025, (2020, 2025, 2026), REGIONS)
    assert budget[0].tolist() == pytest.approx([100.0, 110.0, 110.0])
    lin = budget_from_growth(np.array([100.0]), 0.1, 2020, 2025, (2021,), ("a",), Interpolation.LINEAR)
    assert lin[0, 0] == pytest.approx(102.0)
    with pytest.raises(AccountingInputError):
        budget_from_growth(np.array([0.0]), 0.1, 2020, 2025, (2021,), ("a",))


def test_lights_and_exemption() -> None:
    assessed = Panel("energy_for_total_assessment", "10k_tce", REGIONS, YEARS,
                     np.array([[100.0, 101.0], [100.0, 105.0], [100.0, 120.0]]))
    budget = np.array([[100.0, 102.0]] * 3)
    exempt = np.array([[False, False], [False, False], [False, True]])
    result = total_consumption_control(assessed, budget, exempt)
    # exempt (免考核) is its own light, never green (issue 7 §1.3)
    assert result.light[:, 1].tolist() == [Light.GREEN, Light.YELLOW, Light.EXEMPT]
    assert not Light.EXEMPT.is_colour and not Light.NOT_ASSESSED.is_colour
    result = total_consumption_control(assessed, budget)
    assert result.light[2, 1] == Light.RED
    assert result.excess[1, 1] == pytest.approx(3.0)


def test_rise_can_be_given_for_a_single_assessed_year() -> None:
    from ecer.core.barometer import BarometerOptions, Variant

    assessed = Panel("energy_for_total_assessment", "10k_tce", ("a", "b"), (2023,), np.array([[110.0], [110.0]]))
    budget = np.array([[100.0], [100.0]])
    rise = BarometerOptions(variant=Variant.NDRC2021_RISE)
    result = total_consumption_control(assessed, budget, barometer=rise, rose=np.array([[True], [False]]))
    assert result.light[:, 0].tolist() == [Light.RED, Light.YELLOW]
    assert total_consumption_control(assessed, budget, barometer=rise).light[:, 0].tolist() == [Light.YELLOW] * 2
