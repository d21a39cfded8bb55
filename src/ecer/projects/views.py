"""Ledger pages. Thin: the actor, one call of `ecer.services.key_projects`, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecer.collection.models import SubmissionStatus
from ecer.errors import InputFileError
from ecer.projects.models import ProjectStatus
from ecer.services import key_projects as ledger
from ecer.services import ledger_proposals as proposals
from ecer.services import verification_cases as cases
from ecer.services.actor import PermissionDenied, actor_from_request
from ecer.services.errors import NotFound

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh"


def _year(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    get = request.GET
    lang = _lang()
    data = ledger.ledger(actor=actor, programme=get.get("programme") or None, city=get.get("city") or None,
                         project_type=get.get("type") or None, status=get.get("status") or None,
                         year=_year(get.get("year")), lang=lang)
    return render(request, "projects/project_list.html", {
        "ledger": data, "programmes": ledger.programmes(lang), "types": ledger.project_types(lang),
        "statuses": ProjectStatus.choices, "f": {k: get.get(k, "") for k in ("programme", "city", "type", "status")},
        "may_import": proposals.may_propose(actor), "problems": request.session.pop("ledger_problems", None)})


@login_required
def project_detail(request: HttpRequest, code: str) -> HttpResponse:
    actor = actor_from_request(request)
    try:
        detail = ledger.project_detail(code, actor=actor, lang=_lang())
    except NotFound as err:
        raise Http404(str(err)) from err
    return render(request, "projects/project_detail.html", {
        "d": detail, "p": detail.project, "statuses": dict(ProjectStatus.choices),
        "may_add_evidence": not ledger.is_anonymous_or_reader(actor),
        "may_propose": proposals.may_propose(actor), "form_keys": proposals.form_keys(),
        "problems": request.session.pop("ledger_problems", None)})


@login_required
@require_POST
def import_ledger(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    try:
        ledger.require_proposer(actor)  # before the file is read
    except PermissionDenied as err:
        raise DjangoPermissionDenied(str(err)) from err
    file = request.FILES.get("file")
    if file is None:
        messages.error(request, _("Choose the ledger file (.xlsx) to import."))
        return redirect("projects:list")
    name = file.name or "upload.xlsx"
    try:
        result = proposals.import_ledger(ledger.read_upload(name, file.size or 0, file.read), name, actor=actor)
    except InputFileError as err:
        request.session["ledger_problems"] = [str(p) for p in err.problems[:200]] + (
            [_("… and %(n)d more") % {"n": len(err.problems) - 200}] if len(err.problems) > 200 else [])
        messages.error(request, _("Nothing was imported: %(n)d problem(s) in the file.") % {"n": len(err.problems)})
        return redirect("projects:list")
    counts = {"c": len(result.created), "u": len(result.updated), "s": len(result.unchanged),
              "h": len(result.status_changes)}
    if result.status == "approved":
        messages.success(request, _("Imported: %(c)d new, %(u)d updated, %(s)d unchanged; %(h)d status change(s) "
                                    "kept in the history.") % counts)
    else:
        messages.success(request, _("The file is a proposal (draft): %(c)d new, %(u)d changed, %(s)d unchanged. "
                                    "Nothing counts until a reviewer approves it; submit it for review.") % counts)
    return redirect("projects:proposal", proposal_id=result.proposal)


@login_required
@require_POST
def add_evidence(request: HttpRequest, code: str) -> HttpResponse:
    actor = actor_from_request(request)
    try:
        ledger.require_evidence_adder(actor)  # before the file is read
    except PermissionDenied as err:
        raise DjangoPermissionDenied(str(err)) from err
    file = request.FILES.get("file")
    if file is None:
        messages.error(request, _("Choose the evidence file."))
        return redirect("projects:detail", code=code)
    name = file.name or "evidence"
    try:
        added = ledger.add_evidence(code, name, ledger.read_upload(name, file.size or 0, file.read), actor=actor,
                                    description=request.POST.get("description", ""))
    except NotFound as err:
        raise Http404(str(err)) from err
    except (PermissionDenied, InputFileError) as err:
        messages.error(request, str(err))
        return redirect("projects:detail", code=code)
    messages.success(request, _("Evidence kept: %(name)s (sha256 %(sha)s).") % {"name": added["file_name"],
                                                                               "sha": added["sha256"][:12]})
    return redirect("projects:detail", code=code)


@login_required
def evidence_file(request: HttpRequest, code: str, evidence_id: int) -> HttpResponse:
    try:
        name, data = ledger.evidence_file(code, evidence_id, actor=actor_from_request(request))
    except NotFound as err:
        raise Http404(str(err)) from err
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def export(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(ledger.export_ledger(actor=actor_from_request(request)), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="key-projects.xlsx"'
    return response


@login_required
def template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(ledger.ledger_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="key-projects-template.xlsx"'
    return response


# --- change proposals (the review workflow) ----------------------------------------------------------

@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    """Reviewers: the queue of proposals waiting for their decision; everybody: the proposals they may read."""
    actor = actor_from_request(request)
    status = request.GET.get("status", "")
    return render(request, "projects/proposal_list.html", {
        "queue": proposals.review_queue(actor=actor), "items": proposals.list_proposals(actor=actor, status=status or None),
        "status": status, "statuses": SubmissionStatus.choices})


@login_required
def proposal_detail(request: HttpRequest, proposal_id: int) -> HttpResponse:
    try:
        view = proposals.get_proposal(proposal_id, actor=actor_from_request(request))
    except NotFound as err:
        raise Http404(str(err)) from err
    return render(request, "projects/proposal_detail.html", {"v": view, "statuses": dict(SubmissionStatus.choices)})


def _step(request: HttpRequest, proposal_id: int, step: str) -> HttpResponse:
    actor = actor_from_request(request)
    comment = request.POST.get("comment", "")
    try:
        if step == "submit":
            proposals.submit(proposal_id, actor=actor)
            messages.success(request, _("Submitted for review."))
        elif step == "return":
            proposals.return_proposal(proposal_id, actor=actor, comment=comment)
            messages.success(request, _("Returned to its maker with your comment."))
        else:
            proposals.approve(proposal_id, actor=actor, comment=comment)
            messages.success(request, _("Approved: the ledger now holds these figures."))
    except NotFound as err:
        raise Http404(str(err)) from err
    except PermissionDenied as err:
        raise DjangoPermissionDenied(str(err)) from err
    except proposals.ProposalError as err:
        messages.error(request, str(err))
    except InputFileError as err:
        messages.error(request, _("Cannot be approved: %(n)d problem(s) against the ledger as it is now.")
                       % {"n": len(err.problems)} + " " + "; ".join(str(p) for p in err.problems[:20]))
    return redirect("projects:proposal", proposal_id=proposal_id)


@login_required
@require_POST
def proposal_submit(request: HttpRequest, proposal_id: int) -> HttpResponse:
    return _step(request, proposal_id, "submit")


@login_required
@require_POST
def proposal_return(request: HttpRequest, proposal_id: int) -> HttpResponse:
    return _step(request, proposal_id, "return")


@login_required
@require_POST
def proposal_approve(request: HttpRequest, proposal_id: int) -> HttpResponse:
    return _step(request, proposal_id, "approve")


@login_required
def proposal_file(request: HttpRequest, proposal_id: int) -> HttpResponse:
    try:
        _name, data = proposals.proposal_file(proposal_id, actor=actor_from_request(request))
    except NotFound as err:
        raise Http404(str(err)) from err
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="proposal-{proposal_id}.xlsx"'
    return response


@login_required
@require_POST
def propose_edit(request: HttpRequest, code: str) -> HttpResponse:
    """The project page's change form: status and its dates, and any other cell as `key = value` lines."""
    actor = actor_from_request(request)
    post = request.POST
    changes = {k: post[k].strip() for k in ("status", "construction_started_on", "completed_on",
                                            "stable_operation_on") if post.get(k, "").strip()}
    for line in post.get("cells", "").splitlines():
        if line.strip():
            key, sep, value = line.partition("=")
            if not sep:
                messages.error(request, _("Write each other change as key = value: %(line)s") % {"line": line})
                return redirect("projects:detail", code=code)
            changes[key.strip()] = value.strip()
    if not changes:
        messages.error(request, _("Nothing to change was given."))
        return redirect("projects:detail", code=code)
    try:
        result = proposals.propose_edit(code, changes, actor=actor, reason=post.get("reason", ""))
    except NotFound as err:
        raise Http404(str(err)) from err
    except PermissionDenied as err:
        raise DjangoPermissionDenied(str(err)) from err
    except InputFileError as err:
        request.session["ledger_problems"] = [str(p) for p in err.problems[:200]]
        messages.error(request, _("Not proposed: %(n)d problem(s).") % {"n": len(err.problems)})
        return redirect("projects:detail", code=code)
    if result.status == "approved":
        messages.success(request, _("Changed (approved as made)."))
    else:
        messages.success(request, _("Proposed (draft): nothing counts until a reviewer approves it; submit it."))
    return redirect("projects:proposal", proposal_id=result.proposal)


