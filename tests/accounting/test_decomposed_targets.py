"""Stored decompositions: RegionalTargets with a DecompositionRun, used by progress and by assess,
and `ecer assess` giving the same results from the database and from the statistics file."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecer.accounting import find_row, progress_report
from ecer.cli.demo import illustrative_dataset
from ecer.cli.main import cli

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_data")]

PLAN = "sichuan-14fyp"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout if result.exit_code == 0 else result.output


def test_saved_decomposition_becomes_the_cities_targets_with_provenance() -> None:
    from ecer.masterdata.models import DecompositionRun, RegionalTarget
    from ecer.services.actor import system_actor
    from ecer.services.decompose import decompose_from_database

    saved = decompose_from_database(PLAN, actor=system_actor()).intensity
    assert saved.changed and saved.replaced == 0 and saved.targets == 21
    run_ = DecompositionRun.objects.get(pk=saved.run_id)
    targets = {t.region.code: t for t in RegionalTarget.objects.filter(decomposition=run_).select_related("region")}
    assert len(targets) == 21 and "510000" not in targets
    assert run_.method == "decomposition.productivity_tiers" and run_.rule_version == "1" and run_.is_illustrative
    assert run_.parameters["provincial_reduction_pct"] == 14.0 and run_.parameters["margin_pct"] == 0.5
    assert run_.outputs["check"]["meets_with_margin"] is True
    # inputs name each base-year value and the observation version it came from
    guangyuan = next(i for i in run_.inputs if i["region"] == "510800")
    assert {v["name"] for v in guangyuan["values"]} >= {"energy_total", "gdp_current"}
    assert all(v["data_version"].startswith("observation:") for v in guangyuan["values"])
    for a in run_.outputs["allocations"]:
        t = targets[a["region_code"]]
        assert (t.basic_value, t.incentive_value) == (a["basic_reduction_pct"], a["incentive_reduction_pct"])
    assert len({t.basic_value for t in targets.values()}) > 1  # tiers differ

    report = progress_report(PLAN, 2023)
    for code, t in targets.items():
        row = find_row(report, code, "energy_intensity")
        assert row.target_value == t.basic_value
        assert row.required == pytest.approx((1 - (1 - t.basic_value / 100) ** (3 / 5)) * 100)
        first = row.provenance["inputs"][0]
        assert first["name"] == "regional_target:energy_intensity" and f"decomposition run {run_.pk}" in first["source"]
        assert not any("fallback" in n for n in row.provenance["notes"])
        assert any(f"目标分解第{run_.pk}号" in n for n in row.provenance["notes"])
    # the province keeps the plan's own target
    assert find_row(report, "510000", "energy_intensity").target_value == 14.0

    again = decompose_from_database(PLAN, actor=system_actor()).intensity
    assert not again.changed and again.run_id == run_.pk
    both = decompose_from_database(PLAN, actor=system_actor(), margin_pct=1.0)
    other = both.intensity
    assert other.changed and other.replaced == 21
    # the intensity run is replaced; the six amount runs of the same call are unchanged (same inputs)
    assert DecompositionRun.objects.filter(indicator__code="energy_intensity").count() == 2
    assert DecompositionRun.objects.count() == 2 + 6
    assert not any(a.changed for a in both.amounts) and len(both.amounts) == 6
    other_run = DecompositionRun.objects.get(pk=other.run_id)
    replaced = {r["region"]: r for r in other_run.replaced}
    assert replaced["510800"]["basic"] == targets["510800"].basic_value
    assert replaced["510800"]["decomposition_run"] == run_.pk
    assert RegionalTarget.objects.filter(decomposition=run_).count() == 0
    assert RegionalTarget.objects.filter(decomposition=other_run).count() == 21


def test_decompose_save_cli_then_assess_from_database_equals_assess_from_file(tmp_path: Path) -> None:
    code, decomposed = run("decompose", "--save", "--format", "csv")
    assert code == 0, decomposed
    targets = tmp_path / "targets.csv"
    targets.write_text(decomposed, encoding="utf-8")
    again = CliRunner().invoke(cli, ["decompose", "--save"])
    assert again.exit_code == 0 and "unchanged: decomposition run" in again.stderr
    for period in ("annual:2023", "midterm", "annual:2024"):
        code_db, from_db = run("assess", "--period", period, "--format", "json")
        assert code_db == 0, from_db
        code_file, from_file = run("assess", "--period", period, "--data", str(illustrative_dataset()),
                                   "--targets", str(targets), "--format", "json")
        assert code_file == 0, from_file
        assert json.loads(from_db) == json.loads(from_file)
    # and the achieved/required reductions are the progress report's
    regions = {r["region_code"]: r for r in json.loads(from_db)["regions"]}
    report = progress_report(PLAN, 2024)
    assert len(regions) == 21
    for code, r in regions.items():
        row = find_row(report, code, "energy_intensity")
        assert r["outcome"]["achieved_reduction_pct"] == row.actual
        assert r["outcome"]["required_reduction_pct"] == row.required
        expected = 100 * math.log(1 - row.actual / 100) / math.log(1 - row.required / 100)
        assert r["quantitative"]["completion_pct"] == pytest.approx(expected, abs=0.01)
    basic = {r["region_code"]: float(r["basic_reduction_pct"]) for r in csv.DictReader(io.StringIO(decomposed))}
    assert r["outcome"]["required_reduction_pct"] == pytest.approx((1 - (1 - basic[code] / 100) ** 0.8) * 100)


def test_assess_without_stored_targets_says_how_to_get_them() -> None:
    code, out = run("assess", "--period", "annual:2023")
    assert code == 1 and "no energy_intensity target for region(s) 510100" in out and "decompose --save" in out
