"""The register of key energy-using units (重点用能单位名录): list, one unit with its history, import
from and export to Excel. Scope (the one rule, `ecer.services.actor`): an enterprise reporter sees its
own unit, a city's staff the units of their regions, the province's staff and auditors all. The
province's administrators and a city's operators maintain it, each within their regions.

An import is all-or-nothing: every row is checked (`energy_register_file`), then the rows are checked
against the region table and the importer's scope, and only a file without any problem is stored, in
one transaction, with one audit-log entry. A unit already on the register (same credit code) is
updated; a change of its name or region is kept as a `RegisterChange` (history).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ecer.errors import InputFileError, Problem
from ecer.services.actor import Actor, PermissionDenied, Role, require_role, visible_region_codes
from ecer.services.energy_register_file import COLUMNS, RegisterRow, read_register, template_bytes
from ecer.services.errors import NotFound

MAINTAINERS = (Role.PROVINCE_ADMIN, Role.CITY_OPERATOR)
#: Largest register file accepted (bytes): a province's register of ~20,000 units is ~2 MB.
MAX_FILE_BYTES = 20 * 1024 * 1024
HISTORY_FIELDS = ("name", "region_code")


@dataclass(frozen=True)
class UnitRow:
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


@dataclass(frozen=True)
class UnitDetail:
    unit: UnitRow
    history: list[dict[str, Any]]
    monitoring_points: int


@dataclass(frozen=True)
class ImportResult:
    file: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    changes: list[dict[str, str]] = field(default_factory=list)  # name/region changes kept as history


def _scoped(actor: Actor) -> Any:
    from ecer.energy.models import KeyEnergyUnit

    units = KeyEnergyUnit.objects.select_related("enterprise")
    if actor.enterprise_id is not None and not actor.sees_everything:
        return units.filter(enterprise_id=actor.enterprise_id)
    visible = visible_region_codes(actor)
    return units if visible is None else units.filter(enterprise__region_code__in=visible)


def _row(unit: Any, region_names: dict[str, str], lang: str) -> UnitRow:
    from ecer.catalogs.industries import industry_of

    enterprise = unit.enterprise
    try:
        industry = industry_of(unit.industry_code)
        industry_name = industry.name_zh if lang == "zh" else f"{industry.section} {industry.section_name_en}"
    except KeyError:
        industry_name = ""
    return UnitRow(enterprise.credit_code, enterprise.name, enterprise.region_code,
                   region_names.get(enterprise.region_code, enterprise.region_code), unit.industry_code, industry_name,
                   unit.level, unit.annual_energy_tce, unit.files_annual_report, unit.online_monitoring,
                   unit.energy_budget, unit.listed_since, unit.contact_name, unit.contact_phone, unit.contact_email)


def list_units(*, actor: Actor, region: str | None = None, industry: str | None = None, level: str | None = None,
               lang: str = "zh") -> list[UnitRow]:
    """The units the actor may see, filtered (region: that code or any below it by prefix of the
    GB/T 2260 code, i.e. a 市(州) includes its counties; industry: a division or finer code prefix)."""
    from ecer.services.regions import region_names

    units = _scoped(actor)
    if region:
        units = units.filter(enterprise__region_code__startswith=region.rstrip("0")[:4] or region)
    if industry:
        units = units.filter(industry_code__startswith=industry)
    if level:
        units = units.filter(level=level)
    units = list(units)
    names = region_names({u.enterprise.region_code for u in units}, lang)
    return [_row(u, names, lang) for u in units]


def find_unit(credit_code: str, *, actor: Actor) -> Any:
    """The unit (model) with this credit code if the actor may see it; else 'not found' (codes cannot be probed)."""
    unit = _scoped(actor).filter(enterprise__credit_code=credit_code.strip().upper()).first()
    if unit is None:
        raise NotFound(f"no key energy-using unit {credit_code} on the register you may see")
    return unit


def unit_detail(credit_code: str, *, actor: Actor, lang: str = "zh") -> UnitDetail:
    """One unit with its name/region history; a unit outside the scope is 'not found' (codes cannot be probed)."""
    from ecer.services.regions import region_names

    unit = find_unit(credit_code, actor=actor)
    history = [{"field": c.field, "old": c.old_value, "new": c.new_value, "at": c.changed_at, "by": c.changed_by,
                "source": c.source} for c in unit.enterprise.register_changes.all()]
    names = region_names({unit.enterprise.region_code}, lang)
    return UnitDetail(_row(unit, names, lang), history, unit.enterprise.points.count())


def export_register(*, actor: Actor) -> bytes:
    """The units the actor may see as the register workbook (it imports back unchanged)."""
    rows = [{"credit_code": u.credit_code, "name": u.name, "region_code": u.region_code, **{
        key: getattr(u, key) for key in ("industry_code", "level", "annual_energy_tce", "contact_name",
                                         "contact_phone", "contact_email", "files_annual_report",
                                         "online_monitoring", "energy_budget", "listed_since")}}
            for u in list_units(actor=actor)]
    return template_bytes(rows)


def may_maintain(actor: Actor) -> bool:
    return actor.role in MAINTAINERS or actor.role == Role.SYSTEM


def require_maintainer(actor: Actor) -> None:
    """Refuse (PermissionDenied) an actor who does not maintain the register, before any file is read."""
    require_role(actor, *MAINTAINERS)


def read_upload(name: str, size: int, read: Any) -> bytes:
    """An uploaded register file's bytes, refused (before reading) when larger than MAX_FILE_BYTES."""
    if size > MAX_FILE_BYTES:
        raise InputFileError([Problem(name, "file", f"{size:,} bytes; the register file may have at most "
                                                    f"{MAX_FILE_BYTES:,}")])
    return bytes(read())


