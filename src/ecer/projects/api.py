"""Ledger API: the projects the caller may see with the totals against the plan, one project with its
explanation, the verification findings, import (all-or-nothing) and evidence upload.
Thin: the actor, one call of `ecer.services.key_projects` (which applies the scope)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router
from ninja.files import UploadedFile

from ecer.services import key_projects as ledger
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
    actor = actor_from_request(request)
    ledger.require_maintainer(actor)  # before the file is read
    name = file.name or "upload.xlsx"
    return _plain(ledger.import_ledger(ledger.read_upload(name, file.size or 0, file.read), name, actor=actor))


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
