"""Reports (通报/报告) from the services' results: the quarterly barometer bulletin (晴雨表通报),
the annual progress report and the assessment results, as Word, PDF or Excel.

The figures come from the same services as the pages (overview, assessment), for the same actor, so
a city's report holds its own regions only and every figure equals what its pages show. The
document model and the renderers are `ecer.reports`; this module decides what goes in."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ecer import __version__
from ecer.reports.document import Bar, Chart, Document, Section, Table
from ecer.services.actor import Actor, actor_params
from ecer.services.errors import InvalidRequest
from ecer.services.source import DEFAULT_PLAN

KINDS = ("barometer", "annual", "assessment")
FORMATS = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "pdf": "application/pdf",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
ENV_ISSUER = "ECER_REPORT_ISSUER"
#: The job kind that generates a report in the background.
REPORT_JOB = "reports.generate"


@dataclass(frozen=True)
class Request:
    kind: str
    year: int
    fmt: str
    quarter: int | None = None
    plan_code: str = DEFAULT_PLAN
    lang: str = "zh"

    def check(self) -> None:
        if self.kind not in KINDS:
            raise InvalidRequest(f"unknown report kind {self.kind!r} (known: {', '.join(KINDS)})", param="kind")
        if self.fmt not in FORMATS:
            raise InvalidRequest(f"unknown format {self.fmt!r} (known: {', '.join(FORMATS)})", param="format")
        if self.quarter is not None and self.quarter not in (1, 2, 3, 4):
            raise InvalidRequest(f"quarter must be 1–4, not {self.quarter}", param="quarter")
        if not 1900 <= self.year <= 2200:
            raise InvalidRequest(f"year {self.year} is out of range", param="year")

    def file_name(self) -> str:
        q = f"-Q{self.quarter}" if self.quarter else ""
        return f"ecer-{self.kind}-{self.year}{q}.{self.fmt}"


def _t(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def issuer(province: str, lang: str) -> str:
    configured = os.environ.get(ENV_ISSUER, "").strip()
    if configured:
        return configured
    return _t(lang, f"{province}节能减排工作领导小组办公室", f"{province} Energy Conservation and Emission Reduction Office")


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _unit(code: str, lang: str) -> str:
    from ecer.accounting.report import unit_name
    from ecer.catalogs.units import load_units

    return unit_name(code, lang, load_units())


def _overviews(req: Request, actor: Actor) -> list[Any]:
    from ecer.services.dashboard.overview import overview

    first = overview(req.plan_code, year=req.year, actor=actor, lang=req.lang)  # refuses a year without data
    others = [overview(req.plan_code, indicator=code, year=req.year, actor=actor, lang=req.lang)
              for code, _ in first.indicators if code != first.indicator.code]
    return [first, *others]


def _ranking_table(ov: Any, lang: str, sheet: str, *, in_document: bool = True) -> Table:
    unit = _unit(ov.ranking[0].unit, lang) if ov.ranking else ""
    headers = [_t(lang, "排名", "Rank"), _t(lang, "地区", "Region"), _t(lang, f"实际（{unit}）", f"Actual ({unit})"),
               _t(lang, f"要求（{unit}）", f"Required ({unit})"), _t(lang, "差距", "Gap"),
               _t(lang, "完成率（%）", "Completion (%)"), _t(lang, "晴雨表", "Barometer")]
    rows: list[list[Any]] = [[n, c.name, c.actual, c.required, c.gap, _pct(c.completion_pct), c.level.label]
                             for n, c in enumerate(ov.ranking, start=1)]
    return Table(_t(lang, f"{ov.indicator.name(lang)}：各地区按差距排序", f"{ov.indicator.name(lang)}: regions by gap"),
                 headers, rows, sheet, in_document=in_document)


def _completion_chart(ov: Any, lang: str) -> Chart | None:
    bars = [Bar(c.name, c.completion_pct, c.level.colour) for c in ov.ranking if c.completion_pct is not None]
    if not bars:
        return None
    return Chart(_t(lang, f"{ov.indicator.name(lang)}完成率", f"{ov.indicator.name(lang)}: completion"), bars,
                 _t(lang, "完成率（%），虚线为100%", "completion (%), dashed line: 100 %"), reference=100.0)


def _counts_table(overviews: list[Any], lang: str) -> Table:
    levels: dict[str, str] = {}  # code → label, in order of first appearance
    for ov in overviews:
        for lv, _ in ov.counts:
            levels.setdefault(lv.code, lv.label)
    headers = [_t(lang, "指标", "Indicator"), *levels.values()]
    rows: list[list[Any]] = []
    for ov in overviews:
        counted = {lv.code: n for lv, n in ov.counts}
        rows.append([ov.indicator.name(lang), *(counted.get(code, 0) for code in levels)])
    return Table(_t(lang, "各指标晴雨表等级地区数", "Regions per barometer level, by indicator"), headers, rows,
                 _t(lang, "等级统计", "Levels"))


def _reds(overviews: list[Any], lang: str) -> list[str]:
    out = []
    for ov in overviews:
        for c in ov.ranking:
            if c.level.code == "red":
                out.append(f"{c.name}（{ov.indicator.name(lang)}）：{c.explanation}" if lang != "en"
                           else f"{c.name} ({ov.indicator.name(lang)}): {c.explanation}")
    return out


def _provenance(ov: Any, lang: str, extra: list[tuple[str, str]] | None = None) -> list[tuple[str, str]]:
    return [(_t(lang, "规划", "Plan"), f"{ov.plan_name} ({ov.plan_code})"),
            (_t(lang, "数据版本", "Data version"), ov.data_version),
            (_t(lang, "规则", "Rule"), _t(lang, "晴雨表规则见 docs/methodology.md §2a、§3", "barometer rule: docs/methodology.md §2a, §3")),
            *(extra or []), ("ECER", __version__)]


def _province_sentence(ov: Any, lang: str) -> str:
    p = ov.province
    if p is None:
        return ""
    unit = _unit(p.unit, lang)
    return _t(lang, f"{ov.year}年，{p.name}{ov.indicator.name(lang)}实际为{_fmt(p.actual)}{unit}，要求为{_fmt(p.required)}{unit}，"
                    f"晴雨表为「{p.level.label}」。{p.explanation}",
              f"In {ov.year}, {p.name}'s {ov.indicator.name(lang)} was {_fmt(p.actual)} {unit} against "
              f"{_fmt(p.required)} {unit} required; barometer: {p.level.label}. {p.explanation}")


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


def barometer(req: Request, actor: Actor) -> Document:
    overviews = _overviews(req, actor)
    head, lang = overviews[0], req.lang
    period = _t(lang, f"{req.year}年" + (f"第{'一二三四'[req.quarter - 1]}季度" if req.quarter else ""),
                f"{req.year}" + (f" Q{req.quarter}" if req.quarter else ""))
    counts = dict((lv.code, n) for lv, n in head.counts)
    summary = _t(lang, f"按{head.indicator.name(lang)}，红灯地区{counts.get('red', 0)}个、黄灯{counts.get('yellow', 0)}个、"
                       f"绿灯{counts.get('green', 0)}个。",
                 f"On {head.indicator.name(lang)}: {counts.get('red', 0)} red, {counts.get('yellow', 0)} yellow, "
                 f"{counts.get('green', 0)} green regions.")
    basis = _t(lang, f"本通报依据截至{period}已审核的{req.year}年度数据。",
               f"This bulletin uses the approved data of {req.year} as of {period}.")
    chart = _completion_chart(head, lang)
    reds = _reds(overviews, lang)
    sections = [
        Section(_t(lang, "总体情况", "Overview"), [basis, _province_sentence(head, lang), summary],
                [_counts_table(overviews, lang)]),
        Section(_t(lang, f"各地区{head.indicator.name(lang)}晴雨表", f"{head.indicator.name(lang)} by region"), [],
                [_ranking_table(head, lang, _t(lang, "能耗强度", "Energy intensity"))], [chart] if chart else []),
        Section(_t(lang, "预警地区及原因", "Regions warned and why"),
                reds or [_t(lang, "本期无红灯地区。", "No region is red in this period.")]),
        Section(_t(lang, "工作要求", "Requests"),
                [_t(lang, "红灯地区要分析原因，制定整改措施，于下一期通报前报送整改情况。",
                    "Red regions analyse the causes, set corrective measures and report on them before the next bulletin.")]),
    ]
    title = _t(lang, f"关于{period}节能减排目标完成情况晴雨表的通报", f"Barometer bulletin on the energy-saving targets, {period}")
    return Document("barometer", title, issuer(_province_name(head), lang), dt.date.today(), head.illustrative,
                    sections, _provenance(head, lang), lang)


def _province_name(ov: Any) -> str:
    return ov.province.name if ov.province else ov.plan_name


def annual(req: Request, actor: Actor) -> Document:
    overviews = _overviews(req, actor)
    head, lang = overviews[0], req.lang
    cards = head.cards
    card_rows: list[list[Any]] = [[c.name, c.cell.actual, c.cell.required, _unit(c.cell.unit, lang), c.cell.level.label,
                                   c.trend_word] for c in cards]
    cards_table = Table(_t(lang, "主要目标完成情况", "Headline targets"),
                        [_t(lang, "指标", "Target"), _t(lang, "实际", "Actual"), _t(lang, "要求", "Required"),
                         _t(lang, "单位", "Unit"), _t(lang, "晴雨表", "Barometer"), _t(lang, "趋势", "Trend")],
                        card_rows, _t(lang, "主要目标", "Headline targets"))
    chart = _completion_chart(head, lang)
    indicator_sections = [Section(ov.indicator.name(lang), [_province_sentence(ov, lang)] if ov.province else [],
                                  [_ranking_table(ov, lang, ov.indicator.code[:31], in_document=False)])
                          for ov in overviews[1:] if ov.ranking]
    sections = [
        Section(_t(lang, "主要目标完成情况", "Headline targets"), [_province_sentence(head, lang)], [cards_table]),
        Section(_t(lang, f"各地区{head.indicator.name(lang)}", f"{head.indicator.name(lang)} by region"), [],
                [_ranking_table(head, lang, _t(lang, "能耗强度", "Energy intensity"))], [chart] if chart else []),
        Section(_t(lang, "分指标完成情况", "By indicator"),
                [_t(lang, "各项指标全省完成情况如下，分地区的实际、要求与晴雨表见Excel附表。",
                    "Each indicator for the province; the figures by region are in the Excel workbook.")],
                subsections=indicator_sections),
        Section(_t(lang, "预警地区及原因", "Regions warned and why"),
                _reds(overviews, lang) or [_t(lang, "本年度无红灯地区。", "No region is red this year.")]),
        *_key_projects_section(req, actor),
        *_tasks_section(req, actor),
    ]
    title = _t(lang, f"{req.year}年度节能减排目标完成情况报告", f"Annual progress report on the energy-saving targets, {req.year}")
    return Document("annual", title, issuer(_province_name(head), lang), dt.date.today(), head.illustrative,
                    sections, _provenance(head, lang), lang)


def _key_projects_section(req: Request, actor: Actor) -> list[Section]:
    """重点工程减排: the ledger's reductions of the year by pollutant against the plan's tonnages, by
    programme, and each city's key-project reduction as the progress report counts it (ledger, or the
    typed statistics as the marked fallback) against its requirement. Empty outside the ledger's years."""
    from ecer.core.reduction import POLLUTANT_NAMES, T_PER_10K_T, variable_code
    from ecer.services.key_projects import accounting_years, ledger
    from ecer.services.progress import progress_report

    lang = req.lang
    if req.year not in accounting_years():
        return []
    book = ledger(actor=actor, year=req.year, lang=lang)
    wan = _t(lang, "万吨", "10⁴ t")
    totals = Table(_t(lang, f"{req.year}年重点工程减排量与规划目标", f"Key-project reductions {req.year} against the plan"),
                   [_t(lang, "污染物", "Pollutant"), _t(lang, f"减排量（{wan}）", f"Reduction ({wan})"),
                    _t(lang, f"规划目标（{wan}，2025年）", f"Plan ({wan}, 2025)"), _t(lang, "完成（%）", "Reached (%)"),
                    _t(lang, "项目数", "Projects")],
                   [[t.pollutant_name, round(t.amount_10k_t, 4), t.target_10k_t, _pct(t.completion_pct), len(t.projects)]
                    for t in book.totals], _t(lang, "重点工程减排", "Key projects"))
    names = {code: name for code, name in _programme_names(lang).items()}
    by_programme = Table(_t(lang, "分工程减排量", "Reductions by programme"),
                         [_t(lang, "重点工程", "Programme"), _t(lang, "污染物", "Pollutant"),
                          _t(lang, "减排量（吨）", "Reduction (t)"), _t(lang, "项目数", "Projects")],
                         [[names.get(t.programme or "", t.programme), t.pollutant_name, round(t.amount_t, 1),
                           len(t.projects)] for t in sorted(book.by_programme, key=lambda t: (
                               list(names).index(t.programme) if t.programme in names else len(names), t.pollutant))
                          if t.amount_t > 0],
                         _t(lang, "分工程", "By programme"))
    report = progress_report(req.plan_code, req.year, actor=actor)
    source_words = {"ledger": _t(lang, "台账", "ledger"), "fallback: typed statistics": _t(lang, "填报数（替代）", "typed (fallback)"),
                    "ledger + fallback: typed statistics": _t(lang, "台账+填报数", "ledger + typed")}
    city_rows: list[list[Any]] = []
    indicators = {variable_code(p): POLLUTANT_NAMES[p][1 if lang == "en" else 0] for p in POLLUTANT_NAMES}
    for row in report.rows:
        if row.indicator in indicators and row.status == "ok":
            city_rows.append([row.region_name(lang), indicators[row.indicator], row.actual, row.required,
                              row.target_value, _pct(row.completion_pct), source_words.get(row.actual_source or "", "")])
    by_city = Table(_t(lang, "各地区重点工程减排量与进度要求", "Key-project reductions by region against the requirement"),
                    [_t(lang, "地区", "Region"), _t(lang, "污染物", "Pollutant"), _t(lang, f"实际（{wan}）", f"Actual ({wan})"),
                     _t(lang, f"进度要求（{wan}）", f"Required ({wan})"), _t(lang, f"目标（{wan}）", f"Target ({wan})"),
                     _t(lang, "完成进度（%）", "Completion (%)"), _t(lang, "来源", "Source")],
                    city_rows, _t(lang, "分地区重点工程", "Key projects by region"), in_document=False)
    fallback = sum(1 for r in report.rows if r.actual_source == "fallback: typed statistics")
    ledger_n = sum(1 for r in report.rows if r.actual_source == "ledger")
    n_projects = len(book.projects)
    amounts = _t(lang, "、", ", ").join(f"{t.pollutant_name}{t.amount_t / T_PER_10K_T:.4f}" + wan for t in book.totals)
    paragraphs = [
        _t(lang, f"重点工程项目台账共{n_projects}个项目，{req.year}年计入减排量（只从稳定运行起计入）：{amounts}。"
                 f"各地区重点工程减排量中，{ledger_n}个地区×污染物取自台账，{fallback}个无台账项目、采用统计报表填报数"
                 "（fallback: typed statistics），分地区明细见Excel附表。",
           f"The key-project ledger holds {n_projects} project(s); counted in {req.year} (from stable operation "
           f"only): {amounts}. Of the regions' key-project reductions, {ledger_n} region × pollutant figures come "
           f"from the ledger and {fallback} use the typed statistics (fallback: typed statistics); the figures by "
           "region are in the Excel workbook."),
    ]
    if book.findings:
        paragraphs.append(_t(lang, f"台账核查发现{len(book.findings)}项待处理问题（重复申报、区域削减替代未扣减、超过基准排放等），"
                                   "相关项目在审核处理前仍计入，见重点工程项目台账页面。",
                             f"The ledger's checks raise {len(book.findings)} open finding(s) (double counts, offsets not "
                             "deducted, claims above the baseline); the projects are counted until a reviewer resolves "
                             "them (see the key-project ledger page)."))
    tables = [totals, *([by_programme] if by_programme.rows else []), by_city]
    return [Section(_t(lang, "重点工程减排", "Key-project reductions"), paragraphs, tables)]


