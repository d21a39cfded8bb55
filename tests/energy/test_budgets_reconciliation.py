"""Energy-use budgets and the reconciliation (issue 11 items 4 and 5) on the illustrative demo register
with its illustrative months (示例): every planted discrepancy is found, no clean unit is flagged; the
budgets' lights and the 节能监察 list follow the planted growth; scope and bad input."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from openpyxl import load_workbook

from ecer.audit.models import AuditEntry
from ecer.energy.models import EnergyBudget, MonthlyEnergy, ReconciliationCase
from ecer.errors import InputFileError
from ecer.masterdata.models import ImportBatch, Region, Variable
from ecer.masterdata.services.observations import record_observation
from ecer.monitoring.models import Enterprise
from ecer.services import energy_budgets as budgets
from ecer.services import energy_reconciliation as recon
from ecer.services import submissions
from ecer.services.actor import Actor, PermissionDenied, Role, system_actor
from ecer.services.energy_monthly import seed_demo_monthly_energy
from ecer.services.energy_register import seed_demo_register
from energy.conftest import PROVINCE, city_actor
from energy.test_uploads import points  # noqa: F401 - the fixture

TODAY = dt.date(2026, 12, 4)
MEISHAN_AL, LESHAN_SI, DAZHOU_CHEM = "91511400MADEM0011Q", "91511100MADEM0007T", "91511700MADEM0006N"
LUZHOU = "91510500MADEM00099"  # under budget management, not connected to monitoring
PANZHIHUA, LIANGSHAN, GUANGYUAN = "91510400MADEM0004L", "91513400MADEM0012L", "91510800MADEM0005C"


@pytest.fixture
def demo(regions: None) -> None:
    seed_demo_register()
    assert seed_demo_monthly_energy(TODAY) > 0 and seed_demo_monthly_energy(TODAY) == 0  # idempotent
    assert budgets.seed_demo_budgets(2026) == 8 and budgets.seed_demo_budgets(2026) == 0
    submissions.ensure_period(system_actor(), "2024", 2024, dt.date(2099, 3, 31))
    assert recon.seed_demo_reports() == 7 and recon.seed_demo_reports() == 0  # the report workflow's own unit aside


def _units(overview: budgets.BudgetOverview) -> dict[str, budgets.UnitBudgetRow]:
    return {u.credit_code: u for c in overview.cities for u in c.units}


@pytest.mark.usefixtures("demo")
def test_budget_lights_follow_the_planted_growth() -> None:
    overview = budgets.budget_overview(2026, actor=PROVINCE, today=TODAY)
    assert overview.as_of_month == 11
    units = _units(overview)
    lights = {code: u.light for code, u in units.items()}
    assert lights.pop(MEISHAN_AL) == "red" and lights.pop(LESHAN_SI) == "yellow"
    assert lights.pop(LUZHOU) == "not_assessed"  # no monitored month
    assert set(lights.values()) == {"green"}
    assert units[LUZHOU].base_source.startswith("register")
    assert units[MEISHAN_AL].base_source == "monitored 2025 (illustrative)"
    city = next(c for c in overview.cities if c.region_code == "511400")
    assert (city.rule, city.rule_version, city.base_year, city.is_illustrative) == ("pro_rata_base_year", "1", 2025,
                                                                                    True)
    assert sum(u.budget_tce for u in city.units) == pytest.approx(city.total_tce)


@pytest.mark.usefixtures("demo")
def test_the_inspection_list_is_over_budget_then_fastest_growing() -> None:
    listed = budgets.inspection_list(2026, actor=PROVINCE, today=TODAY)
    assert [(r.credit_code, r.over_budget, r.growth_rank) for r in listed.rows] == [
        (MEISHAN_AL, True, 1), (LESHAN_SI, True, 2), (DAZHOU_CHEM, False, 3)]
    assert "3 fastest" in listed.rule


@pytest.mark.usefixtures("demo")
def test_budget_scope_a_city_sees_its_own_an_enterprise_only_itself() -> None:
    leshan = budgets.budget_overview(2026, actor=city_actor("511100"), today=TODAY)
    assert [c.region_code for c in leshan.cities] == ["511100"]
    enterprise = Enterprise.objects.get(credit_code=MEISHAN_AL)
    reporter = Actor(username="rep", role=Role.ENTERPRISE_REPORTER, enterprise_id=enterprise.pk,
                     region_code=enterprise.region_code, region_codes=frozenset({enterprise.region_code}))
    own = budgets.budget_overview(2026, actor=reporter, today=TODAY)
    assert [u.credit_code for u in _units(own).values()] == [MEISHAN_AL] and own.cities[0].total_tce is None
    assert [r.credit_code for r in budgets.inspection_list(2026, actor=reporter, today=TODAY).rows] == [MEISHAN_AL]


@pytest.mark.usefixtures("demo")
def test_allocating_is_for_the_city_s_operator_and_audited() -> None:
    leshan = city_actor("511100", name="ls")
    got = budgets.allocate_budget("511100", 2027, 1_000_000.0, actor=leshan, document="乐发改〔2027〕1号")
    assert got.units[0].budget_tce == pytest.approx(1_000_000.0) and got.base_year == 2026
    assert AuditEntry.objects.filter(action="energy_budget.set", obj_id="511100:2027").exists()
    with pytest.raises(PermissionDenied):
        budgets.allocate_budget("511400", 2027, 1.0, actor=leshan)
    with pytest.raises(PermissionDenied):
        budgets.allocate_budget("511100", 2027, 1.0, actor=city_actor("511100", Role.CITY_REVIEWER))
    with pytest.raises(budgets.BudgetInputError, match="total_tce"):
        budgets.allocate_budget("511100", 2027, -5.0, actor=leshan)
    with pytest.raises(budgets.BudgetInputError, match="no key energy-using unit under budget"):
        budgets.allocate_budget("510900", 2027, 5.0, actor=PROVINCE)  # 遂宁: no unit


@pytest.mark.usefixtures("demo")
def test_issued_budgets_all_or_nothing() -> None:
    good = {"credit_code": MEISHAN_AL, "year": 2027, "budget_tce": 1_300_000, "document": "眉发改〔2027〕2号"}
    bad = [good, {"credit_code": "91510100MADEM0001U", "year": 2027, "budget_tce": 5},  # not under budget management
           {"credit_code": LESHAN_SI, "year": "二〇二七", "budget_tce": -1}]
    with pytest.raises(InputFileError) as err:
        budgets.import_issued(budgets.issued_template(bad), "issued.xlsx", actor=PROVINCE)
    text = "\n".join(map(str, err.value.problems))
    assert "row 4" in text and "91510100MADEM0001U" in text and "row 5" in text and "二〇二七" in text
    assert not EnergyBudget.objects.filter(year=2027).exists()
    stored = budgets.import_issued(budgets.issued_template([good]), "issued.xlsx", actor=PROVINCE)
    assert [(c.region_code, c.rule, c.total_tce, c.document) for c in stored] == [
        ("511400", "issued", 1_300_000, "眉发改〔2027〕2号")]


@pytest.mark.usefixtures("demo")
def test_budget_export_opens_with_both_sheets() -> None:
    book = load_workbook(io.BytesIO(budgets.export_budgets(2026, actor=PROVINCE)))
    assert book.sheetnames == ["用能预算", "节能监察"]
    assert book["用能预算"].max_row == 1 + 8 and book["节能监察"]["A2"].value == MEISHAN_AL


def _plant_statistics(year: int, shares: dict[str, float]) -> None:
    """The cities' statistical totals (10k tce) such that their key units make `shares` of them."""
    sums = {c.region_code: c.share.units_tce for c in recon.reconciliation(year, actor=PROVINCE).cities}
    batch = ImportBatch.objects.create(file_name="planted.csv", sha256=uuid.uuid4().hex * 2, row_count=len(sums))
    energy = Variable.objects.get(code="energy_total")
    for city, units_tce in sums.items():
        record_observation(Region.objects.get(code=city), year, energy, units_tce / shares.get(city, 0.6) / 10_000,
                           unit="10k_tce", status="approved", batch=batch)


