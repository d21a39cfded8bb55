"""Use case: changes of the key-project ledger go through the review workflow (issue 12 item 1).

Every change — new projects, edited parameters, a status step or a changed stable-operation date, an
Excel import — is ONE proposal (`ecer.projects.models.LedgerProposal`): a ledger workbook (the
uploaded file, or one built from the project page's form), checked as a whole when it is made and
again when it is approved (all rows or none). It moves through the collection workflow's states
(`ecer.services.workflow`): draft → submitted → returned with a comment | approved. Only approval
writes to the ledger, so the reductions, totals and verification only ever see approved figures.
Each approved change of a project is kept as a new `ProjectVersion` (its cells, the changed fields,
the proposal, maker and approver); the project page shows them.

Who (docs/key-projects.md § Review of ledger changes):
- proposes: a city operator for projects of its regions; an enterprise reporter for the projects its
  enterprise owns; the province administrator and the platform (demo, CLI as system), whose changes
  are approved as they are made (recorded as a proposal decided by its maker);
- submits: the proposal's maker;
- decides: a province reviewer or the province administrator, any proposal; a city reviewer, an
  enterprise's proposal whose projects all lie in the city's regions (a city's own claims toward its
  target are decided by the province). Nobody decides a proposal they made.
- reads: the maker; anybody who may read one of the regions the proposal touches (an enterprise
  reporter: only its own proposals).

A proposal is refused at approval when a project it changes got another approved version after it was
made (the reviewer returns it; the maker proposes again against the new figures). A returned proposal
stays as it is; a new proposal may name it (`supersedes`). Every step is in the audit log.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from ecer.services import workflow
from ecer.services.actor import Actor, PermissionDenied, Role, require_role, visible_region_codes
from ecer.services.errors import NotFound, ServiceError

#: roles whose own changes are approved as they are made
DIRECT = (Role.PROVINCE_ADMIN, Role.SYSTEM)
#: roles that decide every proposal
PROVINCE_DECIDERS = (Role.PROVINCE_REVIEWER, Role.PROVINCE_ADMIN)


class ProposalError(workflow.WorkflowError, ServiceError):
    """A step the proposal's state or the ledger does not allow (stale proposal, no comment…)."""


@dataclass(frozen=True)
class ProposalView:
    id: int
    status: str
    origin: str
    file_name: str
    sha256: str
    reason: str
    changes: list[dict[str, Any]]
    created_by: str
    created_role: str
    created_at: dt.datetime
    submitted_by: str
    submitted_at: dt.datetime | None
    decided_by: str
    decided_at: dt.datetime | None
    comment: str
    supersedes: int | None
    regions: list[str]
    projects: list[str]
    may_submit: bool = False
    may_decide: bool = False
    versions: list[dict[str, Any]] = field(default_factory=list)  # the versions its approval made


def _json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return value
    return value


def _cells_of_row(row: Any, catalog: Any) -> dict[str, Any]:
    """A checked LedgerRow as its cells (the same shape as a stored project's export)."""
    from types import SimpleNamespace

    from ecer.services.key_projects_file import export_cells

    attrs = {k: getattr(row, k) for k in row.__dataclass_fields__}
    mp = attrs.pop("monitoring_point")
    shaped = SimpleNamespace(**attrs, monitoring_point_id=mp or None, monitoring_point=SimpleNamespace(outlet_code=mp))
    return {k: _json(v) for k, v in export_cells(shaped, catalog).items()}


def project_cells(project: Any) -> dict[str, Any]:
    from ecer.services.key_projects import _catalog
    from ecer.services.key_projects_file import export_cells

    return {k: _json(v) for k, v in export_cells(project, _catalog()).items()}


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == {}


def _diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: [old.get(k), new.get(k)] for k in sorted(set(old) | set(new))
            if old.get(k) != new.get(k) and not (_empty(old.get(k)) and _empty(new.get(k)))}


def _changes(checked: Any) -> list[dict[str, Any]]:
    from ecer.projects.models import ProjectVersion
    from ecer.services.key_projects import _catalog

    catalog = _catalog()
    latest = {}
    for code, version in ProjectVersion.objects.filter(project__code__in=[r.code for r in checked.rows]) \
            .values_list("project__code", "version"):
        latest[code] = max(version, latest.get(code, 0))
    out = []
    for row in checked.rows:
        new = _cells_of_row(row, catalog)
        before = checked.existing.get(row.code)
        if before is None:
            out.append({"code": row.code, "region_code": row.region_code, "action": "create", "base_version": 0,
                        "fields": {k: [None, v] for k, v in new.items() if not _empty(v)}})
            continue
        fields = _diff(project_cells(before), new)
        out.append({"code": row.code, "region_code": row.region_code, "previous_region": before.region_code,
                    "action": "update" if fields else "unchanged", "base_version": latest.get(row.code, 0),
                    "fields": fields})
    return out


