"""Register pages. Thin: the actor, one call of `ecer.services.energy_register`, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
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


# --- energy-use budgets and the reconciliation (docs/energy-budgets.md) ------------------------------


def _year(request: HttpRequest, default: int) -> int:
    text = request.GET.get("year", "")
    return int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else default


def _light_labels() -> dict[str, str]:
    return {"green": _("green: within the pro-rata budget"), "yellow": _("yellow: over, within the threshold"),
            "red": _("red: over by more than the threshold"), "not_assessed": _("not assessed: no complete month")}


def _problems_to_session(request: HttpRequest, key: str, err: InputFileError) -> None:
    request.session[key] = [str(p) for p in err.problems[:200]]
    messages.error(request, _("Nothing was stored: %(n)d problem(s) in the file.") % {"n": len(err.problems)})


@login_required
def budgets_page(request: HttpRequest) -> HttpResponse:
    from ecer.services import energy_budgets as budgets

    actor = actor_from_request(request)
    year = _year(request, budgets.default_year())
    region = request.GET.get("region") or None
    try:
        overview = budgets.budget_overview(year, actor=actor, region=region, lang=_lang())
    except NotFound as err:
        raise Http404(str(err)) from err
    labels = _light_labels()
    return render(request, "energy/budgets.html", {
        "o": overview, "year": year, "f_region": region or "", "labels": labels,
        "years": sorted({*range(timezone.localdate().year - 3, timezone.localdate().year + 2), year}, reverse=True),
        "may_set": budgets.may_set(actor), "problems": request.session.pop("budget_problems", None)})


@login_required
@require_POST
def budgets_allocate(request: HttpRequest) -> HttpResponse:
    from ecer.services import energy_budgets as budgets

    actor = actor_from_request(request)
    post = request.POST
    try:
        budgets.require_setter(actor)
        year = int(post.get("year", ""))
        total = float(post.get("total_tce", ""))
        base = int(post["base_year"]) if post.get("base_year") else None
    except PermissionDenied as err:
        raise DjangoPermissionDenied(str(err)) from err
    except ValueError:
        messages.error(request, _("Year, base year and budget must be numbers."))
        return redirect("energy:budgets")
    try:
        city = budgets.allocate_budget(post.get("region", "").strip(), year, total, base_year=base,
                                       document=post.get("document", "").strip()[:300], actor=actor)
    except PermissionDenied as err:
        raise DjangoPermissionDenied(str(err)) from err
    except budgets.BudgetInputError as err:
        messages.error(request, str(err))
        return redirect("energy:budgets")
    messages.success(request, _("The budget of %(city)s for %(year)d was split to %(n)d unit(s) pro rata to "
                                "their %(base)d consumption.") % {"city": city.region_name, "year": year,
                                                                   "n": len(city.units), "base": city.base_year})
    return redirect(f"{reverse('energy:budgets')}?year={year}")


@login_required
@require_POST
def budgets_issued(request: HttpRequest) -> HttpResponse:
    from ecer.services import energy_budgets as budgets

    actor = actor_from_request(request)
    try:
        budgets.require_setter(actor)
    except PermissionDenied as err:
        raise DjangoPermissionDenied(str(err)) from err
    file = request.FILES.get("file")
    if file is None:
        messages.error(request, _("Choose the budget file (.xlsx) to import."))
        return redirect("energy:budgets")
    name = file.name or "budgets.xlsx"
    try:
        stored = budgets.import_issued(budgets.read_upload(name, file.size or 0, file.read), name, actor=actor)
    except PermissionDenied as err:
        raise DjangoPermissionDenied(str(err)) from err
    except InputFileError as err:
        _problems_to_session(request, "budget_problems", err)
        return redirect("energy:budgets")
    messages.success(request, _("Stored the issued budgets of %(n)d city-year(s).") % {"n": len(stored)})
    return redirect(f"{reverse('energy:budgets')}?year={stored[0].year}" if stored else "energy:budgets")


@login_required
def budgets_template(request: HttpRequest) -> HttpResponse:
    from ecer.services import energy_budgets as budgets

    response = HttpResponse(budgets.issued_template(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="energy-budgets-template.xlsx"'
    return response


@login_required
def budgets_export(request: HttpRequest) -> HttpResponse:
    from ecer.services import energy_budgets as budgets

    year = _year(request, budgets.default_year())
    response = HttpResponse(budgets.export_budgets(year, actor=actor_from_request(request), lang=_lang()),
                            content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="energy-budgets-{year}.xlsx"'
    return response


@login_required
def inspection_page(request: HttpRequest) -> HttpResponse:
    from ecer.services import energy_budgets as budgets

    year = _year(request, budgets.default_year())
    listed = budgets.inspection_list(year, actor=actor_from_request(request), lang=_lang())
    return render(request, "energy/inspection.html", {"i": listed, "year": year, "labels": _light_labels()})


@login_required
def reconciliation_page(request: HttpRequest) -> HttpResponse:
    from ecer.services import energy_reconciliation as reconciliation

    actor = actor_from_request(request)
    year = _year(request, reconciliation.default_year())
    region = request.GET.get("region") or None
    try:
        r = reconciliation.reconciliation(year, actor=actor, region=region, lang=_lang())
    except NotFound as err:
        raise Http404(str(err)) from err
    why = {"no_report": _("no approved annual report of the year"), "bad_report": _("the report's total is not usable"),
           "no_monitoring": _("no monitored energy of the year"),
           "partial_year": _("monitoring covers less than 12 months: not compared"),
           "incomplete": _("monitoring below 90% of the expected data: not compared"),
           "differs": _("differs by more than the threshold"), "agrees": _("within the threshold"),
           "no_total": _("no approved statistical total (energy_total)"),
           "bad_total": _("the statistical total is not usable"), "no_units": _("no unit with a year figure"),
           "above": _("above 100%: the units cannot use more than the city"),
           "low": _("implausibly low: units missing from the register, or their figures short"),
           "plausible": _("plausible")}
    return render(request, "energy/reconciliation.html", {
        "r": r, "year": year, "why": why,
        "kinds": {"monitored_vs_report": _("monitored against the annual report"),
                  "share_above_total": _("key units above the city's statistical total"),
                  "share_implausibly_low": _("key units' share implausibly low")}, "f_region": region or "", "may_run": reconciliation.may_run(actor),
        "may_resolve": reconciliation.may_resolve(actor),
        "years": sorted({*range(timezone.localdate().year - 4, timezone.localdate().year + 1), year}, reverse=True)})


@login_required
@require_POST
def reconciliation_run(request: HttpRequest) -> HttpResponse:
    from ecer.services import energy_reconciliation as reconciliation

    actor = actor_from_request(request)
    text = request.POST.get("year", "")
    year = int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else None
    try:
        reconciliation.require_runner(actor)
        if year is None:
            messages.error(request, _("Choose a year (2000–2100)."))
            return redirect("energy:reconciliation")
        run = reconciliation.run_reconciliation(year, actor=actor)
    except PermissionDenied as err:
        raise DjangoPermissionDenied(str(err)) from err
    messages.success(request, _("%(f)d finding(s): %(o)d case(s) opened, %(u)d updated, %(s)d unchanged.") % {
        "f": run.findings, "o": len(run.opened), "u": len(run.updated), "s": len(run.unchanged)})
    return redirect(f"{reverse('energy:reconciliation')}?year={year}")


@login_required
@require_POST
def reconciliation_resolve(request: HttpRequest, case_id: int) -> HttpResponse:
    from ecer.services import energy_reconciliation as reconciliation
    from ecer.services.errors import InvalidRequest

    actor = actor_from_request(request)
    try:
        case = reconciliation.resolve_case(case_id, request.POST.get("note", ""), actor=actor)
    except NotFound as err:
        raise Http404(str(err)) from err
    except PermissionDenied as err:
        raise DjangoPermissionDenied(str(err)) from err
    except InvalidRequest as err:
        messages.error(request, str(err))
        return redirect("energy:reconciliation")
    messages.success(request, _("Case %(id)d resolved.") % {"id": case.id})
    return redirect(f"{reverse('energy:reconciliation')}?year={case.year}#case-{case.id}")


@login_required
def reconciliation_export(request: HttpRequest) -> HttpResponse:
    from ecer.services import energy_reconciliation as reconciliation

    year = _year(request, reconciliation.default_year())
    response = HttpResponse(reconciliation.export_reconciliation(year, actor=actor_from_request(request),
                                                                 lang=_lang()), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="energy-reconciliation-{year}.xlsx"'
    return response
