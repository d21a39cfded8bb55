"""Use case: submissions (填报) — a city submits its statistics for a period, the province reviews them.

Workflow of one submission version: draft → submitted → returned (with comments) | approved. A draft is
the only editable state. A returned or approved version is changed by a *revision*: version n + 1,
copied from n, superseding it, with a reason (required after approval). Approval writes the values as
approved observations (new observation versions in one ImportBatch named after the submission), so the
accounting uses the latest approved version and its provenance names the submission and version.

Scope: city operators act on their own region (and below); reviewers (province reviewer, province
administrator) decide; everybody reads only what `ecer.services.actor` lets them see. A foreign or unknown
id is refused with the same PermissionDenied, so ids cannot be probed. Every step is recorded in the
audit log (`ecer.services.audit.record`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from ecer.catalogs.plausibility import HARD, Finding
from ecer.catalogs.submission_types import SubmissionType, load_submission_types
from ecer.collection.models import (
    ReportingPeriod,
    ReviewComment,
    Submission,
    SubmissionStatus,
    SubmissionValue,
)
from ecer.masterdata.models import ImportBatch, Observation, ObservationStatus, Region, Variable
from ecer.masterdata.services.plausibility import hard_findings, previous_year_values, soft_findings
from ecer.services import workflow
from ecer.services.actor import Actor, PermissionDenied, Role, actor_params, require_region, require_role

SUBMITTERS = (Role.CITY_OPERATOR,)
REVIEWERS = (Role.PROVINCE_REVIEWER, Role.PROVINCE_ADMIN)
OPEN = workflow.OPEN


class SubmissionError(ValueError):
    """The request is understood but not allowed in this state (closed period, duplicate, missing value…)."""


# --- plain data returned to adapters ---------------------------------------------------------------

@dataclass(frozen=True)
class CellView:
    variable: str
    name_zh: str
    name_en: str
    unit: str
    required: bool
    value: float | None
    explanation: str
    previous: float | None  # the region's latest approved value of the previous year
    findings: list[dict[str, str]] = field(default_factory=list)
    comments: list[dict[str, str]] = field(default_factory=list)
    changed: bool = False  # differs from the version this one supersedes


@dataclass(frozen=True)
class VersionRef:
    id: int
    version: int
    status: str


@dataclass(frozen=True)
class SubmissionView:
    id: int
    region_code: str
    region_name_zh: str
    region_name_en: str
    period: str
    year: int
    deadline: dt.date
    period_closed: bool
    kind: str
    kind_name_zh: str
    kind_name_en: str
    version: int
    status: str
    reason: str
    created_by: str
    created_at: dt.datetime
    submitted_at: dt.datetime | None
    decided_by: str
    decided_at: dt.datetime | None
    batch_id: int | None
    cells: list[CellView]
    comments: list[dict[str, str]]
    versions: list[VersionRef]
    hard_count: int
    unexplained_soft_count: int

    @property
    def editable(self) -> bool:
        return self.status == SubmissionStatus.DRAFT

    @property
    def late(self) -> bool:
        return self.status == SubmissionStatus.DRAFT and timezone.localdate() > self.deadline


@dataclass(frozen=True)
class TodoItem:
    region_code: str
    region_name_zh: str
    region_name_en: str
    period: str
    year: int
    deadline: dt.date
    overdue: bool
    kind: str
    kind_name_zh: str
    kind_name_en: str
    submission_id: int | None
    version: int | None
    status: str  # "due" when nothing was started yet
    comment_count: int


@dataclass(frozen=True)
class DiffRow:
    variable: str
    name_zh: str
    unit: str
    old: float | None
    new: float | None
    old_explanation: str
    new_explanation: str

    @property
    def changed(self) -> bool:
        return self.old != self.new or self.old_explanation != self.new_explanation


# --- helpers ---------------------------------------------------------------------------------------

def submission_type(kind: str) -> SubmissionType:
    types = load_submission_types()
    if kind not in types:
        raise SubmissionError(f"unknown submission type '{kind}' (known: {', '.join(types)})")
    return types[kind]


def _audit(actor: Actor, action: str, sub: Submission, before: dict[str, Any] | None,
           after: dict[str, Any] | None) -> None:
    """One audit entry per workflow step, inside the step's transaction (the source is `actor.source`)."""
    from ecer.services.audit import record

    record(actor, action, "submission", str(sub.pk), before, after)


