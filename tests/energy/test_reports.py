"""The annual energy-utilisation report: filed by the enterprise through the collection workflow
(draft → submitted → returned | approved, versions, freeze, audit log), checked (catalog factors on both
bases, totals against their parts, unit consumption against the national limits), decided by the
reviewer of the enterprise's city, scoped, and read back by `approved_report_total`."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pytest

from ecer.audit.models import AuditEntry
from ecer.collection.models import FrozenSubmissionError, ReportingPeriod
from ecer.core.credit_code import complete
from ecer.energy.models import EnergyReport, KeyEnergyUnit
from ecer.monitoring.models import Enterprise
from ecer.services import energy_reports as reports
from ecer.services.actor import Actor, PermissionDenied, Role
from ecer.services.errors import NotFound
from ecer.services.submissions import SubmissionError
from energy.conftest import AUDITOR, CHENGDU, GUANGYUAN, MIANYANG, PROVINCE, city_actor

pytestmark = pytest.mark.usefixtures("regions")

WORKS = complete("91510800MA0000011")  # 广元: the unit that files
OTHER = complete("91510100MA0000012")  # 成都: someone else's


def _unit(code: str, region: str) -> KeyEnergyUnit:
    enterprise = Enterprise.objects.create(credit_code=code, name=f"某化工 {code[-4:]}", region_code=region)
    return KeyEnergyUnit.objects.create(enterprise=enterprise, industry_code="2614", level="ten_thousand")


def _reporter(unit: KeyEnergyUnit, name: str = "works") -> Actor:
    return Actor(username=name, role=Role.ENTERPRISE_REPORTER, region_code=unit.enterprise.region_code,
                 enterprise_id=unit.enterprise_id)


@pytest.fixture
def world(db: None, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("ECER_COAL_RATES", "2024:0.3")  # 2024's coal rate is open in the catalog
    ReportingPeriod.objects.create(code="2024", year=2024, name_zh="2024", name_en="2024",
                                   deadline=dt.date(2099, 3, 31))
    works, other = _unit(WORKS, GUANGYUAN), _unit(OTHER, CHENGDU)
    return {"works": works, "other": other, "reporter": _reporter(works),
            "reviewer": city_actor(GUANGYUAN, Role.CITY_REVIEWER, "gy-rev"),
            "cd_reviewer": city_actor(CHENGDU, Role.CITY_REVIEWER, "cd-rev")}


def _content(**overrides: Any) -> dict[str, Any]:
    # electricity 1e7 kWh: 1229 tce calorific, 3000 tce coal-equivalent at 0.3; coal 1000 t: 714.3 tce both
    data = {"energy": [{"energy_type": "electricity", "unit": "kwh", "quantity": 10_000_000},
                       {"energy_type": "raw_coal", "unit": "t", "quantity": 1000, "feedstock": 200}],
            "materials": [{"name": "原盐", "quantity": 5000, "unit": "t"}],
            "products": [{"name": "烧碱", "output": 5000, "unit": "t", "energy_tce": 1500,
                          "standard_product": "caustic_soda_membrane_30"}],
            "projects": [{"name": "余热回收", "savings_tce": 120}, {"name": "电机变频", "savings_tce": 30}],
            "total_calorific_tce": 1943.3, "total_coal_equivalent_tce": 3714.3, "total_savings_tce": 150}
    return data | overrides


def test_the_report_is_converted_with_the_catalog_factors_on_both_bases(world: dict[str, Any]) -> None:
    view = reports.start_report(world["reporter"], WORKS, "2024")
    view = reports.save_report(world["reporter"], view.id, _content())
    electricity, coal = view.energy
    assert math.isclose(electricity.calorific_tce, 1229.0) and math.isclose(electricity.coal_equivalent_tce or 0, 3000)
    assert "0.1229 kgce/kwh" in electricity.calorific_factor and "GB/T 2589" in electricity.calorific_factor
    assert "configured" in (electricity.coal_equivalent_factor or "")
    assert math.isclose(coal.calorific_tce, 714.3) and math.isclose(coal.feedstock_calorific_tce, 142.86)
    assert math.isclose(view.calorific_tce, 1943.3) and math.isclose(view.coal_equivalent_tce or 0, 3714.3)
    [product] = view.products
    assert math.isclose(product.unit_consumption or 0, 300.0) and product.within_limit is True
    assert (product.standard, product.limit, product.limit_status) == ("GB 21257-2014", 350.0, "assumed")
    assert view.problems == [] and view.may_edit


def test_a_total_that_disagrees_with_its_parts_is_refused_naming_the_field(world: dict[str, Any]) -> None:
    view = reports.start_report(world["reporter"], WORKS, "2024")
    reports.save_report(world["reporter"], view.id, _content(total_calorific_tce=2100, total_savings_tce=200))
    with pytest.raises(reports.ReportProblems) as err:
        reports.submit(world["reporter"], view.id)
    fields = {p.field: p.expected for p in err.value.problems}
    assert "1943.30 tce" in fields["total_calorific_tce"] and "150.00 tce" in fields["total_savings_tce"]
    assert EnergyReport.objects.get(pk=view.id).status == "draft"


def test_bad_content_is_refused_by_field_and_nothing_is_saved(world: dict[str, Any]) -> None:
    view = reports.start_report(world["reporter"], WORKS, "2024")
    bad = _content(energy=[{"energy_type": "electricity", "unit": "kwh", "quantity": "lots"},
                           {"energy_type": "raw_coal", "unit": "t", "quantity": 10, "feedstock": 20}])
    with pytest.raises(reports.ReportProblems) as err:
        reports.save_report(world["reporter"], view.id, bad)
    assert {p.field for p in err.value.problems} == {"energy[0].quantity", "energy[1].feedstock"}
    assert EnergyReport.objects.get(pk=view.id).content == {}
    # a unit that does not fit its energy type, and a product unit that is not the limit's: refused at submit
    reports.save_report(world["reporter"], view.id, _content(
        energy=[{"energy_type": "electricity", "unit": "t", "quantity": 5}],
        products=[{"name": "烧碱", "output": 5, "unit": "10k_t", "energy_tce": 1,
                   "standard_product": "caustic_soda_membrane_30"}]))
    with pytest.raises(reports.ReportProblems) as err:
        reports.submit(world["reporter"], view.id)
    fields = {p.field: p.expected for p in err.value.problems}
    assert "kwh" in fields["energy[0].unit"] and "'t'" in fields["products[0].unit"]


def test_filed_returned_revised_and_approved_by_the_city_reviewer(world: dict[str, Any]) -> None:
    reporter, reviewer = world["reporter"], world["reviewer"]
    view = reports.start_report(reporter, WORKS, "2024")
    reports.save_report(reporter, view.id, _content())
    reports.submit(reporter, view.id)
    with pytest.raises(FrozenSubmissionError):  # frozen once submitted, whatever the code path
        EnergyReport.objects.filter(pk=view.id).update(content={})
    with pytest.raises(SubmissionError):
        reports.save_report(reporter, view.id, _content())
    for refused in (world["cd_reviewer"], PROVINCE, city_actor(GUANGYUAN, Role.CITY_OPERATOR)):
        with pytest.raises((PermissionDenied, NotFound)):
            reports.approve(refused, view.id)
    assert [r.id for r in reports.review_queue(reviewer)] == [view.id]
    returned = reports.return_report(reviewer, view.id, "请核对天然气用量", {"energy[1].quantity": "与发票不符"})
    assert returned.status == "returned" and {c["field"] for c in returned.comments} == {"", "energy[1].quantity"}
    v2 = reports.revise(reporter, view.id)
    assert (v2.version, v2.status, v2.content["total_calorific_tce"]) == (2, "draft", 1943.3)
    assert len(v2.comments) == 2  # the comments of the version it revises are shown on it
    reports.submit(reporter, v2.id)
    assert reports.approved_report_total(world["works"], 2024) is None
    approved = reports.approve(reviewer, v2.id, "同意")
    assert approved.status == "approved" and approved.decided_by == "gy-rev"
    total = reports.approved_report_total(WORKS, 2024)
    assert total is not None and (total.report_id, total.version) == (v2.id, 2)
    assert math.isclose(total.calorific_tce, 1943.3) and math.isclose(total.coal_equivalent_tce or 0, 3714.3)
    assert math.isclose(total.savings_tce, 150) and math.isclose(total.feedstock_calorific_tce, 142.86)
    assert reports.approved_report_total(WORKS, 2023) is None
    with pytest.raises(SubmissionError, match="reason"):
        reports.revise(reporter, v2.id)
    actions = list(AuditEntry.objects.filter(obj_type="energy_report").values_list("action", flat=True))
    assert actions == ["energy_report.create", "energy_report.edit", "energy_report.submit", "energy_report.return",
                       "energy_report.revise", "energy_report.submit", "energy_report.approve"]


def test_scope_an_enterprise_sees_itself_a_city_its_units_the_province_all(world: dict[str, Any]) -> None:
    view = reports.start_report(world["reporter"], WORKS, "2024")
    other_reporter = _reporter(world["other"], "other")
    other = reports.start_report(other_reporter, OTHER, "2024")
    with pytest.raises(NotFound):  # a reporter files only for its own unit: another's is not there for it
        reports.start_report(other_reporter, WORKS, "2024")
    with pytest.raises(PermissionDenied):  # the city sees the unit, but the enterprise files
        reports.start_report(city_actor(GUANGYUAN), WORKS, "2024")
    with pytest.raises(NotFound):  # and does not see another's report: like an id that does not exist
        reports.get_report(other_reporter, view.id)
    with pytest.raises(NotFound):
        reports.get_report(world["reporter"], 987654321)
    assert [r.id for r in reports.list_reports(world["reporter"])] == [view.id]
    assert [r.id for r in reports.list_reports(world["reviewer"])] == [view.id]
    assert {r.id for r in reports.list_reports(PROVINCE)} == {r.id for r in reports.list_reports(AUDITOR)} == {
        view.id, other.id}
    assert reports.list_reports(city_actor(MIANYANG)) == []
    with pytest.raises(NotFound):
        reports.approved_report_total(OTHER, 2024, actor=world["reporter"])


def test_a_unit_consumption_above_its_limit_is_a_finding_with_the_standard(world: dict[str, Any]) -> None:
    view = reports.start_report(world["reporter"], WORKS, "2024")
    view = reports.save_report(world["reporter"], view.id, _content(products=[
        {"name": "烧碱", "output": 4000, "unit": "t", "energy_tce": 1500, "standard_product": "caustic_soda_membrane_30"},
        {"name": "副产盐酸", "output": 100, "unit": "t", "energy_tce": 10}]))
    soda, acid = view.products
    assert math.isclose(soda.unit_consumption or 0, 375.0) and soda.within_limit is False
    assert acid.within_limit is None and acid.standard == ""
    findings = {f["field"]: f["expected"] for f in view.findings}
    assert "GB 21257-2014" in findings["products[0].energy_tce"] and "assumed" in findings["products[0].energy_tce"]
    assert "no national limit" in findings["products[1].standard_product"]
    assert reports.submit(world["reporter"], view.id).status == "submitted"  # findings do not block


def test_an_open_coal_rate_leaves_the_coal_equivalent_basis_uncomputed_with_why(
        world: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ECER_COAL_RATES")
    view = reports.start_report(world["reporter"], WORKS, "2024")
    view = reports.save_report(world["reporter"], view.id, _content(total_coal_equivalent_tce=None))
    assert view.coal_equivalent_tce is None and "ECER_COAL_RATES" in (view.coal_equivalent_note or "")
    reports.submit(world["reporter"], view.id)
    reports.approve(world["reviewer"], view.id)
    total = reports.approved_report_total(WORKS, 2024)
    assert total is not None and total.coal_equivalent_tce is None and math.isclose(total.calorific_tce, 1943.3)


def test_a_duplicate_or_closed_period_is_refused(world: dict[str, Any]) -> None:
    reports.start_report(world["reporter"], WORKS, "2024")
    with pytest.raises(SubmissionError, match="duplicate"):
        reports.start_report(world["reporter"], WORKS, "2024")
    ReportingPeriod.objects.create(code="2023", year=2023, name_zh="2023", name_en="2023",
                                   deadline=dt.date(2024, 3, 31), closed=True)
    with pytest.raises(SubmissionError, match="closed"):
        reports.start_report(world["reporter"], WORKS, "2023")


def test_the_demo_report_is_filed_as_the_demo_enterprise_and_waits_for_mianyang(db: None) -> None:
    from ecer.services.energy_register import seed_demo_register
    from ecer.services.submissions import ensure_demo_periods

    ensure_demo_periods()
    seed_demo_register()
    pk = reports.seed_demo_report()
    assert pk is not None and reports.seed_demo_report() == pk  # idempotent
    report = EnergyReport.objects.get(pk=pk)
    assert (report.status, report.created_by, report.submitted_by) == ("submitted", "enterprise", "enterprise")
    assert report.calorific_tce is not None and 80_000 < report.calorific_tce < 90_000
    view = reports.get_report(city_actor(MIANYANG, Role.CITY_REVIEWER, "mianyang-reviewer"), pk)
    assert view.may_decide and any(p.within_limit is False for p in view.products)  # the planted over-limit