def _state(p: Any) -> dict[str, Any]:
    return {"status": p.status, "file": p.file_name, "sha256": p.sha256, "origin": p.origin,
            "changes": [{"code": c["code"], "action": c["action"], "fields": sorted(c["fields"])} for c in p.changes],
            "comment": p.comment}


def _audit(actor: Actor, action: str, p: Any, before: dict[str, Any] | None) -> None:
    from ecer.services.audit import record

    record(actor, action, "key_project_proposal", str(p.pk), before, _state(p))


# --- making ------------------------------------------------------------------------------------------

def propose_file(data: bytes, file: str, *, actor: Actor, reason: str = "", as_of: dt.date | None = None,
                 illustrative: bool = False, origin: str = "file", supersedes: int | None = None) -> Any:
    """A ledger workbook as one proposal (checked as a whole; InputFileError names every problem).
    Returns the key_projects.ImportResult of what it proposes (status draft), or of what it wrote
    (status approved) for the roles of DIRECT."""
    from ecer.projects.models import LedgerProposal, ProposalRow
    from ecer.services.key_projects import ImportResult, check_file

    checked = check_file(data, file, actor=actor, as_of=as_of)
    changes = _changes(checked)
    before = None
    if supersedes is not None:
        before = _readable(actor, supersedes)
        if before.status != workflow.RETURNED:
            raise ProposalError(f"proposal #{before.pk} is {before.status}; only a returned one is proposed again")
    with transaction.atomic():
        proposal = LedgerProposal.objects.create(
            origin=origin, file_name=file[:255], sha256=hashlib.sha256(data).hexdigest(), data=data,
            reason=reason.strip(), changes=changes, supersedes=before, created_by=actor.username,
            created_role=str(actor.role), is_illustrative=illustrative)
        ProposalRow.objects.bulk_create([ProposalRow(proposal=proposal, project_code=c["code"],
                                                     region_code=c["region_code"], action=c["action"])
                                         for c in changes])
        ProposalRow.objects.bulk_create([ProposalRow(proposal=proposal, project_code=c["code"],
                                                     region_code=c["previous_region"], action="move")
                                         for c in changes if c.get("previous_region", c["region_code"])
                                         != c["region_code"]])
        _audit(actor, "key_projects.propose", proposal, None)
        if actor.role in DIRECT:
            proposal.save(update_fields=workflow.move(proposal, "submit", actor, _what(proposal), ProposalError))
            result = _approve(proposal, actor, checked, "")
            return ImportResult(file, result.created, result.updated, result.unchanged, result.status_changes,
                                proposal.pk, proposal.status)
    by = {a: [c["code"] for c in changes if c["action"] == a] for a in ("create", "update", "unchanged")}
    return ImportResult(file, by["create"], by["update"], by["unchanged"], [], proposal.pk, proposal.status)


def may_propose(actor: Actor) -> bool:
    return actor.role in (Role.CITY_OPERATOR, Role.ENTERPRISE_REPORTER, *DIRECT)


#: the template's columns a form may change (all but the code, which names the project)
def form_keys() -> list[str]:
    from ecer.services.key_projects import _catalog
    from ecer.services.key_projects_file import columns

    return [c.key for c in columns(_catalog()) if c.key != "code"]


def propose_edit(code: str, changes: dict[str, Any], *, actor: Actor, reason: str = "",
                 as_of: dt.date | None = None) -> Any:
    """A change of one project from a form (column key → new cell text; empty clears it), as a
    proposal built like a one-row ledger file. Unknown keys are refused by name."""
    from ecer.errors import InputFileError, Problem
    from ecer.services.actor import is_anonymous
    from ecer.services.key_projects import _scoped, ledger_file

    if is_anonymous(actor) or not may_propose(actor):
        raise PermissionDenied(f"{actor.username} ({actor.role}) may not propose ledger changes")
    project = _scoped(actor).filter(code=code).first()
    if project is None:
        raise NotFound(f"no key project {code} in the ledger you may see")
    known = set(form_keys())
    unknown = sorted(set(changes) - known)
    if unknown:
        raise InputFileError([Problem("form", code, f"'{k}' is not a ledger column", k) for k in unknown])
    cells = {**project_cells(project), **{k: v for k, v in changes.items()}}
    cells = {k: v for k, v in cells.items() if not _empty(v)}
    return propose_file(ledger_file([cells]), f"{code} 表单修改 form edit", actor=actor, reason=reason, as_of=as_of,
                        origin="form", illustrative=project.is_illustrative)