def _state(sub: Submission) -> dict[str, Any]:
    values = {v.variable.code: [v.value, v.explanation] for v in sub.values.select_related("variable")}
    return {"region": sub.region.code, "period": sub.period.code, "kind": sub.kind, "version": sub.version,
            "status": sub.status, "reason": sub.reason, "values": values}


def _visible(actor: Actor, submission_id: int | str) -> Submission:
    try:
        pk = int(submission_id)
    except (TypeError, ValueError):
        pk = -1
    sub = Submission.objects.select_related("region", "period").filter(pk=pk).first()
    if sub is None:
        raise PermissionDenied(f"no submission {submission_id} visible to {actor.username}")
    try:
        require_region(actor, sub.region.code)
    except PermissionDenied:
        raise PermissionDenied(f"no submission {submission_id} visible to {actor.username}") from None
    return sub


def _for_submitter(actor: Actor, submission_id: int | str) -> Submission:
    sub = _visible(actor, submission_id)
    require_role(actor, *SUBMITTERS)
    if sub.region.code not in actor.region_codes and actor.role != Role.SYSTEM:
        raise PermissionDenied(f"{actor.username} may not submit for {sub.region.code}")
    return sub


def _locked(sub: Submission) -> Submission:
    """Re-read the row FOR UPDATE, so two clicks cannot both move the state."""
    return Submission.objects.select_for_update().select_related("region", "period").get(pk=sub.pk)


def require_status(record: Any, *allowed: str, noun: str = "submission") -> None:
    """Refuse a workflow step unless the version (`pk`, `version`, `status`: a submission, an enterprise's
    energy report) is in one of the `allowed` states (the states and steps: `ecer.services.workflow`)."""
    workflow.require_status(record.status, f"{noun} #{record.pk} v{record.version}", allowed, SubmissionError)


def require_open_period(period: ReportingPeriod) -> None:
    """Refuse new versions and submissions for a closed period (every report of the workflow)."""
    if period.closed:
        raise SubmissionError(f"period {period.code} is closed: no new submissions or revisions")


_require_status = require_status
_require_open_period = require_open_period


def _findings(sub: Submission, values: Mapping[str, float | None]) -> tuple[list[Finding], dict[str, float]]:
    """Plausibility findings of the present values, and the previous-year value of every cell."""
    present = {k: v for k, v in values.items() if v is not None}
    previous = previous_year_values((sub.region.code, sub.period.year, k) for k in values)
    prev = {k[2]: v for k, v in previous.items()}
    return hard_findings(present) + soft_findings(sub.period.year, present, prev), prev


# --- periods ---------------------------------------------------------------------------------------

def ensure_period(actor: Actor, code: str, year: int, deadline: dt.date, name_zh: str = "",
                  name_en: str = "", closed: bool = False) -> ReportingPeriod:
    """Create or update a reporting period (province administrator)."""
    require_role(actor, Role.PROVINCE_ADMIN)
    period, _ = ReportingPeriod.objects.update_or_create(code=code, defaults={
        "year": year, "deadline": deadline, "closed": closed,
        "name_zh": name_zh or f"{year}年度数据填报", "name_en": name_en or f"statistics for {year}"})
    return period


def list_periods() -> list[ReportingPeriod]:
    return list(ReportingPeriod.objects.all())


# --- reading ---------------------------------------------------------------------------------------

def _cell(variable: Variable, kind: SubmissionType, stored: SubmissionValue | None, previous: float | None,
          findings: list[Finding], comments: list[ReviewComment], before: SubmissionValue | None,
          has_before: bool) -> CellView:
    value = stored.value if stored else None
    explanation = stored.explanation if stored else ""
    changed = has_before and ((before.value if before else None) != value
                              or (before.explanation if before else "") != explanation)
    return CellView(variable.code, variable.name_zh, variable.name_en, variable.unit, kind.required(variable.code),
                    value, explanation, previous,
                    [{"severity": f.severity, "check": f.check, "message_zh": f.message_zh,
                      "message_en": f.message_en} for f in findings],
                    [_comment(c) for c in comments], changed)


