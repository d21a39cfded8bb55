"""Use case: assess cities' target responsibility for a period (年度评价、中期评估、五年考核).

Achieved and required reductions come from the accounting evaluation (`ecer.accounting.evaluate`,
the same path as the progress report), on current approved observations in the database or on a
statistics file. City targets come from a targets file (the CSV of `ecer decompose --format csv`)
or the plan's stored regional targets. The measures part comes from the province reviewer's recorded
task scores of the year (task tracking, `ecer.services.tasks.recorded_measures`; read when the
statistics come from the database) and from a reviewers' scores file, or the bundled illustrative
scores ("demo"): a recorded (city, item) replaces the file's rows of that city and item; a city whose
items, both sources together, do not cover the rubric's measures part gets none. Without either no
grade is given, except vetoes. `Assessment.measures` says what was used (docs/task-tracking.md).

The actor sees the cities of its scope only.
"""

from __future__ import annotations

import csv
import hashlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ecer.core.errors import AccountingInputError
from ecer.errors import InputFileError, Problem
from ecer.services.actor import Actor, visible_region_codes
from ecer.services.errors import InvalidRequest, ServiceError
from ecer.services.source import DEFAULT_PLAN, INTENSITY, cities, open_source, reduction_target

#: A scores file whose reviewer or note contains one of these is shown as illustrative (示例评分).
ILLUSTRATIVE_MARKERS = ("illustrative", "示例")
MISSING_HINT = ("measures part missing (措施得分缺失): pass --measures FILE (reviewers' scores) "
                "or --measures demo for the illustrative scores; no grade is given without it, except vetoes")


@dataclass(frozen=True)
class Assessment:
    rubric: Any  # ecer.core.rubrics.Rubric
    kind: str  # annual | midterm | final
    year: int  # the data year assessed
    results: list[Any]  # ecer.core.assessment.RegionAssessment, in the province's city order
    illustrative_data: bool
    measures: dict[str, Any] | None  # what was used for the measures part (None: nothing given)
    measure_scores: tuple[Any, ...] = ()  # the rows behind it (ecer.core.assessment.MeasureScore)


def parse_period(text: str, base_year: int, target_year: int) -> tuple[str, int]:
    """`annual:2023` | `midterm` | `midterm:2023` | `final` → (kind, data year)."""
    kind, _, year = text.partition(":")
    if kind not in ("annual", "midterm", "final") or (kind == "annual" and not year) or (kind == "final" and year):
        raise InvalidRequest(f"'{text}': expected annual:YEAR, midterm[:YEAR] or final", param="period")
    if kind == "final":
        return kind, target_year
    if not year:
        # Mid-term = the first year past the middle of the period (2023 for 2021–2025); configurable.
        return kind, base_year + math.ceil((target_year - base_year) / 2)
    if not year.isdigit() or not base_year < int(year) <= target_year:
        raise InvalidRequest(f"'{text}': year must be in {base_year + 1}–{target_year}", param="period")
    return kind, int(year)


def _percent(rec: dict[str, Any], column: str, path: str, row: int, problems: list[Problem],
             required: bool) -> float | None:
    """A finite number (percent) from `column`, or None when empty and optional; else a Problem naming
    file, row and column (a NaN here would otherwise surface later without the file's row)."""
    text = (rec.get(column) or "").strip()
    if not text:
        if required:
            problems.append(Problem(path, f"row {row}", "value is empty", column))
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        problems.append(Problem(path, f"row {row}", f"not a finite number: '{text}'", column))
        return None
    return value


def read_targets_file(path: str) -> tuple[Any, ...]:
    """Regional targets from a CSV with region_code and basic_reduction_pct (incentive_reduction_pct
    optional); InputFileError listing every bad row."""
    from ecer.accounting.inputs import RegionalTargetInput

    data = Path(path).read_bytes()
    reader = csv.DictReader(data.decode("utf-8-sig").splitlines())
    if not reader.fieldnames or not {"region_code", "basic_reduction_pct"} <= set(reader.fieldnames):
        raise InputFileError([Problem(path, "header", "need columns region_code and basic_reduction_pct")])
    version = f"file:{Path(path).name} sha256:{hashlib.sha256(data).hexdigest()[:12]}"
    out = []
    problems: list[Problem] = []
    for row, rec in enumerate(reader, start=2):
        code = (rec.get("region_code") or "").strip()
        if not code:
            problems.append(Problem(path, f"row {row}", "region code is empty", "region_code"))
        basic = _percent(rec, "basic_reduction_pct", path, row, problems, required=True)
        incentive = _percent(rec, "incentive_reduction_pct", path, row, problems, required=False)
        if code and basic is not None:
            out.append(RegionalTargetInput(code, INTENSITY, basic, incentive, {}, f"targets file {path}", version))
    if problems:
        raise InputFileError(problems)
    return tuple(out)


def _file_scores(option: str, year: int) -> tuple[list[Any], str]:
    """A reviewers' scores file (or `demo`) parsed, and the name to show for it."""
    from ecer.core import assessment as core
    from ecer.demo import measures as demo

    if option == "demo":
        path = demo.bundled_path(year)
        if not path.is_file():
            raise ServiceError(f"--measures demo: no illustrative measures scores for {year}; "
                               f"bundled years: {', '.join(map(str, demo.YEARS))}")
    else:
        path = Path(option)
        if not path.is_file():
            raise InvalidRequest(f"'{option}': no such file (or `demo` for the illustrative scores)", param="measures")
    name = path.name if option == "demo" else option
    return core.parse_measures_csv(path.read_text(encoding="utf-8-sig"), name), name


