"""Verification findings become cases a reviewer resolves, on record: one case per finding identity,
never duplicated by a re-run; a changed finding reopens a resolved case, a finding that is gone
resolves its case by itself; a confirmed case takes the claims it rejects out of the totals."""

from __future__ import annotations

import pytest
from django.test import override_settings

from ecer.audit.models import AuditEntry
from ecer.monitoring.demo import seed_demo_registry
from ecer.projects.models import FindingCase
from ecer.services import key_projects as ledger
from ecer.services import ledger_proposals as proposals
from ecer.services import verification_cases as cases
from ecer.services.actor import Actor, PermissionDenied, Role
from ecer.services.errors import NotFound
from projects.conftest import PROVINCE, YIBIN, city_actor

pytestmark = pytest.mark.usefixtures("regions")
REVIEWER = Actor(username="prov-rev", role=Role.PROVINCE_REVIEWER)
PLANTED = {("double_count_projects", "SC-2021-001 SC-2023-010"), ("double_count_projects", "SC-2021-003 SC-2024-013"),
           ("above_baseline", "SC-2022-011"), ("offset_not_deducted", "SC-2021-012 示例新建项目YB-N01")}


@pytest.fixture
def demo(regions: None) -> None:
    seed_demo_registry()
    proposals.seed_demo_ledger()


def case_of(kind: str, project: str) -> cases.CaseView:
    return next(c for c in cases.list_cases(actor=REVIEWER) if c.kind == kind and project in c.projects)


def total(pollutant: str, actor: Actor = PROVINCE) -> ledger.TotalRow:
    return next(t for t in ledger.ledger(actor=actor).totals if t.pollutant == pollutant)


@pytest.mark.usefixtures("demo")
def test_every_planted_finding_is_one_open_case_and_a_rerun_duplicates_none() -> None:
    opened = cases.list_cases(actor=REVIEWER, status="open")
    assert {(c.kind, " ".join(c.projects)) for c in opened} == PLANTED
    assert all(f.case_id and f.case_status == "open" for f in ledger.findings_for(actor=PROVINCE))
    again = cases.run_verification(actor=REVIEWER)
    assert not again.created and not again.reopened and not again.auto_resolved and len(again.unchanged) == 4
    proposals.seed_demo_ledger()  # the same file again: approved, unchanged, no new case
    assert FindingCase.objects.count() == 4
    assert AuditEntry.objects.filter(action="key_projects.case.open").count() == 4
    # open cases are counted, and the part they involve is shown beside the total
    cod = total("cod")
    assert cod.open_cases_t > 0 and cod.open_cases_t <= cod.amount_t


@pytest.mark.usefixtures("demo")
def test_a_confirmed_case_takes_the_rejected_claim_out_of_the_totals() -> None:
    case = case_of("double_count_projects", "SC-2023-010")
    before = total("cod").amount_t
    second = next(p for p in ledger.ledger(actor=PROVINCE).projects if p.code == "SC-2023-010").reductions_t["cod"]
    with pytest.raises(cases.CaseError, match="reason"):
        cases.resolve(case.id, actor=REVIEWER, decision="confirmed", reason=" ")
    with pytest.raises(cases.CaseError, match="not claims of case"):
        cases.resolve(case.id, actor=REVIEWER, decision="confirmed", reason="x", rejected_claims=["SC-2021-007/cod"])
    with pytest.raises(PermissionDenied):  # a city's reviewer does not decide its own city's claims
        cases.resolve(case.id, actor=city_actor(role=Role.CITY_REVIEWER, name="cdr"), decision="dismissed",
                      reason="x")
    done = cases.resolve(case.id, actor=REVIEWER, decision="confirmed", reason="二期提标与一期为同一排放口，重复申报",
                         rejected_claims=["SC-2023-010/cod"])
    assert done.status == "resolved" and done.rejected_claims == ["SC-2023-010/cod"]
    assert total("cod").amount_t == pytest.approx(before - second)
    row = next(p for p in ledger.ledger(actor=PROVINCE).projects if p.code == "SC-2023-010")
    assert row.excluded == ["cod"] and "cod" not in row.reductions_t
    assert ledger.project_detail("SC-2023-010", actor=PROVINCE).project.excluded == ["cod"]
    with pytest.raises(cases.CaseError, match="only an open case"):
        cases.resolve(case.id, actor=REVIEWER, decision="dismissed", reason="x")
    entry = AuditEntry.objects.get(action="key_projects.case.resolve")
    assert entry.username == "prov-rev" and entry.obj_id == str(case.id)
    # re-running with the same figures leaves the decision alone
    assert case.id in cases.run_verification(actor=REVIEWER).unchanged
    assert cases.get_case(case.id, actor=REVIEWER).decision == "confirmed"