def _comment(c: ReviewComment) -> dict[str, str]:
    return {"author": c.author, "text": c.text, "at": c.created_at.isoformat(),
            "variable": c.variable.code if c.variable_id else "", "version": str(c.submission.version)}


def get_submission(actor: Actor, submission_id: int | str) -> SubmissionView:
    return _view(_visible(actor, submission_id))


def _view(sub: Submission) -> SubmissionView:
    kind = submission_type(sub.kind)
    variables = {v.code: v for v in Variable.objects.filter(code__in=kind.variables)}
    stored = {v.variable.code: v for v in sub.values.select_related("variable")}
    before = ({v.variable.code: v for v in sub.supersedes.values.select_related("variable")}
              if sub.supersedes_id else {})
    findings, previous = _findings(sub, {code: stored[code].value if code in stored else None
                                         for code in kind.variables})
    # Comments of this version and of the versions it revises: the city answers them in this one.
    chain = _chain(sub)
    comments = list(ReviewComment.objects.filter(submission__in=[s.pk for s in chain])
                    .select_related("variable", "submission"))
    cells = [_cell(variables[code], kind, stored.get(code), previous.get(code),
                   [f for f in findings if f.variable == code],
                   [c for c in comments if c.variable_id and c.variable.code == code],
                   before.get(code), bool(sub.supersedes_id))
             for code in kind.variables if code in variables]
    hard = sum(1 for f in findings if f.severity == HARD)
    unexplained = sum(1 for c in cells for f in c.findings if f["severity"] != HARD and not c.explanation.strip())
    return SubmissionView(
        sub.pk, sub.region.code, sub.region.name_zh, sub.region.name_en, sub.period.code, sub.period.year,
        sub.period.deadline, sub.period.closed, sub.kind, kind.name_zh, kind.name_en, sub.version, sub.status,
        sub.reason, sub.created_by, sub.created_at, sub.submitted_at, sub.decided_by, sub.decided_at, sub.batch_id,
        cells, [_comment(c) for c in comments if not c.variable_id],
        [VersionRef(s.pk, s.version, s.status) for s in chain], hard, unexplained)


def _chain(sub: Submission) -> list[Submission]:
    return list(Submission.objects.filter(region=sub.region, period=sub.period, kind=sub.kind)
                .select_related("region", "period").order_by("version"))


def todo(actor: Actor) -> list[TodoItem]:
    """What is due for the actor's regions: every open period × submission type, with the state of its
    latest version (`due` when nothing was started)."""
    regions = Region.objects.filter(code__in=actor.region_codes, level="city") if not actor.sees_everything \
        else Region.objects.filter(level="city")
    if actor.role == Role.CITY_OPERATOR and actor.region_code:
        regions = Region.objects.filter(code=actor.region_code)
    periods = list(ReportingPeriod.objects.filter(closed=False))
    kinds = load_submission_types()
    latest = {}
    for s in (Submission.objects.filter(region__in=regions, period__in=periods)
              .select_related("region", "period").order_by("version")):
        latest[(s.region.code, s.period.code, s.kind)] = s
    counts = dict(ReviewComment.objects.filter(submission__in=[s.pk for s in latest.values()])
                  .values("submission").annotate(n=Count("id")).values_list("submission", "n"))
    items = []
    today = timezone.localdate()
    for region in regions.order_by("path"):
        for period in periods:
            for kind in kinds.values():
                s = latest.get((region.code, period.code, kind.code))
                status = s.status if s else "due"
                items.append(TodoItem(
                    region.code, region.name_zh, region.name_en, period.code, period.year, period.deadline,
                    today > period.deadline and status in ("due", SubmissionStatus.DRAFT, SubmissionStatus.RETURNED),
                    kind.code, kind.name_zh, kind.name_en, s.pk if s else None, s.version if s else None, status,
                    counts.get(s.pk, 0) if s else 0))
    return items


