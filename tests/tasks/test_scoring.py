"""The province reviewer's scores: who may score, what is checked, and how the scores become the
measures part of `ecer assess` (a recorded city item replaces the file's; a change of a score changes
the assessment by exactly that much)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from ecer.core.assessment import load_rubric
from ecer.services import tasks as svc
from ecer.services.actor import PermissionDenied, system_actor
from ecer.services.assess import assess
from ecer.services.errors import InvalidRequest, NotFound
from tasks.conftest import DRC_LEADS, actor, task_id

GY = "510800"
#: One task per measure item of classic-40-60, all reported by 省发展改革委 (drc).
ONE_PER_ITEM = {"organisation": "organisation_and_leadership", "target_allocation": "dual_control_of_energy",
                "structure": "road_to_rail_and_water", "investment_projects": "charging_and_hydrogen_corridors",
                "technology": "clean_shipping_and_ports", "key_enterprises": "green_logistics_and_packaging",
                "law_enforcement": "vehicle_emission_standards", "basic_work": "public_action"}
#: Points given per item (each within the item's maximum: 2, 3, 20, 10, 9, 8, 3, 5).
POINTS = {"organisation": 2, "target_allocation": 2.5, "structure": 15, "investment_projects": 8,
          "technology": 6, "key_enterprises": 7, "law_enforcement": 3, "basic_work": 4}


@pytest.mark.usefixtures("plan")
def test_only_province_reviewers_score_a_reported_year_within_the_item() -> None:
    drc = actor("ndrc", "department", None, "drc")
    reviewer = actor("rev", "province_reviewer", "510000")
    t = task_id(DRC_LEADS)  # investment_projects: at most 10 points
    with pytest.raises(InvalidRequest, match="no report"):
        svc.score(t, 2024, actor=reviewer, region=GY, points=5)
    svc.report(t, 2024, actor=drc, status="on_track")
    with pytest.raises(PermissionDenied):
        svc.score(t, 2024, actor=drc, region=GY, points=5)  # a department does not score its own work
    with pytest.raises(PermissionDenied):
        svc.score(t, 2024, actor=actor("gy", "city_operator", GY), region=GY, points=5)
    with pytest.raises(PermissionDenied):
        svc.score(t, 2024, actor=actor("gyr", "city_reviewer", GY), region=GY, points=5)
    with pytest.raises(PermissionDenied):
        svc.score(t, 2024, actor=actor("aud", "auditor"), region=GY, points=5)
    for bad in ({"region": GY, "points": 10.5}, {"region": GY, "points": -1}, {"region": GY, "points": float("nan")},
                {"region": "510000", "points": 1}, {"region": "999999", "points": 1}):
        with pytest.raises(InvalidRequest):
            svc.score(t, 2024, actor=reviewer, **bad)  # type: ignore[arg-type]
    [s] = svc.score(t, 2024, actor=reviewer, region=GY, points=7.5, note="good")
    assert (s.region_code, s.points, s.max_points, s.reviewer) == (GY, 7.5, 10, "rev")
    assert len(svc.score(t, 2024, actor=reviewer, region=svc.ALL_CITIES, points=6)) == 21  # the 21 cities
    # the department sees that it was scored, not a city's points
    year = svc.task_detail(t, actor=drc).years[3]
    assert year.scores == [] and year.scored_cities == 21 and year.mean_points == 6
    assert all(e.after is None for e in year.events if e.action == "score")
    with pytest.raises(NotFound):
        svc.score(task_id("pollutant_total_control"), 2024, actor=drc, region=GY, points=1)


@pytest.mark.usefixtures("plan")
def test_recorded_measures_average_a_reviewer_s_tasks_of_one_item() -> None:
    rubric = load_rubric("classic-40-60")
    reviewer = actor("rev", "province_reviewer", "510000")
    for code, points in (("charging_and_hydrogen_corridors", 8), ("economic_policies", 5)):  # both investment_projects
        svc.report(task_id(code), 2024, actor=system_actor(), status="on_track")
        svc.score(task_id(code), 2024, actor=reviewer, region=GY, points=points)
    [row] = svc.recorded_measures(2024, rubric)
    assert (row.region_code, row.item, row.score, row.max_points, row.reviewer) == (
        GY, "节能投入和重点工程实施情况", 6.5, 10, "rev")
    assert "charging_and_hydrogen_corridors" in row.note and svc.recorded_measures(2023, rubric) == []
    assert svc.recorded_measures(2024, rubric, regions={"510100"}) == []


def _score_every_item(reviewer: object, points: dict[str, float]) -> None:
    for item, code in ONE_PER_ITEM.items():
        svc.report(task_id(code), 2024, actor=system_actor(), status="on_track")
        svc.score(task_id(code), 2024, actor=reviewer, region=GY, points=points[item])  # type: ignore[arg-type]


def _by_city(done: object) -> dict[str, float | None]:
    return {r.region_code: (r.measures.points if r.measures else None) for r in done.results}  # type: ignore[attr-defined]


@pytest.mark.slow
@pytest.mark.once
def test_assess_takes_the_measures_from_the_recorded_scores(db: None, tmp_path: object,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from demo_fixtures import load_demo

    monkeypatch.setenv("ECER_DATA_DIR", str(tmp_path))
    load_demo()
    system = system_actor()
    assert assess("annual:2024", actor=system).measures is None  # nothing recorded, no file: as before
    reviewer = actor("rev", "province_reviewer", "510000")
    # one item only: the city gets no measures yet, and the output says why
    svc.report(task_id(DRC_LEADS), 2024, actor=system, status="on_track")
    svc.score(task_id(DRC_LEADS), 2024, actor=reviewer, region=GY, points=8)
    partial = assess("annual:2024", actor=system)
    assert _by_city(partial)[GY] is None and partial.measures["recorded"]["incomplete"] == {GY: "1/8"}  # type: ignore[index]

    _score_every_item(reviewer, POINTS)
    done = assess("annual:2024", actor=system)
    assert _by_city(done)[GY] == pytest.approx(sum(POINTS.values()))
    assert sum(1 for v in _by_city(done).values() if v is not None) == 1
    assert done.measures is not None and done.measures["source"] == "recorded"
    assert done.measures["recorded"] == {"items": 8, "regions": 1, "incomplete": {}}
    # change one score: the measures part moves by exactly the change
    svc.score(task_id("road_to_rail_and_water"), 2024, actor=reviewer, region=GY, points=11)
    assert _by_city(assess("annual:2024", actor=system))[GY] == pytest.approx(sum(POINTS.values()) - 4)
    assert _by_city(assess("annual:2023", actor=system))[GY] is None  # another year: nothing recorded

    # with the illustrative file: the recorded city's items replace the file's, the others keep theirs
    from ecer.demo.measures import bundled_path

    with_file = assess("annual:2024", actor=system, measures="demo")
    plain = _by_city(with_file)
    assert plain[GY] == pytest.approx(sum(POINTS.values()) - 4)
    assert with_file.measures is not None and with_file.measures["source"] == "recorded+file"
    file_only = {}
    for line in bundled_path(2024).read_text(encoding="utf-8").splitlines()[1:]:
        region, _, score, *_ = line.split(",")
        file_only[region] = file_only.get(region, 0.0) + float(score)
    assert plain["510100"] == pytest.approx(file_only["510100"])

    # the CLI: the same figures, and it says where the measures came from
    from ecer.cli.main import cli

    out = CliRunner().invoke(cli, ["assess", "--period", "annual:2024", "--format", "json"])
    assert out.exit_code == 0, out.output
    body = json.loads(out.stdout)
    [gy] = [r for r in body["regions"] if r["region_code"] == GY]
    assert gy["measures"]["points"] == pytest.approx(sum(POINTS.values()) - 4)
    assert body["measures"]["source"] == "recorded"
    table = CliRunner().invoke(cli, ["assess", "--period", "annual:2024"]).stdout
    assert "任务跟踪评分 recorded task scores — 8 item(s) of 1 city(ies)" in table
