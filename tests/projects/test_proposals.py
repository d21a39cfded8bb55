"""Ledger changes go through the review workflow: a city's or an enterprise's change is a proposal
(draft → submitted → returned with a comment | approved) that a reviewer decides; only approval
changes the figures the reductions are computed from; every approved version is kept; an Excel file
is one proposal, all rows or none."""

from __future__ import annotations

import pytest

from ecer.audit.models import AuditEntry
from ecer.errors import InputFileError
from ecer.projects.models import KeyProject, LedgerProposal, ProjectVersion
from ecer.services import key_projects as ledger
from ecer.services import ledger_proposals as proposals
from ecer.services.actor import Actor, PermissionDenied, Role
from ecer.services.errors import NotFound
from projects.conftest import CHENGDU, PROVINCE, YIBIN, city_actor, project

pytestmark = pytest.mark.usefixtures("regions")
REVIEWER = Actor(username="prov-rev", role=Role.PROVINCE_REVIEWER)


def file_of(*rows: dict[str, object]) -> bytes:
    return ledger.ledger_file(list(rows))


def cod_2025(code: str) -> float:
    detail = ledger.project_detail(code, actor=PROVINCE)
    return next(r.amount_t for r in detail.reductions if r.year == 2025 and r.pollutant == "cod")


def test_a_city_file_is_one_proposal_that_changes_nothing_until_approved() -> None:
    proposals.import_ledger(file_of(project("CD-1")), "base.xlsx", actor=PROVINCE)  # approved as made
    assert cod_2025("CD-1") == pytest.approx(475.2)
    chengdu = city_actor()
    result = proposals.import_ledger(file_of(project("CD-1", **{"removal_after:cod": 75}), project("CD-2")),
                                  "city.xlsx", actor=chengdu)
    assert result.status == "draft" and result.created == ["CD-2"] and result.updated == ["CD-1"]
    assert not KeyProject.objects.filter(code="CD-2").exists() and cod_2025("CD-1") == pytest.approx(475.2)
    view = proposals.get_proposal(result.proposal, actor=chengdu)
    change = next(c for c in view.changes if c["code"] == "CD-1")
    assert change["fields"] == {"removal_after:cod": [90.0, 75.0]} and view.may_submit and not view.may_decide
    with pytest.raises(proposals.ProposalError):  # a draft is not decided
        proposals.approve(result.proposal, actor=REVIEWER)
    proposals.submit(result.proposal, actor=chengdu)
    assert [v.id for v in proposals.review_queue(actor=REVIEWER)] == [result.proposal]
    assert proposals.review_queue(actor=city_actor(role=Role.CITY_REVIEWER, name="cdr")) == []  # the city's own claim
    with pytest.raises(NotFound, match="decided by the province"):
        proposals.approve(result.proposal, actor=city_actor(role=Role.CITY_REVIEWER, name="cdr"))
    assert cod_2025("CD-1") == pytest.approx(475.2)  # submitted is not approved
    proposals.approve(result.proposal, actor=REVIEWER, comment="ok")
    assert cod_2025("CD-1") == pytest.approx(20000 * 330 * 0.8 * 300e-6 * 0.15)
    versions = ledger.project_detail("CD-1", actor=chengdu).versions
    assert [v["version"] for v in versions] == [2, 1]
    assert versions[0]["changed"] == {"removal_after:cod": [90.0, 75.0]} and versions[0]["approved_by"] == "prov-rev"
    assert versions[0]["made_by"] == "cd" and versions[1]["cells"]["removal_after:cod"] == 90.0
    actions = list(AuditEntry.objects.filter(obj_id=str(result.proposal)).values_list("action", flat=True))
    assert actions == ["key_projects.propose", "key_projects.proposal.submit", "key_projects.proposal.approve"]


def test_a_returned_proposal_needs_a_comment_and_changes_nothing() -> None:
    chengdu = city_actor()
    made = proposals.import_ledger(file_of(project("CD-9")), "c.xlsx", actor=chengdu)
    proposals.submit(made.proposal, actor=chengdu)
    with pytest.raises(proposals.ProposalError, match="comment"):
        proposals.return_proposal(made.proposal, actor=REVIEWER, comment=" ")
    back = proposals.return_proposal(made.proposal, actor=REVIEWER, comment="附验收报告 attach the acceptance report")
    assert back.status == "returned" and back.comment.startswith("附验收报告")
    assert not KeyProject.objects.filter(code="CD-9").exists()
    with pytest.raises(proposals.ProposalError):
        proposals.approve(made.proposal, actor=REVIEWER)
    again = proposals.propose_file(file_of(project("CD-9")), "c2.xlsx", actor=chengdu, supersedes=made.proposal)
    assert proposals.get_proposal(again.proposal, actor=chengdu).supersedes == made.proposal