def review_queue(actor: Actor) -> list[SubmissionView]:
    """Submitted versions waiting for a decision, oldest first, in the actor's scope."""
    require_role(actor, *REVIEWERS, Role.AUDITOR, Role.CITY_REVIEWER)
    qs = Submission.objects.filter(status=SubmissionStatus.SUBMITTED).select_related("region", "period")
    if not actor.sees_everything:
        qs = qs.filter(region__code__in=actor.region_codes)
    return [_view(s) for s in qs.order_by("submitted_at", "id")]


def list_submissions(actor: Actor, region: str | None = None, period: str | None = None,
                     status: str | None = None) -> list[Submission]:
    qs = Submission.objects.select_related("region", "period")
    if not actor.sees_everything:
        qs = qs.filter(region__code__in=actor.region_codes)
    if region:
        require_region(actor, region)
        qs = qs.filter(region__code=region)
    if period:
        qs = qs.filter(period__code=period)
    if status:
        qs = qs.filter(status=status)
    return list(qs.order_by("-id"))


def diff(actor: Actor, submission_id: int | str, other_id: int | str | None = None) -> list[DiffRow]:
    """Cell-by-cell differences between a version and another of the same chain (default: the version
    it supersedes)."""
    sub = _visible(actor, submission_id)
    other = _visible(actor, other_id) if other_id is not None else sub.supersedes
    if other is not None and (other.region_id, other.period_id, other.kind) != (sub.region_id, sub.period_id, sub.kind):
        raise SubmissionError("the two versions belong to different submissions")
    kind = submission_type(sub.kind)
    new = {v.variable.code: v for v in sub.values.select_related("variable")}
    old = {v.variable.code: v for v in other.values.select_related("variable")} if other else {}
    names = dict(Variable.objects.filter(code__in=kind.variables).values_list("code", "name_zh"))
    units = dict(Variable.objects.filter(code__in=kind.variables).values_list("code", "unit"))
    rows = []
    for code in kind.variables:
        o, n = old.get(code), new.get(code)
        rows.append(DiffRow(code, names.get(code, code), units.get(code, ""), o.value if o else None,
                            n.value if n else None, o.explanation if o else "", n.explanation if n else ""))
    return rows


# --- the city's steps ------------------------------------------------------------------------------

def start_submission(actor: Actor, region_code: str, period_code: str, kind: str) -> SubmissionView:
    """A new draft (version 1). Refused when the period is closed or a version already exists: a
    returned or approved one is changed with `revise`, an open one is still being worked on."""
    require_role(actor, *SUBMITTERS)
    require_region(actor, region_code)
    kind_type = submission_type(kind)
    region = Region.objects.filter(code=region_code).first()
    period = ReportingPeriod.objects.filter(code=period_code).first()
    if region is None or period is None:
        raise SubmissionError(f"unknown region '{region_code}' or period '{period_code}'")
    _require_open_period(period)
    with transaction.atomic():
        existing = (Submission.objects.select_for_update().filter(region=region, period=period, kind=kind)
                    .order_by("-version").first())
        if existing is not None:
            raise SubmissionError(
                f"duplicate submission: {region_code} {period_code} {kind} already has version "
                f"{existing.version} ({existing.status}, #{existing.pk}); "
                + ("continue that one" if existing.status in OPEN else "revise it instead"))
        sub = Submission.objects.create(region=region, period=period, kind=kind, created_by=actor.username)
        units = dict(Variable.objects.filter(code__in=kind_type.variables).values_list("code", "unit"))
        SubmissionValue.objects.bulk_create([
            SubmissionValue(submission=sub, variable=Variable.objects.get(code=c), unit=units[c])
            for c in kind_type.variables])
        _audit(actor, "submission.create", sub, None, _state(sub))
    return _view(sub)


