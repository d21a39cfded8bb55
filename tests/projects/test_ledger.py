"""The key-project ledger: the Excel file round-trips, every bad row is named by row and column by the
core's own checks and nothing of a bad file is stored, scope holds, status changes are history, the
reductions sum against the plan's tonnages, and the demo ledger's planted findings are all found
while no clean project is flagged."""

from __future__ import annotations

import datetime as dt

import pytest

from ecer.audit.models import AuditEntry
from ecer.catalogs.reductions import load_reduction_catalog
from ecer.core.credit_code import complete
from ecer.core.reduction import reductions
from ecer.errors import InputFileError
from ecer.monitoring.demo import seed_demo_registry
from ecer.projects.models import KeyProject, StatusChange
from ecer.services import key_projects as ledger
from ecer.services import ledger_proposals as proposals
from ecer.services.actor import Actor, PermissionDenied, Role
from ecer.services.errors import NotFound
from ecer.services.key_projects_file import parameters
from projects.conftest import AUDITOR, CHENGDU, PROVINCE, YIBIN, city_actor, project

pytestmark = pytest.mark.usefixtures("regions")


def file_of(*rows: dict[str, object]) -> bytes:
    return ledger.ledger_file(list(rows))


def messages(err: InputFileError) -> dict[tuple[str, str | None], str]:
    out: dict[tuple[str, str | None], str] = {}
    for p in err.problems:
        out[(p.location, p.field)] = (out.get((p.location, p.field), "") + " | " + p.message).strip(" |")
    return out


def test_a_clean_file_is_stored_with_its_reduction_explained() -> None:
    result = proposals.import_ledger(file_of(project()), "l.xlsx", actor=PROVINCE)
    assert result.created == ["P-SEW"]
    stored = KeyProject.objects.get(code="P-SEW")
    assert stored.inputs["values"]["capacity"] == {"value": 20000.0, "unit": "m3_per_day"}
    detail = ledger.project_detail("P-SEW", actor=PROVINCE)
    by_year = {r.year: r for r in detail.reductions}
    # 20000 × 330 × 80% × 300 mg/L × 10⁻⁶ × (90% − 60%) = 475.2 t/yr; counted from 2022-04-01
    assert by_year[2025].amount_t == pytest.approx(475.2) and by_year[2021].amount_t == 0
    assert by_year[2022].amount_t == pytest.approx(475.2 * 275 / 365)
    assert by_year[2025].rule == "water_treatment.efficiency_gain" and by_year[2025].rule_version == "1"
    assert "475.2000 吨/年" in by_year[2025].explanation and "第1版" in by_year[2025].explanation
    assert [h["status"] for h in detail.history] == ["stable_operation"]
    assert AuditEntry.objects.filter(action="key_projects.import").count() == 1


def test_every_bad_row_is_named_with_its_column_and_nothing_is_stored() -> None:
    as_of = dt.date(2023, 6, 30)  # the accounting date: a stable operation after it cannot be counted yet
    rows = [project("OK-1"),
            project("NO-PROG", programme_code=None),
            project("NO-SRC", source_id=None),
            project("NEG", capacity=-5),
            project("EFF", **{"removal_after:cod": 120}),
            project("UNIT", capacity="20000 t"),
            project("FUTURE", stable_operation_on="2024-03-01", completed_on="2024-01-10"),
            project("TYPE", project_type="moon_base"),
            project("PROG", programme_code="space_programme"),
            project("REGION", region_code="519999"),
            project("OK-1")]
    with pytest.raises(InputFileError) as err:
        proposals.import_ledger(file_of(*rows), "bad.xlsx", actor=PROVINCE, as_of=as_of)
    found = messages(err.value)
    assert "without a programme" in found[("row 4", "所属重点工程")]
    assert "without a source or facility" in found[("row 5", "排放源或设施编号")]
    assert "negative" in found[("row 6", "设计处理能力 [capacity]")]
    assert "above 100" in found[("row 7", "改造后去除率 COD [removal_after:cod]")]
    assert "unit 't' does not match" in found[("row 8", "设计处理能力 [capacity]")]
    assert "after the accounting date" in found[("row 9", "稳定运行日期")]
    assert "unknown project type" in found[("row 10", "项目类型")]
    assert "unknown programme" in found[("row 11", "所属重点工程")]
    assert "already in row 3" in found[("row 13", "项目编号")]
    assert len(err.value.problems) == 9  # one problem per bad row, none for the clean one
    assert KeyProject.objects.count() == 0
    # the region table is checked once the file itself is clean
    with pytest.raises(InputFileError) as err:
        proposals.import_ledger(file_of(project("REGION", region_code="519999")), "r.xlsx", actor=PROVINCE)
    assert "unknown region 519999" in str(err.value)
    # a stable operation after today is refused also where no accounting year would count it
    with pytest.raises(InputFileError) as err:
        proposals.import_ledger(file_of(project("LATER", stable_operation_on=(dt.date.today() + dt.timedelta(days=9)).isoformat())),
                             "f.xlsx", actor=PROVINCE)
    assert "after the accounting date" in messages(err.value)[("row 3", "稳定运行日期")]


