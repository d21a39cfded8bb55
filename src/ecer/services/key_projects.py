"""The key-project ledger (重点工程项目台账): list with reductions against the plan's tonnages, one
project with its explanation, verification findings, Excel import/export, evidence files.

Scope (the one rule, `ecer.services.actor`): an enterprise reporter sees the projects it owns, a
city's staff the projects of their regions, the province's staff and auditors all. The province's
administrators and a city's operators maintain the ledger, each within their regions.

Reductions are never stored: they are computed from the stored inputs by `ecer.core.reduction` when
asked, so every figure carries the formula name/version and inputs it came from. Verification
(`ecer.core.verification`) runs over the whole ledger, not the caller's part of it: a source claimed
by projects of two cities is a double count whoever looks; the caller is shown the findings that
involve a project it may see.

Documented parameters (docs/key-projects.md): `PLAN` (the plan the ledger is kept against),
`OPTIONS` (the counting rule) and the verification options; the accounting date is today.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ecer.core.reduction import (
    POLLUTANT_NAMES,
    POLLUTANTS,
    PollutantReduction,
    ReductionCatalog,
    ReductionInputError,
    ReductionOptions,
    counting_start,
    reductions,
)
from ecer.core.verification import (
    KIND_NAMES_ZH,
    Claim,
    Finding,
    MonitoredMonth,
    OffsetUse,
    SourceBaseline,
    VerificationOptions,
    verify,
)
from ecer.errors import InputFileError, Problem
from ecer.services.actor import Actor, PermissionDenied, Role, require_role, visible_region_codes
from ecer.services.errors import NotFound
from ecer.services.key_projects_file import (
    STATUS_DATE,
    LedgerRow,
    export_cells,
    parameters,
    read_ledger,
    template_bytes,
)

#: the plan whose programmes and key-project tonnages the ledger is kept against
PLAN = "sichuan-14fyp"
#: the counting rule of the reductions (ecer.core.reduction; defaults: next month, against 2020)
OPTIONS = ReductionOptions()
MAINTAINERS = (Role.PROVINCE_ADMIN, Role.CITY_OPERATOR)
#: who may propose a change of the ledger (an enterprise reporter: only of the projects it owns)
PROPOSERS = (*MAINTAINERS, Role.ENTERPRISE_REPORTER)
#: Largest ledger or evidence file accepted (bytes)
MAX_FILE_BYTES = 20 * 1024 * 1024
#: the monitoring factor codes (HJ 212) of the pollutants of the key-project targets
MONITORING_FACTORS = {"w01018": "cod", "w21003": "nh3n", "a21002": "nox", "a24088": "voc"}
KIND_NAMES_EN = {k: k.value.replace("_", " ") for k in KIND_NAMES_ZH}
VERIFICATION_LABELS = {
    "zh": {"baseline_t_per_year": "排放源基准年排放量（吨/年）", "offsets_used_t": "已用于区域削减替代（吨）",
           "offsets_deducted_t": "已扣减替代量（吨）"},
    "en": {"baseline_t_per_year": "source baseline emission (t/yr)", "offsets_used_t": "used as regional offsets (t)",
           "offsets_deducted_t": "offsets deducted from the claim (t)"}}


@lru_cache(maxsize=1)
def _plan() -> Any:
    from ecer.plans import load_plan

    return load_plan(PLAN)


def _catalog() -> ReductionCatalog:
    from ecer.catalogs.reductions import load_reduction_catalog

    return load_reduction_catalog()


def accounting_years() -> list[int]:
    """The years a reduction is counted in: after the reference year up to the plan's target year."""
    return list(range(OPTIONS.reference_year + 1, _plan().period.target_year + 1))


def programmes(lang: str = "zh") -> dict[str, str]:
    """The plan's programmes (code → name), in the plan's order."""
    return {p.code: (p.name_en if lang == "en" else p.name_zh) for p in _plan().programmes}


def project_types(lang: str = "zh") -> dict[str, str]:
    return {t.code: (t.name_en if lang == "en" else t.name_zh) for t in _catalog().project_types.values()}


@dataclass(frozen=True)
class ProjectRow:
    code: str
    name: str
    programme_code: str
    programme_name: str
    region_code: str
    region_name: str
    owner_name: str
    owner_credit_code: str
    project_type: str
    type_name: str
    source_id: str
    monitoring_point: str
    status: str
    status_date: dt.date | None
    investment_10k_yuan: float | None
    reductions_t: dict[str, float]  # pollutant → t counted in the target year
    findings: int
    error: str
    is_illustrative: bool
    excluded: list[str] = field(default_factory=list)  # pollutants whose claim a confirmed case rejected
    in_open_case: list[str] = field(default_factory=list)  # pollutants whose claim an open case involves


