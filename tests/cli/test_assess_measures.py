"""The measures part of `ecer assess`: the rubric's measure items, the bundled illustrative reviewers'
scores (`python -m ecer.demo.measures`, `--measures demo`) and what the output says about them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from ecer.cli.main import cli
from ecer.core.assessment import measures_totals, parse_measures_csv
from ecer.core.rubrics import load_rubric, parse_rubric
from ecer.demo import measures as demo
from ecer.demo.generate import OUTPUT_NAME
from ecer.errors import InputFileError

STATS = demo.data_dir() / OUTPUT_NAME


def _invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def targets(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """City targets decomposed from the illustrative statistics (what `ecer demo` stores)."""
    result = _invoke("decompose", "--data", str(STATS), "--format", "csv")
    assert result.exit_code == 0, result.output
    path = tmp_path_factory.mktemp("targets") / "targets.csv"
    path.write_text(result.stdout, encoding="utf-8")
    return path


# --- the rubric's items --------------------------------------------------------------------------

def test_classic_rubric_lists_the_measure_items_adding_up_to_60_with_sources() -> None:
    rule = load_rubric("classic-40-60").measures
    assert len(rule.items) == 8 and sum(i.max_points for i in rule.items) == rule.max_points == 60
    assert {i.name_zh for i in rule.items} >= {"节能工作组织和领导情况", "调整和优化产业结构情况", "法律法规执行情况"}
    assert all(i.source for i in rule.items) and "[open]" in rule.items_source and "[assumed]" in rule.items_source


def _rubric_with_items(items: str) -> str:
    text = (Path(__file__).parents[2] / "src/ecer/core/rubrics/classic-40-60.yaml").read_text(encoding="utf-8")
    head, _, rest = text.partition("  items:\n")
    return head + "  items:\n" + items + "grades:" + rest.partition("\ngrades:")[2]


def test_rubric_items_must_add_up_and_be_unique() -> None:
    short = "    - {code: a, name_zh: 甲, name_en: a, max_points: 59, source: test}\n"
    with pytest.raises(InputFileError) as err:
        parse_rubric(_rubric_with_items(short), "r.yaml")
    assert "r.yaml: measures" in str(err.value) and "add up to 59" in str(err.value)
    twice = ("    - {code: a, name_zh: 甲, name_en: a, max_points: 30, source: test}\n"
             "    - {code: b, name_zh: 甲, name_en: b, max_points: 30, source: test}\n")
    with pytest.raises(InputFileError, match="duplicate name_zh 甲"):
        parse_rubric(_rubric_with_items(twice), "r.yaml")


# --- the bundled illustrative scores --------------------------------------------------------------

@pytest.mark.parametrize("year", demo.YEARS)
def test_committed_scores_equal_regeneration_and_parse(year: int, tmp_path: Path) -> None:
    committed = demo.bundled_path(year)
    out = tmp_path / "m.csv"
    demo.main(["--year", str(year), "--out", str(out)])
    assert out.read_bytes() == committed.read_bytes(), f"regenerate with: python -m ecer.demo.measures --year {year}"
    scores = parse_measures_csv(committed.read_text(encoding="utf-8"), committed.name)
    totals = measures_totals(scores, 60, committed.name)
    assert sorted(totals) == demo.city_codes() and len(totals) == 21
    items = {i.name_zh: i.max_points for i in load_rubric("classic-40-60").measures.items}
    assert all(items[s.item] == s.max_points for s in scores)
    assert all("illustrative" in s.reviewer and "illustrative" in s.note and "示例" in s.note for s in scores)
    points = [t.points for t in totals.values()]
    assert sum(45 <= p <= 57.5 for p in points) >= 15 and min(points) >= 30 and max(points) <= 60


def test_seed_changes_the_scores_and_every_statistics_year_has_scores(tmp_path: Path) -> None:
    assert demo.measures_csv(2023, seed=1) != demo.measures_csv(2023)
    with STATS.open(encoding="utf-8-sig") as fh:
        years = sorted({int(r["year"]) for r in csv.DictReader(fh)})
    assert set(years[1:]) <= set(demo.YEARS), "the statistics gained a year: add it to ecer.demo.measures.YEARS"


# --- ecer assess ----------------------------------------------------------------------------------

def test_assess_with_demo_measures_grades_every_city_and_says_illustrative(targets: Path) -> None:
    result = _invoke("assess", "--period", "annual:2023", "--data", str(STATS), "--targets", str(targets),
                     "--measures", "demo", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["measures"] == {"file": "illustrative-measures-2023.csv", "bundled_demo": True, "illustrative": True,
                                "regions": 21, "source": "file",
                                # with a statistics file (no database) no recorded task scores are read
                                "recorded": {"items": 0, "regions": 0, "incomplete": {}}}
    assert data["illustrative_data"] is True and "measures part missing" not in result.stderr
    rubric = load_rubric("classic-40-60")
    for r in data["regions"]:
        assert r["grade"] is not None and r["measures"]["items"] == 8
        assert r["total"] == pytest.approx(r["quantitative"]["points"] + r["measures"]["points"])
        expected = "not_completed" if r["veto_applied"] else next(
            g.code for g in rubric.grades if r["total"] >= g.min_score)
        assert r["grade"]["code"] == expected
    assert {r["grade"]["code"] for r in data["regions"]} >= {"exceeded", "completed", "not_completed"}

    table = _invoke("assess", "--period", "annual:2023", "--data", str(STATS), "--targets", str(targets),
                    "--measures", "demo")
    assert table.exit_code == 0, table.output
    assert "illustrative-measures-2023.csv (示例评分，非真实评审 / illustrative scores" in table.stdout
    assert "等级分布 / grades: 超额完成" in table.stdout and "— (no measures)" not in table.stdout


def test_assess_without_measures_hints_and_shows_no_partial_totals(targets: Path) -> None:
    result = _invoke("assess", "--period", "annual:2022", "--data", str(STATS), "--targets", str(targets))
    assert result.exit_code == 0, result.output
    assert "pass --measures FILE (reviewers' scores) or --measures demo" in result.stderr
    assert "措施得分 measures: none given" in result.stdout
    met_rows = [line for line in result.stdout.splitlines() if "— (no measures)" in line]
    # meas and score (columns 8, 9) and total (before the grade) stay empty; a bonus may show (加分)
    assert met_rows and all(line.split()[7:9] == ["—", "—"] and line.split()[-4] == "—" for line in met_rows)


def test_assess_own_measures_file_is_shown_as_reviewers_scores(targets: Path, tmp_path: Path) -> None:
    own = tmp_path / "scores.csv"
    rows = ["region_code,item,score,max,reviewer,note"] + [
        f"{code},措施,50,60,省考核组,现场核查" for code in demo.city_codes()]
    own.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = _invoke("assess", "--period", "annual:2023", "--data", str(STATS), "--targets", str(targets),
                     "--measures", str(own))
    assert result.exit_code == 0, result.output
    assert f"措施得分 measures: {own} (reviewers' scores)" in result.stdout and "示例评分" not in result.stdout


def test_assess_measures_errors_come_before_the_evaluation(targets: Path, tmp_path: Path) -> None:
    missing = _invoke("assess", "--period", "annual:2023", "--data", str(STATS), "--targets", str(targets),
                      "--measures", str(tmp_path / "nope.csv"))
    assert missing.exit_code == 2 and "no such file (or `demo`" in missing.output
    # the five-year assessment has neither 2025 statistics nor 2025 scores: the scores are named first
    final = _invoke("assess", "--period", "final", "--data", str(STATS), "--targets", str(targets),
                    "--measures", "demo")
    assert final.exit_code == 1 and "no illustrative measures scores for 2025; bundled years: 2021" in final.output
