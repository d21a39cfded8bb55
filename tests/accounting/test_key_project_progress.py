"""The city's key-project reduction in the progress report comes from the project ledger; a city
without ledger projects for the pollutant keeps its typed statistics, marked `fallback: typed
statistics`; the province is the sum of its cities' figures (issue 12 item 2)."""

from __future__ import annotations

import datetime as dt

import pytest

from ecer.accounting import find_row
from ecer.accounting.report import render_csv, render_table
from ecer.services import key_projects as ledger
from ecer.services.actor import system_actor
from ecer.services.explain import explain
from ecer.services.ledger_proposals import seed_demo_ledger
from ecer.services.progress import progress_report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_data")]

PLAN = "sichuan-14fyp"
COD = "cod_key_project_reduction"
CHENGDU, ZIGONG, NANCHONG, PROVINCE = "510100", "510300", "511300", "510000"


@pytest.fixture(autouse=True)
def decomposed() -> None:
    """The cities' key-project tonnages, decomposed as `ecer demo` does (rolled back with the test)."""
    from ecer.services.decompose import decompose_from_database

    decompose_from_database(PLAN, actor=system_actor())


def seed_ledger() -> None:
    from ecer.monitoring.demo import seed_demo_registry

    seed_demo_registry()  # the owners and monitoring points the demo ledger names
    seed_demo_ledger()


def typed(region: str, variable: str, year: int) -> float:
    from ecer.masterdata.models import current_observations

    return next(o.value for o in current_observations([region], [variable], [year]))


def test_without_a_ledger_every_actual_is_the_typed_number_marked_as_fallback() -> None:
    report = progress_report(PLAN, 2023, actor=system_actor())
    for code in (CHENGDU, ZIGONG, PROVINCE):
        row = find_row(report, code, COD)
        assert row.actual_source == "fallback: typed statistics"
        assert row.actual == pytest.approx(typed(code, COD, 2023))
        assert "fallback: typed statistics" in row.explanation_en
        assert any("fallback: typed statistics" in i["data_version"] for i in row.provenance["inputs"])


def test_a_city_with_ledger_projects_takes_their_sum_others_fall_back_and_the_province_adds_them() -> None:
    seed_ledger()
    report = progress_report(PLAN, 2023, actor=system_actor())
    # the ledger page's own sum (core.reduction_totals over the same projects) for Chengdu's COD in 2023
    by_region = {(t.region, t.pollutant): t for t in ledger.ledger(actor=system_actor(), year=2023).by_region}
    chengdu = find_row(report, CHENGDU, COD)
    assert chengdu.actual_source == "ledger"
    assert chengdu.actual == pytest.approx(by_region[(CHENGDU, "cod")].amount_10k_t)
    assert chengdu.actual != pytest.approx(typed(CHENGDU, COD, 2023))
    # SC-2021-001 (4752 t/yr from 2022-04-01) and SC-2023-010 (its double count, flagged, still counted)
    inputs = {i["year"]: i for i in chengdu.provenance["inputs"] if i["name"] == COD}
    assert "SC-2021-001 4752.0000 t (water_treatment.efficiency_gain v1, share 1.0000)" in inputs[2023]["data_version"]
    assert inputs[2020]["value"] == 0.0
    notes = " ".join(chengdu.provenance["notes"])
    assert "SC-2021-001" in notes and "SC-2023-010" in notes and "double_count_projects" in notes
    # Nanchong's only COD project is in stable operation from 2024: the ledger says 0 in 2023, not the typed number
    nanchong = find_row(report, NANCHONG, COD)
    assert nanchong.actual_source == "ledger" and nanchong.actual == 0
    zigong = find_row(report, ZIGONG, COD)
    assert zigong.actual_source == "fallback: typed statistics"
    assert zigong.actual == pytest.approx(typed(ZIGONG, COD, 2023))
    province = find_row(report, PROVINCE, COD)
    cities = [r for r in report.rows if r.indicator == COD and r.region_code != PROVINCE]
    assert len(cities) == 21
    assert province.actual_source == "ledger + fallback: typed statistics"
    assert province.actual == pytest.approx(sum(r.actual for r in cities))  # type: ignore[misc]
    assert "fallback: typed statistics" in render_csv(report) and "自贡市" in render_table(report).splitlines()[-4]


def test_explain_names_the_projects_and_formula_versions() -> None:
    seed_ledger()
    text = explain("成都", COD, 2023, actor=system_actor()).text_zh
    assert "重点工程项目台账" in text
    fallback = explain("自贡", COD, 2023, actor=system_actor()).text_en
    assert "fallback: typed statistics" in fallback


def test_a_stable_operation_after_the_accounting_date_counts_nothing_and_says_why() -> None:
    seed_ledger()
    figures = ledger.reductions_by_city(as_of=dt.date(2022, 1, 1))
    sc1 = next(p for p in figures[(CHENGDU, "cod")][2023].projects if p.code == "SC-2021-001")
    assert sc1.amount_t == 0 and "after the accounting date 2022-01-01" in sc1.not_counted
    assert ledger.reductions_by_city()[(CHENGDU, "cod")][2023].amount_t > 4752