def _programme_names(lang: str) -> dict[str, str]:
    from ecer.services.key_projects import programmes

    return programmes(lang)


def _tasks_section(req: Request, actor: Actor) -> list[Section]:
    """重点任务落实: the year's status of the plan's tasks, mechanisms and arrangements by kind and by
    lead department, with the full list in the workbook. Left out for an actor who may not see tasks
    (a city's staff: task tracking is the province's and its departments')."""
    from ecer.services.actor import PermissionDenied
    from ecer.services.errors import ServiceError
    from ecer.services.tasks import KINDS, STATUSES, kind_name, list_tasks, status_name

    lang = req.lang
    try:
        rows = list_tasks(actor=actor, plan=req.plan_code, year=req.year, lang=lang)
    except (PermissionDenied, ServiceError):
        return []
    if not rows:
        return []
    status_headers = [status_name(s, lang) for s in STATUSES]
    by_kind: list[list[Any]] = []
    for kind in KINDS:
        of_kind = [r for r in rows if r.kind == kind]
        if of_kind:
            by_kind.append([kind_name(kind, lang), len(of_kind), *(sum(1 for r in of_kind if r.status == s) for s in STATUSES)])
    departments: dict[str, list[Any]] = {}
    for r in rows:
        for d in r.lead or []:
            departments.setdefault(d.name, []).append(r)
    by_department: list[list[Any]] = [[name, len(rs), *(sum(1 for r in rs if r.status == s) for s in STATUSES)]
                                      for name, rs in sorted(departments.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
    unled = [r for r in rows if not r.lead]
    if unled:
        by_department.append([_t(lang, "（未明确牵头部门）", "(no lead named)"), len(unled),
                              *(sum(1 for r in unled if r.status == s) for s in STATUSES)])
    head = [_t(lang, "合计", "Total"), *status_headers]
    kind_table = Table(_t(lang, f"{req.year}年重点任务落实情况（按类型）", f"Tasks {req.year} by type"),
                       [_t(lang, "类型", "Type"), *head], by_kind, _t(lang, "任务按类型", "Tasks by type"))
    dept_table = Table(_t(lang, f"{req.year}年重点任务落实情况（按牵头部门）", f"Tasks {req.year} by lead department"),
                       [_t(lang, "牵头部门", "Lead department"), *head], by_department,
                       _t(lang, "任务按部门", "Tasks by department"),
                       notes=[_t(lang, "一项任务有多个牵头部门时，在每个牵头部门下各计一次。",
                                 "A task with several lead departments is counted under each.")])
    sep = ", " if lang == "en" else "、"
    listing = Table(_t(lang, "任务清单", "Task list"),
                    [_t(lang, "条款", "Clause"), _t(lang, "任务", "Task"), _t(lang, "牵头部门", "Lead"),
                     _t(lang, "进展", "Status"), _t(lang, "自评分", "Self-score"), _t(lang, "省级已评分", "Reviewed")],
                    [[r.clause, r.title, sep.join(d.name for d in r.lead) or "—", r.status_name, r.self_score,
                      _t(lang, "是", "yes") if r.scored else ""] for r in rows],
                    _t(lang, "任务清单", "Task list"), in_document=False)
    done = sum(1 for r in rows if r.status == "done")
    delayed = [r.title for r in rows if r.status == "delayed"]
    reported = sum(1 for r in rows if r.status != "not_started")
    paragraphs = [_t(lang, f"规划{len(rows)}项重点任务、政策机制和工作安排中，{req.year}年已报送进展{reported}项，"
                           f"已完成{done}项，滞后{len(delayed)}项。",
                     f"Of the plan's {len(rows)} tasks, mechanisms and arrangements, {reported} have a {req.year} report, "
                     f"{done} are done and {len(delayed)} delayed.")]
    if delayed:
        paragraphs.append(_t(lang, "滞后任务：" + "；".join(delayed) + "。", "Delayed: " + "; ".join(delayed) + "."))
    return [Section(_t(lang, "重点任务落实情况", "Tasks of the plan"), paragraphs, [kind_table, dept_table, listing])]


def _measures_text(m: Any, lang: str) -> str:
    parts = [f"{m.file} sha256:{m.sha256[:12]}"] if m.file else []
    if m.recorded_items:
        parts.append(_t(lang, f"任务跟踪评分 {m.recorded_items} 项（{m.recorded_regions} 个市(州)）",
                        f"recorded task scores: {m.recorded_items} item(s) of {m.recorded_regions} city(ies)"))
    return "; ".join(parts)


def assessment(req: Request, actor: Actor, period: str | None = None) -> Document:
    from ecer.services.dashboard.assessment import assessment_page

    lang = req.lang
    page = assessment_page(period or f"annual:{req.year}", req.plan_code, actor=actor, lang=lang)
    headers = [_t(lang, "名次", "Rank"), _t(lang, "地区", "City"), _t(lang, "完成率（%）", "Completion (%)"),
               _t(lang, "目标完成得分", "Target points"), _t(lang, "措施落实得分", "Measures points"),
               _t(lang, "总分", "Total"), _t(lang, "等级", "Grade"), _t(lang, "否决", "Veto")]
    rows: list[list[Any]] = [[c.rank, c.name, _pct(c.completion_pct), c.score, c.measures_points, c.total,
                              c.grade_name or "—", _t(lang, "是", "yes") if c.veto else ""] for c in page.cities]
    table = Table(_t(lang, f"{page.period.name}结果", f"{page.period.name}: results"), headers, rows,
                  _t(lang, "考核结果", "Results"))
    items: list[list[Any]] = [[c.name, i.name, i.points, i.max_points, i.reviewers] for c in page.cities for i in c.items]
    items_table = Table(_t(lang, "措施落实分项得分", "Measure items"),
                        [_t(lang, "地区", "City"), _t(lang, "分项", "Item"), _t(lang, "得分", "Points"),
                         _t(lang, "满分", "Max"), _t(lang, "评分人数", "Reviewers")], items, _t(lang, "分项得分", "Items"),
                        in_document=False)
    grade_line = _t(lang, "、".join(f"{name}{n}个" for _, name, n in page.grade_counts) + "。",
                    ", ".join(f"{name}: {n}" for _, name, n in page.grade_counts) + ".")
    chart = Chart(_t(lang, "考核总分", "Total scores"),
                  [Bar(c.name, c.total, "#2f6fb0") for c in page.cities if c.total is not None],
                  _t(lang, "总分", "total"))
    rubric = page.rubric
    sections = [
        Section(_t(lang, "考核结果", "Results"), [grade_line, _t(lang, f"一票否决{page.vetoed}个。", f"Vetoed: {page.vetoed}.")],
                [table], [chart] if chart.bars else []),
        Section(_t(lang, "措施落实情况", "Measures"),
                [_t(lang, f"各市(州)措施落实分项得分共{len(items)}项，见Excel附表。",
                    f"The {len(items)} measure item scores of the cities are in the Excel workbook.")] if items
                else [_t(lang, "本期无措施落实评分。", "No measure scores for this period.")],
                [items_table] if items else []),
        Section(_t(lang, "考核办法", "Method"),
                [_t(lang, f"评分办法：{rubric.name}；目标完成满分{rubric.met_points:g}分，措施落实满分{rubric.measures_max:g}分；"
                          f"否决条件：{rubric.veto}。",
                    f"Rubric: {rubric.name}; targets {rubric.met_points:g} points, measures {rubric.measures_max:g} points; "
                    f"veto: {rubric.veto}.")]),
    ]
    extra = [(_t(lang, "措施评分文件", "Measures scores"), _measures_text(page.measures, lang))] if page.measures else []
    prov = [(_t(lang, "规划", "Plan"), page.plan_code), (_t(lang, "数据版本", "Data version"), page.data_version),
            (_t(lang, "评分办法", "Rubric"), rubric.code), *extra, ("ECER", __version__)]
    title = _t(lang, f"关于{page.period.name}结果的通报", f"Results of the {page.period.name}")
    return Document("assessment", title, issuer(_root_name(req), lang), dt.date.today(), page.illustrative_data, sections, prov, lang)


def _root_name(req: Request) -> str:
    from ecer.services.dashboard.common import context
    from ecer.services.regions import region_names

    root = context(req.plan_code).meta.region_code
    return region_names([root], req.lang).get(root, root)


BUILDERS: dict[str, Callable[[Request, Actor], Document]] = {"barometer": barometer, "annual": annual,
                                                             "assessment": assessment}


def build(req: Request, *, actor: Actor) -> Document:
    req.check()
    return BUILDERS[req.kind](req, actor)


def render(document: Document, fmt: str) -> bytes:
    from ecer.services.spreadsheet_safety import neutralise_cell

    if fmt == "docx":
        from ecer.reports.docx import render_docx

        return render_docx(document)
    if fmt == "pdf":
        from ecer.reports.pdf import render_pdf

        return render_pdf(document)
    from ecer.reports.xlsx import render_xlsx

    return render_xlsx(document, neutralise_cell)


def generate(req: Request, *, actor: Actor) -> bytes:
    """The report's file content for `actor` (raises InvalidRequest / NotFound / PermissionDenied)."""
    return render(build(req, actor=actor), req.fmt)


def start(req: Request, *, actor: Actor) -> Any:
    """Queue the report as a background job (ecer.jobs); the job page shows progress and the file."""
    from ecer.services.jobs import start_job

    req.check()
    return start_job(REPORT_JOB, actor, {"kind": req.kind, "year": req.year, "format": req.fmt,
                                         "quarter": req.quarter, "plan": req.plan_code, "lang": req.lang,
                                         "actor": actor_params(actor)})


def available_years(plan_code: str = DEFAULT_PLAN) -> list[int]:
    """The years with approved data, newest first (what a report can be asked for)."""
    from ecer.services.dashboard.common import context

    return sorted(context(plan_code).years, reverse=True)
