"""The measures part (措施得分) of an assessment: reviewers' item scores from CSV text.

Layout (UTF-8, BOM tolerated, header required): `region_code, item, score, max, reviewer, note`.
Each row is one reviewer's score of one item for one region. Several reviewers may score the same
item: the item's score is their mean. A region's measures score is the sum of its items' scores;
its items' maxima must add up to the rubric's measures maximum (60 in classic-40-60), so that a
region cannot be scored on a partial item list. Every problem in the file is collected, then one
InputFileError is raised naming file, row and field; nothing is used from a file with an error.
"""

from __future__ import annotations

import csv
import io
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from ecer.errors import InputFileError, Problem

COLUMNS = ("region_code", "item", "score", "max", "reviewer", "note")


@dataclass(frozen=True)
class MeasureScore:
    """One reviewer's score (points) of one item for one region; `row` is the line in the file."""

    region_code: str
    item: str
    score: float
    max_points: float
    reviewer: str
    note: str
    row: int


@dataclass(frozen=True)
class MeasuresTotal:
    """A region's measures score (points): per item the mean over reviewers, summed over items."""

    points: float
    items: int
    reviewers: int


def _number(raw: str, field: str, row: int, file: str, problems: list[Problem]) -> float | None:
    try:
        value = float(raw)
    except ValueError:
        problems.append(Problem(file, f"row {row}", f"'{raw}' is not a number", field))
        return None
    if not math.isfinite(value) or value < 0:
        problems.append(Problem(file, f"row {row}", f"must be a finite number ≥ 0, got {raw}", field))
        return None
    return value


def _parse_row(rec: dict[str, str | None], row: int, file: str, problems: list[Problem]) -> MeasureScore | None:
    before = len(problems)
    text = {k: (rec.get(k) or "").strip() for k in COLUMNS}
    for field in ("region_code", "item", "score", "max", "reviewer"):
        if not text[field]:
            problems.append(Problem(file, f"row {row}", "is empty", field))
    score = _number(text["score"], "score", row, file, problems) if text["score"] else None
    max_points = _number(text["max"], "max", row, file, problems) if text["max"] else None
    if max_points == 0:
        problems.append(Problem(file, f"row {row}", "max must be above 0", "max"))
    if score is not None and max_points is not None and score > max_points:
        problems.append(Problem(file, f"row {row}", f"score {score:g} is above the item's max {max_points:g}", "score"))
    if len(problems) > before or score is None or max_points is None:
        return None
    return MeasureScore(text["region_code"], text["item"], score, max_points, text["reviewer"], text["note"], row)


def parse_measures_csv(text: str, file: str) -> list[MeasureScore]:
    """Parse reviewers' scores; raise InputFileError listing every bad row (file, row, field, why)."""
    reader = csv.DictReader(io.StringIO(text.removeprefix("\ufeff")))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputFileError([Problem(file, "header", f"missing column(s): {', '.join(missing)}; need {', '.join(COLUMNS)}")])
    reader.fieldnames = header
    problems: list[Problem] = []
    scores: list[MeasureScore] = []
    seen: dict[tuple[str, str, str], int] = {}
    for row, rec in enumerate(reader, start=2):
        parsed = _parse_row(rec, row, file, problems)
        if parsed is None:
            continue
        key = (parsed.region_code, parsed.item, parsed.reviewer)
        if key in seen:
            problems.append(Problem(file, f"row {row}", f"reviewer already scored this item in row {seen[key]}", "reviewer"))
            continue
        seen[key] = row
        scores.append(parsed)
    if problems:
        raise InputFileError(problems)
    return scores


def measures_totals(scores: Iterable[MeasureScore], max_points: float, file: str) -> dict[str, MeasuresTotal]:
    """Per region: mean over reviewers per item, summed over items; checks item maxima (points)."""
    by_item: dict[tuple[str, str], list[MeasureScore]] = defaultdict(list)
    for s in scores:
        by_item[(s.region_code, s.item)].append(s)
    problems: list[Problem] = []
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    reviewers: dict[str, set[str]] = defaultdict(set)
    for (region, item), rows in by_item.items():
        maxima = {r.max_points for r in rows}
        if len(maxima) > 1:
            problems.append(Problem(file, f"rows {', '.join(str(r.row) for r in rows)}",
                                    f"region {region}, item '{item}': reviewers disagree on max {sorted(maxima)}", "max"))
            continue
        acc = sums[region]
        acc[0] += sum(r.score for r in rows) / len(rows)
        acc[1] += rows[0].max_points
        acc[2] += 1
        reviewers[region].update(r.reviewer for r in rows)
    for region, (_, total_max, _) in sums.items():
        if not math.isclose(total_max, max_points, abs_tol=1e-9):
            problems.append(Problem(file, f"region {region}",
                                    f"item maxima add up to {total_max:g}, the rubric's measures part is {max_points:g}", "max"))
    if problems:
        raise InputFileError(problems)
    return {r: MeasuresTotal(round(v[0], 10), int(v[2]), len(reviewers[r])) for r, v in sums.items()}