@pytest.mark.usefixtures("demo")
def test_a_changed_finding_reopens_and_a_corrected_ledger_resolves_by_itself() -> None:
    over = case_of("above_baseline", "SC-2022-011")
    cases.resolve(over.id, actor=REVIEWER, decision="dismissed", reason="关停前实测排放高于基准年")
    # the owner's figures change (600 instead of 900 t/yr closed): the reviewer decided on other figures
    proposals.propose_edit("SC-2022-011", {"baseline_emission:cod": "600"}, actor=PROVINCE)
    reopened = cases.get_case(over.id, actor=REVIEWER)
    assert reopened.status == "open" and reopened.reopened == 1 and reopened.amount_t < over.amount_t
    assert reopened.history[-1]["decision"] == "dismissed" and "amount changed" in reopened.history[-1]["why"]
    # the offset is deducted: the finding is gone and its case resolves by itself
    offset = case_of("offset_not_deducted", "SC-2021-012")
    yibin = city_actor(YIBIN, name="yb")
    made = proposals.propose_edit("SC-2021-012", {"offset_deducted:voc": "200"}, actor=yibin)
    assert cases.get_case(offset.id, actor=REVIEWER).status == "open"  # a proposal is not yet the ledger
    proposals.submit(made.proposal, actor=yibin)
    proposals.approve(made.proposal, actor=REVIEWER)
    gone = cases.get_case(offset.id, actor=REVIEWER)
    assert gone.status == "resolved" and gone.decision == "gone" and gone.decided_by == "system"
    assert AuditEntry.objects.filter(action="key_projects.case.auto_resolve", obj_id=str(offset.id)).exists()
    assert FindingCase.objects.count() == 4  # nothing duplicated on the way


@pytest.mark.usefixtures("demo")
def test_cases_are_read_in_scope() -> None:
    chengdu = city_actor(name="cd")
    mine = cases.list_cases(actor=chengdu)
    assert mine and all(any(p in ("SC-2021-001", "SC-2023-010") for p in c.projects) for c in mine)
    foreign = case_of("offset_not_deducted", "SC-2021-012")
    with pytest.raises(NotFound):
        cases.get_case(foreign.id, actor=chengdu)
    with pytest.raises(NotFound):
        cases.get_case(987654, actor=REVIEWER)
    with pytest.raises(PermissionDenied):
        cases.run_verification(actor=chengdu)
    assert not cases.get_case(mine[0].id, actor=chengdu).may_resolve


@pytest.mark.usefixtures("demo")
def test_open_cases_may_be_left_out_of_the_totals_by_setting() -> None:
    counted = total("voc").amount_t
    with override_settings(ECER_OPEN_CASES_IN_TOTALS="exclude"):
        assert total("voc").amount_t < counted and ledger.ledger(actor=PROVINCE).open_cases_mode == "exclude"
    with override_settings(ECER_OPEN_CASES_IN_TOTALS="sometimes"), pytest.raises(Exception, match="count"):
        ledger.ledger(actor=PROVINCE)


@pytest.mark.usefixtures("demo")
def test_a_reviewer_resolves_a_case_on_the_page_and_the_api_twin_agrees() -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client

    from ecer.accounts.roles import bind_user

    def client_as(role: str, region: str, name: str) -> Client:
        user = get_user_model().objects.create_user(name, password="pw-long-enough-1")
        bind_user(user, role, region, None)
        client = Client()
        client.force_login(user)
        return client

    reviewer = client_as("province_reviewer", "510000", "rev")
    page = reviewer.get("/projects/cases/").content.decode()
    assert "核查案件" in page and page.count('id="case-') == 4 and 'id="verify-form"' in page
    case = case_of("above_baseline", "SC-2022-011")
    detail = reviewer.get(f"/projects/cases/{case.id}/").content.decode()
    assert 'id="resolve-form"' in detail and "超过基准排放量" in detail
    refused = reviewer.post(f"/projects/cases/{case.id}/resolve/", {"decision": "dismissed", "reason": ""}, follow=True)
    assert "reason" in refused.content.decode() and cases.get_case(case.id, actor=REVIEWER).status == "open"
    reviewer.post(f"/projects/cases/{case.id}/resolve/", {"decision": "confirmed", "reason": "超基准",
                                                         "rejected": "SC-2022-011/cod"})
    api = reviewer.get(f"/api/projects/cases/{case.id}?lang=en").json()
    assert api["status"] == "resolved" and api["decision"] == "confirmed" and api["rejected_claims"] == ["SC-2022-011/cod"]
    listing = reviewer.get("/projects/").content.decode()
    assert f'/projects/cases/{case.id}/' in listing and 'id="cases-rule"' in listing
    city = client_as("city_operator", "510100", "cd")
    assert city.get(f"/projects/cases/{case.id}/").status_code == 404  # 德阳's case
    assert city.post("/api/projects/cases/verify", {}, content_type="application/json").status_code == 403
    rerun = reviewer.post("/api/projects/cases/verify", {}, content_type="application/json").json()
    assert rerun["created"] == [] and case.id in rerun["unchanged"]


@pytest.mark.usefixtures("demo")
def test_the_progress_accounting_counts_a_rejected_claim_as_zero() -> None:
    version = ledger.ledger_version()
    case = case_of("double_count_projects", "SC-2023-010")
    before = {p.code: p for p in ledger.reductions_by_city()[("510100", "cod")][2025].projects}
    assert before["SC-2023-010"].amount_t > 0 and not before["SC-2023-010"].not_counted
    cases.resolve(case.id, actor=REVIEWER, decision="confirmed", reason="重复申报", rejected_claims=["SC-2023-010/cod"])
    after = {p.code: p for p in ledger.reductions_by_city()[("510100", "cod")][2025].projects}
    assert after["SC-2023-010"].amount_t == 0 and "verification case" in after["SC-2023-010"].not_counted
    assert after["SC-2021-001"].amount_t == before["SC-2021-001"].amount_t
    assert ledger.ledger_version() != version  # the progress caches key on the decision too