def test_status_dates_must_fit_the_status() -> None:
    rows = [project("A", status="在建", completed_on=None, construction_started_on="2024-01-01"),
            project("B", status="建成", completed_on=None, stable_operation_on=None),
            project("C", completed_on="2023-01-01", stable_operation_on="2022-06-01")]
    with pytest.raises(InputFileError) as err:
        proposals.import_ledger(file_of(*rows), "s.xlsx", actor=PROVINCE)
    found = messages(err.value)
    assert "but the status is 在建" in found[("row 3", "稳定运行日期")]
    assert "needs its date" in found[("row 4", "建成日期")]
    assert "before 建成日期" in found[("row 5", "稳定运行日期")]


def test_scope_of_import_and_reading() -> None:
    proposals.import_ledger(file_of(project("CD-1"), project("YB-1", region_code=YIBIN)), "l.xlsx", actor=PROVINCE)
    chengdu = city_actor()
    assert [p.code for p in ledger.ledger(actor=chengdu).projects] == ["CD-1"]
    with pytest.raises(NotFound):
        ledger.project_detail("YB-1", actor=chengdu)
    with pytest.raises(InputFileError) as err:
        proposals.import_ledger(file_of(project("YB-1", region_code=YIBIN, name="改名")), "x.xlsx", actor=chengdu)
    assert "outside your regions" in str(err.value)
    with pytest.raises(PermissionDenied):
        proposals.import_ledger(file_of(project("CD-1")), "x.xlsx", actor=AUDITOR)
    with pytest.raises(PermissionDenied):
        proposals.import_ledger(file_of(project("CD-1")), "x.xlsx", actor=city_actor(role=Role.CITY_REVIEWER))
    assert {p.code for p in ledger.ledger(actor=AUDITOR).projects} == {"CD-1", "YB-1"}
    assert KeyProject.objects.get(code="YB-1").name != "改名"


def test_an_enterprise_reporter_sees_its_own_projects() -> None:
    from ecer.monitoring.models import Enterprise

    owner = Enterprise.objects.create(name="某污水处理有限公司", credit_code=project()["owner_credit_code"],
                                      region_code=CHENGDU)
    other = project("OTHER", owner_credit_code=complete("91510100MA0000002"))
    proposals.import_ledger(file_of(project("MINE"), other), "l.xlsx", actor=PROVINCE)
    reporter = Actor(username="ent", role=Role.ENTERPRISE_REPORTER, enterprise_id=owner.pk)
    assert [p.code for p in ledger.ledger(actor=reporter).projects] == ["MINE"]
    with pytest.raises(InputFileError, match="not a project of your enterprise"):
        proposals.import_ledger(file_of(other), "x.xlsx", actor=reporter)
    with pytest.raises(InputFileError, match="not a project of your enterprise"):  # nor taken over by a file
        proposals.import_ledger(file_of(project("OTHER")), "x.xlsx", actor=reporter)
    # its own project: a proposal, decided by its city's reviewer (or the province)
    made = proposals.import_ledger(file_of(project("MINE", name="改名")), "x.xlsx", actor=reporter)
    assert made.status == "draft" and KeyProject.objects.get(code="MINE").name != "改名"
    proposals.submit(made.proposal, actor=reporter)
    reviewer = city_actor(role=Role.CITY_REVIEWER, name="cdr")
    assert [v.id for v in proposals.review_queue(actor=reviewer)] == [made.proposal]
    proposals.approve(made.proposal, actor=reviewer)
    assert KeyProject.objects.get(code="MINE").name == "改名"