def revise(actor: Actor, submission_id: int | str, reason: str) -> SubmissionView:
    """Version n + 1 of a returned or approved version, copied from it. After approval a reason is required."""
    sub = _for_submitter(actor, submission_id)
    _require_open_period(sub.period)
    with transaction.atomic():
        sub = _locked(sub)
        _require_status(sub, SubmissionStatus.RETURNED, SubmissionStatus.APPROVED)
        latest = Submission.objects.filter(region=sub.region, period=sub.period, kind=sub.kind).order_by("-version").first()
        if latest is not None and latest.pk != sub.pk:
            raise SubmissionError(f"#{sub.pk} v{sub.version} is not the latest version (v{latest.version} is #{latest.pk})")
        if sub.status == SubmissionStatus.APPROVED and not reason.strip():
            raise SubmissionError("a revision of approved data needs a reason")
        new = Submission.objects.create(region=sub.region, period=sub.period, kind=sub.kind, version=sub.version + 1,
                                        supersedes=sub, created_by=actor.username,
                                        reason=reason.strip() or "按审核意见修改 / revised after review comments")
        SubmissionValue.objects.bulk_create([
            SubmissionValue(submission=new, variable_id=v.variable_id, value=v.value, unit=v.unit,
                            explanation=v.explanation) for v in sub.values.all()])
        _audit(actor, "submission.revise", new, _state(sub), _state(new))
    return _view(new)


def save_values(actor: Actor, submission_id: int | str,
                values: Mapping[str, tuple[float | None, str]]) -> SubmissionView:
    """Set cells of a draft: variable → (value or None, explanation). Unknown variables are refused."""
    sub = _for_submitter(actor, submission_id)
    with transaction.atomic():
        sub = _locked(sub)
        _require_status(sub, SubmissionStatus.DRAFT)
        before = _state(sub)
        stored = {v.variable.code: v for v in sub.values.select_related("variable")}
        unknown = sorted(set(values) - set(stored))
        if unknown:
            raise SubmissionError(f"not part of {sub.kind}: {', '.join(unknown)}")
        for code, (value, explanation) in values.items():
            cell = stored[code]
            if (cell.value, cell.explanation) != (value, explanation.strip()):
                cell.value, cell.explanation = value, explanation.strip()
                cell.save(update_fields=["value", "explanation"])
        after = _state(sub)
        if after != before:
            _audit(actor, "submission.edit", sub, before, after)
    return _view(sub)


def submit(actor: Actor, submission_id: int | str) -> SubmissionView:
    """draft → submitted. Refused with every reason at once: an empty required cell, a hard
    plausibility violation, a soft one without an explanation, a closed period."""
    sub = _for_submitter(actor, submission_id)
    _require_open_period(sub.period)
    with transaction.atomic():
        sub = _locked(sub)
        _require_status(sub, SubmissionStatus.DRAFT)
        view = _view(sub)
        reasons = [f"{c.variable}: 必填 / required" for c in view.cells if c.required and c.value is None]
        for c in view.cells:
            for f in c.findings:
                if f["severity"] == HARD:
                    reasons.append(f["message_zh"] + " / " + f["message_en"])
                elif not c.explanation.strip():
                    reasons.append(f"{f['message_zh']} / {f['message_en']} — 缺少说明 / explanation missing")
        if reasons:
            raise SubmissionError("cannot submit:\n" + "\n".join(f"  - {r}" for r in reasons))
        before = _state(sub)
        sub.status, sub.submitted_by, sub.submitted_at = SubmissionStatus.SUBMITTED, actor.username, timezone.now()
        sub.save(update_fields=["status", "submitted_by", "submitted_at"])
        _audit(actor, "submission.submit", sub, before, _state(sub))
    return _view(sub)


# --- the reviewer's steps --------------------------------------------------------------------------

def _for_reviewer(actor: Actor, submission_id: int | str) -> Submission:
    sub = _visible(actor, submission_id)
    require_role(actor, *REVIEWERS)
    return sub