# --- reading -----------------------------------------------------------------------------------------

def _what(p: Any) -> str:
    return f"proposal #{p.pk}"


def _visible_qs(actor: Actor) -> Any:
    from django.db.models import Q

    from ecer.projects.models import LedgerProposal
    from ecer.services.actor import is_anonymous

    qs = LedgerProposal.objects.all()
    if is_anonymous(actor):
        return qs.none()
    if actor.sees_everything:
        return qs
    if actor.role == Role.ENTERPRISE_REPORTER or actor.role == Role.DEPARTMENT:
        return qs.filter(created_by=actor.username)
    visible = visible_region_codes(actor) or frozenset()
    return qs.filter(Q(created_by=actor.username) | Q(rows__region_code__in=visible)).distinct()


def _readable(actor: Actor, proposal_id: int | str) -> Any:
    try:
        pk = int(proposal_id)
    except (TypeError, ValueError):
        pk = -1
    proposal = _visible_qs(actor).filter(pk=pk).first()
    if proposal is None:
        raise NotFound(f"no ledger proposal {proposal_id} visible to {actor.username}")
    return proposal


def _regions(p: Any) -> list[str]:
    return sorted({r.region_code for r in p.rows.all()})


def may_decide(actor: Actor, p: Any) -> bool:
    if p.status != workflow.SUBMITTED or actor.username == p.created_by:
        return False
    if actor.role in PROVINCE_DECIDERS or actor.role == Role.SYSTEM:
        return True
    if actor.role == Role.CITY_REVIEWER and p.created_role == Role.ENTERPRISE_REPORTER:
        return set(_regions(p)) <= set(actor.region_codes)
    return False


def _view(actor: Actor, p: Any) -> ProposalView:
    versions = [{"project": v.project.code, "version": v.version, "changed": sorted(v.changed)}
                for v in p.versions.select_related("project")]
    return ProposalView(p.pk, p.status, p.origin, p.file_name, p.sha256, p.reason, p.changes, p.created_by,
                        p.created_role, p.created_at, p.submitted_by, p.submitted_at, p.decided_by, p.decided_at,
                        p.comment, p.supersedes_id, _regions(p), [c["code"] for c in p.changes],
                        p.status == workflow.DRAFT and p.created_by == actor.username, may_decide(actor, p), versions)


def get_proposal(proposal_id: int | str, *, actor: Actor) -> ProposalView:
    return _view(actor, _readable(actor, proposal_id))


def proposal_file(proposal_id: int | str, *, actor: Actor) -> tuple[str, bytes]:
    p = _readable(actor, proposal_id)
    name = p.file_name if p.file_name.endswith(".xlsx") else f"proposal-{p.pk}.xlsx"
    return name, bytes(p.data)


def list_proposals(*, actor: Actor, status: str | None = None, project: str | None = None) -> list[ProposalView]:
    """The proposals the actor may read, newest first (`status`: one state, or "open" for draft+submitted)."""
    qs = _visible_qs(actor).prefetch_related("rows")
    if status == "open":
        qs = qs.filter(status__in=workflow.OPEN)
    elif status:
        qs = qs.filter(status=status)
    if project:
        qs = qs.filter(rows__project_code=project).distinct()
    return [_view(actor, p) for p in qs.order_by("-pk")[:500]]


def review_queue(*, actor: Actor) -> list[ProposalView]:
    """Submitted proposals the actor may decide, oldest first."""
    qs = _visible_qs(actor).filter(status=workflow.SUBMITTED).prefetch_related("rows").order_by("submitted_at", "pk")
    return [v for v in (_view(actor, p) for p in qs) if v.may_decide]


# --- the workflow's steps ----------------------------------------------------------------------------

def _locked(p: Any) -> Any:
    from ecer.projects.models import LedgerProposal

    return LedgerProposal.objects.select_for_update().get(pk=p.pk)


def submit(proposal_id: int | str, *, actor: Actor) -> ProposalView:
    """draft → submitted, by its maker (the roles of DIRECT never have a draft)."""
    require_role(actor, Role.CITY_OPERATOR, Role.ENTERPRISE_REPORTER)
    p = _readable(actor, proposal_id)
    if p.created_by != actor.username:
        raise PermissionDenied(f"{actor.username} did not make proposal #{p.pk}; its maker submits it")
    with transaction.atomic():
        p = _locked(p)
        before = _state(p)
        p.save(update_fields=workflow.move(p, "submit", actor, _what(p), ProposalError))
        _audit(actor, "key_projects.proposal.submit", p, before)
    return _view(actor, p)


