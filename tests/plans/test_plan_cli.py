"""`ecer plan` through click's CliRunner: exit codes and output."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from plan_fixtures import valid_plan, write_plan

from ecer.cli.main import cli
from ecer.texttable import display_width


def run(*args: str):
    return CliRunner().invoke(cli, ["plan", *args])


def test_check_ok(tmp_path: Path) -> None:
    result = run("check", str(write_plan(tmp_path, valid_plan())))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "OK: 3 targets, 2 tasks"


def test_check_bundled_file() -> None:
    from ecer.plans.loader import _bundled_dir

    result = run("check", str(_bundled_dir() / "sichuan-14fyp.yaml"))
    assert result.exit_code == 0 and result.output.startswith("OK: 24 targets, ")


def test_check_lists_every_problem_one_per_line(tmp_path: Path) -> None:
    data = valid_plan()
    data["targets"][0]["unit"] = "kg"
    data["tasks"][1]["programme"] = "nope"
    path = write_plan(tmp_path, data)
    result = CliRunner().invoke(cli, ["plan", "check", str(path)])
    assert result.exit_code == 1
    lines = [line for line in result.stdout.splitlines() if line]
    assert len(lines) == 2
    assert lines[0].startswith(f"{path}: targets[0] (code=energy_intensity), field 'unit': unknown unit 'kg'")
    assert lines[1].startswith(f"{path}: tasks[1] (code=retrofit), field 'programme'")


def test_show_table_default_plan() -> None:
    result = run("show")
    assert result.exit_code == 0
    for text in ("energy_intensity", "sludge_safe_disposal_rate", "三(五)", "吨标准煤/万元", "省发展改革委"):
        assert text in result.output
    table = result.output.splitlines()[1:]
    # Every line of the table has its columns at the same display positions: the header's dashes
    # line and each row start their second column at the same width.
    first_col = display_width(table[1].split("  ")[0])
    assert all(display_width(line[: len(line.split("  ")[0])]) <= first_col for line in table[2:])


def test_show_json_has_every_target_with_clause() -> None:
    result = run("show", "sichuan-14fyp", "--format", "json")
    assert result.exit_code == 0
    payload = json.loads(result.output)
    assert len(payload["targets"]) == 24
    straw = next(t for t in payload["targets"] if t["code"] == "straw_utilisation_rate")
    assert (straw["clause"], straw["value"], straw["unit"], straw["comparator"]) == ("三(五)", 90, "pct", "ge")
    assert {"lead_departments", "co_departments", "programme", "note", "value_unit"} <= set(straw)


def test_show_english_and_path(tmp_path: Path) -> None:
    result = run("show", str(write_plan(tmp_path, valid_plan())), "--lang", "en")
    assert result.exit_code == 0
    assert "overall goals" in result.output and "tce per 10⁴ yuan" in result.output


def test_show_bad_file_exits_1(tmp_path: Path) -> None:
    data = valid_plan()
    data["targets"][0]["kind"] = "absolute"
    result = run("show", str(write_plan(tmp_path, data)))
    assert result.exit_code == 1
    assert "field 'kind'" in result.output


def test_list() -> None:
    result = run("list")
    assert result.exit_code == 0
    assert "sichuan-14fyp" in result.output and "national-14fyp" in result.output
    assert "川府发〔2022〕20号" in result.output


def test_documented_example_is_a_valid_plan(tmp_path: Path) -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "plan-format.md").read_text(encoding="utf-8")
    example = doc.split("## Example", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")
    result = run("check", str(path))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "OK: 2 targets, 1 tasks"
