"""Key-project reductions summed by region, programme and year against the Sichuan plan's tonnages."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecer.catalogs.reductions import load_reduction_catalog
from ecer.core.provenance import Provenance
from ecer.core.reduction import (
    PollutantReduction,
    ProjectParameters,
    Quantity,
    ReductionInputError,
    reductions,
)
from ecer.core.reduction_totals import ProjectPlace, plan_targets, totals
from ecer.plans import load_plan

Q = Quantity
CATALOG = load_reduction_catalog()
YEARS = [2021, 2022, 2023]


def ledger() -> tuple[list[PollutantReduction], dict[str, ProjectPlace]]:
    sewage = ProjectParameters("A", "urban_sewage", dt.date(2022, 3, 15),
                               {"capacity": Q(20_000, "m3_per_day"), "operating_days": Q(330, "day"),
                                "load_rate": Q(80, "pct")},
                               {"cod": {"influent_concentration": Q(300, "mg_per_l"), "removal_before": Q(60, "pct"),
                                        "removal_after": Q(90, "pct")}})
    closure_b = ProjectParameters("B", "water_structure", dt.date(2021, 6, 30), {},
                                  {"cod": {"baseline_emission": Q(120, "t")}})
    closure_c = ProjectParameters("C", "water_structure", dt.date(2022, 12, 15), {},
                                  {"cod": {"baseline_emission": Q(0.01, "10k_t")}})
    rows = [r for p in (sewage, closure_b, closure_c) for r in reductions(p, CATALOG, YEARS)]
    places = {"A": ProjectPlace("A", "510100", "env_infrastructure"), "B": ProjectPlace("B", "510100", "industry_upgrade"),
              "C": ProjectPlace("C", "510300", "industry_upgrade")}
    return rows, places


def test_the_plan_tonnages_come_from_the_plan_loader() -> None:
    targets = plan_targets(load_plan("sichuan-14fyp"))
    assert {p: t.value_10k_t for p, t in targets.items()} == {"cod": 14.92, "nh3n": 0.79, "nox": 5.95, "voc": 2.53}
    assert targets["cod"].target_year == 2025 and targets["cod"].clause == "二"


def test_province_region_and_programme_totals_worked_example() -> None:
    # A: 475.2 t/yr from 2022-04-01 (2022: 475.2 × 275/365 = 358.0274 t); B: 120 t from 2021-07-01
    # (2021: 120 × 184/365 = 60.4932 t); C: 100 t from 2023-01-01.
    # 2023: province 475.2 + 120 + 100 = 695.2 t = 0.06952 万吨 = 0.46595% of 14.92 万吨
    rows, places = ledger()
    targets = plan_targets(load_plan("sichuan-14fyp"))
    province = {(t.pollutant, t.year): t for t in totals(rows, places, targets=targets)}
    assert province[("cod", 2021)].amount_t == pytest.approx(120 * 184 / 365)
    assert province[("cod", 2022)].amount_t == pytest.approx(475.2 * 275 / 365 + 120)
    p2023 = province[("cod", 2023)]
    assert p2023.amount_10k_t == pytest.approx(0.06952) and p2023.target_10k_t == 14.92
    assert p2023.completion_pct == pytest.approx(0.06952 / 14.92 * 100) and p2023.projects == ("A", "B", "C")
    assert "sichuan-14fyp" in (p2023.target_source or "") and "万吨" in p2023.explanation_zh
    # by region 2023: 成都 595.2 t (against a given share of 0.1 万吨 → 59.52%), 自贡 100 t (no share: no target)
    regional = {(t.region, t.year): t for t in totals(rows, places, ["region"], city_shares={("510100", "cod"): 0.1})}
    assert regional[("510100", 2023)].amount_t == pytest.approx(595.2)
    assert regional[("510100", 2023)].completion_pct == pytest.approx(59.52)
    assert regional[("510300", 2023)].amount_t == pytest.approx(100) and regional[("510300", 2023)].target_10k_t is None
    assert regional[("510300", 2022)].amount_t == 0 and regional[("510300", 2022)].projects == ()
    # by programme 2023: env_infrastructure 475.2 t, industry_upgrade 220 t
    programmes = {(t.programme, t.year): t.amount_t for t in totals(rows, places, ["programme"])}
    assert programmes[("env_infrastructure", 2023)] == pytest.approx(475.2)
    assert programmes[("industry_upgrade", 2023)] == pytest.approx(220)


def test_a_project_without_a_programme_or_place_is_refused() -> None:
    rows, places = ledger()
    with pytest.raises(ReductionInputError, match="project A, field 'programme'"):
        totals(rows, {**places, "A": ProjectPlace("A", "510100", "")})
    with pytest.raises(ReductionInputError, match="project C, field 'place'"):
        totals(rows, {k: v for k, v in places.items() if k != "C"})


def fake(project: str, pollutant: str, year: int, amount: float) -> PollutantReduction:
    return PollutantReduction(project, pollutant, year, amount, amount, 1.0, Provenance("test", "1", ()))


@given(st.lists(st.tuples(st.sampled_from(["510100", "510300", "510400"]), st.sampled_from(["p1", "p2", "p3"]),
                          st.sampled_from(["cod", "nox"]), st.sampled_from([2023, 2024]),
                          st.floats(min_value=0, max_value=1e5, allow_nan=False)), max_size=30))
def test_groups_add_up_to_the_province(rows: list[tuple[str, str, str, int, float]]) -> None:
    reductions_ = [fake(f"P{i}", pol, year, amount) for i, (_, _, pol, year, amount) in enumerate(rows)]
    places = {f"P{i}": ProjectPlace(f"P{i}", region, programme) for i, (region, programme, *_) in enumerate(rows)}
    province = {(t.pollutant, t.year): t.amount_t for t in totals(reductions_, places)}
    for by in (["region"], ["programme"], ["region", "programme"]):
        summed: dict[tuple[str, int], float] = {}
        for t in totals(reductions_, places, by):  # type: ignore[arg-type]
            summed[(t.pollutant, t.year)] = summed.get((t.pollutant, t.year), 0.0) + t.amount_t
        assert summed.keys() == province.keys()
        assert all(summed[k] == pytest.approx(province[k]) for k in province)