# --- verification cases ------------------------------------------------------------------------------

@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    status = request.GET.get("status", "open")
    items = cases.list_cases(actor=actor, status=status or None, lang=_lang())
    return render(request, "projects/case_list.html", {
        "items": items, "status": status, "may_run": actor.role in cases.RESOLVERS,
        "mode": cases.open_cases_mode()})


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        view = cases.get_case(case_id, actor=actor_from_request(request), lang=_lang())
    except NotFound as err:
        raise Http404(str(err)) from err
    return render(request, "projects/case_detail.html", {"c": view})


@login_required
@require_POST
def case_resolve(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = actor_from_request(request)
    try:
        cases.resolve(case_id, actor=actor, decision=request.POST.get("decision", ""),
                      reason=request.POST.get("reason", ""), rejected_claims=request.POST.getlist("rejected") or None)
        messages.success(request, _("The case is resolved; the decision is on record."))
    except NotFound as err:
        raise Http404(str(err)) from err
    except PermissionDenied as err:
        raise DjangoPermissionDenied(str(err)) from err
    except cases.CaseError as err:
        messages.error(request, str(err))
    return redirect("projects:case", case_id=case_id)


@login_required
@require_POST
def case_verify(request: HttpRequest) -> HttpResponse:
    try:
        result = cases.run_verification(actor=actor_from_request(request))
    except PermissionDenied as err:
        raise DjangoPermissionDenied(str(err)) from err
    messages.success(request, _("Verification re-run: %(c)d new case(s), %(r)d reopened, %(a)d resolved by "
                                "themselves, %(u)d unchanged.") % {
        "c": len(result.created), "r": len(result.reopened), "a": len(result.auto_resolved),
        "u": len(result.unchanged) + len(result.updated)})
    return redirect("projects:cases")
