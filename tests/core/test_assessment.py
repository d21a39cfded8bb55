"""Assessment scoring: ladder boundaries, bonus, grades, veto, measures CSV and rubric validation."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from ecer.core.assessment import (
    Period,
    TargetOutcome,
    assess,
    completion_pct,
    load_rubric,
    measures_totals,
    parse_measures_csv,
    score_quantitative,
)
from ecer.core.rubrics import bundled_rubrics, parse_rubric
from ecer.errors import InputFileError

RUBRIC = load_rubric("classic-40-60")
RULE = RUBRIC.quantitative
FINAL = Period("final", 2025)


def _achieved_for(completion: float, required_pct: float = 14.0) -> float:
    """Cumulative reduction K (pct) whose log completion of `required_pct` is exactly `completion` pct."""
    return (1 - (1 - required_pct / 100) ** (completion / 100)) * 100


def _outcome(completion: float, code: str = "510100", required: float = 14.0) -> TargetOutcome:
    return TargetOutcome(code, "成都", "energy_intensity", required, _achieved_for(completion, required))


def test_official_worked_example_log_method() -> None:
    # METHODOLOGY §1: K = 4.87% of R = 17% → 26.8% (the linear ratio would give 28.6%).
    assert completion_pct(4.87, 17.0) == pytest.approx(26.8, abs=0.05)
    assert completion_pct(4.87, 17.0, "linear") == pytest.approx(28.65, abs=0.01)


@pytest.mark.parametrize(
    ("completion", "points", "step"),
    [
        (100.0, 40, "met"),
        (99.9999, 36, ">=90%"),
        (90.0, 36, ">=90%"),
        (89.999, 32, ">=80%"),
        (80.0, 32, ">=80%"),
        (79.999, 28, ">=70%"),
        (70.0, 28, ">=70%"),
        (60.0, 24, ">=60%"),
        (59.999, 20, ">=50%"),
        (50.0, 20, ">=50%"),
        (49.999, 0, "<50%"),
        (0.0, 0, "<50%"),
        (-30.0, 0, "<50%"),
    ],
)
def test_ladder_boundaries_exact(completion: float, points: float, step: str) -> None:
    q = score_quantitative(_outcome(completion), RULE)
    assert q.completion_pct == pytest.approx(completion, abs=1e-4)
    assert (q.base_points, q.bonus_points, q.step) == (points, 0.0, step)
    assert q.met is (completion >= 100)


@pytest.mark.parametrize(
    ("completion", "bonus"),
    [(109.999, 0), (110.0, 3), (119.99, 3), (120.0, 6), (130.0, 9), (180.0, 9)],
)
def test_bonus_three_points_per_ten_percent_capped_at_nine(completion: float, bonus: float) -> None:
    q = score_quantitative(_outcome(completion), RULE)
    assert q.met and q.base_points == 40 and q.bonus_points == bonus and q.points == 40 + bonus


def test_no_reduction_required_is_met_when_not_worse() -> None:
    o = TargetOutcome("510100", "成都", "energy_intensity", 0.0, 0.5)
    q = score_quantitative(o, RULE)
    assert q.completion_pct is None and q.met and q.points == 40
    worse = TargetOutcome("510100", "成都", "energy_intensity", 0.0, -0.5)
    assert score_quantitative(worse, RULE).points == 0


MEASURES = """region_code,item,score,max,reviewer,note
510100,组织领导,9,10,张三,
510100,组织领导,8,10,李四,
510100,结构调整,18,20,张三,
510100,重点工程,27,30,张三,
510300,组织领导,10,10,张三,
510300,结构调整,20,20,张三,
510300,重点工程,30,30,张三,满分
"""



def test_grades_totals_and_veto() -> None:
    measures = measures_totals(parse_measures_csv(MEASURES, "m.csv"), 60, "m.csv")
    assert measures["510100"].points == pytest.approx(8.5 + 18 + 27)
    outcomes = [_outcome(120.0, "510100"), _outcome(95.0, "510300")]
    results = {r.region_code: r for r in assess(outcomes, RUBRIC, FINAL, measures)}
    a, b = results["510100"], results["510300"]
    assert a.total == pytest.approx(46 + 53.5) and a.grade is not None and a.grade.name_zh == "超额完成"
    assert not a.veto_applied
    # 36 + 60 = 96 would be 超额完成, but the intensity target was missed: veto → 未完成.
    assert b.total == 96 and b.veto_applied and b.grade is not None and b.grade.name_zh == "未完成"
    assert "一票否决" in b.explanation_zh and "veto" in b.explanation_en
    assert "完成进度95.00%" in b.explanation_zh


@pytest.mark.parametrize(("total_measures", "grade"), [(55.0, "超额完成"), (54.9, "完成"), (40.0, "completed"), (39.9, "基本完成"), (19.9, "未完成")])
def test_grade_boundaries(total_measures: float, grade: str) -> None:
    text = f"region_code,item,score,max,reviewer,note\n510100,all,{total_measures},60,r,\n"
    measures = measures_totals(parse_measures_csv(text, "m.csv"), 60, "m.csv")
    (r,) = assess([_outcome(100.0)], RUBRIC, FINAL, measures)
    assert r.grade is not None and grade in (r.grade.name_zh, r.grade.name_en)


def test_without_measures_there_is_no_grade_unless_vetoed() -> None:
    met, missed = assess([_outcome(100.0, "510100"), _outcome(50.0, "510300")], RUBRIC, Period("annual", 2023))
    assert met.grade is None and met.total == 40 and "no grade" in met.explanation_en
    assert missed.grade is not None and missed.grade.code == "not_completed" and missed.veto_applied


def test_measures_csv_errors_name_every_row() -> None:
    bad = """region_code,item,score,max,reviewer,note
