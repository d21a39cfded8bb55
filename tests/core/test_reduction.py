"""Key-project reduction formulas: worked examples by hand, bad input, and properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ecer.catalogs.reductions import load_reduction_catalog
from ecer.core.reduction import (
    CountingStart,
    ProjectParameters,
    Quantity,
    ReductionInputError,
    ReductionOptions,
    counted_share,
    reductions,
)
from ecer.core.reduction_formulas import FORMULAS

CATALOG = load_reduction_catalog()
Q = Quantity


def sewage(pollutants: dict[str, dict[str, Quantity]] | None = None, stable: dt.date | None = dt.date(2022, 3, 15),
           **values: Quantity) -> ProjectParameters:
    base = {"capacity": Q(2, "10k_m3_per_day"), "operating_days": Q(330, "day"), "load_rate": Q(80, "pct")}
    return ProjectParameters("P-SEW", "urban_sewage", stable, {**base, **values}, pollutants or {
        "cod": {"influent_concentration": Q(300, "mg_per_l"), "removal_before": Q(60, "pct"),
                "removal_after": Q(90, "pct")}})


def by_year(params: ProjectParameters, years: list[int], **kw: object) -> dict[tuple[str, int], float]:
    return {(r.pollutant, r.year): r.amount_t for r in reductions(params, CATALOG, years, **kw)}  # type: ignore[arg-type]


def test_catalog_and_code_agree() -> None:
    assert {(f.name, f.version) for f in CATALOG.formulas.values()} == set(FORMULAS)
    assert {t.formula for t in CATALOG.project_types.values()} == set(CATALOG.formulas)


def test_urban_sewage_worked_example() -> None:
    # G = 2 万m³/d = 20,000 m³/d × 330 d × 80% × 300 mg/L × 10⁻⁶ = 1,584 t/yr COD generated
    # R = 1,584 × (90% − 60%) = 475.2 t/yr
    # stable 2022-03-15, counted from the next month (2022-04-01): 275 of 365 days in 2022
    # 2022: 475.2 × 275 / 365 = 358.0274 t; 2023: 475.2 t (a stock, not summed over years); 2021: 0
    got = by_year(sewage(), [2021, 2022, 2023])
    assert got[("cod", 2021)] == 0
    assert got[("cod", 2022)] == pytest.approx(475.2 * 275 / 365)
    assert got[("cod", 2023)] == pytest.approx(475.2)
    result = reductions(sewage(), CATALOG, [2023])[0]
    assert result.amount_10k_t == pytest.approx(0.04752) and result.variable == "cod_key_project_reduction"
    why = result.provenance
    assert why.rule == "water_treatment.efficiency_gain" and why.rule_version == "1"
    assert "20000 m³/d × 330 d × 80% × 300 mg/L" in why.explanation_en and "475.2000 t/yr" in why.explanation_en
    assert "万吨" in why.explanation_zh and why.parameters["counting_start"] == "next_month"
    assert any(i.name == "capacity" and i.unit == "10k_m3_per_day" for i in why.inputs)


def test_counting_from_the_stable_date_itself() -> None:
    # 2022-03-15 … 2022-12-31 = 17 + 275 = 292 days: 475.2 × 292 / 365 = 380.16 t
    got = by_year(sewage(), [2022], options=ReductionOptions(counting_start=CountingStart.STABLE_DATE))
    assert got[("cod", 2022)] == pytest.approx(380.16)


def test_a_project_stable_in_the_reference_year_counts_only_the_rest() -> None:
    # stable 2020-07-10 → counted from 2020-08-01: 153 of 2020's 366 days are already in the 2020 baseline,
    # so 2021 counts 475.2 × (1 − 153/366) and 2020 (the reference year) counts nothing
    got = by_year(sewage(stable=dt.date(2020, 7, 10)), [2020, 2021, 2022])
    assert got[("cod", 2020)] == 0
    assert got[("cod", 2021)] == pytest.approx(475.2 * 213 / 366)
    assert got[("cod", 2022)] == pytest.approx(475.2 * 213 / 366)


def test_air_deep_treatment_worked_example() -> None:
    # G = 500,000 m³/h × 7,200 h × 75% × 300 mg/m³ × 10⁻⁹ = 810 t/yr NOx; R = 810 × (85% − 50%) = 283.5 t
    params = ProjectParameters("P-AIR", "air_deep_treatment", dt.date(2021, 12, 1),
                               {"flue_gas_flow": Q(500_000, "m3_per_h"), "operating_hours": Q(7200, "h"),
                                "load_rate": Q(75, "pct")},
                               {"nox": {"inlet_concentration": Q(300, "mg_per_m3"), "removal_before": Q(50, "pct"),
                                        "removal_after": Q(85, "pct")}})
    assert by_year(params, [2022])[("nox", 2022)] == pytest.approx(283.5)


def test_closure_and_its_default_residual() -> None:
    # baseline 0.012 万吨 = 120 t COD, residual 0 by default → 120 t; NH3-N 8 t − 2 t residual = 6 t
    params = ProjectParameters("P-CLOSE", "water_structure", dt.date(2021, 6, 30), {},
                               {"cod": {"baseline_emission": Q(0.012, "10k_t")},
                                "nh3n": {"baseline_emission": Q(8, "t"), "residual_emission": Q(2, "t")}})
    got = by_year(params, [2022])
    assert got[("cod", 2022)] == pytest.approx(120) and got[("nh3n", 2022)] == pytest.approx(6)
    cod = next(r for r in reductions(params, CATALOG, [2022]) if r.pollutant == "cod")
    assert any(i.name == "residual_emission:cod" and i.source == "default [open]" for i in cod.provenance.inputs)


def test_fuel_switch_worked_example() -> None:
    # before: 10,000 t coal × 2.94 kg/t NOx × 10⁻³ = 29.4 t
    # after: 500 万m³ gas = 5,000,000 m³ × 18.71 kg/万m³ = 0.001871 kg/m³ → 9,355 kg = 9.355 t
    # R = 29.4 − 9.355 = 20.045 t
    params = ProjectParameters("P-FUEL", "fuel_switch", dt.date(2021, 1, 5),
                               {"fuel_before": Q(10_000, "t"), "fuel_after": Q(500, "10k_m3")},
                               {"nox": {"factor_before": Q(2.94, "kg_per_t"), "factor_after": Q(18.71, "kg_per_10k_m3")}})
    assert by_year(params, [2022])[("nox", 2022)] == pytest.approx(20.045)


def test_voc_substitution_livestock_and_reclaimed_water() -> None:
    # 200 t coating × (60% − 10%) × 100% emitted (default) = 100 t VOCs
    voc = ProjectParameters("P-VOC", "voc_substitution", dt.date(2021, 1, 1), {"material_consumption": Q(200, "t")},
                            {"voc": {"voc_content_before": Q(60, "pct"), "voc_content_after": Q(10, "pct")}})
    # 10,000 pig-eq × 40 kg/pig-eq·yr COD × (90% − 50%) × 10⁻³ = 160 t
    pigs = ProjectParameters("P-PIG", "livestock_manure", dt.date(2021, 1, 1), {"herd": Q(10_000, "count")},
                             {"cod": {"generation_factor": Q(40, "kg_per_head"), "utilisation_before": Q(50, "pct"),
                                      "utilisation_after": Q(90, "pct")}})
    # 10,000 m³/d × 365 d × 100% × 30 mg/L × 10⁻⁶ = 109.5 t
    reuse = ProjectParameters("P-REUSE", "reclaimed_water", dt.date(2021, 1, 1),
                              {"reuse_capacity": Q(10_000, "m3_per_day"), "operating_days": Q(365, "day"),
                               "load_rate": Q(100, "pct")}, {"cod": {"effluent_concentration": Q(30, "mg_per_l")}})
    assert by_year(voc, [2023])[("voc", 2023)] == pytest.approx(100)
    assert by_year(pigs, [2023])[("cod", 2023)] == pytest.approx(160)
    assert by_year(reuse, [2023])[("cod", 2023)] == pytest.approx(109.5)


def _cod(**inputs: Quantity) -> dict[str, dict[str, Quantity]]:
    return {"cod": {"influent_concentration": Q(300, "mg_per_l"), "removal_before": Q(60, "pct"),
                    "removal_after": Q(90, "pct"), **inputs}}


@pytest.mark.parametrize(("params", "field", "words"), [
    (sewage(capacity=Q(-1, "m3_per_day")), "capacity", "negative"),
    (sewage(_cod(removal_after=Q(105, "pct"))), "removal_after", "[0, 100%]"),
    (sewage(_cod(removal_before=Q(-5, "pct"))), "removal_before", "negative"),
    (sewage(_cod(removal_after=Q(50, "pct"))), "removal_after", "below removal_before"),
    (sewage(capacity=Q(20_000, "m3")), "capacity", "unit 'm3' does not match"),
    (sewage(_cod(influent_concentration=Q(300, "mg_per_m3"))), "influent_concentration", "does not match"),
    (sewage({"nox": {}}), "pollutant", "reduces cod, nh3n only"),
    (sewage({"cod": {"removal_before": Q(60, "pct"), "removal_after": Q(90, "pct")}}), "influent_concentration",
     "missing"),
    (sewage(flow=Q(3, "m3_per_h")), "flow", "no such input"),
    (ProjectParameters("P-X", "teleportation", None, {}, {"cod": {}}), "project_type", "unknown project type"),
    (ProjectParameters("P-FUEL", "fuel_switch", dt.date(2021, 1, 1),
                       {"fuel_before": Q(10, "t"), "fuel_after": Q(5, "m3")},
                       {"nox": {"factor_before": Q(2, "kg_per_t"), "factor_after": Q(2, "kg_per_t")}}),
     "factor_after", "factor per m3"),
    (ProjectParameters("P-FUEL", "fuel_switch", dt.date(2021, 1, 1),
                       {"fuel_before": Q(10, "t"), "fuel_after": Q(20, "t")},
                       {"nox": {"factor_before": Q(2, "kg_per_t"), "factor_after": Q(2, "kg_per_t")}}),
     "fuel_switch.factor_difference", "increase"),
    (ProjectParameters("P-CLOSE", "air_structure", dt.date(2021, 1, 1), {},
                       {"nox": {"baseline_emission": Q(5, "t"), "residual_emission": Q(6, "t")}}),
     "residual_emission", "above baseline_emission"),
])
def test_bad_input_names_project_field_and_why(params: ProjectParameters, field: str, words: str) -> None:
    with pytest.raises(ReductionInputError) as caught:
        reductions(params, CATALOG, [2023])
    assert caught.value.field == field and caught.value.project == params.project
    assert words in str(caught.value) and params.project in str(caught.value)


def test_a_future_stable_date_with_a_reduction_counted_is_refused() -> None:
    future = sewage(stable=dt.date(2026, 3, 1))
    with pytest.raises(ReductionInputError, match="after the accounting date 2025-12-31"):
        reductions(future, CATALOG, [2026], as_of=dt.date(2025, 12, 31))
    # the same project projected for planning (no accounting date), or asked for a year it counts nothing in
    assert by_year(future, [2026])[("cod", 2026)] > 0
    assert by_year(future, [2025], as_of=dt.date(2025, 12, 31))[("cod", 2025)] == 0


def test_not_in_stable_operation_counts_nothing_and_says_so() -> None:
    result = reductions(sewage(stable=None), CATALOG, [2025])[0]
    assert result.amount_t == 0 and result.full_year_t == pytest.approx(475.2)
    assert "not in stable operation" in result.provenance.explanation_en


pct = st.floats(min_value=0, max_value=100, allow_nan=False)
positive = st.floats(min_value=0, max_value=1e6, allow_nan=False)
dates = st.dates(min_value=dt.date(2019, 1, 1), max_value=dt.date(2026, 12, 31))
years = st.integers(min_value=2018, max_value=2027)


def water(capacity: float, conc: float, before: float, after: float, stable: dt.date) -> ProjectParameters:
    return sewage({"cod": {"influent_concentration": Q(conc, "mg_per_l"), "removal_before": Q(before, "pct"),
                           "removal_after": Q(after, "pct")}}, stable=stable, capacity=Q(capacity, "m3_per_day"))


@given(positive, positive, pct, pct, pct, dates, years)
def test_never_negative_and_monotone_in_the_efficiency_gain(capacity: float, conc: float, a: float, b: float,
                                                            c: float, stable: dt.date, year: int) -> None:
    before, mid, after = sorted((a, b, c))
    low = by_year(water(capacity, conc, before, mid, stable), [year])[("cod", year)]
    high = by_year(water(capacity, conc, before, after, stable), [year])[("cod", year)]
    assert 0 <= low <= high * (1 + 1e-12)


@given(positive, positive, pct, pct, dates, years)
def test_nothing_before_stable_operation_nor_above_the_full_year(capacity: float, conc: float, a: float, b: float,
                                                                 stable: dt.date, year: int) -> None:
    (result,) = reductions(water(capacity, conc, min(a, b), max(a, b), stable), CATALOG, [year])
    if year < stable.year or year <= 2020:
        assert result.amount_t == 0
    assert 0 <= result.counted_share <= 1 and result.amount_t <= result.full_year_t * (1 + 1e-12)


@given(dates, years, st.sampled_from(list(CountingStart)))
def test_the_counted_share_grows_with_the_year(stable: dt.date, year: int, rule: CountingStart) -> None:
    options = ReductionOptions(counting_start=rule)
    assert counted_share(stable, year, options) <= counted_share(stable, year + 1, options)


def test_every_formula_type_input_and_option_is_documented() -> None:
    from dataclasses import fields
    from pathlib import Path
    doc = (Path(__file__).resolve().parents[2] / "docs" / "key-projects.md").read_text(encoding="utf-8")
    names = [f"`{f.name}` | {f.version}" for f in CATALOG.formulas.values()]
    names += [f"`{t}`" for t in CATALOG.project_types]
    names += [f"`{i.name}`" for f in CATALOG.formulas.values() for i in f.inputs]
    names += [f"`{f.name}`" for f in fields(ReductionOptions)]
    assert [n for n in names if n not in doc] == []


def test_a_broken_catalog_names_file_row_and_field() -> None:
    from ecer.catalogs._csv import read_csv_text
    from ecer.catalogs.reductions import FORMULA_COLUMNS, INPUT_COLUMNS, TYPE_COLUMNS, build_reduction_catalog
    from ecer.errors import InputFileError
    formulas = read_csv_text(",".join(FORMULA_COLUMNS) + "\nwater_treatment.efficiency_gain,2,z,e,water,cod so2,R,src,"
                             "[open]\n", "f.csv", FORMULA_COLUMNS)
    inputs = read_csv_text(",".join(INPUT_COLUMNS) + "\nwater_treatment.efficiency_gain,capacity,no,m3_per_fortnight,"
                           "0,,,,,,,,\n", "i.csv", INPUT_COLUMNS)
    types = read_csv_text(",".join(TYPE_COLUMNS) + "\nurban_sewage,z,e,water,no_such_formula,src\n", "t.csv", TYPE_COLUMNS)
    with pytest.raises(InputFileError) as caught:
        build_reduction_catalog(formulas, inputs, types)
    found = {(p.file, p.location, p.field) for p in caught.value.problems}
    assert found == {("f.csv", "row 2", "version"), ("f.csv", "row 2", "pollutants"), ("i.csv", "row 2", "units"),
                     ("t.csv", "row 2", "formula")}
