"""Register API: the units the caller may see, one unit with its history, import (all-or-nothing).
Thin: the actor, one call of `ecer.services.energy_register` (which applies the scope)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import File, Router, Schema
from ninja.files import UploadedFile
from ninja.pagination import paginate

from ecer.services import energy_register as register
from ecer.services.actor import actor_from_request
from ecer.site.pagination import Pages

router = Router(tags=["energy"])


class UnitOut(Schema):
    credit_code: str
    name: str
    region_code: str
    region_name: str
    industry_code: str
    industry_name: str
    level: str
    annual_energy_tce: float | None
    files_annual_report: bool
    online_monitoring: bool
    energy_budget: bool
    listed_since: int | None
    contact_name: str
    contact_phone: str
    contact_email: str


class ChangeOut(Schema):
    field: str
    old: str
    new: str
    at: datetime
    by: str
    source: str


class UnitDetailOut(Schema):
    unit: UnitOut
    history: list[ChangeOut]
    monitoring_points: int


class ImportOut(Schema):
    file: str
    created: list[str]
    updated: list[str]
    unchanged: list[str]
    changes: list[dict[str, str]]


@router.get("/units", response=list[UnitOut])
@paginate(Pages)
def units(request: HttpRequest, region: str | None = None, industry: str | None = None,
          level: str | None = None, lang: str = "zh") -> Any:
    return register.list_units(actor=actor_from_request(request), region=region, industry=industry, level=level,
                               lang="en" if lang == "en" else "zh")


# before /units/{credit_code}, which would otherwise take "import" for a code
@router.post("/units/import", response=ImportOut)
def import_units(request: HttpRequest, file: File[UploadedFile]) -> Any:
    name = file.name or "upload.xlsx"
    data = register.read_upload(name, file.size or 0, file.read)
    return register.import_register(data, name, actor=actor_from_request(request))


@router.get("/units/{credit_code}", response=UnitDetailOut)
def unit(request: HttpRequest, credit_code: str, lang: str = "zh") -> Any:
    return register.unit_detail(credit_code, actor=actor_from_request(request), lang="en" if lang == "en" else "zh")