def read_measures(option: str | None, year: int, rubric: Any, recorded: list[Any] | None = None
                  ) -> tuple[Any, dict[str, Any] | None, list[Any]]:
    """Totals per region from the recorded task scores (`recorded`, MeasureScore rows) and a reviewers'
    scores file or `demo`; what was used; the rows used. (None, None, []) when there is neither."""
    from ecer.core import assessment as core

    recorded = recorded or []
    if not option and not recorded:
        return None, None, []
    file_rows, name = _file_scores(option, year) if option else ([], "")
    covered = {(s.region_code, s.item) for s in recorded}
    rows = [*recorded, *(s for s in file_rows if (s.region_code, s.item) not in covered)]
    # A city with recorded scores only whose items do not cover the rubric is left without measures
    # (and said so), rather than refused: the reviewer may be halfway through the year's tasks.
    with_file = {s.region_code for s in file_rows}
    maxima: dict[str, dict[str, float]] = {}
    for s in rows:
        maxima.setdefault(s.region_code, {})[s.item] = s.max_points
    incomplete = {r: f"{len(items)}/{len(rubric.measures.items)}" for r, items in maxima.items()
                  if r not in with_file and not math.isclose(sum(items.values()), rubric.measures.max_points)}
    rows = [s for s in rows if s.region_code not in incomplete]
    totals = core.measures_totals(rows, rubric.measures.max_points, name or "recorded task scores")
    illustrative = any(m in f"{s.reviewer} {s.note}".lower() for s in file_rows for m in ILLUSTRATIVE_MARKERS)
    used_recorded = [s for s in recorded if s.region_code not in incomplete]
    source = "+".join(p for p, n in (("recorded", used_recorded), ("file", file_rows)) if n) or "recorded"
    return totals, {"file": name or None, "bundled_demo": option == "demo", "illustrative": illustrative,
                    "regions": len(totals), "source": source,
                    "recorded": {"items": len({(s.region_code, s.item) for s in used_recorded}),
                                 "regions": len({s.region_code for s in used_recorded}),
                                 "incomplete": incomplete}}, rows


def assess(period: str, plan_code: str = DEFAULT_PLAN, *, actor: Actor, data_file: str | None = None,
           targets_file: str | None = None, measures: str | None = None, rubric_code: str = "classic-40-60",
           base_year: int | None = None, target_year: int | None = None,
           province: str | None = None) -> Assessment:
    """Score the province's cities (those the actor may see) for `period` (annual:YEAR | midterm[:YEAR]
    | final) with the rubric. Raises InvalidRequest, InputFileError (bad file: every problem),
    ServiceError (unusable data, naming region, variable and year)."""
    from ecer.accounting import AccountingOptions
    from ecer.accounting.assessment import assessment_plan, outcomes
    from ecer.core import assessment as core
    from ecer.core.evaluate import ProgressOptions
    from ecer.core.progress import Completion

    source = open_source(plan_code, data_file)
    target = reduction_target(source, INTENSITY)
    if target is None:
        raise InvalidRequest(f"plan '{plan_code}' has no {INTENSITY} reduction target to assess", param="plan")
    base_year = target.base_year if base_year is None else base_year
    target_year = target.target_year if target_year is None else target_year
    kind, year = parse_period(period, base_year, target_year)
    _, city_list = cities(source, province)
    visible = visible_region_codes(actor)
    city_list = [c for c in city_list if visible is None or c.code in visible]
    if not city_list:
        raise InvalidRequest(f"{actor.username} may see none of the province's cities", param="province")
    try:
        rubric = core.load_rubric(rubric_code)
        # Read the reviewers' scores first: a bad or missing file is reported before the evaluation runs.
        recorded = _recorded(year, rubric, plan_code, {c.code for c in city_list}) if data_file is None else []
        totals, used, rows = read_measures(measures, year, rubric, recorded)
        regional = read_targets_file(targets_file) if targets_file else None
        ap = assessment_plan(source.plan, INTENSITY, city_list, regional, base_year, target_year)
        # The completion shown in the progress report uses the rubric's method, so both agree.
        options = AccountingOptions(progress=ProgressOptions(completion=Completion(rubric.quantitative.method)))
        data = source.panels([c.code for c in city_list], ap.variables(options), ap.years(year, options))
        found, report = outcomes(ap, kind, year, data, options)
        results = core.assess(found, rubric, core.Period(kind, year), totals)  # type: ignore[arg-type]
    except AccountingInputError as err:
        raise ServiceError(str(err)) from err
    return Assessment(rubric, kind, year, results, report.illustrative, used, tuple(rows))


def _recorded(year: int, rubric: Any, plan_code: str, regions: set[str]) -> list[Any]:
    """The recorded task scores of the year for these cities (the database must be set up)."""
    from ecer.services.tasks import recorded_measures

    return recorded_measures(year, rubric, Path(plan_code).stem if plan_code.endswith(".yaml") else plan_code,
                             regions)