510100,组织领导,11,10,张三,
510100,结构调整,abc,20,张三,
,重点工程,27,30,张三,
510100,组织领导,9,10,张三,
"""
    with pytest.raises(InputFileError) as err:
        parse_measures_csv(bad, "m.csv")
    text = str(err.value)
    assert "m.csv: row 2, field 'score': score 11 is above the item's max 10" in text
    assert "row 3, field 'score'" in text and "row 4, field 'region_code'" in text
    assert len(err.value.problems) == 3  # row 5 is fine: row 2 was rejected, so no duplicate


def test_measures_item_maxima_must_add_up() -> None:
    text = "region_code,item,score,max,reviewer,note\n510100,a,5,10,r,\n510100,a,5,20,s,\n510300,a,5,50,r,\n"
    with pytest.raises(InputFileError) as err:
        measures_totals(parse_measures_csv(text, "m.csv"), 60, "m.csv")
    msgs = [str(p) for p in err.value.problems]
    assert any("reviewers disagree on max" in m and "rows 2, 3" in m for m in msgs)
    assert any("region 510300" in m and "add up to 50" in m for m in msgs)


def test_missing_header_column() -> None:
    with pytest.raises(InputFileError, match="missing column"):
        parse_measures_csv("region_code,item,score\n", "m.csv")


def test_rubric_bundled_and_bad_rubric_names_location(tmp_path: Path) -> None:
    assert "classic-40-60" in bundled_rubrics()
    assert RUBRIC.max_total == 109
    source = (Path(__file__).parents[2] / "src/ecer/core/rubrics/classic-40-60.yaml").read_text(encoding="utf-8")
    bad = source.replace("{min_pct: 80, points: 32}", "{min_pct: 80, points: 'many'}")
    with pytest.raises(InputFileError) as err:
        parse_rubric(bad, "bad.yaml")
    (p,) = err.value.problems
    assert (p.file, p.location, p.field) == ("bad.yaml", "quantitative.ladder[1]", "points")
    bad_file = tmp_path / "r.yaml"
    bad_file.write_text(source.replace("grade: not_completed", "grade: failed"), encoding="utf-8")
    with pytest.raises(InputFileError, match="veto.grade 'failed' is not one of the grades"):
        load_rubric(bad_file)
    with pytest.raises(InputFileError, match="no such rubric"):
        load_rubric("nope")


def test_completion_rejects_impossible_reductions() -> None:
    with pytest.raises(ValueError, match="below 100%"):
        completion_pct(100.0, 14.0)
    with pytest.raises(ValueError, match="finite"):
        completion_pct(math.nan, 14.0)


def test_bonus_is_shown_apart_from_the_100_point_score() -> None:
    """Regression (issue 7 §1.4): 泸州's 102.5 came from the bonus folded into the quantitative points;
    the score stays on the 100-point scale and the bonus (加分) is shown apart from it."""
    text = "region_code,item,score,max,reviewer,note\n510500,all,53.5,60,r,\n"
    measures = measures_totals(parse_measures_csv(text, "m.csv"), 60, "m.csv")
    (r,) = assess([_outcome(154.71, "510500")], RUBRIC, FINAL, measures)
    assert r.quantitative.base_points == 40 and r.quantitative.bonus_points == 9
    assert r.score == pytest.approx(93.5) and r.score <= RUBRIC.scale.max_points == 100
    assert r.bonus == 9 and r.total == pytest.approx(102.5)  # the bundled rubric: the total may exceed 100
    assert RUBRIC.scale.total_may_exceed_max is True
    assert "得分93.5分（100分制） + 加分9分 = 总分102.5分" in r.explanation_zh
    assert "score 93.5 of 100 + bonus 9 = total 102.5" in r.explanation_en


def test_a_rubric_states_whether_the_total_may_exceed_the_scale(tmp_path: Path) -> None:
    bundled = (Path(__file__).resolve().parents[2] / "src/ecer/core/rubrics/classic-40-60.yaml").read_text("utf-8")
    capped = parse_rubric(bundled.replace("total_may_exceed_max: true", "total_may_exceed_max: false"), "c.yaml")
    text = "region_code,item,score,max,reviewer,note\n510500,all,60,60,r,\n"
    measures = measures_totals(parse_measures_csv(text, "m.csv"), 60, "m.csv")
    (r,) = assess([_outcome(154.71, "510500")], capped, FINAL, measures)
    assert (r.score, r.bonus, r.total) == (100, 9, 100) and "封顶100分" in r.explanation_zh
    assert capped.max_total == 100 and RUBRIC.max_total == 109
    with pytest.raises(InputFileError, match="scale"):
        parse_rubric(bundled.replace("  total_may_exceed_max: true\n", ""), "no-scale.yaml")
    with pytest.raises(InputFileError, match="must equal quantitative.met_points"):
        parse_rubric(bundled.replace("  max_points: 100\n", "  max_points: 109\n"), "bad-scale.yaml")