@dataclass(frozen=True)
class TotalRow:
    pollutant: str
    pollutant_name: str
    year: int
    region: str | None
    programme: str | None
    amount_t: float
    amount_10k_t: float
    target_10k_t: float | None
    completion_pct: float | None
    projects: list[str]
    explanation: str
    open_cases_t: float = 0.0  # of amount_t, the part whose claims open verification cases involve


@dataclass(frozen=True)
class FindingRow:
    kind: str
    kind_name: str
    projects: list[str]
    claims: list[str]
    source: str
    pollutant: str
    amount_t: float
    explanation: str
    case_id: int | None = None  # its verification case (ecer.services.verification_cases)
    case_status: str = ""
    case_decision: str = ""


@dataclass(frozen=True)
class Ledger:
    year: int
    years: list[int]
    projects: list[ProjectRow]
    totals: list[TotalRow]  # per pollutant, the listed projects, against the plan's tonnage
    by_programme: list[TotalRow]
    by_region: list[TotalRow]
    findings: list[FindingRow]
    plan: str
    open_cases_mode: str = "count"  # how totals treat claims of open cases: count (shown apart) | exclude


@dataclass(frozen=True)
class ReductionRow:
    pollutant: str
    pollutant_name: str
    year: int
    amount_t: float
    amount_10k_t: float
    full_year_t: float
    counted_share: float
    rule: str
    rule_version: str
    inputs: list[dict[str, Any]]
    parameters: dict[str, Any]
    explanation: str


@dataclass(frozen=True)
class ProjectDetail:
    project: ProjectRow
    dates: dict[str, dt.date | None]
    planned_start: dt.date | None
    planned_end: dt.date | None
    formula: str
    formula_version: str
    formula_name: str
    expression: str
    inputs: list[dict[str, Any]]
    verification_rows: list[dict[str, Any]]
    offset_new_projects: str
    reductions: list[ReductionRow]
    history: list[dict[str, Any]]
    evidence: list[dict[str, Any]]
    findings: list[FindingRow]
    note: str
    versions: list[dict[str, Any]] = field(default_factory=list)  # approved versions, newest first
    open_proposals: list[dict[str, Any]] = field(default_factory=list)  # draft or submitted, touching it


@dataclass(frozen=True)
class ImportResult:
    file: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    status_changes: list[dict[str, str]] = field(default_factory=list)
    proposal: int | None = None  # the proposal the file became (ecer.services.ledger_proposals)
    status: str = "approved"  # the proposal's state: draft (waiting for review) or approved (applied)


# --- reading -----------------------------------------------------------------------------------------

def _all() -> Any:
    from ecer.projects.models import KeyProject

    return KeyProject.objects.select_related("monitoring_point", "owner")


def _scoped(actor: Actor) -> Any:
    projects = _all()
    if actor.enterprise_id is not None and not actor.sees_everything:
        return projects.filter(owner_id=actor.enterprise_id)
    visible = visible_region_codes(actor)
    return projects if visible is None else projects.filter(region_code__in=visible)


def _reductions(project: Any) -> tuple[list[PollutantReduction], str]:
    """The project's reductions in every accounting year (a projection: the accounting date is the
    verification's business), or the core's reason it cannot be computed."""
    stable = project.stable_operation_on if project.status == "stable_operation" else None
    try:
        return reductions(parameters(project.code, project.project_type, stable, project.inputs), _catalog(),
                          accounting_years(), options=OPTIONS), ""
    except ReductionInputError as err:
        return [], str(err)


def _status_date(project: Any) -> dt.date | None:
    key = STATUS_DATE.get(project.status)
    return getattr(project, key) if key else None


def _row(project: Any, reds: list[PollutantReduction], error: str, findings: int, region_names: dict[str, str],
         lang: str) -> ProjectRow:
    year = accounting_years()[-1]
    point = project.monitoring_point
    return ProjectRow(
        project.code, project.name, project.programme_code, programmes(lang).get(project.programme_code, ""),
        project.region_code, region_names.get(project.region_code, project.region_code), project.owner_name,
        project.owner_credit_code, project.project_type, project_types(lang).get(project.project_type, ""),
        project.source_id, f"{point.outlet_code} {point.outlet_name}" if point else "", project.status,
        _status_date(project), project.investment_10k_yuan,
        {r.pollutant: r.amount_t for r in reds if r.year == year}, findings, error, project.is_illustrative)


