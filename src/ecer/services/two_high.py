"""Use case: the 两高一低 register (plan §四(三)): the projects of 两高 industries, each classified by
`ecer.core.two_high` against the criteria catalog (high energy use / high emissions / low level), its
approvals, assessment and decision; summaries by city and by industry; each new project (planned or under
construction) checked against its city's energy-use budget and total-consumption light; Excel export.

Scope (the one rule): the province's staff and auditors read every region, a city's staff their regions;
an enterprise reporter and a provincial department (bound to no region) are refused. The province's
administrators and a city's operators record decisions, each within their regions.

Budget check: the energy-use budget and the light are the progress report's total-consumption row
(`energy_total_control`: budget, assessed consumption, light) of the city in the latest year with data.
`city_budget` is the hook for a per-city energy-use budget register: when one is available it is
asked first (docs/two-high.md).
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ecer.core.two_high import LEVEL_NAMES, BudgetCheck, Classification, budget_check, classify
from ecer.services.actor import Actor, Role, require_role, visible_region_codes
from ecer.services.errors import InvalidRequest, NotFound

PLAN = "sichuan-14fyp"
READERS = (Role.PROVINCE_ADMIN, Role.PROVINCE_REVIEWER, Role.AUDITOR, Role.CITY_OPERATOR, Role.CITY_REVIEWER)
DECIDERS = (Role.PROVINCE_ADMIN, Role.CITY_OPERATOR)
POLLUTANTS = {"so2": ("二氧化硫", "SO₂"), "nox": ("氮氧化物", "NOx"), "pm": ("颗粒物", "particulates"),
              "voc": ("挥发性有机物", "VOCs"), "cod": ("化学需氧量", "COD"), "nh3n": ("氨氮", "NH₃-N")}
NEW_STAGES = ("planned", "under_construction")
DECISIONS = ("continue", "rectify", "stop")


@dataclass(frozen=True)
class Row:
    code: str
    name: str
    region_code: str
    region_name: str
    city_code: str
    owner_name: str
    owner_credit_code: str
    industry_code: str
    industry_name: str
    sector: str
    product: str
    stage: str
    stage_name: str
    energy_review: str
    energy_review_name: str
    energy_review_ref: str
    eia: str
    eia_name: str
    eia_ref: str
    energy_tce_per_year: float
    emissions_t_per_year: dict[str, float]
    emissions_total_t: float
    unit_energy: float | None
    unit_energy_unit: str
    baseline_level: float | None
    benchmark_level: float | None
    level: str
    level_name: str
    two_high: bool
    two_high_one_low: bool
    classification: str  # the reasons, one line
    assessment: str
    decision: str
    decision_name: str
    deadline: dt.date | None
    overdue: bool  # a rectify/stop deadline passed
    decision_note: str
    approvals_missing: bool  # built or building without an approved review or EIA
    budget: BudgetCheck | None  # new projects only
    is_illustrative: bool


@dataclass(frozen=True)
class Summary:
    key: str
    name: str
    projects: int
    two_high: int
    two_high_one_low: int
    new: int
    energy_tce_per_year: float
    emissions_total_t: float
    needs_offset: int  # new projects whose city budget or light does not allow them as they are
    rectify: int
    stop: int


@dataclass(frozen=True)
class Register:
    rows: list[Row]
    by_city: list[Summary]
    by_industry: list[Summary]
    budget_year: int | None
    criteria: list[dict[str, Any]]
    may_decide: bool


def _t(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def _require_read(actor: Actor) -> None:
    require_role(actor, *READERS)


def _scoped(actor: Actor) -> Any:
    from ecer.twohigh.models import TwoHighProject

    projects = TwoHighProject.objects.all()
    visible = visible_region_codes(actor)
    return projects if visible is None else projects.filter(region_code__in=visible)


def city_of(region_code: str) -> str:
    return region_code[:4] + "00" if len(region_code) == 6 else region_code


def city_budget(city: str, year: int) -> tuple[float, float] | None:
    """Hook: (budget, consumption) in 10⁴ tce of a city's energy-use budget register, when there is one.
    None today: the progress report's total-consumption row is used (see the module doc)."""
    return None