def _for_decider(actor: Actor, proposal_id: int | str) -> Any:
    """The proposal, for a role that decides; one the actor may read but not decide (its own; a city's
    own change for a city reviewer) answers like a missing one."""
    require_role(actor, *PROVINCE_DECIDERS, Role.CITY_REVIEWER)
    p = _readable(actor, proposal_id)
    if p.created_by == actor.username or (p.status == workflow.SUBMITTED and not may_decide(actor, p)):
        raise NotFound(f"no ledger proposal {proposal_id} that {actor.username} may decide (nobody decides their "
                       "own; a city's own changes are decided by the province)")
    return p


def return_proposal(proposal_id: int | str, *, actor: Actor, comment: str) -> ProposalView:
    """submitted → returned, with a comment saying what to fix (required)."""
    p = _for_decider(actor, proposal_id)
    if not comment.strip():
        raise ProposalError("returning a proposal needs a comment saying what to fix")
    with transaction.atomic():
        p = _locked(p)
        before = _state(p)
        fields = workflow.move(p, "return", actor, _what(p), ProposalError)
        p.comment = comment.strip()
        p.save(update_fields=[*fields, "comment"])
        _audit(actor, "key_projects.proposal.return", p, before)
    return _view(actor, p)


def approve(proposal_id: int | str, *, actor: Actor, comment: str = "") -> ProposalView:
    """submitted → approved: the workbook is checked again against the ledger as it is now (refused with
    every problem, or when a project it changes got a newer version since), then written in one
    transaction, each changed project getting a new version."""
    from ecer.services.actor import system_actor
    from ecer.services.key_projects import check_file

    p = _for_decider(actor, proposal_id)
    with transaction.atomic():
        p = _locked(p)
        workflow.require_status(p.status, _what(p), (workflow.SUBMITTED,), ProposalError)
        checked = check_file(bytes(p.data), p.file_name, actor=system_actor())  # scope was checked when made
        _approve(p, actor, checked, comment)
    return _view(actor, p)


def _approve(p: Any, actor: Actor, checked: Any, comment: str) -> Any:
    from ecer.projects.models import ProjectVersion
    from ecer.services.key_projects import apply_checked

    now = {c["code"]: c for c in _changes(checked)}
    stale = [c["code"] for c in p.changes if c["code"] in now and now[c["code"]]["base_version"] != c["base_version"]]
    if stale:
        raise ProposalError(f"{_what(p)}: {', '.join(stale)} changed since it was proposed (a newer version was "
                            "approved); return it so that it is proposed again against the current figures")
    before = _state(p)

    def version(project: Any, action: str) -> None:
        last = project.versions.order_by("-version").first()
        ProjectVersion.objects.create(project=project, version=(last.version + 1) if last else 1,
                                      cells=project_cells(project), changed=now[project.code]["fields"], proposal=p,
                                      made_by=p.created_by, approved_by=actor.username)
    result = apply_checked(checked, changed_by=p.created_by, illustrative=p.is_illustrative, on_change=version)
    fields = workflow.move(p, "approve", actor, _what(p), ProposalError)
    p.comment = comment.strip()
    p.changes = list(now.values())
    p.save(update_fields=[*fields, "comment", "changes"])
    _audit(actor, "key_projects.proposal.approve", p, before)
    from ecer.services import verification_cases
    from ecer.services.actor import system_actor
    from ecer.services.audit import record

    verification_cases.sync(actor=system_actor())  # the findings of the new figures become cases

    record(actor, "key_projects.import", "key_project_ledger", p.file_name, None,
           {"proposal": p.pk, "created": result.created, "updated": result.updated,
            "status_changes": result.status_changes})
    return result


def import_ledger(data: bytes, file: str, *, actor: Actor, as_of: dt.date | None = None,
                  illustrative: bool = False) -> Any:
    """A ledger workbook as ONE proposal (all rows or none): a city operator's or an enterprise's is a
    draft for review, the province administrator's and the platform's are approved as made. Raises
    InputFileError (every problem, with file, row and column) or PermissionDenied (a role that does not
    change the ledger). Returns the key_projects.ImportResult."""
    return propose_file(data, file, actor=actor, as_of=as_of, illustrative=illustrative)


# --- demo --------------------------------------------------------------------------------------------

def seed_demo_ledger() -> Any:
    """The illustrative ledger (示例, invented projects; ecer/demo/data/key-projects.csv) with planted
    double counts and over-claims, imported as a user's file would be, through the same checks.
    Idempotent: a second run changes nothing."""
    import csv
    from importlib import resources

    from ecer.services.actor import system_actor
    from ecer.services.key_projects import ledger_file

    path = resources.files("ecer.demo").joinpath("data", "key-projects.csv")
    rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    return import_ledger(ledger_file(rows), "key-projects.csv (示例 illustrative)",
                         actor=system_actor(), illustrative=True)