def _filtered(actor: Actor, programme: str | None, city: str | None, project_type: str | None,
              status: str | None) -> Any:
    projects = _scoped(actor)
    if programme:
        projects = projects.filter(programme_code=programme)
    if city:
        projects = projects.filter(region_code__startswith=city.rstrip("0")[:4] or city)
    if project_type:
        projects = projects.filter(project_type=project_type)
    if status:
        projects = projects.filter(status=status)
    return projects


def ledger(*, actor: Actor, programme: str | None = None, city: str | None = None, project_type: str | None = None,
           status: str | None = None, year: int | None = None, lang: str = "zh") -> Ledger:
    """The projects the actor may see (filtered), each with its target-year reductions, and the sums
    per pollutant (against the plan's tonnages), programme and region in `year` (default: target year).
    A claim a confirmed verification case rejected is left out (and those of open cases with
    ECER_OPEN_CASES_IN_TOTALS = "exclude"); the part of a total that open cases involve is shown apart."""
    import dataclasses

    from ecer.core.reduction_totals import ProjectPlace, plan_targets, totals
    from ecer.services import case_effects
    from ecer.services.regions import region_names

    years = accounting_years()
    year = year if year in years else years[-1]
    projects = list(_filtered(actor, programme, city, project_type, status))
    findings = findings_for(actor=actor, lang=lang)
    count: dict[str, int] = defaultdict(int)
    for f in findings:
        for code in f.projects:
            count[code] += 1
    names = region_names({p.region_code for p in projects}, lang)
    rejected, open_pairs = case_effects.claim_status()
    rows, reds_all = [], []
    open_t: dict[str, float] = defaultdict(float)
    for p in projects:
        reds, error = _reductions(p)
        counted = [r for r in reds if r.year == year and (p.code, r.pollutant) not in rejected]
        reds_all += counted
        for r in counted:
            if (p.code, r.pollutant) in open_pairs:
                open_t[r.pollutant] += r.amount_t
        row = _row(p, [r for r in reds if (p.code, r.pollutant) not in rejected], error, count[p.code], names, lang)
        rows.append(dataclasses.replace(
            row, excluded=sorted({r.pollutant for r in reds if (p.code, r.pollutant) in rejected}),
            in_open_case=sorted({r.pollutant for r in reds if (p.code, r.pollutant) in open_pairs})))
    places = {p.code: ProjectPlace(p.code, p.region_code, p.programme_code) for p in projects}
    targets = plan_targets(_plan())

    def as_rows(by: tuple[str, ...]) -> list[TotalRow]:
        out = []
        for t in totals(reds_all, places, by, targets=targets):  # type: ignore[arg-type]
            zh, en = POLLUTANT_NAMES[t.pollutant]
            out.append(TotalRow(t.pollutant, en if lang == "en" else zh, t.year, t.region, t.programme, t.amount_t,
                                t.amount_10k_t, t.target_10k_t, t.completion_pct, list(t.projects),
                                t.explanation_en if lang == "en" else t.explanation_zh))
        return out
    province = {t.pollutant: dataclasses.replace(t, open_cases_t=open_t.get(t.pollutant, 0.0)) for t in as_rows(())}
    pollutant_totals = []
    for pollutant in POLLUTANTS:  # every pollutant of the plan is shown, also with no project yet
        if pollutant in province:
            pollutant_totals.append(province[pollutant])
        elif pollutant in targets:
            zh, en = POLLUTANT_NAMES[pollutant]
            pollutant_totals.append(TotalRow(pollutant, en if lang == "en" else zh, year, None, None, 0.0, 0.0,
                                             targets[pollutant].value_10k_t, 0.0, [], ""))
    visible = {p.code for p in projects}
    return Ledger(year, years, rows, pollutant_totals, as_rows(("programme",)), as_rows(("region",)),
                  [f for f in findings if visible & set(f.projects)], PLAN, case_effects.open_cases_mode())