def return_submission(actor: Actor, submission_id: int | str, comment: str,
                      cell_comments: Mapping[str, str] | None = None) -> SubmissionView:
    """submitted → returned, with a general comment and/or comments on cells (variable → text)."""
    sub = _for_reviewer(actor, submission_id)
    cell_comments = {k: v.strip() for k, v in (cell_comments or {}).items() if v and v.strip()}
    if not comment.strip() and not cell_comments:
        raise SubmissionError("returning a submission needs a comment saying what to fix")
    with transaction.atomic():
        sub = _locked(sub)
        _require_status(sub, SubmissionStatus.SUBMITTED)
        known = {v.variable.code: v.variable for v in sub.values.select_related("variable")}
        unknown = sorted(set(cell_comments) - set(known))
        if unknown:
            raise SubmissionError(f"comments on cells that are not in this submission: {', '.join(unknown)}")
        before = _state(sub)
        if comment.strip():
            ReviewComment.objects.create(submission=sub, text=comment.strip(), author=actor.username)
        for code, text in cell_comments.items():
            ReviewComment.objects.create(submission=sub, variable=known[code], text=text, author=actor.username)
        sub.status, sub.decided_by, sub.decided_at = SubmissionStatus.RETURNED, actor.username, timezone.now()
        sub.save(update_fields=["status", "decided_by", "decided_at"])
        after = {**_state(sub), "comment": comment.strip(), "cell_comments": cell_comments}
        _audit(actor, "submission.return", sub, before, after)
    return _view(sub)


def approve(actor: Actor, submission_id: int | str, comment: str = "") -> SubmissionView:
    """submitted → approved; the values become approved observations (new versions where they changed)."""
    sub = _for_reviewer(actor, submission_id)
    with transaction.atomic():
        sub = _locked(sub)
        _require_status(sub, SubmissionStatus.SUBMITTED)
        before = _state(sub)
        if comment.strip():
            ReviewComment.objects.create(submission=sub, text=comment.strip(), author=actor.username)
        batch = _write_observations(sub, actor)
        sub.status, sub.decided_by, sub.decided_at = SubmissionStatus.APPROVED, actor.username, timezone.now()
        sub.batch = batch
        sub.save(update_fields=["status", "decided_by", "decided_at", "batch"])
        _audit(actor, "submission.approve", sub, before,
               {**_state(sub), "batch": batch.pk, "new_observation_versions": batch.new_versions})
    return _view(sub)


def _write_observations(sub: Submission, actor: Actor) -> ImportBatch:
    cells = [v for v in sub.values.select_related("variable") if v.value is not None]
    payload = json.dumps(sorted((c.variable.code, c.value, c.unit) for c in cells)).encode()
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=actor.user_id).first() if actor.user_id else None
    batch = ImportBatch.objects.create(file_name=f"{sub.label}"[:500], sha256=hashlib.sha256(payload).hexdigest(),
                                       row_count=len(cells), user=user)
    latest: dict[int, Observation] = {}
    for obs in Observation.objects.filter(region=sub.region, year=sub.period.year,
                                          variable_id__in=[c.variable_id for c in cells]).order_by("version"):
        latest[obs.variable_id] = obs
    new = []
    for c in cells:
        prev = latest.get(c.variable_id)
        if prev is not None and prev.value == c.value and prev.unit == c.unit and prev.status == ObservationStatus.APPROVED:
            continue
        new.append(Observation(region=sub.region, year=sub.period.year, variable_id=c.variable_id, value=c.value,
                               unit=c.unit, source=sub.label, note=c.explanation, status=ObservationStatus.APPROVED,
                               version=prev.version + 1 if prev else 1, supersedes=prev, recorded_by=user, batch=batch))
    Observation.objects.bulk_create(new)
    batch.new_versions, batch.unchanged = len(new), len(cells) - len(new)
    batch.save(update_fields=["new_versions", "unchanged"])
    return batch


def view_as_dict(view: SubmissionView) -> dict[str, Any]:
    return asdict(view)


# --- files: template download, upload as a background job ------------------------------------------

#: Largest upload accepted (bytes); a larger file is refused before it is read or stored.
#: Configurable: settings.ECER_UPLOAD_MAX_BYTES (documented in docs/collection.md).
DEFAULT_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
UPLOAD_SUFFIXES = (".xlsx", ".xlsm", ".csv")
UPLOAD_JOB = "collection.upload"


