"""Explanation templates (data): a sentence = HEAD[kind, period] + TAIL[outcome], in zh and en.

Placeholders: region, year, indicator, direction, actual, required, comparator, unit, gap, gap_unit,
threshold. Numbers are formatted before substitution (`explain.format_number`).
"""

from __future__ import annotations

HEAD: dict[tuple[str, str], dict[str, str]] = {
    ("reduction", "progress"): {
        "zh": "{region} {year}年{indicator}累计{direction}{actual}%，进度要求{required}%",
        "en": "{region}: {indicator} {direction} {actual}% cumulatively by {year}; progress requirement {required}%",
    },
    ("reduction", "annual"): {
        "zh": "{region} {year}年{indicator}比上年{direction}{actual}%，年度目标下降{required}%",
        "en": "{region}: {indicator} {direction} {actual}% in {year} over the previous year; annual target −{required}%",
    },
    ("level", "progress"): {
        "zh": "{region} {year}年{indicator}为{actual}{unit}，进度要求{comparator}{required}{unit}",
        "en": "{region}: {indicator} was {actual} {unit} in {year}; progress requirement {comparator} {required} {unit}",
    },
    ("level", "annual"): {
        "zh": "{region} {year}年{indicator}为{actual}{unit}，年度目标{comparator}{required}{unit}",
        "en": "{region}: {indicator} was {actual} {unit} in {year}; annual target {comparator} {required} {unit}",
    },
}

TAIL: dict[str, dict[str, str]] = {
    "green": {"zh": "，已达到要求 → 绿灯（三级）", "en": "; requirement met → green (level 3)"},
    "yellow_relative": {
        "zh": "，差距{gap}{gap_unit}，在目标值{threshold}%以内 → 黄灯（二级预警）",
        "en": "; gap {gap} {gap_unit}, within {threshold}% of the target value → yellow (level-2 warning)",
    },
    "red_relative": {
        "zh": "，差距{gap}{gap_unit}，超过目标值{threshold}% → 红灯（一级预警）",
        "en": "; gap {gap} {gap_unit}, more than {threshold}% of the target value → red (level-1 warning)",
    },
    "yellow_absolute": {
        "zh": "，差距{gap}{gap_unit}，在{threshold}{gap_unit}以内 → 黄灯（二级预警）",
        "en": "; gap {gap} {gap_unit}, within {threshold} {gap_unit} → yellow (level-2 warning)",
    },
    "red_absolute": {
        "zh": "，差距{gap}{gap_unit}，超过{threshold}{gap_unit} → 红灯（一级预警）",
        "en": "; gap {gap} {gap_unit}, more than {threshold} {gap_unit} → red (level-1 warning)",
    },
    "yellow_rise": {
        "zh": "，差距{gap}{gap_unit}，未达要求但未恶化 → 黄灯（二级预警）",
        "en": "; gap {gap} {gap_unit}, missed but not worse → yellow (level-2 warning)",
    },
    "red_rise": {
        "zh": "，差距{gap}{gap_unit}，指标不降反升（恶化） → 红灯（一级预警）",
        "en": "; gap {gap} {gap_unit}, and the indicator got worse (不降反升) → red (level-1 warning)",
    },
    "not_assessed": {"zh": "，免予考核 → 不评价", "en": "; exempt from this assessment → not assessed"},
}

WORDS: dict[str, dict[str, str]] = {
    "fell": {"zh": "下降", "en": "fell"},
    "rose": {"zh": "上升", "en": "rose"},
    "ge": {"zh": "不低于", "en": "≥"},
    "le": {"zh": "不高于", "en": "≤"},
    "about": {"zh": "约", "en": "about"},
    "percentage_points": {"zh": "个百分点", "en": "percentage points"},
}