def project_detail(code: str, *, actor: Actor, lang: str = "zh") -> ProjectDetail:
    """One project: parameters, reductions per pollutant and year with their explanation, status history,
    evidence and findings. A project outside the scope is 'not found' (codes cannot be probed)."""
    import dataclasses

    from ecer.projects.models import LedgerProposal
    from ecer.services import case_effects
    from ecer.services.regions import region_names

    project = _scoped(actor).filter(code=code).first()
    if project is None:
        raise NotFound(f"no key project {code} in the ledger you may see")
    catalog = _catalog()
    kind = catalog.project_types.get(project.project_type)
    formula = catalog.formulas[kind.formula] if kind else None
    reds, error = _reductions(project)
    findings = [f for f in findings_for(actor=actor, lang=lang) if project.code in f.projects]
    row = _row(project, reds, error, len(findings), region_names({project.region_code}, lang), lang)
    rejected, open_pairs = case_effects.claim_status()
    row = dataclasses.replace(row, excluded=sorted({r.pollutant for r in reds if (code, r.pollutant) in rejected}),
                              in_open_case=sorted({r.pollutant for r in reds if (code, r.pollutant) in open_pairs}))
    specs = {s.name: s for s in formula.inputs} if formula else {}

    def label(name: str) -> str:
        spec = specs.get(name)
        return (spec.name_en if lang == "en" else spec.name_zh) if spec else name
    def pollutant_name(pollutant: str) -> str:
        return POLLUTANT_NAMES[pollutant][1 if lang == "en" else 0] if pollutant in POLLUTANT_NAMES else pollutant
    inputs = [{"name": n, "label": label(n), "pollutant": "", "pollutant_name": "", "value": q["value"],
               "unit": q["unit"]} for n, q in project.inputs.get("values", {}).items()]
    for pollutant, given in project.inputs.get("pollutants", {}).items():
        inputs += [{"name": n, "label": label(n), "pollutant": pollutant, "pollutant_name": pollutant_name(pollutant),
                    "value": q["value"], "unit": q["unit"]} for n, q in given.items()]
    labels = VERIFICATION_LABELS["en" if lang == "en" else "zh"]
    verification_rows = [{"field": attr, "label": labels[attr], "pollutant": pollutant,
                          "pollutant_name": pollutant_name(pollutant), "value": value}
                         for attr in ("baseline_t_per_year", "offsets_used_t", "offsets_deducted_t")
                         for pollutant, value in getattr(project, attr).items()]
    red_rows = [ReductionRow(r.pollutant, POLLUTANT_NAMES[r.pollutant][1 if lang == "en" else 0], r.year, r.amount_t,
                             r.amount_10k_t, r.full_year_t, r.counted_share, r.provenance.rule,
                             r.provenance.rule_version, [i.to_dict() for i in r.provenance.inputs],
                             dict(r.provenance.parameters),
                             r.provenance.explanation_en if lang == "en" else r.provenance.explanation_zh)
                for r in reds]
    history = [{"status": h.status, "date": h.status_date, "previous": h.previous, "at": h.changed_at,
                "by": h.changed_by, "source": h.source} for h in project.status_history.all()]
    evidence = [{"id": e.pk, "file_name": e.file_name, "sha256": e.sha256, "size": e.size,
                 "description": e.description, "at": e.uploaded_at, "by": e.uploaded_by} for e in project.evidence.all()]
    return ProjectDetail(
        row, {s: getattr(project, k) for s, k in STATUS_DATE.items()}, project.planned_start, project.planned_end,
        formula.name if formula else "", formula.version if formula else "",
        (formula.name_en if lang == "en" else formula.name_zh) if formula else "", formula.expression if formula else "",
        inputs, verification_rows, project.offset_new_projects, red_rows, history,
        evidence, findings, project.note,
        [{"version": v.version, "at": v.approved_at, "made_by": v.made_by, "approved_by": v.approved_by,
          "proposal": v.proposal_id, "changed": v.changed, "cells": v.cells}
         for v in project.versions.order_by("-version")],
        [{"id": p.pk, "status": p.status, "created_by": p.created_by, "created_at": p.created_at,
          "fields": next((sorted(c["fields"]) for c in p.changes if c["code"] == code), [])}
         for p in LedgerProposal.objects.filter(rows__project_code=code, status__in=("draft", "submitted"))
         .distinct().order_by("-pk")])


# --- verification ------------------------------------------------------------------------------------

def _claims(projects: list[Any]) -> list[Claim]:
    """One claim per project and pollutant: what it counts from its counting start to the end of the
    last accounting year (the years' reductions added: tonnes not emitted over that period)."""
    years = accounting_years()
    end = dt.date(years[-1], 12, 31)
    first_day = dt.date(years[0], 1, 1)
    out = []
    for p in projects:
        reds, _ = _reductions(p)
        by_pollutant: dict[str, float] = defaultdict(float)
        for r in reds:
            by_pollutant[r.pollutant] += r.amount_t
        stable = p.stable_operation_on if p.status == "stable_operation" else None
        for pollutant, amount in sorted(by_pollutant.items()):
            if amount <= 0 or stable is None:
                continue
            start = max(counting_start(stable, OPTIONS.counting_start), first_day)
            out.append(Claim(f"{p.code}/{pollutant}", p.code, p.source_id, pollutant, start, end, amount, stable,
                             float(p.offsets_deducted_t.get(pollutant, 0.0))))
    return out