def _budget_rows(year: int | None) -> dict[str, Any]:
    """city → the progress report's total-consumption row of `year` (the system's view: the caller
    shows it only with a project the actor may see)."""
    if year is None:
        return {}
    from ecer.services.dashboard.cache import cached_report

    try:
        report = cached_report(PLAN, year)
    except Exception:  # noqa: BLE001 - no data for the year: the check says "not checked"
        return {}
    return {r.region_code: r for r in report.rows if r.target_code == "energy_total_control" and r.status in
            ("ok", "exempt")}


def _latest_year() -> int | None:
    from ecer.services.dashboard.common import context

    try:
        years = context(PLAN).years
    except Exception:  # noqa: BLE001 - no plan loaded or no data
        return None
    return max(years) if years else None


def _check(project: Any, year: int | None, rows: dict[str, Any]) -> BudgetCheck:
    city = city_of(project.region_code)
    own = city_budget(city, year) if year else None
    if own is not None:
        row = rows.get(city)
        return budget_check(project.energy_tce_per_year, year, row.light if row else None, own[0], own[1])
    row = rows.get(city)
    if row is None:
        return budget_check(project.energy_tce_per_year, year, None, None, None)
    return budget_check(project.energy_tce_per_year, year, row.light, row.required, row.actual)


def _row(p: Any, c: Classification, budget: BudgetCheck | None, names: dict[str, str], lang: str,
         today: dt.date) -> Row:
    from ecer.catalogs.industries import load_industries
    from ecer.catalogs.two_high import load_two_high_criteria
    from ecer.twohigh.models import Approval, Decision, Stage

    industry = load_industries().get(p.industry_code[:2])
    crit = load_two_high_criteria().get(p.industry_code[:2])
    emissions = {k: float(v) for k, v in p.emissions_t_per_year.items()}
    built = p.stage in ("under_construction", "in_operation")
    missing = built and (p.energy_review not in ("approved", "not_required") or p.eia not in ("approved", "not_required"))
    zh, en = LEVEL_NAMES[c.level]
    return Row(
        p.code, p.name, p.region_code, names.get(p.region_code, p.region_code), city_of(p.region_code), p.owner_name,
        p.owner_credit_code, p.industry_code, industry.name_zh if industry else "", crit.sector_zh if crit else "",
        p.product, p.stage, str(Stage(p.stage).label), p.energy_review, str(Approval(p.energy_review).label),
        p.energy_review_ref, p.eia, str(Approval(p.eia).label), p.eia_ref, p.energy_tce_per_year, emissions,
        sum(emissions.values()), p.unit_energy, p.unit_energy_unit, p.baseline_level, p.benchmark_level, c.level.value,
        en if lang == "en" else zh, c.two_high, c.two_high_one_low,
        "；".join(c.reasons_zh) if lang != "en" else "; ".join(c.reasons_en), p.assessment, p.decision,
        str(Decision(p.decision).label), p.deadline,
        bool(p.decision in ("rectify", "stop") and p.deadline and p.deadline < today), p.decision_note, missing,
        budget, p.is_illustrative)


