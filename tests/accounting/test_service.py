"""progress_report on the illustrative demo data, against an independent recomputation."""

from __future__ import annotations

import math

import pytest

from ecer.accounting import AccountingOptions, find_row, progress_report
from ecer.core.barometer import BarometerOptions, Variant
from ecer.core.evaluate import ProgressOptions

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_data")]

PLAN = "sichuan-14fyp"


def observed(region: str, variable: str) -> dict[int, float]:
    from ecer.masterdata.models import current_observations

    return {o.year: o.value for o in current_observations([region], [variable])}


def energy_intensity_by_hand(region: str, year: int) -> float:
    """Cumulative reduction 2020→year in percent, computed straight from the observations."""
    gdp, index = observed(region, "gdp_current"), observed(region, "gdp_index")
    energy, raw = observed(region, "energy_total"), observed(region, "energy_raw_material")
    listed = observed(region, "energy_listed_projects")
    constant = gdp[2020]
    for y in range(2021, year + 1):
        constant *= index[y] / 100
    base = (energy[2020] - raw[2020] - listed[2020]) / gdp[2020]
    now = (energy[year] - raw[year] - listed[year]) / constant
    return (1 - now / base) * 100


def test_energy_intensity_rows_match_an_independent_computation() -> None:
    report = progress_report(PLAN, 2023)
    rows = [r for r in report.rows if r.indicator == "energy_intensity"]
    assert len(rows) == 22 and report.illustrative
    for row in rows:
        assert row.status == "ok", row.error
        assert row.actual == pytest.approx(energy_intensity_by_hand(row.region_code, 2023), rel=1e-9)
        assert round(row.required, 2) == 8.65
        assert row.gap == pytest.approx(row.required - row.actual)
        assert row.completion_pct == pytest.approx(math.log(1 - row.actual / 100) / math.log(0.86) * 100)
        if row.actual >= row.required:
            assert row.light == "green"
        else:
            assert row.light == ("red" if row.gap > 0.1 * row.required else "yellow")


def test_every_target_gets_rows_and_cities_show_the_fallback_in_provenance() -> None:
    report = progress_report(PLAN, 2023, ["510000", "510800"])
    targets = {r.target_code for r in report.rows}
    assert len(report.rows) == 2 * len(targets)
    city = find_row(report, "510800", "energy_intensity")
    assert any("fallback" in note for note in city.provenance["notes"])
    assert city.provenance["inputs"][0]["name"] == "target:energy_intensity"
    assert any(i["name"] == "gdp_index" and i["data_version"].startswith("observation:")
               for i in city.provenance["inputs"])
    province = find_row(report, "510000", "energy_intensity")
    assert not province.provenance["notes"]
    # an extensive provincial total is not imposed on a city
    cod = find_row(report, "510800", "cod_key_project_reduction")
    assert cod.status == "not_assessed" and cod.light == "not_assessed" and "14.92" in (cod.reason or "")
    assert find_row(report, "510000", "cod_key_project_reduction").status == "ok"


def test_regional_target_is_used_when_present() -> None:
    from ecer.masterdata.models import Indicator, Plan, Region, RegionalTarget

    RegionalTarget.objects.create(plan=Plan.objects.get(code=PLAN), region=Region.objects.get(code="510800"),
                                  indicator=Indicator.objects.get(code="energy_intensity"), basic_value=13.5,
                                  incentive_value=15.0, annual={"2021": 3.0})
    row = find_row(progress_report(PLAN, 2023, ["510800"]), "510800", "energy_intensity")
    a = 1 - 0.865 ** 0.2
    assert row.required == pytest.approx((1 - 0.97 * (1 - a) ** 2) * 100)
    assert row.provenance["inputs"][0]["source"] == "RegionalTarget"
    assert not row.provenance["notes"]


def test_bad_observation_gives_an_error_row_only_for_that_region() -> None:
    from ecer.masterdata.models import ObservationStatus, Region, Variable
    from ecer.masterdata.services.observations import record_observation

    record_observation(Region.objects.get(code="510300"), 2022, Variable.objects.get(code="gdp_index"), 8.2,
                       status=ObservationStatus.APPROVED)
    report = progress_report(PLAN, 2023, ["510300", "510800"])
    bad = find_row(report, "510300", "energy_intensity")
    assert bad.status == "error" and bad.light is None
    assert "510300" in bad.error and "gdp_index" in bad.error and "2022" in bad.error
    assert find_row(report, "510800", "energy_intensity").status == "ok"


def test_missing_data_names_variable_and_year() -> None:
    report = progress_report(PLAN, 2023, ["100000"])  # the country: no observations in the demo set
    row = find_row(report, "100000", "energy_intensity")
    assert row.status == "error" and "missing" in (row.error or "")


def test_options_change_the_light_rule() -> None:
    rise = AccountingOptions(progress=ProgressOptions(barometer=BarometerOptions(variant=Variant.NDRC2021_RISE)))
    default = progress_report(PLAN, 2023, ["510800"])
    other = progress_report(PLAN, 2023, ["510800"], rise)
    assert other.parameters["barometer"]["variant"] == "ndrc2021_rise"
    row = find_row(other, "510800", "energy_intensity")
    assert row.light == ("red" if row.actual < 0 else "yellow" if row.gap > 0 else "green")
    assert find_row(default, "510800", "energy_intensity").provenance["parameters"]["barometer_variant"] == (
        "ndrc2020_ten_percent")