def _monitored(projects: list[Any]) -> list[MonitoredMonth]:
    """Monthly monitored emissions of the sources that have a monitoring point (roll-ups of its loggers)."""
    from ecer.monitoring.models import Device
    from ecer.services.actor import system_actor
    from ecer.services.monitoring_analytics import emissions

    source_of = {}
    for p in projects:
        if p.monitoring_point_id is not None:
            for mn in Device.objects.filter(point_id=p.monitoring_point_id).values_list("mn", flat=True):
                source_of[mn] = p.source_id
    if not source_of:
        return []
    out: dict[tuple[str, str, int, int], float] = defaultdict(float)
    for year in accounting_years():
        for e in emissions(actor=system_actor(), year=year, group="point"):
            pollutant = MONITORING_FACTORS.get(e["factor"])
            if e["key"] in source_of and pollutant:
                y, m = (int(x) for x in e["month"].split("-"))
                out[(source_of[e["key"]], pollutant, y, m)] += e["amount_t"]
    return [MonitoredMonth(s, p, y, m, t) for (s, p, y, m), t in sorted(out.items())]


def verification(*, as_of: dt.date | None = None, monitoring: bool = True) -> list[Finding]:
    """The core's findings over the whole ledger (accounting date: today unless given). Without
    `monitoring` the check against monitored emissions (the slow part: roll-ups per year) is left out."""
    projects = list(_all())
    claims = _claims(projects)
    claimed = {(c.project, c.pollutant) for c in claims}
    baselines: dict[tuple[str, str], float] = {}
    offsets = []
    for p in projects:
        for pollutant, value in p.baseline_t_per_year.items():
            key = (p.source_id, pollutant)
            baselines[key] = min(value, baselines.get(key, value))  # one source, one (the lowest) baseline
        for pollutant, used in p.offsets_used_t.items():
            if used > 0 and (p.code, pollutant) in claimed:
                offsets.append(OffsetUse(f"{p.code}/{pollutant}/offset", p.offset_new_projects or "?", p.code,
                                         p.source_id, pollutant, float(used)))
    options = VerificationOptions(as_of=as_of or dt.date.today())
    return verify(claims, [SourceBaseline(s, p, v) for (s, p), v in baselines.items()], offsets,
                  _monitored(projects) if monitoring else [], options)


def findings_for(*, actor: Actor, lang: str = "zh", as_of: dt.date | None = None) -> list[FindingRow]:
    """The findings that involve a project the actor may see."""
    from ecer.services.case_effects import case_ids_by_identity, identity

    visible = set(_scoped(actor).values_list("code", flat=True))
    cases = case_ids_by_identity()
    out = []
    for f in verification(as_of=as_of):
        if visible & set(f.projects):
            case = cases.get(identity(f.kind.value, f.source, f.pollutant, f.claims), (None, "", ""))
            out.append(FindingRow(f.kind.value, KIND_NAMES_EN[f.kind] if lang == "en" else KIND_NAMES_ZH[f.kind],
                                  list(f.projects), list(f.claims), f.source, f.pollutant, f.amount_t,
                                  f.explanation_en if lang == "en" else f.explanation_zh, *case))
    return out


# --- Excel -------------------------------------------------------------------------------------------

def may_maintain(actor: Actor) -> bool:
    return actor.role in MAINTAINERS or actor.role == Role.SYSTEM


def require_maintainer(actor: Actor) -> None:
    """Refuse (PermissionDenied) an actor who does not maintain the ledger, before any file is read."""
    require_role(actor, *MAINTAINERS)


def require_proposer(actor: Actor) -> None:
    """Refuse (PermissionDenied) an actor who may not propose ledger changes, before any file is read."""
    require_role(actor, *PROPOSERS)


def require_evidence_adder(actor: Actor) -> None:
    """Refuse (PermissionDenied) a role that never adds evidence (readers, visitors), before any file is read."""
    if is_anonymous_or_reader(actor):
        raise PermissionDenied(f"{actor.username} ({actor.role}) may not add evidence")


def ledger_template() -> bytes:
    return template_bytes(_catalog())


def ledger_file(rows: list[dict[str, Any]]) -> bytes:
    """A ledger workbook of `rows` (cells by column key), as a user would fill the template."""
    return template_bytes(_catalog(), rows)