def register(*, actor: Actor, city: str | None = None, industry: str | None = None, stage: str | None = None,
             only_two_high_one_low: bool = False, lang: str = "zh", today: dt.date | None = None) -> Register:
    """The projects the actor may see (filtered), classified, with the summaries and budget checks."""
    from ecer.catalogs.two_high import load_two_high_criteria
    from ecer.core.two_high import BudgetVerdict
    from ecer.services.regions import region_names
    from ecer.twohigh.models import Stage

    _require_read(actor)
    if stage and stage not in Stage.values:
        raise InvalidRequest(f"stage '{stage}': one of {', '.join(Stage.values)}", param="stage")
    today = today or dt.date.today()
    criteria = load_two_high_criteria()
    projects = _scoped(actor)
    if city:
        projects = projects.filter(region_code__startswith=city[:4])
    if industry:
        projects = projects.filter(industry_code__startswith=industry[:2])
    if stage:
        projects = projects.filter(stage=stage)
    projects = list(projects)
    year = _latest_year() if any(p.stage in NEW_STAGES for p in projects) else None
    budget_rows = _budget_rows(year)
    names = region_names({p.region_code for p in projects} | {city_of(p.region_code) for p in projects}, lang)
    rows = []
    for p in projects:
        c = classify(p.industry_code[:2], p.energy_tce_per_year, p.emissions_t_per_year, p.unit_energy,
                     p.baseline_level, p.benchmark_level, criteria)
        budget = _check(p, year, budget_rows) if p.stage in NEW_STAGES and c.two_high else None
        rows.append(_row(p, c, budget, names, lang, today))
    if only_two_high_one_low:
        rows = [r for r in rows if r.two_high_one_low]

    def summarise(key_of: Any, name_of: Any) -> list[Summary]:
        groups: dict[str, list[Row]] = defaultdict(list)
        for r in rows:
            groups[key_of(r)].append(r)
        return [Summary(k, name_of(k, rs), len(rs), sum(r.two_high for r in rs), sum(r.two_high_one_low for r in rs),
                        sum(r.stage in NEW_STAGES for r in rs), sum(r.energy_tce_per_year for r in rs),
                        sum(r.emissions_total_t for r in rs),
                        sum(1 for r in rs if r.budget and r.budget.verdict is BudgetVerdict.NEEDS_OFFSET),
                        sum(r.decision == "rectify" for r in rs), sum(r.decision == "stop" for r in rs))
                for k, rs in sorted(groups.items())]
    by_city = summarise(lambda r: r.city_code, lambda k, rs: names.get(k, k))
    by_industry = summarise(lambda r: r.industry_code[:2], lambda k, rs: f"{rs[0].sector or rs[0].industry_name}（{k}）")
    crit_rows = [{"industry": c.industry, "sector": c.sector_zh, "energy_tce": c.energy_tce, "emissions_t": c.emissions_t,
                  "status": c.status, "source": c.source} for c in criteria.values()]
    return Register(rows, by_city, by_industry, year, crit_rows, may_decide(actor))


def may_decide(actor: Actor) -> bool:
    return actor.role in DECIDERS or actor.role == Role.SYSTEM


def decide(code: str, *, actor: Actor, decision: str, deadline: dt.date | None, note: str = "") -> Any:
    """Record the decision on a project (continue / rectify / stop; rectify and stop need a deadline),
    audit-logged. A project outside the actor's regions is 'not found'."""
    from django.utils import timezone

    from ecer.services.audit import record

    require_role(actor, *DECIDERS)
    project = _scoped(actor).filter(code=code).first()
    if project is None:
        raise NotFound(f"no 两高 project {code} you may see")
    if decision not in DECISIONS:
        raise InvalidRequest(f"decision '{decision}': one of {', '.join(DECISIONS)}", param="decision")
    if decision in ("rectify", "stop") and deadline is None:
        raise InvalidRequest(f"a '{decision}' decision needs a deadline (YYYY-MM-DD)", param="deadline")
    before = {"decision": project.decision, "deadline": project.deadline.isoformat() if project.deadline else None}
    project.decision, project.deadline, project.decision_note = decision, deadline, note[:300]
    project.decided_by, project.decided_at = actor.username, timezone.now()
    project.save()
    record(actor, "two_high.decide", "two_high", code, before=before,
           after={"decision": decision, "deadline": deadline.isoformat() if deadline else None, "note": note})
    return project


EXPORT_COLUMNS = (
    ("code", "项目代码", "code"), ("name", "项目名称", "name"), ("region_name", "地区", "region"),
    ("owner_name", "建设单位", "owner"), ("owner_credit_code", "统一社会信用代码", "credit code"),
    ("industry", "行业", "industry"), ("product", "主要产品", "product"), ("stage_name", "阶段", "stage"),
    ("energy_review_name", "节能审查", "energy-saving review"), ("energy_review_ref", "节能审查文号", "review document"),
    ("eia_name", "环评", "EIA"), ("eia_ref", "环评批复文号", "EIA document"),
    ("energy_tce_per_year", "年综合能耗（吨标准煤）", "energy use (tce/yr)"),
    ("emissions", "主要污染物排放（吨/年）", "emissions (t/yr)"), ("level_name", "能效水平", "level"),
    ("two_high", "两高", "两高"), ("two_high_one_low", "两高一低", "两高一低"), ("classification", "判定依据", "why"),
    ("assessment", "评估结论", "assessment"), ("decision_name", "处置决定", "decision"), ("deadline", "期限", "deadline"),
    ("budget", "用能预算校核", "budget check"), ("illustrative", "示例", "illustrative"))