def register_template() -> bytes:
    return template_bytes()


def import_register(data: bytes, file: str, *, actor: Actor) -> ImportResult:
    """Store a register workbook: all rows or none. Raises InputFileError (every problem, with file,
    row and column) or PermissionDenied (a role that does not maintain the register)."""
    from django.db import transaction

    from ecer.energy.models import KeyEnergyUnit, RegisterChange
    from ecer.masterdata.models import Region
    from ecer.monitoring.models import Enterprise
    from ecer.services import audit

    require_maintainer(actor)
    rows = read_register(data, file)
    known = set(Region.objects.filter(code__in={r.region_code for r in rows}).values_list("code", flat=True))
    existing = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in=[r.credit_code for r in rows])}
    problems = _scope_problems(rows, known, existing, actor, file)
    if problems:
        raise InputFileError(problems)
    result = ImportResult(file)
    with transaction.atomic():
        for row in rows:
            enterprise = existing.get(row.credit_code)
            source = f"{file} row {row.row}"
            if enterprise is None:
                enterprise = Enterprise.objects.create(name=row.name, credit_code=row.credit_code,
                                                       region_code=row.region_code)
                KeyEnergyUnit.objects.create(enterprise=enterprise, **row.unit_fields())
                result.created.append(row.credit_code)
                continue
            changed = False
            for name in HISTORY_FIELDS:
                old, new = getattr(enterprise, name), getattr(row, name)
                if old != new:
                    RegisterChange.objects.create(enterprise=enterprise, field=name, old_value=old, new_value=new,
                                                  changed_by=actor.username, source=source)
                    result.changes.append({"credit_code": row.credit_code, "field": name, "old": old, "new": new})
                    setattr(enterprise, name, new)
                    changed = True
            if changed:
                enterprise.save(update_fields=list(HISTORY_FIELDS))
            unit, created = KeyEnergyUnit.objects.get_or_create(enterprise=enterprise, defaults=row.unit_fields())
            if not created:
                fields = row.unit_fields()
                if any(getattr(unit, k) != v for k, v in fields.items()):
                    for k, v in fields.items():
                        setattr(unit, k, v)
                    unit.save()
                    changed = True
            (result.created if created else result.updated if changed else result.unchanged).append(row.credit_code)
        audit.record(actor, "energy_register.import", "energy_register", file, None,
                     {"created": result.created, "updated": result.updated, "changes": result.changes})
    return result


def _scope_problems(rows: list[RegisterRow], known: set[str], existing: dict[str, Any], actor: Actor,
                    file: str) -> list[Problem]:
    """Regions that do not exist or lie outside the importer's regions, also for a unit moved out of them."""
    visible = visible_region_codes(actor)
    if actor.role == Role.AUDITOR:
        raise PermissionDenied("auditors may not change the register")
    region_col = next(c.label_zh for c in COLUMNS if c.key == "region_code")
    problems = []
    for row in rows:
        where = f"row {row.row}"
        if row.region_code not in known:
            problems.append(Problem(file, where, f"region {row.region_code} is not in the region table", region_col))
        elif visible is not None and row.region_code not in visible:
            problems.append(Problem(file, where, f"region {row.region_code} is outside your regions", region_col))
        before = existing.get(row.credit_code)
        if before is not None and visible is not None and before.region_code not in visible:
            problems.append(Problem(file, where, f"{row.credit_code} is registered in {before.region_code}, outside "
                                    "your regions; its city or the province maintains it", region_col))
    return problems


def seed_demo_register() -> ImportResult:
    """The illustrative register (示例, invented units; ecer/demo/data/key-energy-units.csv), imported as
    a user's file would be, through the same checks. Idempotent: a second run changes nothing."""
    import csv
    from importlib import resources

    from ecer.services.actor import system_actor

    path = resources.files("ecer.demo").joinpath("data", "key-energy-units.csv")
    rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    return import_register(template_bytes(rows), "key-energy-units.csv (示例 illustrative)", actor=system_actor())
