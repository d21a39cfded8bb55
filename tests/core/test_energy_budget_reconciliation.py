"""The pure rules of the key-unit budgets and reconciliation (ecer.core.energy_budget,
ecer.core.energy_reconciliation) with the shipped parameters (catalogs/data/energy_checks.csv)."""

from __future__ import annotations

import pytest

from ecer.catalogs.energy_checks import energy_check_parameters, load_parameters
from ecer.core.barometer import Light
from ecer.core.energy_budget import (
    UnitUse,
    allocate_pro_rata,
    budget_statuses,
    inspection_list,
    pro_rata_budget,
)
from ecer.core.energy_checks import EnergyCheckParameters
from ecer.core.energy_reconciliation import (
    FindingKind,
    MonitoredYear,
    Status,
    UnitFigure,
    city_share,
    compare_unit,
)
from ecer.core.errors import AccountingInputError

P = EnergyCheckParameters()


def test_the_catalog_states_every_parameter_with_status_and_source() -> None:
    params = load_parameters()
    assert set(params) == set(EnergyCheckParameters.__dataclass_fields__)
    assert all(p.source and p.status in ("official", "derived", "assumed") for p in params.values())
    assert energy_check_parameters() == P  # the defaults are the catalog's


def test_pro_rata_split_adds_up_and_names_units_without_a_base() -> None:
    split = allocate_pro_rata(1000.0, {"a": 100.0, "b": 300.0})
    assert split == {"a": 250.0, "b": 750.0}
    with pytest.raises(AccountingInputError, match="no positive base-year consumption for b"):
        allocate_pro_rata(1000.0, {"a": 100.0, "b": None})
    with pytest.raises(AccountingInputError, match="positive"):
        allocate_pro_rata(0.0, {"a": 1.0})


def test_pro_rata_budget_by_days() -> None:
    assert pro_rata_budget(365.0, 2025, 1) == pytest.approx(31.0)
    assert pro_rata_budget(366.0, 2024, 2) == pytest.approx(60.0)  # leap year
    assert pro_rata_budget(100.0, 2025, 12) == pytest.approx(100.0)


def _use(code: str, budget: float, per_month: float, before: float, months: int = 11,
         missing: tuple[int, ...] = ()) -> UnitUse:
    return UnitUse(code, budget, {m: (per_month, m not in missing) for m in range(1, months + 1)},
                   {m: (before, True) for m in range(1, 13)})


def test_lights_are_the_barometer_s_on_cumulative_use_against_the_pro_rata_budget() -> None:
    to_date = pro_rata_budget(1200.0, 2026, 11)
    uses = [_use("green", 1200.0, to_date / 11, 100.0),  # exactly on budget: met
            _use("yellow", 1200.0, to_date / 11 * 1.05, 100.0),  # 5% over
            _use("red", 1200.0, to_date / 11 * 1.11, 100.0),  # 11% over (> 10%)
            _use("gap", 1200.0, 100.0, 100.0, missing=(4,)),  # followed to March only
            _use("none", 1200.0, 100.0, 100.0, months=0)]
    got = {s.credit_code: s for s in budget_statuses(uses, 2026, 11, P)}
    assert [got[c].light for c in ("green", "yellow", "red", "none")] == [Light.GREEN, Light.YELLOW, Light.RED,
                                                                          Light.NOT_ASSESSED]
    assert got["gap"].through_month == 3 and "4" in got["gap"].note
    assert got["gap"].budget_to_date_tce == pytest.approx(pro_rata_budget(1200.0, 2026, 3))


def test_inspection_lists_units_over_budget_and_the_n_fastest_growing() -> None:
    to_date = pro_rata_budget(1200.0, 2026, 11)
    flat = to_date / 11
    uses = [_use("over", 1200.0, flat * 1.2, flat * 1.2),  # over budget, no growth
            _use("g1", 1200.0, flat * 0.9, flat * 0.9 / 1.30),  # +30%
            _use("g2", 1200.0, flat * 0.9, flat * 0.9 / 1.20),
            _use("g3", 1200.0, flat * 0.9, flat * 0.9 / 1.10),
            _use("g4", 1200.0, flat * 0.9, flat * 0.9 / 1.05),  # 4th fastest: not listed with N = 3
            _use("shrinking", 1200.0, flat * 0.9, flat)]
    listed = inspection_list(budget_statuses(uses, 2026, 11, P), P)
    assert [(e.credit_code, e.over_budget, e.growth_rank) for e in listed] == [
        ("over", True, None), ("g1", False, 1), ("g2", False, 2), ("g3", False, 3)]
    assert inspection_list(budget_statuses(uses, 2026, 11, P), EnergyCheckParameters(inspection_top_growth=0)) \
        == listed[:1]


def test_monitored_against_report() -> None:
    whole = MonitoredYear(12, 10_600.0, 0.97)
    assert compare_unit("u", whole, 10_000.0, P).status is Status.DIFFERS  # +6%
    assert compare_unit("u", MonitoredYear(12, 10_400.0, 0.97), 10_000.0, P).status is Status.AGREES
    assert compare_unit("u", MonitoredYear(12, 9_400.0, 0.97), 10_000.0, P).relative == pytest.approx(-0.06)
    # a gap in the data is not a difference in the energy
    assert compare_unit("u", MonitoredYear(10, 8_000.0, 1.0), 10_000.0, P).status is Status.NOT_COMPARABLE
    assert compare_unit("u", MonitoredYear(12, 8_000.0, 0.85), 10_000.0, P).status is Status.NOT_COMPARABLE
    assert compare_unit("u", whole, None, P).reason.startswith("no approved annual")
    assert [compare_unit("u", m, r, P).why for m, r in (
        (whole, None), (whole, -1.0), (None, 1.0), (MonitoredYear(10, 1.0, 1.0), 1.0),
        (MonitoredYear(12, 1.0, 0.5), 1.0), (whole, 10_000.0), (whole, 10_500.0))] == [
        "no_report", "bad_report", "no_monitoring", "partial_year", "incomplete", "differs", "agrees"]


def test_city_share_findings() -> None:
    figures = [UnitFigure("a", 400_000.0, "report"), UnitFigure("b", 200_000.0, "monitoring")]
    assert city_share("510800", figures, 1_000_000.0, P).status is Status.AGREES
    above = city_share("510800", figures, 500_000.0, P)
    assert above.kind is FindingKind.SHARE_ABOVE_TOTAL and above.share == pytest.approx(1.2)
    low = city_share("510800", figures, 10_000_000.0, P)
    assert low.kind is FindingKind.SHARE_IMPLAUSIBLY_LOW
    assert city_share("510800", figures, None, P).status is Status.NOT_COMPARABLE
    assert city_share("510800", [], 1.0, P).status is Status.NOT_COMPARABLE
    assert [city_share("510800", f, t, P).why for f, t in (
        (figures, None), (figures, 0.0), ([], 1.0), (figures, 500_000.0), (figures, 1e7), (figures, 1e6))] == [
        "no_total", "bad_total", "no_units", "above", "low", "plausible"]
    with pytest.raises(AccountingInputError):
        EnergyCheckParameters(share_min=1.2)
