"""两高一低 pages. Thin: the actor, one call of `ecer.services.two_high`, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ecer.services import two_high as svc
from ecer.services.actor import PermissionDenied, actor_from_request
from ecer.services.errors import InvalidRequest, NotFound
from ecer.twohigh.models import Stage

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _lang() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh"


def _filters(request: HttpRequest) -> dict[str, object]:
    get = request.GET
    return {"city": get.get("city") or None, "industry": get.get("industry") or None, "stage": get.get("stage") or None,
            "only_two_high_one_low": get.get("only") == "1"}


@login_required
def register_page(request: HttpRequest) -> HttpResponse:
    actor = actor_from_request(request)
    try:
        reg = svc.register(actor=actor, lang=_lang(), **_filters(request))  # type: ignore[arg-type]
    except PermissionDenied as err:
        return render(request, "twohigh/register.html", {"denied": str(err)}, status=403)
    except InvalidRequest as err:
        messages.error(request, str(err))
        reg = svc.register(actor=actor, lang=_lang())
    get = request.GET
    return render(request, "twohigh/register.html", {
        "reg": reg, "stages": Stage.choices, "decisions": svc.DECISIONS, "query": request.GET.urlencode(),
        "f_city": get.get("city", ""), "f_industry": get.get("industry", ""), "f_stage": get.get("stage", ""),
        "f_only": get.get("only") == "1", "illustrative": any(r.is_illustrative for r in reg.rows)})


@login_required
def export(request: HttpRequest) -> HttpResponse:
    try:
        data = svc.export_register(actor=actor_from_request(request), lang=_lang(), **_filters(request))  # type: ignore[arg-type]
    except PermissionDenied as err:
        return render(request, "twohigh/register.html", {"denied": str(err)}, status=403)
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="two-high.xlsx"'
    return response


@login_required
@require_POST
def decide(request: HttpRequest, code: str) -> HttpResponse:
    post = request.POST
    deadline = None
    try:
        if post.get("deadline"):
            deadline = dt.date.fromisoformat(post["deadline"])
        svc.decide(code, actor=actor_from_request(request), decision=post.get("decision", ""), deadline=deadline,
                   note=post.get("note", ""))
    except PermissionDenied as err:
        return render(request, "twohigh/register.html", {"denied": str(err)}, status=403)
    except NotFound as err:
        raise Http404(str(err)) from err
    except (InvalidRequest, ValueError) as err:
        messages.error(request, f"{code}: {err}")
        return redirect("twohigh:register")
    messages.success(request, _("Decision on %(code)s recorded.") % {"code": code})
    return redirect("twohigh:register")
