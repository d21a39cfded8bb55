"""Each kind of bad plan file gives a Problem that names the file, the entry and the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from plan_fixtures import valid_plan, write_plan

from ecer.errors import InputFileError, Problem
from ecer.plans import check_plan_file, load_plan


def problems_for(tmp_path: Path, data: Any) -> list[Problem]:
    path = write_plan(tmp_path, data)
    problems = check_plan_file(path)
    with pytest.raises(InputFileError) as caught:
        load_plan(path)
    assert caught.value.problems == problems
    return problems


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


def test_valid_plan_loads(tmp_path: Path) -> None:
    path = write_plan(tmp_path, valid_plan())
    assert check_plan_file(path) == []
    plan = load_plan(path)
    assert len(plan.targets) == 3
    assert plan.annual_for("energy_intensity") == {2021: 3.0, 2022: 2.9}
    assert plan.regional_targets[0].region == "510100"


def test_unknown_unit_message_names_file_entry_field(tmp_path: Path) -> None:
    data = valid_plan()
    data["targets"][1]["unit"] = "kg"
    problem = only(problems_for(tmp_path, data))
    assert problem.location == "targets[1] (code=industrial_water_intensity)"
    assert problem.field == "unit"
    assert str(problem).startswith(
        f"{tmp_path / 'plan.yaml'}: targets[1] (code=industrial_water_intensity), field 'unit': unknown unit 'kg'"
    )
    assert "(line " in problem.message


def test_unit_must_match_indicator(tmp_path: Path) -> None:
    data = valid_plan()
    data["targets"][0]["unit"] = "pct"
    problem = only(problems_for(tmp_path, data))
    assert problem.field == "unit" and "does not match indicator 'energy_intensity'" in problem.message


def test_missing_field(tmp_path: Path) -> None:
    data = valid_plan()
    del data["targets"][2]["clause"]
    problem = only(problems_for(tmp_path, data))
    assert (problem.location, problem.field) == ("targets[2] (code=non_fossil_share)", "clause")
    assert "required field is missing" in problem.message


def test_missing_section(tmp_path: Path) -> None:
    data = valid_plan()
    del data["programmes"]
    problems = problems_for(tmp_path, data)
    assert any(p.field == "programmes" and "missing" in p.message for p in problems)


@pytest.mark.parametrize("section", ["targets", "tasks", "programmes", "departments"])
def test_duplicate_codes(tmp_path: Path, section: str) -> None:
    data = valid_plan()
    data[section].append(dict(data[section][0]))
    index = len(data[section]) - 1
    problem = only(problems_for(tmp_path, data))
    assert problem.location.startswith(f"{section}[{index}] (code=")
    assert problem.field == "code" and "duplicate" in problem.message and f"{section}[0]" in problem.message


@pytest.mark.parametrize(
    ("section", "index", "field", "value", "expected"),
    [
        ("targets", 1, "indicator", "water_intensty", "unknown indicator 'water_intensty'"),
        ("targets", 1, "programme", "industri", "unknown programme 'industri'"),
        ("tasks", 1, "programme", "nope", "unknown programme 'nope'"),
        ("targets", 0, "comparator", "le", "use comparator 'ge'"),
        ("targets", 1, "target_year", 2020, "must be after base_year"),
        ("targets", 0, "comparator", "gt", "'gt' is not allowed"),
        ("targets", 0, "kind", "absolute", "'absolute' is not allowed"),
        ("targets", 0, "value", "fourteen", "'fourteen' is not a number"),
        ("targets", 0, "clause", "3.1", "not a clause reference"),
        ("targets", 0, "colour", "red", "unknown field"),
        ("tasks", 0, "kind", "policy", "'policy' is not allowed"),
        ("regional_targets", 0, "region", "519999", "unknown region '519999'"),
        ("regional_targets", 0, "region", "51010", "not a 6-digit"),
        ("regional_targets", 0, "indicator", "straw_utilisation_rate", "has no target in this plan"),
        ("annual_targets", 0, "year", 2027, "outside the target's period"),
        ("annual_targets", 0, "target", "nothing", "unknown target 'nothing'"),
    ],
)
def test_bad_entry_field(tmp_path: Path, section: str, index: int, field: str, value: Any, expected: str) -> None:
    data = valid_plan()
    data[section][index][field] = value
    problem = only(problems_for(tmp_path, data))
    assert problem.location.startswith(f"{section}[{index}]")
    assert problem.field == field
    assert expected in problem.message


def test_unknown_department_names_list_position(tmp_path: Path) -> None:
    data = valid_plan()
    data["targets"][1]["co_departments"] = ["drc", "finance"]
    problem = only(problems_for(tmp_path, data))
    assert problem.field == "co_departments[1]" and "unknown department 'finance'" in problem.message


def test_annual_year_outside_period(tmp_path: Path) -> None:
    data = valid_plan()
    data["targets"][0]["annual"] = {2020: 1.0}
    problem = only(problems_for(tmp_path, data))
    assert problem.field == "annual.2020" and "outside the plan period" in problem.message


def test_period_target_year_not_after_base_year(tmp_path: Path) -> None:
    data = valid_plan()
    data["period"] = {"base_year": 2025, "target_year": 2020}
    problem = only(problems_for(tmp_path, data))
    assert (problem.location, problem.field) == ("period", "target_year")


def test_bad_header_date(tmp_path: Path) -> None:
    data = valid_plan()
    data["issued"] = "21 July 2022"
    problem = only(problems_for(tmp_path, data))
    assert (problem.location, problem.field) == ("plan header", "issued")
    assert "not a date" in problem.message


def test_yaml_syntax_error_has_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("code: x\nname_zh: [unclosed\nname_en: y\n", encoding="utf-8")
    problem = only(check_plan_file(path))
    assert problem.location.startswith("line ") and "invalid YAML" in problem.message
    assert problem.file == str(path)


def test_duplicate_yaml_key_is_reported(tmp_path: Path) -> None:
    path = write_plan(tmp_path, valid_plan())
    path.write_text(path.read_text(encoding="utf-8") + "code: other\n", encoding="utf-8")
    problem = only(check_plan_file(path))
    assert problem.field == "code" and "appears twice" in problem.message


def test_not_a_mapping_and_missing_file(tmp_path: Path) -> None:
    assert "mapping" in only(problems_for(tmp_path, ["a", "b"])).message
    assert "not found" in only(check_plan_file(tmp_path / "absent.yaml")).message


def test_every_problem_is_reported_in_one_pass(tmp_path: Path) -> None:
    data = valid_plan()
    data["targets"][0]["unit"] = "kg"
    data["targets"][1]["programme"] = "nope"
    del data["targets"][2]["value"]
    data["tasks"][0]["lead_departments"] = ["ghost"]
    problems = problems_for(tmp_path, data)
    fields = sorted((p.location.split(" ")[0], p.field) for p in problems)
    assert fields == [("targets[0]", "unit"), ("targets[1]", "programme"), ("targets[2]", "value"),
                      ("tasks[0]", "lead_departments[0]")]
    for problem in problems:
        assert "pydantic" not in problem.message and "errors.pydantic.dev" not in problem.message


def test_broken_entry_is_not_reported_again_through_references(tmp_path: Path) -> None:
    data = valid_plan()
    data["programmes"][0]["clause"] = "III.1"
    data["departments"][0]["name_en"] = ""
    problems = problems_for(tmp_path, data)
    assert sorted((p.location.split(" ")[0], p.field) for p in problems) == [
        ("departments[0]", "name_en"), ("programmes[0]", "clause")]
