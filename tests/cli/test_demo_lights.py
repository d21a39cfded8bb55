"""Acceptance: after `ecer demo --no-serve`, `ecer progress --year 2023 --format json` gives every region
and indicator of sichuan-14fyp its light, and `ecer explain` says why (and where a city amount came
from), in Chinese and English."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from click.testing import CliRunner

from ecer.cli.main import cli


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: object) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # type: ignore[attr-defined]


#: The amount targets the demo decomposes to the cities, with the provincial amount.
AMOUNTS = {"cod_key_project_reduction": 14.92, "nh3n_key_project_reduction": 0.79,
           "nox_key_project_reduction": 5.95, "voc_key_project_reduction": 2.53,
           "sewage_pipe_new_length": 1.3, "sewage_capacity_new": 300.0}


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result.stdout


@pytest.mark.django_db(transaction=True)
def test_every_region_and_indicator_has_a_light_and_an_explanation(light_rule: Any) -> None:
    from ecer.masterdata.models import Region, RegionalTarget, Target

    run("demo", "--no-serve")
    report = json.loads(run("progress", "--year", "2023", "--format", "json"))
    rows = report["rows"]
    province = Region.objects.get(code="510000")
    regions = {"510000", *(r.code for r in Region.objects.get_children(province))}
    targets = set(Target.objects.filter(plan__code="sichuan-14fyp").values_list("code", flat=True))
    assert len(regions) == 22 and len(targets) == 24
    # one row per region × target, each with a light and its bilingual explanation, plus one total energy
    # consumption control row per region (能源消费总量控制, against its 用能预算)
    total = [r for r in rows if r["target_code"] == "energy_total_control"]
    plan_rows = [r for r in rows if r["target_code"] != "energy_total_control"]
    assert {(r["region_code"], r["target_code"]) for r in plan_rows} == {(g, t) for g in regions for t in targets}
    assert len(plan_rows) == 22 * 24
    assert sorted(r["region_code"] for r in total) == sorted(regions)
    assert len(rows) == 22 * 25
    assert {r["light"] for r in total if r["status"] == "ok"} == {"green", "yellow", "red"}
    # Every light agrees with the documented rule recomputed from the row's own fields, and no region
    # beyond its level target in the good direction is yellow or red (issue 7 §1, "Done when").
    assert light_rule.disagreements(rows) == []
    assert light_rule.beyond_target_but_warned(rows) == []
    # A provincial level (a share, a rate) is no city target: without an issued city level the city is
    # not assessed (不考核), with the reason; amounts and reductions reach every city.
    levels = {r["target_code"] for r in plan_rows if r["kind"] == "level" and r["region_code"] == "510000"}
    for r in plan_rows:
        if r["region_code"] != "510000" and r["target_code"] in levels and r["target_code"] not in AMOUNTS:
            assert r["status"] == "not_assessed" and r["light"] == "not_assessed" and "不考核" in r["reason"]
    missing = [(r["region_code"], r["target_code"], r["status"], r["error"]) for r in plan_rows
               if r["status"] not in ("ok", "not_assessed")]
    missing += [(r["region_code"], r["target_code"], r["status"], r["error"]) for r in total
                if r["status"] not in ("ok", "exempt")]
    assert missing == []
    # a city that reached its incentive intensity target (the demo's decomposition sets them) is exempt:
    # its light is 免考核 (never green), and its explanation says why
    exempt = [r for r in total if r["status"] == "exempt"]
    assert exempt and all(r["light"] == "exempt" and "免予能源消费总量考核" in r["explanation_zh"] for r in exempt)
    assert {r["region_code"] for r in exempt} == {r["region_code"] for r in plan_rows
                                                   if r["target_code"] == "energy_intensity" and r["incentive_met"]}
    assert all(r["explanation_zh"] and r["explanation_en"] for r in rows)
    assert report["illustrative_data"] is True

    # the six amount targets: the cities' amounts add up to (at least) the provincial amount
    for code, total in AMOUNTS.items():
        city = RegionalTarget.objects.filter(plan__code="sichuan-14fyp", indicator__code=code)
        values = [t.basic_value for t in city]
        assert len(values) == 21 and min(values) >= 0
        assert total <= math.fsum(values) <= total + 21 * 0.0001
        assert not city.filter(decomposition=None).exists()
        assert all(t.decomposition.is_illustrative for t in city.select_related("decomposition"))
        chengdu = next(r for r in rows if r["region_code"] == "510100" and r["indicator"] == code)
        assert chengdu["target_value"] == city.get(region__code="510100").basic_value

    out = run("explain", "成都", "cod_key_project_reduction", "2023", "--lang", "both")
    first, second = out.splitlines()[:2]
    assert first.startswith("成都市 2023年化学需氧量重点工程减排量为") and "进度要求达到" in first
    assert second.startswith("Chengdu: COD reduction by key projects was") and "progress requirement: at least" in second
    assert "按基数占比分摊法" in out and "示例数据测算，非正式下达" in out
    assert "按2020年地区生产总值(现价)占比分摊" in out and "全省14.92万吨" in out
    assert "decomposition.pro_rata_basis" in out and "not an issued target" in out

    out = run("explain", "广元", "energy_total_control", "2023", "--lang", "both")
    first, second = out.splitlines()[:2]
    assert first.startswith("广元市 2023年能源消费总量考核值为") and "扣除原料用能" in first and "用能预算" in first
    assert first.endswith("→ 红灯（一级预警）") and "按等价值折算" in first
    assert second.startswith("Guangyuan: assessed energy consumption was") and "energy-use budget" in second
    assert "total_energy.budget v1" in out and "energy_budget 510800 2023" in out and "observation:" in out

    # The province's total-consumption control: the renewable deduction on the coal-equivalent basis of
    # energy_total, with the year's factor (issue 7 §1.2)
    out = run("explain", "四川", "energy_total_control", "2023", "--lang", "both")
    assert "按等价值折算，2023年火电供电煤耗303.6克标准煤/千瓦时" in out
    assert "coal-equivalent basis" in out and '"renewable_basis": "coal_equivalent"' in out
    assert run("explain", "雅安", "non_fossil_share", "2023").startswith("不考核")
