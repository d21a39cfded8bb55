"""Register pages. Thin: the actor, one call of `ecer.services.energy_register`, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecer.energy.models import EnergyUseLevel
from ecer.errors import InputFileError
from ecer.services import energy_monitoring as monitoring
from ecer.services import energy_register as register
from ecer.services.actor import PermissionDenied, actor_from_request
from ecer.services.errors import NotFound

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh"


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    get = request.GET
    units = register.list_units(actor=actor, region=get.get("region") or None, industry=get.get("industry") or None,
                                level=get.get("level") or None, lang=_lang())
    return render(request, "energy/unit_list.html", {
        "units": units, "levels": EnergyUseLevel.choices, "f_region": get.get("region", ""),
        "f_industry": get.get("industry", ""), "f_level": get.get("level", ""),
        "may_import": register.may_maintain(actor), "problems": request.session.pop("register_problems", None)})


@login_required
def unit_detail(request: HttpRequest, credit_code: str) -> HttpResponse:
    actor = actor_from_request(request)
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() and 2000 <= int(year_text) <= 2100 else None
    try:
        detail = register.unit_detail(credit_code, actor=actor, lang=_lang())
        energy = monitoring.unit_energy(credit_code, actor=actor, year=year, lang=_lang())
    except NotFound as err:
        raise Http404(str(err)) from err
    return render(request, "energy/unit_detail.html", {
        "detail": detail, "u": detail.unit, "level_label": dict(EnergyUseLevel.choices).get(detail.unit.level),
        "energy": energy, "years": sorted({*range(timezone.localdate().year - 5, timezone.localdate().year + 1),
                                           energy.year}, reverse=True)})


@login_required
@require_POST
def import_register(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    try:
        register.require_maintainer(actor)
    except PermissionDenied as err:
        raise DjangoPermissionDenied(str(err)) from err
    file = request.FILES.get("file")
    if file is None:
        messages.error(request, _("Choose the register file (.xlsx) to import."))
        return redirect("energy:units")
    try:
        result = register.import_register(register.read_upload(file.name or "upload.xlsx", file.size or 0, file.read),
                                          file.name or "upload.xlsx", actor=actor)
    except InputFileError as err:
        request.session["register_problems"] = [str(p) for p in err.problems[:200]] + (
            [_("… and %(n)d more") % {"n": len(err.problems) - 200}] if len(err.problems) > 200 else [])
        messages.error(request, _("Nothing was imported: %(n)d problem(s) in the file.") % {"n": len(err.problems)})
        return redirect("energy:units")
    messages.success(request, _("Imported: %(c)d new, %(u)d updated, %(s)d unchanged; %(h)d name or region "
                                "change(s) kept in the history.") % {
        "c": len(result.created), "u": len(result.updated), "s": len(result.unchanged), "h": len(result.changes)})
    return redirect("energy:units")


@login_required
def export(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(register.export_register(actor=actor_from_request(request)), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="key-energy-units.xlsx"'
    return response


@login_required
def template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(register.register_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="key-energy-units-template.xlsx"'
    return response
