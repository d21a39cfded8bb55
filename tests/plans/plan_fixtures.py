"""A small valid plan, as a dict, that tests mutate into each kind of bad input."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

VALID_PLAN: dict[str, Any] = {
    "code": "test-plan",
    "name_zh": "测试方案",
    "name_en": "test plan",
    "issuer_zh": "测试省人民政府",
    "issuer_en": "Test Province",
    "document_number": "测府发〔2022〕1号",
    "issued": "2022-07-21",
    "period": {"base_year": 2020, "target_year": 2025},
    "source": "written for the tests",
    "departments": [
        {"code": "drc", "name_zh": "发展改革委", "name_en": "DRC"},
        {"code": "eco_env", "name_zh": "生态环境厅", "name_en": "DEE"},
    ],
    "programmes": [
        {"code": "industry", "name_zh": "重点行业绿色升级工程", "name_en": "industry", "clause": "三(一)",
         "co_departments": ["drc", "eco_env"]},
    ],
    "targets": [
        {"code": "energy_intensity", "indicator": "energy_intensity", "name_zh": "能耗强度降低",
         "name_en": "intensity", "unit": "tce_per_10k_yuan", "base_year": 2020, "target_year": 2025,
         "kind": "reduction", "comparator": "ge", "value": 14, "programme": "overall",
         "lead_departments": ["drc"], "clause": "二", "annual": {2021: 3.0}},
        {"code": "industrial_water_intensity", "indicator": "industrial_water_intensity",
         "name_zh": "万元工业增加值用水量降低", "name_en": "water", "unit": "m3_per_10k_yuan", "base_year": 2020,
         "target_year": 2025, "kind": "reduction", "comparator": "ge", "value": 16, "programme": "industry",
         "co_departments": ["drc", "eco_env"], "clause": "三(一)"},
        {"code": "non_fossil_share", "indicator": "non_fossil_share", "name_zh": "非化石能源消费占比",
         "name_en": "non-fossil share", "unit": "pct", "base_year": 2020, "target_year": 2025, "kind": "level",
         "comparator": "about", "value": 41.5, "programme": "industry", "clause": "三(八)"},
    ],
    "tasks": [
        {"code": "dual_control", "kind": "mechanism", "title_zh": "能耗双控", "title_en": "dual control",
         "clause": "四(一)", "lead_departments": ["drc"]},
        {"code": "retrofit", "kind": "task", "title_zh": "节能改造", "title_en": "retrofit", "clause": "三(一)",
         "programme": "industry"},
    ],
    "regional_targets": [
        {"region": "510100", "indicator": "energy_intensity", "basic": 14.5, "incentive": 15.0},
    ],
    "annual_targets": [
        {"target": "energy_intensity", "year": 2022, "value": 2.9, "source": "test"},
    ],
}


def valid_plan() -> dict[str, Any]:
    return copy.deepcopy(VALID_PLAN)


def write_plan(directory: Path, data: Any, name: str = "plan.yaml") -> Path:
    path = directory / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path