def test_export_imports_back_unchanged_and_a_status_change_is_history() -> None:
    proposals.import_ledger(file_of(project("P-1", status="在建", completed_on=None, stable_operation_on=None),
                                 project("P-2", capacity="2 10k_m3_per_day")), "l.xlsx", actor=PROVINCE)
    again = proposals.import_ledger(ledger.export_ledger(actor=PROVINCE), "export.xlsx", actor=PROVINCE)
    assert sorted(again.unchanged) == ["P-1", "P-2"] and not again.updated
    assert KeyProject.objects.get(code="P-2").inputs["values"]["capacity"] == {"value": 2.0, "unit": "10k_m3_per_day"}
    made = proposals.import_ledger(file_of(project("P-1")), "l2.xlsx", actor=city_actor())
    proposals.submit(made.proposal, actor=city_actor())
    proposals.approve(made.proposal, actor=Actor(username="rev", role=Role.PROVINCE_REVIEWER))
    assert made.updated == ["P-1"] and KeyProject.objects.get(code="P-1").status == "stable_operation"
    history = list(StatusChange.objects.filter(project__code="P-1").values_list("status", "previous", "changed_by"))
    assert history == [("under_construction", "", "prov"), ("stable_operation", "under_construction", "cd")]


def test_totals_add_projects_within_a_year_against_the_plan_tonnage() -> None:
    proposals.import_ledger(file_of(project("A"), project("B", **{"removal_after:cod": 75}),
                                 project("C", region_code=YIBIN, programme_code="key_regions")), "l.xlsx",
                         actor=PROVINCE)
    data = ledger.ledger(actor=PROVINCE)
    cod = next(t for t in data.totals if t.pollutant == "cod")
    # 475.2 + 237.6 + 475.2 t in 2025, against the plan's 14.92 万吨
    assert cod.amount_t == pytest.approx(1188.0) and cod.target_10k_t == 14.92
    assert cod.completion_pct == pytest.approx(100 * 0.1188 / 14.92)
    assert {t.pollutant for t in data.totals} == {"cod", "nh3n", "nox", "voc"}
    by_region = {t.region: t.amount_t for t in data.by_region}
    assert by_region == pytest.approx({CHENGDU: 712.8, YIBIN: 475.2})
    assert sum(t.amount_t for t in data.by_programme) == pytest.approx(1188.0)
    filtered = ledger.ledger(actor=PROVINCE, programme="key_regions", year=2022)
    assert [p.code for p in filtered.projects] == ["C"] and filtered.year == 2022


def test_the_demo_ledger_plants_findings_that_are_all_found_and_flags_no_clean_project() -> None:
    seed_demo_registry()
    first = proposals.seed_demo_ledger()
    assert len(first.created) == 13
    assert proposals.seed_demo_ledger().unchanged == first.created  # idempotent
    findings = ledger.findings_for(actor=PROVINCE)
    got = {(f.kind, tuple(f.projects), f.pollutant) for f in findings}
    planted = {("double_count_projects", ("SC-2021-001", "SC-2023-010"), "cod"),
               ("double_count_projects", ("SC-2021-003", "SC-2024-013"), "nox"),
               ("above_baseline", ("SC-2022-011",), "cod"),
               ("offset_not_deducted", ("SC-2021-012", "示例新建项目YB-N01"), "voc")}
    assert got == planted
    flagged = {code for f in findings for code in f.projects}
    for p in KeyProject.objects.all():
        assert p.is_illustrative and p.name.startswith("示例")
        assert (p.code in flagged) == p.note.startswith("示例（核查发现）"), p.code
    offset = next(f for f in findings if f.kind == "offset_not_deducted")
    assert offset.amount_t == pytest.approx(200)
    over = next(f for f in findings if f.kind == "above_baseline")
    # 900 t/yr claimed from 2022-07-01 to 2025-12-31 against a source emitting 300 t/yr in that time
    assert over.amount_t == pytest.approx(600 * (184 / 365 + 3))
    # every demo project's reduction is the core's own for its stored inputs
    for p in KeyProject.objects.filter(status="stable_operation"):
        mine = reductions(parameters(p.code, p.project_type, p.stable_operation_on, p.inputs), load_reduction_catalog(),
                          [2025])
        row = next(r for r in ledger.ledger(actor=PROVINCE).projects if r.code == p.code)
        assert row.reductions_t == pytest.approx({r.pollutant: r.amount_t for r in mine})