def export_ledger(*, actor: Actor) -> bytes:
    """The projects the actor may see as the ledger workbook (it imports back unchanged)."""
    catalog = _catalog()
    return template_bytes(catalog, [export_cells(p, catalog) for p in _scoped(actor)])


def read_upload(name: str, size: int, read: Any) -> bytes:
    """An uploaded file's bytes, refused (before reading) when larger than MAX_FILE_BYTES."""
    if size > MAX_FILE_BYTES:
        raise InputFileError([Problem(name, "file", f"{size:,} bytes; at most {MAX_FILE_BYTES:,}")])
    return bytes(read())


@dataclass(frozen=True)
class CheckedFile:
    """A ledger workbook read and checked against the ledger as it is now (nothing stored yet)."""

    file: str
    rows: list[LedgerRow]
    existing: dict[str, Any]
    owners: dict[str, Any]
    points: dict[tuple[str, str], Any]


def check_file(data: bytes, file: str, *, actor: Actor, as_of: dt.date | None = None) -> CheckedFile:
    """Read and check a ledger workbook as a whole, within `actor`'s scope. Raises InputFileError
    (every problem, with file, row and column) or PermissionDenied (a role that changes no ledger)."""
    from ecer.masterdata.models import Region
    from ecer.monitoring.models import Enterprise, MonitoringPoint
    from ecer.projects.models import KeyProject

    require_role(actor, *PROPOSERS)
    rows = read_ledger(data, file, _catalog(), programmes("zh"), years=accounting_years(), options=OPTIONS,
                       as_of=as_of or dt.date.today())
    known = set(Region.objects.filter(code__in={r.region_code for r in rows}).values_list("code", flat=True))
    existing = {p.code: p for p in KeyProject.objects.select_related("monitoring_point").filter(
        code__in=[r.code for r in rows])}
    owners = {e.credit_code: e for e in Enterprise.objects.filter(credit_code__in={r.owner_credit_code for r in rows})}
    points = {(p.enterprise.credit_code, p.outlet_code): p for p in MonitoringPoint.objects.select_related(
        "enterprise").filter(enterprise__credit_code__in=list(owners))}
    problems = _scope_problems(rows, known, existing, owners, points, actor, file)
    if problems:
        raise InputFileError(problems)
    return CheckedFile(file, rows, existing, owners, points)


def row_fields(checked: CheckedFile, row: LedgerRow, illustrative: bool) -> dict[str, Any]:
    return {**row.project_fields(), "owner": checked.owners.get(row.owner_credit_code),
            "monitoring_point": checked.points.get((row.owner_credit_code, row.monitoring_point)),
            "is_illustrative": illustrative}


def apply_checked(checked: CheckedFile, *, changed_by: str, illustrative: bool = False,
                  on_change: Any = None) -> ImportResult:
    """Write a checked file to the ledger (call inside a transaction): new projects, changed fields,
    a status step as history (by `changed_by`, the change's maker). `on_change(project, action)` is
    called for each created or updated one."""
    from ecer.projects.models import KeyProject, StatusChange

    result = ImportResult(checked.file)
    for row in checked.rows:
        source = f"{checked.file} row {row.row}"
        fields = row_fields(checked, row, illustrative)
        project = checked.existing.get(row.code)
        if project is None:
            project = KeyProject.objects.create(**fields)
            StatusChange.objects.create(project=project, status=row.status, status_date=_status_date(project),
                                        changed_by=changed_by, source=source)
            result.created.append(row.code)
            if on_change:
                on_change(project, "create")
            continue
        before_status, before_date = project.status, _status_date(project)
        changed = [k for k, v in fields.items() if getattr(project, k) != v]
        if not changed:
            result.unchanged.append(row.code)
            continue
        for k in changed:
            setattr(project, k, fields[k])
        project.save()
        if (project.status, _status_date(project)) != (before_status, before_date):
            StatusChange.objects.create(project=project, status=project.status,
                                        status_date=_status_date(project), previous=before_status,
                                        changed_by=changed_by, source=source)
            result.status_changes.append({"code": row.code, "old": before_status, "new": project.status})
        result.updated.append(row.code)
        if on_change:
            on_change(project, "update")
    return result