def test_a_status_step_from_the_form_is_a_proposal_and_history_when_approved() -> None:
    proposals.import_ledger(file_of(project("CD-S", status="建成", stable_operation_on=None)), "b.xlsx", actor=PROVINCE)
    assert cod_2025("CD-S") == 0  # not in stable operation: nothing counted
    chengdu = city_actor()
    with pytest.raises(InputFileError, match="no_such_column"):
        proposals.propose_edit("CD-S", {"no_such_column": "1"}, actor=chengdu)
    with pytest.raises(InputFileError):  # stable operation without its date: refused by the file's own checks
        proposals.propose_edit("CD-S", {"status": "稳定运行"}, actor=chengdu)
    made = proposals.propose_edit("CD-S", {"status": "稳定运行", "stable_operation_on": "2023-01-10"}, actor=chengdu,
                                  reason="通过验收")
    proposals.submit(made.proposal, actor=chengdu)
    assert cod_2025("CD-S") == 0
    proposals.approve(made.proposal, actor=REVIEWER)
    assert cod_2025("CD-S") == pytest.approx(475.2)
    detail = ledger.project_detail("CD-S", actor=chengdu)
    assert [h["status"] for h in detail.history] == ["completed", "stable_operation"]
    assert set(detail.versions[0]["changed"]) == {"status", "stable_operation_on"}


def test_scope_of_proposals_makers_and_deciders() -> None:
    proposals.import_ledger(file_of(project("YB-1", region_code=YIBIN)), "b.xlsx", actor=PROVINCE)
    chengdu = city_actor()
    with pytest.raises(InputFileError, match="outside your regions"):
        proposals.import_ledger(file_of(project("YB-1", region_code=YIBIN, name="改名")), "x.xlsx", actor=chengdu)
    with pytest.raises(NotFound):
        proposals.propose_edit("YB-1", {"name": "改名"}, actor=chengdu)
    made = proposals.import_ledger(file_of(project("CD-1")), "c.xlsx", actor=chengdu)
    yibin = city_actor(YIBIN, name="yb")
    with pytest.raises(NotFound):  # a foreign proposal is like a missing one
        proposals.get_proposal(made.proposal, actor=yibin)
    with pytest.raises(NotFound):
        proposals.get_proposal(987654, actor=chengdu)
    with pytest.raises(PermissionDenied):  # only its maker submits it
        proposals.submit(made.proposal, actor=city_actor(name="cd2"))
    proposals.submit(made.proposal, actor=chengdu)
    with pytest.raises(NotFound):
        proposals.approve(made.proposal, actor=city_actor(YIBIN, role=Role.CITY_REVIEWER, name="ybr"))
    own = Actor(username="cd", role=Role.PROVINCE_REVIEWER)  # the maker's name: nobody decides their own
    with pytest.raises(NotFound, match="nobody decides their own"):
        proposals.approve(made.proposal, actor=own)
    with pytest.raises(PermissionDenied):  # an operator decides nothing
        proposals.approve(made.proposal, actor=city_actor(name="cd2"))
    assert LedgerProposal.objects.get(pk=made.proposal).status == "submitted"


def test_a_stale_proposal_is_refused_at_approval() -> None:
    proposals.import_ledger(file_of(project("CD-1")), "b.xlsx", actor=PROVINCE)
    chengdu = city_actor()
    first = proposals.propose_edit("CD-1", {"removal_after:cod": "80"}, actor=chengdu)
    second = proposals.propose_edit("CD-1", {"removal_after:cod": "85"}, actor=chengdu)
    for p in (first, second):
        proposals.submit(p.proposal, actor=chengdu)
    proposals.approve(first.proposal, actor=REVIEWER)
    with pytest.raises(proposals.ProposalError, match="changed since"):
        proposals.approve(second.proposal, actor=REVIEWER)
    assert ProjectVersion.objects.filter(project__code="CD-1").count() == 2
    assert KeyProject.objects.get(code="CD-1").inputs["pollutants"]["cod"]["removal_after"]["value"] == 80.0


def test_a_bad_file_makes_no_proposal() -> None:
    with pytest.raises(InputFileError):
        proposals.import_ledger(file_of(project("OK"), project("NEG", capacity=-5)), "bad.xlsx", actor=city_actor())
    assert not LedgerProposal.objects.exists() and not KeyProject.objects.exists()
    assert CHENGDU
