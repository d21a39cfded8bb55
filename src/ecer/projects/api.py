"""Ledger API: the projects the caller may see with the totals against the plan, one project with its
explanation, the verification findings, import (all-or-nothing) and evidence upload.
Thin: the actor, one call of `ecer.services.key_projects` (which applies the scope)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile

from ecer.services import key_projects as ledger
from ecer.services import ledger_proposals as proposals
from ecer.services import verification_cases as cases
from ecer.services.actor import actor_from_request

router = Router(tags=["projects"])


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "zh"


@router.get("/", response=dict[str, Any])
def projects(request: HttpRequest, programme: str | None = None, city: str | None = None, type: str | None = None,
             status: str | None = None, year: int | None = None, lang: str = "zh") -> Any:
    """The ledger (filters as on /projects/): projects, totals per pollutant against the plan's tonnages,
    by programme and region, and the findings that involve the listed projects."""
    data = ledger.ledger(actor=actor_from_request(request), programme=programme, city=city, project_type=type,
                         status=status, year=year, lang=_lang(lang))
    return _plain(data)


@router.get("/findings", response=list[dict[str, Any]])
def findings(request: HttpRequest, lang: str = "zh") -> Any:
    return [_plain(f) for f in ledger.findings_for(actor=actor_from_request(request), lang=_lang(lang))]


# before /{code}, which would otherwise take "import" for a code
@router.post("/import", response=dict[str, Any])
def import_ledger(request: HttpRequest, file: File[UploadedFile]) -> Any:
    """The workbook becomes ONE proposal (all rows or none): a draft to submit for review, or applied
    at once for the province administrator (`status`, `proposal` in the answer)."""
    actor = actor_from_request(request)
    ledger.require_proposer(actor)  # before the file is read
    name = file.name or "upload.xlsx"
    return _plain(proposals.import_ledger(ledger.read_upload(name, file.size or 0, file.read), name, actor=actor))


class CommentIn(Schema):
    comment: str = ""


class EditIn(Schema):
    changes: dict[str, Any]
    reason: str = ""


@router.get("/proposals", response=list[dict[str, Any]])
def proposal_list(request: HttpRequest, status: str | None = None, project: str | None = None) -> Any:
    """Ledger change proposals the caller may read, newest first (status: draft, submitted, returned,
    approved, or open = draft + submitted)."""
    return [_plain(v) for v in proposals.list_proposals(actor=actor_from_request(request), status=status,
                                                        project=project)]


@router.get("/proposals/queue", response=list[dict[str, Any]])
def proposal_queue(request: HttpRequest) -> Any:
    """Submitted proposals the caller may decide, oldest first."""
    return [_plain(v) for v in proposals.review_queue(actor=actor_from_request(request))]


@router.get("/proposals/{proposal_id}", response=dict[str, Any])
def proposal(request: HttpRequest, proposal_id: int) -> Any:
    return _plain(proposals.get_proposal(proposal_id, actor=actor_from_request(request)))


@router.get("/proposals/{proposal_id}/file")
def proposal_file(request: HttpRequest, proposal_id: int) -> Any:
    """The proposed workbook, exactly as proposed."""
    from django.http import HttpResponse

    name, data = proposals.proposal_file(proposal_id, actor=actor_from_request(request))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="proposal-{proposal_id}.xlsx"'
    return response


@router.post("/proposals/{proposal_id}/submit", response=dict[str, Any])
def proposal_submit(request: HttpRequest, proposal_id: int) -> Any:
    return _plain(proposals.submit(proposal_id, actor=actor_from_request(request)))


@router.post("/proposals/{proposal_id}/return", response=dict[str, Any])
def proposal_return(request: HttpRequest, proposal_id: int, body: CommentIn) -> Any:
    return _plain(proposals.return_proposal(proposal_id, actor=actor_from_request(request), comment=body.comment))


@router.post("/proposals/{proposal_id}/approve", response=dict[str, Any])
def proposal_approve(request: HttpRequest, proposal_id: int, body: CommentIn) -> Any:
    return _plain(proposals.approve(proposal_id, actor=actor_from_request(request), comment=body.comment))


@router.post("/{code}/proposals", response=dict[str, Any])
def propose_edit(request: HttpRequest, code: str, body: EditIn) -> Any:
    """Propose a change of one project (column key → new cell text, as in the ledger template; an empty
    text clears the cell). A draft for review, or applied at once for the province administrator."""
    return _plain(proposals.propose_edit(code, body.changes, actor=actor_from_request(request), reason=body.reason))


class ResolveIn(Schema):
    decision: str
    reason: str = ""
    rejected_claims: list[str] | None = None


@router.get("/cases", response=list[dict[str, Any]])
def case_list(request: HttpRequest, status: str | None = None, project: str | None = None, lang: str = "zh") -> Any:
    """Verification cases that involve a project the caller may see (status: open | resolved)."""
    return [_plain(c) for c in cases.list_cases(actor=actor_from_request(request), status=status, project=project,
                                                lang=_lang(lang))]


@router.post("/cases/verify", response=dict[str, Any])
def case_verify(request: HttpRequest) -> Any:
    """Re-run verification over the whole ledger and update the cases (created, updated, reopened,
    auto-resolved, unchanged case ids)."""
    return _plain(cases.run_verification(actor=actor_from_request(request)))


@router.get("/cases/{case_id}", response=dict[str, Any])
def case(request: HttpRequest, case_id: int, lang: str = "zh") -> Any:
    return _plain(cases.get_case(case_id, actor=actor_from_request(request), lang=_lang(lang)))


@router.post("/cases/{case_id}/resolve", response=dict[str, Any])
def case_resolve(request: HttpRequest, case_id: int, body: ResolveIn) -> Any:
    """Resolve an open case: confirmed (rejected_claims, default all of the case's, leave the totals) or
    dismissed; a reason is required."""
    return _plain(cases.resolve(case_id, actor=actor_from_request(request), decision=body.decision,
                                reason=body.reason, rejected_claims=body.rejected_claims))


@router.get("/{code}", response=dict[str, Any])
def project(request: HttpRequest, code: str, lang: str = "zh") -> Any:
    return _plain(ledger.project_detail(code, actor=actor_from_request(request), lang=_lang(lang)))


@router.post("/{code}/evidence", response=dict[str, Any])
def evidence(request: HttpRequest, code: str, file: File[UploadedFile], description: Form[str] = "") -> Any:
    actor = actor_from_request(request)
    ledger.require_evidence_adder(actor)  # before the file is read
    name = file.name or "evidence"
    return ledger.add_evidence(code, name, ledger.read_upload(name, file.size or 0, file.read), actor=actor,
                               description=description)


def _plain(value: Any) -> Any:
    """Dataclasses → JSON-ready dicts (dates as ISO text)."""
    import dataclasses
    import datetime as dt

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value