def _scope_problems(rows: list[LedgerRow], known: set[str], existing: dict[str, Any], owners: dict[str, Any],
                    points: dict[tuple[str, str], Any], actor: Actor, file: str) -> list[Problem]:
    """Unknown regions and monitoring points; regions outside the importer's, also for a project moved out of them."""
    if actor.role == Role.AUDITOR:
        raise PermissionDenied("auditors may not change the ledger")
    visible = visible_region_codes(actor)
    own = None
    if actor.role == Role.ENTERPRISE_REPORTER:  # its own projects only, wherever they are
        from ecer.monitoring.models import Enterprise

        own = Enterprise.objects.filter(pk=actor.enterprise_id).values_list("credit_code", flat=True).first() or "-"
        visible = None
    problems = []
    for row in rows:
        where = f"row {row.row}"
        if own is not None:
            before = existing.get(row.code)
            if row.owner_credit_code != own or (before is not None and before.owner_credit_code != own):
                problems.append(Problem(file, where, f"{row.code} is not a project of your enterprise ({own}); "
                                        "its owner, city or the province maintains it", "业主统一社会信用代码"))
        if row.region_code not in known:
            problems.append(Problem(file, where, f"unknown region {row.region_code}: not in the region table",
                                    "行政区划代码"))
        elif visible is not None and row.region_code not in visible:
            problems.append(Problem(file, where, f"region {row.region_code} is outside your regions", "行政区划代码"))
        before = existing.get(row.code)
        if before is not None and visible is not None and before.region_code not in visible:
            problems.append(Problem(file, where, f"{row.code} is kept in {before.region_code}, outside your regions; "
                                    "its city or the province maintains it", "行政区划代码"))
        if row.monitoring_point:
            if row.owner_credit_code not in owners:
                problems.append(Problem(file, where, f"owner {row.owner_credit_code} is not on the enterprise "
                                        "register, so it has no monitoring point", "监测点位（排放口编号）"))
            elif (row.owner_credit_code, row.monitoring_point) not in points:
                problems.append(Problem(file, where, f"owner {row.owner_credit_code} has no monitoring point "
                                        f"{row.monitoring_point}", "监测点位（排放口编号）"))
    return problems


# --- evidence ----------------------------------------------------------------------------------------

def _evidence_path(sha256: str) -> Path:
    from ecer import config

    return config.data_dir() / "evidence" / sha256[:2] / sha256


def add_evidence(code: str, file_name: str, data: bytes, *, actor: Actor, description: str = "") -> dict[str, Any]:
    """Keep a file as evidence of a project (stored once by its sha256; the same file twice is one entry).
    The ledger's maintainers in scope and the owner's enterprise reporter may add evidence."""
    from django.db import transaction

    from ecer.projects.models import EvidenceFile
    from ecer.services import audit

    require_evidence_adder(actor)
    project = _scoped(actor).filter(code=code).first()
    if project is None:
        raise NotFound(f"no key project {code} in the ledger you may see")
    if not data:
        raise InputFileError([Problem(file_name, "file", "the file is empty")])
    if len(data) > MAX_FILE_BYTES:
        raise InputFileError([Problem(file_name, "file", f"{len(data):,} bytes; at most {MAX_FILE_BYTES:,}")])
    sha = hashlib.sha256(data).hexdigest()
    path = _evidence_path(sha)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.replace(path)
    name = Path(file_name).name[:255] or "evidence"
    with transaction.atomic():
        entry, created = EvidenceFile.objects.get_or_create(project=project, sha256=sha, defaults={
            "file_name": name, "size": len(data), "description": description[:300], "uploaded_by": actor.username})
        if created:
            audit.record(actor, "key_projects.evidence", "key_project", code, None, {"file": name, "sha256": sha})
    return {"id": entry.pk, "file_name": entry.file_name, "sha256": sha, "size": entry.size, "created": created}


def is_anonymous_or_reader(actor: Actor) -> bool:
    from ecer.services.actor import is_anonymous

    return is_anonymous(actor) or actor.role not in (*MAINTAINERS, Role.ENTERPRISE_REPORTER, Role.SYSTEM)


def evidence_file(code: str, evidence_id: int, *, actor: Actor) -> tuple[str, bytes]:
    """An evidence file's name and bytes, for a project the actor may see."""
    from ecer.projects.models import EvidenceFile

    project = _scoped(actor).filter(code=code).first()
    entry = EvidenceFile.objects.filter(project=project, pk=evidence_id).first() if project else None
    if entry is None or not _evidence_path(entry.sha256).exists():
        raise NotFound(f"no evidence {evidence_id} of key project {code} you may see")
    return entry.file_name, _evidence_path(entry.sha256).read_bytes()


# --- reductions for the progress accounting ----------------------------------------------------------

@dataclass(frozen=True)
class CountedProject:
    """One project's reduction of one pollutant in one year, as the progress accounting counts it."""

    code: str
    amount_t: float
    counted_share: float
    formula: str  # name and version, e.g. "water_treatment.efficiency_gain v1"
    stable_operation_on: dt.date | None
    status: str
    is_illustrative: bool
    not_counted: str = ""  # why a computed reduction is left out (then amount_t is 0)
    findings: tuple[str, ...] = ()  # open verification findings of this project and pollutant


