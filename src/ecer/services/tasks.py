"""Use case: task tracking (任务跟踪) of the plan's qualitative tasks, mechanisms and arrangements.

Who may do what (the one place it is decided; docs/task-tracking.md):

- read: the province's staff, auditors and the system see every task; a department (省直部门) sees
  the tasks it leads or co-leads (牵头/配合); city and enterprise users see none (the tasks are the
  province's departments' work, and a task's scores are per city: no city sees another's).
- report (milestones, status, self-assessment, evidence): a department that *reports* for the task
  — its lead departments, or, where the clause names no lead, every listed department (they share the
  duty per division of labour, docs/plan-format.md). Co-departments of a task with a lead read it.
- score: the province's reviewers (and administrators), once the year has a report. A score is
  points on the rubric measure item the task counts for (data/measure-items.csv), for one city or
  for every city of the province; a department sees only the scores' summary, no city's points.

Every change writes a `TaskEvent` and an audit-log entry in the same transaction. `recorded_measures`
turns the scores of a year into the measures part of `ecer assess` (ecer.services.assess).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import os
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ecer.services.actor import Actor, PermissionDenied, Role, require_role
from ecer.services.audit import record
from ecer.services.errors import InvalidRequest, NotFound
from ecer.services.source import DEFAULT_PLAN

READ_ROLES = (Role.PROVINCE_ADMIN, Role.PROVINCE_REVIEWER, Role.AUDITOR, Role.DEPARTMENT)
REPORT_ROLES = (Role.DEPARTMENT,)
SCORE_ROLES = (Role.PROVINCE_REVIEWER, Role.PROVINCE_ADMIN)
STATUSES = ("not_started", "on_track", "delayed", "done")
KINDS = ("task", "mechanism", "arrangement")
#: The rubric whose measure items the scores are given on (the assessment pages' and `ecer assess`' default).
RUBRIC = "classic-40-60"
#: Scoring "every city" at once: the value of the form's city field.
ALL_CITIES = "all"
STATUS_NAMES = {"not_started": ("未启动", "not started"), "on_track": ("按计划推进", "on track"),
                "delayed": ("滞后", "delayed"), "done": ("已完成", "done")}
KIND_NAMES = {"task": ("重点任务", "task"), "mechanism": ("政策机制", "mechanism"), "arrangement": ("工作安排", "arrangement")}


def status_name(code: str, lang: str = "zh") -> str:
    zh, en = STATUS_NAMES.get(code, (code, code))
    return en if lang == "en" else zh


def kind_name(code: str, lang: str = "zh") -> str:
    zh, en = KIND_NAMES.get(code, (code, code))
    return en if lang == "en" else zh


# --- catalogs ----------------------------------------------------------------------------------

@functools.lru_cache(maxsize=8)
def _plan_file(code: str) -> Any:
    """The plan file (lead vs co departments are told apart there; the stored task keeps them together)."""
    from ecer.plans import load_plan

    try:
        return load_plan(code)
    except (OSError, ValueError, LookupError):  # not a bundled plan: no lead known, every department reports
        return None


@functools.lru_cache(maxsize=1)
def measure_items() -> dict[tuple[str, str, str], str]:
    """(plan, task, rubric) → the rubric's measure item code, from data/measure-items.csv."""
    text = resources.files("ecer.tasks").joinpath("data/measure-items.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    return {(r["plan"], r["task"], r["rubric"]): r["item"] for r in rows}


@functools.lru_cache(maxsize=4)
def _rubric(code: str) -> Any:
    from ecer.core.assessment import load_rubric

    return load_rubric(code)


# --- views of a task -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Department:
    code: str
    name: str


@dataclass(frozen=True)
class TaskRow:
    id: int
    plan: str
    code: str
    kind: str
    kind_name: str
    clause: str
    title: str
    lead: list[Department]
    co: list[Department]
    year: int
    status: str
    status_name: str
    self_score: float | None
    scored: bool  # the province reviewer scored this year
    item: str  # the rubric measure item code ("" when unmapped)
    item_name: str


@dataclass(frozen=True)
class Evidence:
    id: int
    title: str
    file_name: str
    sha256: str
    size: int | None
    url: str
    added_by: str
    added_at: Any


@dataclass(frozen=True)
class Score:
    region_code: str
    region_name: str
    points: float
    max_points: float
    reviewer: str
    note: str
    scored_at: Any


ACTION_NAMES = {"report": ("报告", "report"), "evidence": ("佐证材料", "evidence"), "score": ("评分", "score")}


@dataclass(frozen=True)
class Event:
    action: str
    action_name: str
    username: str
    role: str
    before: Any
    after: Any
    at: Any


@dataclass(frozen=True)
class YearView:
    year: int
    milestones: list[str]
    status: str
    status_name: str
    self_assessment: str
    self_score: float | None
    reported_by: str
    department: str
    reported: bool
    evidence: list[Evidence]
    scores: list[Score]  # empty for a department: it sees the summary only
    scored_cities: int
    mean_points: float | None
    events: list[Event]


@dataclass(frozen=True)
class TaskDetail:
    task: TaskRow
    programme: str
    note: str
    item_max: float | None
    years: list[YearView]
    may_report: bool
    may_score: bool
    cities: list[tuple[str, str]] = field(default_factory=list)  # the score form's choices


def _lang_name(obj: Any, lang: str) -> str:
    return str((obj.name_en if lang == "en" else obj.name_zh) or obj.name_zh)


def _leads(task: Any) -> tuple[list[str], list[str]]:
    """Lead and co department codes of a stored task (lead from the plan file)."""
    listed = [d.code for d in task.departments.all()]
    plan = _plan_file(task.plan.code)
    entry = next((t for t in plan.tasks if t.code == task.code), None) if plan is not None else None
    if entry is None:
        return [], sorted(listed)
    lead = [c for c in entry.lead_departments if c in listed]
    return lead, [c for c in entry.co_departments if c in listed and c not in lead]


def _reporting(task: Any) -> set[str]:
    lead, co = _leads(task)
    return set(lead) if lead else set(co)


def _require_read(actor: Actor) -> None:
    require_role(actor, *READ_ROLES)


def _may_see(actor: Actor, task: Any) -> bool:
    if actor.role != Role.DEPARTMENT:
        return True
    lead, co = _leads(task)
    return actor.department_code is not None and actor.department_code in (*lead, *co)


def _may_report(actor: Actor, task: Any) -> bool:
    if actor.role == Role.SYSTEM:
        return True
    return actor.role in REPORT_ROLES and actor.department_code in _reporting(task)


def _may_score(actor: Actor) -> bool:
    return actor.role == Role.SYSTEM or actor.role in SCORE_ROLES


def _item(task: Any) -> tuple[str, str, float | None]:
    code = measure_items().get((task.plan.code, task.code, RUBRIC), "")
    for item in _rubric(RUBRIC).measures.items:
        if item.code == code:
            return code, item.name_zh, float(item.max_points)
    return "", "", None


def _row(task: Any, year: int, ty: Any, names: dict[str, str], lang: str) -> TaskRow:
    lead, co = _leads(task)
    code, item_zh, _ = _item(task)
    item_name = item_zh
    if code and lang == "en":
        item_name = next(i.name_en for i in _rubric(RUBRIC).measures.items if i.code == code)
    status = ty.status if ty else "not_started"
    return TaskRow(task.pk, task.plan.code, task.code, task.kind, kind_name(task.kind, lang), task.clause,
                   (task.title_en or task.title) if lang == "en" else task.title,
                   [Department(c, names.get(c, c)) for c in lead], [Department(c, names.get(c, c)) for c in co],
                   year, status, status_name(status, lang), ty.self_score if ty else None,
                   bool(ty and ty.scores.all()), code, item_name)


def _department_names(lang: str) -> dict[str, str]:
    from ecer.masterdata.models import Department as Dept

    return {d.code: _lang_name(d, lang) for d in Dept.objects.all()}


def department_name(code: str | None, lang: str = "zh") -> str:
    """A plan department's name ("" for none)."""
    return _department_names(lang).get(code, code) if code else ""


def _plan_years(plan: Any) -> range:
    return range(plan.base_year + 1, plan.target_year + 1)


def _plan(code: str) -> Any:
    from ecer.masterdata.models import Plan

    plan = Plan.objects.filter(code=code).first()
    if plan is None:
        raise NotFound(f"plan '{code}' is not loaded (ecer demo, or load the plan first)")
    return plan


def _year(plan: Any, year: int | None) -> int:
    years = _plan_years(plan)
    if year is None:  # the latest year that has begun: the plan's last year at the latest
        import datetime as dt

        return min(max(dt.date.today().year - 1, years.start), years.stop - 1)
    if year not in years:
        raise InvalidRequest(f"year {year}: the plan's years are {years.start}–{years.stop - 1}", param="year")
    return year


def list_tasks(*, actor: Actor, plan: str = DEFAULT_PLAN, department: str | None = None, kind: str | None = None,
               status: str | None = None, year: int | None = None, lang: str = "zh") -> list[TaskRow]:
    """The plan's tasks the actor may see, with the status of `year` (default: last year), filtered by
    department (lead or co), kind and status."""
    from ecer.tasks.models import TaskYear

    _require_read(actor)
    if kind and kind not in KINDS:
        raise InvalidRequest(f"kind '{kind}': one of {', '.join(KINDS)}", param="kind")
    if status and status not in STATUSES:
        raise InvalidRequest(f"status '{status}': one of {', '.join(STATUSES)}", param="status")
    row = _plan(plan)
    y = _year(row, year)
    tasks = row.tasks.prefetch_related("departments").select_related("plan").order_by("pk")
    if kind:
        tasks = tasks.filter(kind=kind)
    reports = {t.task_id: t for t in TaskYear.objects.filter(task__plan=row, year=y).prefetch_related("scores")}
    names = _department_names(lang)
    out = []
    for task in tasks:
        if not _may_see(actor, task):
            continue
        r = _row(task, y, reports.get(task.pk), names, lang)
        if department and department not in {d.code for d in (*r.lead, *r.co)}:
            continue
        if status and r.status != status:
            continue
        out.append(r)
    return out


#: Columns of the tasks workbook (key, Chinese, English header)
EXPORT_COLUMNS = (("code", "任务代码", "code"), ("clause", "条款", "clause"), ("kind", "类型", "type"),
                  ("title", "任务", "task"), ("lead", "牵头部门", "lead"), ("co", "配合部门", "co-responsible"),
                  ("year", "年份", "year"), ("status", "进展状态", "status"), ("self_score", "自评分", "self-score"),
                  ("scored", "省级已评分", "reviewed"), ("item", "对应考核措施项", "measure item"))


def export_tasks(*, actor: Actor, plan: str = DEFAULT_PLAN, department: str | None = None, kind: str | None = None,
                 status: str | None = None, year: int | None = None, lang: str = "zh") -> bytes:
    """The task list as the page shows it (same filters and scope) as an Excel workbook: one row per
    task with its year's status, names in `lang`, text cells neutralised against formula injection."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    from ecer.services.spreadsheet_safety import neutralise_cell

    rows = list_tasks(actor=actor, plan=plan, department=department, kind=kind, status=status, year=year, lang=lang)
    en = lang == "en"
    sep = ", " if en else "、"
    book = Workbook()
    sheet = book.active
    sheet.title = "tasks" if en else "任务跟踪"
    sheet.append([c[2] if en else c[1] for c in EXPORT_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r in rows:
        values = {"code": r.code, "clause": r.clause, "kind": r.kind_name, "title": r.title,
                  "lead": sep.join(d.name for d in r.lead), "co": sep.join(d.name for d in r.co), "year": r.year,
                  "status": r.status_name, "self_score": r.self_score,
                  "scored": ("yes" if en else "是") if r.scored else ("no" if en else "否"), "item": r.item_name}
        sheet.append([neutralise_cell(values[c[0]]) for c in EXPORT_COLUMNS])
    for letter, width in zip("ABCDEFGHIJK", (30, 10, 10, 50, 24, 36, 8, 12, 8, 10, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _task(task_id: int, actor: Actor) -> Any:
    from ecer.masterdata.models import PlanTask

    _require_read(actor)
    task = PlanTask.objects.select_related("plan").prefetch_related("departments").filter(pk=task_id).first()
    if task is None or not _may_see(actor, task):  # another department's task: as if it did not exist
        raise NotFound(f"no task {task_id}")
    return task


def _cities(plan: Any) -> list[Any]:
    """The cities of the plan's region (those the assessment scores), in the region tree's order."""
    from ecer.masterdata.models import Region
    from ecer.masterdata.services.plans import plan_region

    plan_file = _plan_file(plan.code)
    return list(Region.objects.get_children(plan_region(plan_file))) if plan_file is not None else []


def _event_view(e: Any, actor: Actor, lang: str) -> Event:
    # A department sees that its task was scored, not any city's points.
    hide = actor.role == Role.DEPARTMENT and e.action == "score"
    zh, en = ACTION_NAMES.get(e.action, (e.action, e.action))
    return Event(e.action, en if lang == "en" else zh, e.username, e.role, None if hide else e.before,
                 None if hide else e.after, e.at)


def plan_years(plan: str = DEFAULT_PLAN) -> list[int]:
    """The years a task can be reported for: the plan's years after its base year."""
    return list(_plan_years(_plan(plan)))


def task_detail(task_id: int, *, actor: Actor, lang: str = "zh") -> TaskDetail:
    """One task with every year of the plan: milestones, status, self-assessment, evidence, scores, history."""
    from ecer.tasks.models import TaskYear

    task = _task(task_id, actor)
    names = _department_names(lang)
    regions = {c.code: _lang_name(c, lang) for c in _cities(task.plan)}
    stored = {t.year: t for t in TaskYear.objects.filter(task=task).prefetch_related(
        "evidence", "scores__region", "events").select_related("department")}
    years = []
    for y in _plan_years(task.plan):
        ty = stored.get(y)
        scores = [Score(s.region.code, regions.get(s.region.code, _lang_name(s.region, lang)), s.points, s.max_points,
                        s.reviewer, s.note, s.scored_at) for s in ty.scores.all()] if ty else []
        points = [s.points for s in scores]
        years.append(YearView(
            y, [m for m in (ty.milestones.splitlines() if ty else []) if m.strip()],
            ty.status if ty else "not_started", status_name(ty.status if ty else "not_started", lang),
            ty.self_assessment if ty else "", ty.self_score if ty else None, ty.reported_by if ty else "",
            names.get(ty.department.code, "") if ty and ty.department else "", bool(ty and ty.reported_by),
            [Evidence(e.pk, e.title, e.file_name, e.sha256, e.size, e.url, e.added_by, e.added_at)
             for e in ty.evidence.all()] if ty else [],
            [] if actor.role == Role.DEPARTMENT else scores, len({s.region_code for s in scores}),
            sum(points) / len(points) if points else None,
            [_event_view(e, actor, lang) for e in ty.events.all()] if ty else []))
    _, _, item_max = _item(task)
    programme = ""
    entry = None
    plan_file = _plan_file(task.plan.code)
    if plan_file is not None:
        entry = next((t for t in plan_file.tasks if t.code == task.code), None)
    if entry is not None and entry.programme:
        p = next((p for p in plan_file.programmes if p.code == entry.programme), None)
        programme = (p.name_en if lang == "en" else p.name_zh) if p else entry.programme
    may_score = _may_score(actor)
    cities = [(c, n) for c, n in regions.items()] if may_score else []
    return TaskDetail(_row(task, _year(task.plan, None), stored.get(_year(task.plan, None)), names, lang), programme,
                      (entry.note or "") if entry else "", item_max, years, _may_report(actor, task), may_score, cities)


# --- changes -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Upload:
    """An evidence file as received: name and bytes (the adapters check the size first: `read_upload`)."""

    name: str
    data: bytes


def read_upload(name: str, size: int, read: Any) -> Upload:
    """An uploaded evidence file, refused before reading when larger than the upload limit
    (settings.ECER_UPLOAD_MAX_BYTES, the collection's, docs/collection.md)."""
    from ecer.services.submissions import upload_max_bytes

    limit = upload_max_bytes()
    if size > limit:
        raise InvalidRequest(f"{name}: {size:,} bytes; an evidence file may have at most {limit:,}", param="file")
    return Upload(os.path.basename(name) or "evidence", bytes(read()))


def evidence_dir() -> Path:
    from ecer.config import data_dir

    return data_dir() / "tasks" / "evidence"


def _store(upload: Upload) -> tuple[str, int]:
    """Store the file by its sha256 (content-addressed: the same file is stored once; a file left
    by a transaction that rolled back is harmless, nothing points at it)."""
    sha = hashlib.sha256(upload.data).hexdigest()
    path = evidence_dir() / sha[:2] / sha
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(upload.data)
        tmp.replace(path)
    return sha, len(upload.data)


def _snapshot(ty: Any) -> dict[str, Any]:
    return {"milestones": ty.milestones, "status": ty.status, "self_assessment": ty.self_assessment,
            "self_score": ty.self_score}


def _event(ty: Any, actor: Actor, action: str, before: Any, after: Any) -> None:
    from ecer.tasks.models import TaskEvent

    TaskEvent.objects.create(task_year=ty, action=action, username=actor.username, role=str(actor.role),
                             before=before, after=after)
    record(actor, f"task.{action}", "task_year", f"{ty.task.plan.code}:{ty.task.code}:{ty.year}", before, after)


def report(task_id: int, year: int, *, actor: Actor, status: str, milestones: str = "", self_assessment: str = "",
           self_score: float | None = None, evidence_title: str = "", upload: Upload | None = None,
           url: str = "") -> YearView:
    """The responsible department's report of a task's year: status, milestones, self-assessment and,
    optionally, one piece of evidence (a file or a link). A status of `done` needs evidence (on record
    or given now). Raises PermissionDenied (not a reporting department), InvalidRequest."""
    from django.db import transaction

    from ecer.masterdata.models import Department as Dept
    from ecer.tasks.models import TaskEvidence, TaskYear

    task = _task(task_id, actor)
    if actor.is_read_only or not _may_report(actor, task):
        raise PermissionDenied(f"{actor.username} does not report for task {task.code}: "
                               f"its reporting departments are {', '.join(sorted(_reporting(task))) or 'none'}")
    y = _year(task.plan, year)
    if status not in STATUSES:
        raise InvalidRequest(f"status '{status}': one of {', '.join(STATUSES)}", param="status")
    if self_score is not None and not 0 <= self_score <= 100:
        raise InvalidRequest(f"self-score {self_score:g}: between 0 and 100", param="self_score")
    url = url.strip()
    if url and not url.startswith(("http://", "https://")):
        raise InvalidRequest(f"'{url}': an evidence link starts with http:// or https://", param="url")
    has_new = upload is not None or bool(url)
    if upload is not None and not upload.data:
        raise InvalidRequest(f"{upload.name}: the file is empty", param="file")
    with transaction.atomic():
        ty, created = TaskYear.objects.select_for_update().get_or_create(task=task, year=y)
        if status == "done" and not has_new and not ty.evidence.exists():
            raise InvalidRequest("a task reported done needs evidence: attach a file or a link", param="file")
        before = None if created else _snapshot(ty)
        # a browser's form sends CRLF: stored with LF, so the history shows the lines as typed
        ty.status = status
        ty.milestones = "\n".join(m.strip() for m in milestones.splitlines() if m.strip())
        ty.self_assessment = self_assessment.replace("\r\n", "\n").strip()
        ty.self_score = self_score
        ty.reported_by = actor.username
        ty.department = Dept.objects.filter(code=actor.department_code).first() if actor.department_code else None
        ty.save()
        _event(ty, actor, "report", before, _snapshot(ty))
        if has_new:
            title = evidence_title.strip() or (upload.name if upload else url)
            sha, size = _store(upload) if upload else ("", None)
            ev = TaskEvidence.objects.create(task_year=ty, title=title[:300], file_name=upload.name if upload else "",
                                             sha256=sha, size=size, url=url, added_by=actor.username)
            _event(ty, actor, "evidence", None, {"id": ev.pk, "title": ev.title, "file": ev.file_name,
                                                 "sha256": sha, "size": size, "url": url})
    return next(v for v in task_detail(task.pk, actor=actor).years if v.year == y)


def evidence_file(evidence_id: int, *, actor: Actor) -> tuple[Path, str]:
    """(stored path, original name) of an evidence file the actor may read."""
    from ecer.tasks.models import TaskEvidence

    ev = TaskEvidence.objects.select_related("task_year").filter(pk=evidence_id).first()
    if ev is None or not ev.sha256:
        raise NotFound(f"no evidence file {evidence_id}")
    _task(ev.task_year.task_id, actor)
    path = evidence_dir() / ev.sha256[:2] / ev.sha256
    if not path.is_file():
        raise NotFound(f"evidence file {evidence_id} ({ev.file_name}) is missing from the data directory")
    return path, ev.file_name


def score(task_id: int, year: int, *, actor: Actor, region: str, points: float, note: str = "") -> list[Score]:
    """The province reviewer's score of a task's year: `points` on the task's rubric measure item, for
    city `region` or every city (`all`). Scoring again replaces the reviewer's earlier score (kept in
    the history). Raises PermissionDenied (not a province reviewer), InvalidRequest."""
    import math

    from django.db import transaction

    from ecer.tasks.models import TaskScore, TaskYear

    task = _task(task_id, actor)
    if actor.is_read_only or not _may_score(actor):
        raise PermissionDenied(f"{actor.username} ({actor.role}) may not score tasks; needs "
                               f"{', '.join(SCORE_ROLES)}")
    y = _year(task.plan, year)
    item, _, item_max = _item(task)
    if item_max is None:
        raise InvalidRequest(f"task {task.code} counts for no measure item of {RUBRIC} (data/measure-items.csv)",
                             param="task")
    if not math.isfinite(points) or not 0 <= points <= item_max:
        raise InvalidRequest(f"{points:g} points: between 0 and the item's maximum {item_max:g}", param="points")
    cities = {c.code: c for c in _cities(task.plan)}
    if region != ALL_CITIES and region not in cities:
        raise InvalidRequest(f"region '{region}' is not a city of the plan's province", param="region")
    targets = list(cities.values()) if region == ALL_CITIES else [cities[region]]
    with transaction.atomic():
        ty = TaskYear.objects.select_for_update().filter(task=task, year=y).first()
        if ty is None or not ty.reported_by:
            raise InvalidRequest(f"task {task.code} has no report for {y} yet: nothing to score", param="year")
        for city in targets:
            old = TaskScore.objects.filter(task_year=ty, region=city, rubric=RUBRIC, reviewer=actor.username).first()
            before = {"region": city.code, "points": old.points, "note": old.note} if old else None
            TaskScore.objects.update_or_create(task_year=ty, region=city, rubric=RUBRIC, reviewer=actor.username,
                                               defaults={"item": item, "points": points, "max_points": item_max,
                                                         "note": note.strip()})
            _event(ty, actor, "score", before, {"region": city.code, "item": item, "points": points,
                                                "max": item_max, "note": note.strip()})
    return next(v for v in task_detail(task.pk, actor=actor).years if v.year == y).scores


# --- into the assessment -------------------------------------------------------------------------

def scores_stamp() -> str:
    """Changes whenever a score is recorded (the assessment pages' cache key)."""
    from django.db.models import Count, Max

    from ecer.tasks.models import TaskScore

    agg = TaskScore.objects.aggregate(n=Count("pk"), at=Max("scored_at"))
    return f"{agg['n']}:{agg['at']}"


def recorded_measures(year: int, rubric: Any, plan: str = DEFAULT_PLAN,
                      regions: set[str] | None = None) -> list[Any]:
    """The recorded task scores of `year` as measures rows (ecer.core.assessment.MeasureScore): per city,
    item and reviewer the mean of that reviewer's scores of the tasks counting for the item. `item` is
    the rubric item's Chinese name (as in a scores file), `note` names the tasks, `row` is 0."""
    from ecer.core.assessment import MeasureScore
    from ecer.tasks.models import TaskScore

    items = {i.code: i for i in rubric.measures.items}
    found = TaskScore.objects.filter(task_year__year=year, task_year__task__plan__code=plan, rubric=rubric.code,
                                     item__in=list(items)).select_related("region", "task_year__task")
    grouped: dict[tuple[str, str, str], list[Any]] = defaultdict(list)
    for s in found:
        if regions is None or s.region.code in regions:
            grouped[(s.region.code, s.item, s.reviewer)].append(s)
    out = []
    for (region, item, reviewer), rows in sorted(grouped.items()):
        tasks = ", ".join(sorted(r.task_year.task.code for r in rows))
        out.append(MeasureScore(region, items[item].name_zh, round(sum(r.points for r in rows) / len(rows), 10),
                                float(items[item].max_points), reviewer, f"任务跟踪 recorded task scores: {tasks}", 0))
    return out
