"""`ecer decompose` and `ecer assess` end to end on statistics files (file mode)."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

from ecer.catalogs import load_regions
from ecer.cli.main import cli

YEARS_ARGS = ["--base-year", "2020", "--target-year", "2025"]


def _write_stats(path: Path, skip: str | None = None, zero_energy: str | None = None,
                 no_energy: str | None = None) -> dict[str, dict[str, float]]:
    """A deterministic illustrative dataset for Sichuan's 21 cities, 2020–2023; returns the figures used."""
    figures: dict[str, dict[str, float]] = {}
    rows = [["region_code", "year", "variable", "value", "unit", "source", "note"]]
    for i, city in enumerate(load_regions().children("510000")):
        if city.code == skip:
            continue
        e0 = 0.0 if city.code == zero_energy else 400.0 + 250.0 * i
        g0 = e0 * (1.0 + (i % 7) * 0.45) if e0 else 1000.0
        idx = 105.0 + (i % 4)
        drop = 0.01 * (i % 6)  # yearly intensity reduction of the city, 0–5%
        f = {"e0": e0, "g0": g0, "idx": idx}
        if city.code != no_energy:
            rows.append([city.code, "2020", "energy_total", f"{e0}", "10k_tce", "illustrative (test)", ""])
        rows.append([city.code, "2020", "gdp_current", f"{g0}", "100m_yuan", "illustrative (test)", ""])
        energy = e0
        for year in (2021, 2022, 2023):
            energy = round(energy * idx / 100 * (1 - drop), 3)
            rows += [[city.code, str(year), "gdp_index", f"{idx}", "index_prev_year_100", "illustrative (test)", ""],
                     [city.code, str(year), "energy_total", f"{energy}", "10k_tce", "illustrative (test)", ""]]
        f["e2023"] = energy
        figures[city.code] = f
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    return figures


@pytest.fixture()
def stats(tmp_path: Path) -> tuple[Path, dict[str, dict[str, float]]]:
    path = tmp_path / "stats.csv"
    return path, _write_stats(path)


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def test_decompose_table_shows_every_step_and_the_check(stats: tuple[Path, dict]) -> None:
    code, out = _run("decompose", "--data", str(stats[0]), "--reduction", "14", *YEARS_ARGS)
    assert code == 0, out
    for text in ("能源产出率", "solved common shift s =", "tier", "GDP_T", "E_T", "meets provincial target 14.0%: yes"):
        assert text in out
    city_lines = [line for line in out.splitlines() if line[:6].isdigit()]
    assert len(city_lines) == 21


def test_decompose_csv_aggregates_back_to_the_provincial_target(stats: tuple[Path, dict]) -> None:
    code, out = _run("decompose", "--data", str(stats[0]), "--reduction", "14", "--margin", "1.0",
                     "--growth", "5", "--growth-for", "510100=8", *YEARS_ARGS, "--format", "csv")
    assert code == 0, out
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 21
    # Independent check from the inputs only: project each city with its basic target.
    e0 = sum(stats[1][r["region_code"]]["e0"] for r in rows)
    g0 = sum(stats[1][r["region_code"]]["g0"] for r in rows)
    g_t = {r["region_code"]: stats[1][r["region_code"]]["g0"] * (1.08 if r["region_code"] == "510100" else 1.05) ** 5
           for r in rows}
    e_t = sum(stats[1][c]["e0"] / stats[1][c]["g0"] * (1 - float(r["basic_reduction_pct"]) / 100) * g_t[c]
              for r in rows for c in [r["region_code"]])
    assert (1 - (e_t / sum(g_t.values())) / (e0 / g0)) * 100 >= 15.0 - 1e-9
    assert {r["region_code"]: float(r["gdp_growth_pct"]) for r in rows}["510100"] == 8.0


