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

from ecer.errors import InputFileError
from ecer.projects.models import ProjectStatus
from ecer.services import key_projects as ledger
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
        "may_import": ledger.may_maintain(actor), "problems": request.session.pop("ledger_problems", None)})


@login_required
def project_detail(request: HttpRequest, code: str) -> HttpResponse:
    actor = actor_from_request(request)
    try:
        detail = ledger.project_detail(code, actor=actor, lang=_lang())
    except NotFound as err:
        raise Http404(str(err)) from err
    return render(request, "projects/project_detail.html", {
        "d": detail, "p": detail.project, "statuses": dict(ProjectStatus.choices),
        "may_add_evidence": not ledger.is_anonymous_or_reader(actor)})


@login_required
@require_POST
def import_ledger(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    try:
        ledger.require_maintainer(actor)  # before the file is read
    except PermissionDenied as err:
        raise DjangoPermissionDenied(str(err)) from err
    file = request.FILES.get("file")
    if file is None:
        messages.error(request, _("Choose the ledger file (.xlsx) to import."))
        return redirect("projects:list")
    name = file.name or "upload.xlsx"
    try:
        result = ledger.import_ledger(ledger.read_upload(name, file.size or 0, file.read), name, actor=actor)
    except InputFileError as err:
        request.session["ledger_problems"] = [str(p) for p in err.problems[:200]] + (
            [_("… and %(n)d more") % {"n": len(err.problems) - 200}] if len(err.problems) > 200 else [])
        messages.error(request, _("Nothing was imported: %(n)d problem(s) in the file.") % {"n": len(err.problems)})
        return redirect("projects:list")
    messages.success(request, _("Imported: %(c)d new, %(u)d updated, %(s)d unchanged; %(h)d status change(s) kept "
                                "in the history.") % {"c": len(result.created), "u": len(result.updated),
                                                      "s": len(result.unchanged), "h": len(result.status_changes)})
    return redirect("projects:list")


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