def upload_max_bytes() -> int:
    from django.conf import settings

    return int(getattr(settings, "ECER_UPLOAD_MAX_BYTES", DEFAULT_UPLOAD_MAX_BYTES))


def _expected(sub: Submission) -> Any:
    from ecer.services.submission_files import Expected

    return Expected(sub.region.code, sub.region.name_zh, sub.period.code, sub.period.year, submission_type(sub.kind))


def template(actor: Actor, submission_id: int | str) -> tuple[bytes, str]:
    """The XLSX template of a submission, filled with its current cells and the previous-year values."""
    from ecer.services.submission_files import TemplateRow, build_template

    sub = _visible(actor, submission_id)
    view = _view(sub)
    rows = [TemplateRow(c.variable, c.name_zh, c.name_en, c.unit, c.required, c.previous, c.value, c.explanation)
            for c in view.cells]
    title = f"{view.region_name_zh} {view.period} {view.kind_name_zh} / {view.kind_name_en} (#{view.id} v{view.version})"
    data = build_template(_expected(sub), rows, title)
    return data, f"ecer-{sub.region.code}-{sub.period.code}-{sub.kind}-v{sub.version}.xlsx"


def upload_file(actor: Actor, submission_id: int | str, file_name: str, size: int,
                read: Any) -> Any:
    """Queue an uploaded file for checking and filling the draft (a background job); returns the JobInfo.
    Refused at once (nothing stored) for a foreign submission, a non-draft, a closed period, a file type
    other than XLSX/CSV, or a file larger than `upload_max_bytes()`; `read()` is called only after that."""
    from ecer.services.jobs import start_job

    sub = _for_submitter(actor, submission_id)
    _require_status(sub, SubmissionStatus.DRAFT)
    _require_open_period(sub.period)
    suffix = "." + file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if suffix not in UPLOAD_SUFFIXES:
        raise SubmissionError(f"{file_name}: unsupported file type; upload the XLSX template or a CSV file")
    limit = upload_max_bytes()
    if size > limit:
        raise SubmissionError(f"{file_name}: {size / 1048576:.1f} MB is larger than the limit of "
                              f"{limit / 1048576:.0f} MB; nothing was stored")
    data = read()
    if len(data) > limit:
        raise SubmissionError(f"{file_name}: larger than the limit of {limit / 1048576:.0f} MB; nothing was stored")
    return start_job(UPLOAD_JOB, actor, {"submission_id": sub.pk, "actor": actor_params(actor)},
                     {f"upload{suffix}": data})


def apply_upload(actor: Actor, submission_id: int, path: str, progress: Any) -> dict[str, Any]:
    """The job's work: read and check the file as a whole; on any problem raise InputFileError (nothing
    stored); otherwise set the draft's cells in one transaction. `progress(done, total, message)`."""
    from pathlib import Path

    from ecer.services.submission_files import read_upload

    sub = _for_submitter(actor, submission_id)
    progress(0, 3, "读取文件 / reading the file")
    values = read_upload(Path(path), _expected(sub))
    progress(1, 3, "检查数据 / checking values")
    view = save_values(actor, sub.pk, values)
    progress(3, 3, "完成 / done")
    return {"submission_id": sub.pk, "cells": len(values), "hard": view.hard_count,
            "unexplained_soft": view.unexplained_soft_count}


#: The demo's reporting periods (code, year, deadline, closed): 2024 open, 2023 closed.
DEMO_PERIODS = (("2024", 2024, dt.date(2027, 3, 31), False), ("2023", 2023, dt.date(2024, 3, 31), True))


def ensure_demo_periods() -> list[ReportingPeriod]:
    """The illustrative reporting periods of `ecer demo` (示例): created once, left alone afterwards."""
    made = []
    for code, year, deadline, closed in DEMO_PERIODS:
        period, _ = ReportingPeriod.objects.get_or_create(code=code, defaults={
            "year": year, "deadline": deadline, "closed": closed, "name_zh": f"{year}年度数据填报（示例）",
            "name_en": f"statistics for {year} (illustrative)"})
        made.append(period)
    return made