@dataclass(frozen=True)
class CityReduction:
    """The ledger's key-project reduction of one city, pollutant and year (every project of the city
    that reduces the pollutant, also those counting 0 yet)."""

    city: str
    pollutant: str
    year: int
    projects: tuple[CountedProject, ...]

    @property
    def amount_t(self) -> float:
        return sum(p.amount_t for p in self.projects)

    @property
    def amount_10k_t(self) -> float:
        return self.amount_t / 10_000

    @property
    def illustrative(self) -> bool:
        return any(p.is_illustrative for p in self.projects)


def city_of(region_code: str) -> str:
    """The city (地级) code a project's region belongs to: a county 510104 counts for 510100 (GB/T 2260)."""
    return region_code[:4] + "00" if len(region_code) == 6 else region_code


def counted_projects() -> Any:
    """The ledger projects whose reductions the progress accounting counts: the approved figures. Every
    stored project is its approved state (`ecer.services.ledger_proposals`: only approval writes to the
    ledger; a proposal waiting for review changes no figure)."""
    return _all()


def reductions_by_city(*, as_of: dt.date | None = None) -> dict[tuple[str, str], dict[int, CityReduction]]:
    """(city, pollutant) → year → the city's ledger reduction, for every accounting year.

    The stable-operation rule is the core's (`ecer.core.reduction.counted_share`: only from the counting
    start after stable operation, against the reference year); a project whose stable-operation date
    lies after the accounting date `as_of` (default today) counts 0 and says why (the verification
    raises it as a finding), and so does a claim a confirmed verification case rejected
    (`ecer.services.verification_cases`). Each project carries its open verification findings (without the monitoring
    check, which needs the year's roll-ups: /projects/ shows all); they are counted until a reviewer
    resolves them, and named in the explanation. No actor: the caller (the progress service) has checked the regions."""
    as_of = as_of or dt.date.today()
    catalog = _catalog()
    flagged: dict[tuple[str, str], list[str]] = defaultdict(list)
    for f in verification(as_of=as_of, monitoring=False):
        for code in f.projects:
            others = [c for c in f.projects if c != code]
            flagged[(code, f.pollutant)].append(f.kind.value + (f" ({', '.join(others)})" if others else ""))
    from ecer.services.case_effects import claim_status

    rejected, _open = claim_status()  # a claim a confirmed verification case rejected counts 0
    out: dict[tuple[str, str], dict[int, list[CountedProject]]] = defaultdict(lambda: defaultdict(list))
    for p in counted_projects().order_by("code"):
        reds, error = _reductions(p)
        if error:
            continue  # the import refuses such a project; one stored before a catalog change is shown on /projects/
        kind = catalog.project_types.get(p.project_type)
        formula = catalog.formulas[kind.formula] if kind else None
        name = f"{formula.name} v{formula.version}" if formula else p.project_type
        stable = p.stable_operation_on if p.status == "stable_operation" else None
        future = stable is not None and stable > as_of
        for r in reds:
            reason = (f"stable operation {stable.isoformat()} is after the accounting date {as_of.isoformat()}"
                      if future and r.amount_t > 0 else "")
            if (p.code, r.pollutant) in rejected and r.amount_t > 0:
                reason = "rejected by a confirmed verification case (/projects/cases/)"
            out[(city_of(p.region_code), r.pollutant)][r.year].append(CountedProject(
                p.code, 0.0 if reason else r.amount_t, r.counted_share, name, stable, p.status,
                p.is_illustrative, reason, tuple(flagged.get((p.code, r.pollutant), ()))))
    return {key: {y: CityReduction(key[0], key[1], y, tuple(ps)) for y, ps in by_year.items()}
            for key, by_year in out.items()}


def ledger_version() -> str:
    """A fingerprint of the counted ledger (count, last change): caches of the progress key on it."""
    from django.db.models import Count, Max

    from ecer.projects.models import FindingCase

    agg = counted_projects().aggregate(n=Count("pk"), top=Max("updated_at"))
    cases = FindingCase.objects.aggregate(n=Count("pk"), top=Max("decided_at"), seen=Max("last_seen_at"))
    decided = ":".join(c.isoformat() if c else "" for c in (cases["top"], cases["seen"]))
    return f"{agg['n']}:{agg['top'].isoformat() if agg['top'] else ''}:{cases['n']}:{decided}"