@pytest.mark.usefixtures("demo")
def test_the_reconciliation_finds_every_planted_discrepancy_and_no_clean_unit() -> None:
    # planted in the cities' statistics: 攀枝花's key units above its total, 凉山's implausibly low, others 60%
    _plant_statistics(2024, {"510400": 1.2, "513400": 0.1})
    result = recon.reconciliation(2024, actor=PROVINCE)
    flagged = {(c.region_code, str(c.share.kind)) for c in result.cities if c.share.status is recon.Status.DIFFERS}
    assert flagged == {("510400", "share_above_total"), ("513400", "share_implausibly_low")}
    # planted in the monitored months against the approved reports: 攀枝花钢铁 +9%, 凉山冶炼 −7%
    status = {u.credit_code: u.comparison for u in result.units}
    differs = {code: round(c.relative or 0, 3) for code, c in status.items() if c.status is recon.Status.DIFFERS}
    assert differs == {PANZHIHUA: 0.09, LIANGSHAN: -0.07}
    assert status[GUANGYUAN].status is recon.Status.NOT_COMPARABLE and "10 of 12" in status[GUANGYUAN].reason
    assert status["91510700MADEM0002X"].reason.startswith("no approved annual")  # its report awaits the reviewer
    clean = [c for code, c in status.items() if code not in (PANZHIHUA, LIANGSHAN, GUANGYUAN) and c.report_tce]
    assert len(clean) == 4 and all(c.status is recon.Status.AGREES for c in clean)
    assert result.report_available
    pzh = next(c for c in result.cities if c.region_code == "510400")
    assert pzh.figures[0].source == "annual report 2024 (coal-equivalent)"
    run = recon.run_reconciliation(2024, actor=PROVINCE)
    assert len(run.opened) == 4 and run.findings == 4
    assert {c.subject for c in ReconciliationCase.objects.all()} == {PANZHIHUA, LIANGSHAN, "510400", "513400"}
    again = recon.run_reconciliation(2024, actor=PROVINCE)
    assert again.opened == [] and sorted(again.unchanged) == sorted(run.opened)