def test_decompose_json(stats: tuple[Path, dict]) -> None:
    code, out = _run("decompose", "--data", str(stats[0]), "--reduction", "14", *YEARS_ARGS, "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["check"]["meets_with_margin"] is True and len(data["allocations"]) == 21


def test_decompose_names_missing_and_impossible_cities(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    _write_stats(path, skip="511800")
    code, out = _run("decompose", "--data", str(path), "--reduction", "14", *YEARS_ARGS)
    assert code == 1 and "region 511800" in out and "no base-year data" in out
    _write_stats(path, zero_energy="510300")  # caught by the statistics parser: names the row
    code, out = _run("decompose", "--data", str(path), "--reduction", "14", *YEARS_ARGS)
    assert code == 1 and "field 'value': energy_total = 0 is outside the valid range (0, 1000000] 10k_tce" in out
    _write_stats(path, no_energy="510300")  # a city without base-year energy: named by the decomposition
    code, out = _run("decompose", "--data", str(path), "--reduction", "14", *YEARS_ARGS)
    assert code == 1 and "region 510300" in out and "energy_10k_tce must be a positive number" in out


def _targets(tmp_path: Path, pct: float = 14.0) -> Path:
    path = tmp_path / "targets.csv"
    lines = ["region_code,basic_reduction_pct"] + [f"{c.code},{pct}" for c in load_regions().children("510000")]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_assess_annual_uses_the_log_completion_of_the_progress_requirement(stats: tuple[Path, dict], tmp_path: Path) -> None:
    path, figures = stats
    measures = tmp_path / "m.csv"
    measures.write_text("region_code,item,score,max,reviewer,note\n510100,措施,50,60,甲,\n", encoding="utf-8")
    code, out = _run("assess", "--period", "annual:2023", "--data", str(path), "--targets", str(_targets(tmp_path)),
                     "--measures", str(measures), *YEARS_ARGS, "--format", "json")
    assert code == 0, out
    regions = {r["region_code"]: r for r in json.loads(out)["regions"]}
    f = figures["510300"]  # second city, i = 1
    achieved = (1 - (f["e2023"] / (f["g0"] * (f["idx"] / 100) ** 3)) / (f["e0"] / f["g0"])) * 100
    required = (1 - 0.86 ** (3 / 5)) * 100
    r = regions["510300"]
    assert r["outcome"]["achieved_reduction_pct"] == pytest.approx(achieved, abs=1e-6)
    assert r["outcome"]["required_reduction_pct"] == pytest.approx(required)
    done = 100 * math.log(1 - achieved / 100) / math.log(1 - required / 100)
    assert r["quantitative"]["completion_pct"] == pytest.approx(done, abs=1e-4)
    # 510100 (i = 0) has no yearly reduction: intensity is flat, completion 0 → 0 points, veto.
    assert regions["510100"]["quantitative"]["points"] == 0 and regions["510100"]["veto_applied"] is True
    assert regions["510100"]["grade"]["name_zh"] == "未完成" and regions["510100"]["total"] == 50


def test_assess_table_and_midterm_default_year(stats: tuple[Path, dict], tmp_path: Path) -> None:
    code, out = _run("assess", "--period", "midterm", "--data", str(stats[0]), "--targets", str(_targets(tmp_path)),
                     *YEARS_ARGS)
    assert code == 0, out
    assert "2023年中期评估" in out and "mid-term assessment 2023" in out and "一票否决" in out


def test_assess_final_without_final_year_data_names_region_and_year(stats: tuple[Path, dict], tmp_path: Path) -> None:
    code, out = _run("assess", "--period", "final", "--data", str(stats[0]), "--targets", str(_targets(tmp_path)),
                     *YEARS_ARGS)
    assert code == 1 and "region 510100" in out and "year 2024" in out and "missing" in out


def test_assess_bad_measures_row_is_named(stats: tuple[Path, dict], tmp_path: Path) -> None:
    measures = tmp_path / "m.csv"
    measures.write_text("region_code,item,score,max,reviewer,note\n510100,a,61,60,甲,\n", encoding="utf-8")
    code, out = _run("assess", "--period", "annual:2022", "--data", str(stats[0]), "--targets", str(_targets(tmp_path)),
                     "--measures", str(measures), *YEARS_ARGS)
    assert code == 1 and "m.csv: row 2, field 'score': score 61 is above the item's max 60" in out


def test_assess_bad_targets_rows_name_row_and_column(stats: tuple[Path, dict], tmp_path: Path) -> None:
    targets = tmp_path / "t.csv"
    targets.write_text("region_code,basic_reduction_pct,incentive_reduction_pct\n510100,14,abc\n510300,nan,\n"
                       ",14,\n", encoding="utf-8")
    code, out = _run("assess", "--period", "annual:2022", "--data", str(stats[0]), "--targets", str(targets),
                     *YEARS_ARGS)
    assert code == 1
    assert "t.csv: row 2, field 'incentive_reduction_pct': not a finite number: 'abc'" in out
    assert "t.csv: row 3, field 'basic_reduction_pct': not a finite number: 'nan'" in out
    assert "t.csv: row 4, field 'region_code': region code is empty" in out


def test_assess_bad_period(stats: tuple[Path, dict], tmp_path: Path) -> None:
    code, out = _run("assess", "--period", "annual", "--data", str(stats[0]), *YEARS_ARGS)
    assert code == 2 and "annual:YEAR" in out


def test_decompose_takes_target_and_years_from_the_bundled_plan(stats: tuple[Path, dict]) -> None:
    code, out = _run("decompose", "--data", str(stats[0]), "--plan", "sichuan-14fyp")
    assert code == 0, out
    assert "provincial target R = 14.0%" in out and "2020→2025" in out


@pytest.mark.django_db
def test_decompose_and_assess_read_current_observations_from_the_database(
    stats: tuple[Path, dict], tmp_path: Path
) -> None:
    from ecer.masterdata.services.catalogs import load_catalogs
    from ecer.masterdata.services.imports import import_statistics

    load_catalogs()
    import_statistics(stats[0], illustrative=True)
    code_file, from_file = _run("decompose", "--data", str(stats[0]), "--format", "csv")
    code_db, from_db = _run("decompose", "--format", "csv")
    assert code_file == code_db == 0 and from_db == from_file
    result = CliRunner().invoke(cli, ["assess", "--period", "annual:2023", "--targets", str(_targets(tmp_path)),
                                      "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)["regions"]) == 21  # the hint on missing measures goes to stderr
    assert "--measures demo" in result.stderr
