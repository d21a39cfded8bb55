"""`ecer progress` and `ecer explain` through click, on the demo data."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from ecer.cli.main import cli

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_data")]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_progress_json_by_region_name() -> None:
    code, out = run("progress", "--year", "2023", "--region", "广元", "--format", "json")
    assert code == 0, out
    data = json.loads(out)
    assert data["plan"] == "sichuan-14fyp" and data["illustrative_data"] is True
    rows = {r["indicator"]: r for r in data["rows"]}
    ei = rows["energy_intensity"]
    assert ei["region_code"] == "510800" and ei["light"] in {"green", "yellow", "red"}
    assert ei["provenance"]["rule"] == "progress.reduction"
    assert ei["explanation_zh"].startswith("广元市 2023年")


def test_progress_csv_and_table() -> None:
    code, out = run("progress", "--year", "2023", "--format", "csv", "--lang", "en")
    assert code == 0, out
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["region_code"] for r in rows} >= {"510000", "510100", "513400"}
    assert any(r["region_name"] == "Guangyuan" or "Guangyuan" in r["region_name"] for r in rows)
    code, out = run("progress", "-y", "2023", "-r", "510000")
    assert code == 0 and "illustrative" in out
    header, first = out.splitlines()[:2]
    # for people: Chinese headers, the code once and the indicator's Chinese name, unit and light in words
    assert header.split() == ["地区代码", "地区", "代码", "指标", "年份", "单位", "实际", "进度要求", "差距", "完成进度%",
                              "预警灯", "年度灯", "状态"]
    assert first.split()[:6] == ["510000", "四川省", "energy_intensity", "单位地区生产总值能源消耗（能耗强度）", "2023", "%"]
    assert first.count("energy_intensity") == 1 and first.split()[-3] in ("绿灯", "黄灯", "红灯")
    code, out = run("progress", "-y", "2023", "-r", "510000", "--lang", "en")
    assert code == 0 and "energy intensity of GDP" in out and "10⁴ tonnes" in out and "region_code  region" in out


def test_explain_both_languages_with_inputs() -> None:
    code, out = run("explain", "广元", "energy_intensity", "2023")
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0].startswith("广元市 2023年") and "→" in lines[0]
    assert lines[1].startswith("Guangyuan")
    assert "observation:" in out and "progress.reduction v1" in out and "fallback" in out


def test_explain_total_consumption_control() -> None:
    code, out = run("explain", "广元", "energy_total_control", "2023", "--lang", "both")
    assert code == 0, out
    zh, en = out.splitlines()[:2]
    assert zh.startswith("广元市 2023年能源消费总量考核值为") and "新增可再生能源电力" in zh and "→" in zh
    assert en.startswith("Guangyuan: assessed energy consumption") and "new renewable electricity" in en
    assert "energy_budget 510800 2023" in out and "renewable_electricity 510800 2020" in out
    code, out = run("progress", "-y", "2023", "-r", "广元")
    assert code == 0 and "energy_total_control" in out and "能源消费总量控制" in out and "万吨标准煤" in out


def test_explain_errors_are_clear() -> None:
    code, out = run("explain", "广元", "no_such_indicator", "2023")
    assert code == 1 and "510800" in out and "no_such_indicator" in out
    code, out = run("explain", "不存在", "energy_intensity", "2023")
    assert code == 1 and "matches 0 regions" in out
    code, out = run("progress", "--year", "2023", "--plan", "no-plan")
    assert code == 1 and "not loaded" in out