def export_register(*, actor: Actor, lang: str = "zh", **filters: Any) -> bytes:
    """The register as the page shows it (same scope and filters) as an Excel workbook, plus the sheets
    by city and by industry; text cells neutralised."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from ecer.services.spreadsheet_safety import neutralise_cell

    reg = register(actor=actor, lang=lang, **filters)
    en = lang == "en"
    yes, no = ("yes", "") if en else ("是", "")
    book = Workbook()
    sheet = book.active
    sheet.title = "两高一低" if not en else "two-high"
    sheet.append([c[2] if en else c[1] for c in EXPORT_COLUMNS])
    for r in reg.rows:
        values = {**r.__dict__, "industry": f"{r.industry_code} {r.industry_name}",
                  "emissions": ", ".join(f"{POLLUTANTS.get(k, (k, k))[1 if en else 0]} {v:g}"
                                         for k, v in r.emissions_t_per_year.items()),
                  "two_high": yes if r.two_high else no, "two_high_one_low": yes if r.two_high_one_low else no,
                  "deadline": r.deadline.isoformat() if r.deadline else "",
                  "budget": (r.budget.text_en if en else r.budget.text_zh) if r.budget else "",
                  "illustrative": ("illustrative" if en else "示例") if r.is_illustrative else ""}
        sheet.append([neutralise_cell(values[c[0]]) for c in EXPORT_COLUMNS])
    for title, summaries in ((_t(lang, "分地区", "by city"), reg.by_city), (_t(lang, "分行业", "by industry"), reg.by_industry)):
        ws = book.create_sheet(title)
        ws.append([_t(lang, "分组", "group"), _t(lang, "项目数", "projects"), _t(lang, "两高", "两高"),
                   _t(lang, "两高一低", "两高一低"), _t(lang, "新建（拟建、在建）", "new"),
                   _t(lang, "年综合能耗（吨标准煤）", "energy (tce/yr)"), _t(lang, "主要污染物（吨/年）", "emissions (t/yr)"),
                   _t(lang, "需落实替代", "need an offset"), _t(lang, "整改", "rectify"), _t(lang, "停止", "stop")])
        for s in summaries:
            ws.append([neutralise_cell(s.name), s.projects, s.two_high, s.two_high_one_low, s.new,
                       s.energy_tce_per_year, s.emissions_total_t, s.needs_offset, s.rectify, s.stop])
    for ws in book.worksheets:
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- demo --------------------------------------------------------------------------------------------

def seed_demo_register() -> int:
    """The illustrative register (示例, invented projects: ecer/demo/data/two-high-projects.csv).
    Idempotent: a project already stored is left as it is. Returns the number created."""
    import csv
    import json
    from importlib import resources

    from ecer.twohigh.models import TwoHighProject

    path = resources.files("ecer.demo").joinpath("data", "two-high-projects.csv")
    created = 0
    for row in csv.DictReader(path.read_text(encoding="utf-8").splitlines()):
        if TwoHighProject.objects.filter(code=row["code"]).exists():
            continue

        def num(key: str, row: dict[str, str] = row) -> float | None:
            return float(row[key]) if row.get(key) else None
        TwoHighProject.objects.create(
            code=row["code"], name=row["name"], region_code=row["region_code"], owner_name=row["owner_name"],
            owner_credit_code=row["owner_credit_code"], industry_code=row["industry_code"], product=row["product"],
            stage=row["stage"], energy_review=row["energy_review"], energy_review_ref=row["energy_review_ref"],
            eia=row["eia"], eia_ref=row["eia_ref"], energy_tce_per_year=float(row["energy_tce_per_year"]),
            emissions_t_per_year=json.loads(row["emissions"]), unit_energy=num("unit_energy"),
            unit_energy_unit=row["unit_energy_unit"], baseline_level=num("baseline_level"),
            benchmark_level=num("benchmark_level"), level_source=row["level_source"], assessment=row["assessment"],
            decision=row["decision"], deadline=dt.date.fromisoformat(row["deadline"]) if row["deadline"] else None,
            decision_note=row["decision_note"], is_illustrative=True)
        created += 1
    return created