@pytest.mark.usefixtures("demo")
def test_a_reviewer_resolves_a_case_with_a_note_on_record() -> None:
    _plant_statistics(2024, {"510400": 1.2})
    recon.run_reconciliation(2024, actor=PROVINCE)
    case = ReconciliationCase.objects.get(subject="510400")
    assert ReconciliationCase.objects.filter(subject=PANZHIHUA).exists()
    with pytest.raises(PermissionDenied):  # an operator runs, a reviewer resolves
        recon.resolve_case(case.pk, "x", actor=city_actor("510400"))
    with pytest.raises(recon.NotFound):  # another city's case cannot be seen
        recon.resolve_case(case.pk, "x", actor=city_actor("510800", Role.CITY_REVIEWER))
    reviewer = city_actor("510400", Role.CITY_REVIEWER, name="pzh-rev")
    with pytest.raises(recon.InvalidRequest, match="note"):
        recon.resolve_case(case.pk, "  ", actor=reviewer)
    done = recon.resolve_case(case.pk, "统计口径: 钢铁企业自备电厂发电量未计入全市统计", actor=reviewer)
    assert done.status == "resolved" and done.resolved_by == "pzh-rev"
    assert AuditEntry.objects.filter(action="energy_reconciliation.resolve", obj_id=str(case.pk)).exists()
    with pytest.raises(recon.InvalidRequest, match="already resolved"):
        recon.resolve_case(case.pk, "again", actor=reviewer)
    assert case.pk in recon.run_reconciliation(2024, actor=PROVINCE).unchanged
    case.refresh_from_db()
    assert case.status == "resolved"  # stays resolved
    assert [c.id for c in recon.cases(actor=city_actor("510800"))] == []


@pytest.mark.usefixtures("demo")
def test_monthly_energy_seed_never_overwrites_a_monitored_month() -> None:
    row = MonthlyEnergy.objects.filter(energy_unit__enterprise__credit_code=PANZHIHUA).first()
    assert row is not None
    row.source, row.calorific_tce = "monitoring", 1.0
    row.save()
    seed_demo_monthly_energy(TODAY)
    row.refresh_from_db()
    assert (row.source, row.calorific_tce) == ("monitoring", 1.0)
    assert system_actor().sees_everything


@pytest.mark.usefixtures("points")
def test_rollup_stores_the_unit_page_s_monthly_figures_from_uploaded_meters() -> None:
    from ecer.energy.models import KeyEnergyUnit
    from ecer.services.energy_monitoring import unit_energy
    from ecer.services.energy_monthly import refresh_monthly_energy
    from energy.test_uploads import CEMENT, body, day_one, post, token_for

    KeyEnergyUnit.objects.filter(enterprise__credit_code=CEMENT).update(online_monitoring=True)
    assert post(token_for(CEMENT), body("day-1", day_one())).status_code == 200
    assert refresh_monthly_energy(2026, actor=city_actor("510100")) == 0  # another city's unit: not its to refresh
    written = refresh_monthly_energy(2026, actor=PROVINCE)
    march = MonthlyEnergy.objects.get(energy_unit__enterprise__credit_code=CEMENT, month=dt.date(2026, 3, 1))
    page = next(m for m in unit_energy(CEMENT, actor=PROVINCE, year=2026).months if m.month == "2026-03")
    assert written >= 1 and march.source == "monitoring"
    assert (march.calorific_tce, march.completeness) == (pytest.approx(page.calorific_tce), page.completeness)
    assert march.calorific_tce > 0
    with pytest.raises(PermissionDenied):
        refresh_monthly_energy(2026, actor=city_actor("510800", Role.CITY_REVIEWER))
