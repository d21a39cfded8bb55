"""Explanation templates (data): a sentence = HEAD[kind, period] + TAIL[outcome], in zh and en.

Placeholders: region, year, indicator, direction, actual, required, comparator, requirement (the
verb of a level requirement: 达到 / 不高于 / 约为), unit, gap, gap_unit, threshold. Numbers are formatted
before substitution (`explain.format_number`).

Wording follows 发改办环资〔2020〕901号: a red light when the gap is more than 10% of the target value
(「差距超过目标值的10%」), yellow when within it (「在目标值的10%以内」); a reduction's requirement is
stated as a cumulative fall (「进度要求累计下降8.65%」), a level's as a level to reach (「进度要求达到…」).
"""

from __future__ import annotations

HEAD: dict[tuple[str, str], dict[str, str]] = {
    ("reduction", "progress"): {
        "zh": "{region} {year}年{indicator}累计{direction}{actual}%，进度要求累计下降{required}%",
        "en": ("{region}: {indicator} {direction} {actual}% cumulatively by {year}; "
               "progress requirement: a cumulative fall of {required}%"),
    },
    ("reduction", "annual"): {
        "zh": "{region} {year}年{indicator}比上年{direction}{actual}%，年度目标下降{required}%",
        "en": "{region}: {indicator} {direction} {actual}% in {year} over the previous year; annual target −{required}%",
    },
    ("level", "progress"): {
        "zh": "{region} {year}年{indicator}为{actual}{unit}，进度要求{requirement}{required}{unit}{tolerance_note}",
        "en": ("{region}: {indicator} was {actual} {unit} in {year}; progress requirement: {requirement} {required} "
               "{unit}{tolerance_note}"),
    },
    ("level", "annual"): {
        "zh": "{region} {year}年{indicator}为{actual}{unit}，年度目标{comparator}{required}{unit}{tolerance_note}",
        "en": "{region}: {indicator} was {actual} {unit} in {year}; annual target {comparator} {required} {unit}{tolerance_note}",
    },
}

TAIL: dict[str, dict[str, str]] = {
    "green": {"zh": "，已达到要求 → 绿灯（三级）", "en": "; requirement met → green (level 3)"},
    "yellow_relative": {
        "zh": "，差距{gap}{gap_unit}，在目标值的{threshold}%以内 → 黄灯（二级预警）",
        "en": "; the gap of {gap} {gap_unit} is within {threshold}% of the target value → yellow (level-2 warning)",
    },
    "red_relative": {
        "zh": "，差距{gap}{gap_unit}，差距超过目标值的{threshold}% → 红灯（一级预警）",
        "en": "; the gap of {gap} {gap_unit} is more than {threshold}% of the target value → red (level-1 warning)",
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
    "not_assessed": {"zh": "，不考核", "en": "; not assessed"},
    "exempt": {"zh": "，免予考核 → 免考核", "en": "; exempt from this assessment → exempt"},
}

#: After an "about" (左右) requirement: the tolerance is on the short side only (METHODOLOGY §2a).
TOLERANCE_NOTE: dict[str, dict[str, str]] = {
    "higher": {"zh": "（左右：可低于要求值的{pct}%即{amount}{unit}，高于要求不扣分）",
               "en": " (about: may fall short by {pct}%, i.e. {amount} {unit}; above it is never worse)"},
    "lower": {"zh": "（左右：可高于要求值的{pct}%即{amount}{unit}，低于要求不扣分）",
              "en": " (about: may exceed it by {pct}%, i.e. {amount} {unit}; below it is never worse)"},
}

WORDS: dict[str, dict[str, str]] = {
    "fell": {"zh": "下降", "en": "fell"},
    "rose": {"zh": "上升", "en": "rose"},
    "ge": {"zh": "不低于", "en": "≥"},
    "le": {"zh": "不高于", "en": "≤"},
    "about": {"zh": "约", "en": "about"},
    # The verb of a level target's progress requirement, by comparator.
    "require_ge": {"zh": "达到", "en": "at least"},
    "require_le": {"zh": "不高于", "en": "at most"},
    "require_about": {"zh": "约为", "en": "about"},
    "percentage_points": {"zh": "个百分点", "en": "percentage points"},
}

#: Total energy consumption control (能源消费总量控制): assessed consumption after deductions against
#: the energy-use budget (用能预算). Placeholders: region, year, actual, required (the budget), unit,
#: total, raw, renewable, listed (the deductions), budget_basis, gap, threshold.
TOTAL_HEAD: dict[str, str] = {
    "zh": ("{region} {year}年能源消费总量考核值为{actual}{unit}（能源消费总量{total}，扣除原料用能{raw}、"
           "新增可再生能源电力{renewable}{renewable_basis}、国家重大项目单列能耗{listed}），用能预算{required}{unit}{budget_basis}"),
    "en": ("{region}: assessed energy consumption was {actual} {unit} in {year} (total {total} less raw-material "
           "energy {raw}, new renewable electricity {renewable}{renewable_basis} and nationally listed projects {listed}); "
           "energy-use budget {required} {unit}{budget_basis}"),
}

#: The kWh→tce basis of the new renewable electricity deduction (METHODOLOGY §2); `factor` in gce/kWh.
RENEWABLE_BASIS: dict[str, dict[str, str]] = {
    "coal_equivalent": {"zh": "（按等价值折算，{year}年火电供电煤耗{factor}克标准煤/千瓦时，与能源消费总量同口径）",
                        "en": (" (coal-equivalent basis, the same as the total: {year} average coal rate of thermal "
                               "power supply {factor} gce/kWh)")},
    "calorific": {"zh": "（按当量值折算，{factor}克标准煤/千瓦时）",
                  "en": " (calorific basis, {factor} gce/kWh)"},
}

TOTAL_BUDGET_BASIS: dict[str, dict[str, str]] = {
    "issued": {"zh": "（下达值）", "en": " (as issued)"},
    "growth": {"zh": "（按{base_year}年考核值年均增长{growth}%测算）",
               "en": " (derived: {base_year} assessed consumption growing {growth}% a year)"},
}

TOTAL_TAIL: dict[str, dict[str, str]] = {
    "green": {"zh": "，未超出预算 → 绿灯（三级）", "en": "; within the budget → green (level 3)"},
    "yellow_relative": {
        "zh": "，超出预算{gap}{unit}，在预算的{threshold}%以内 → 黄灯（二级预警）",
        "en": "; {gap} {unit} over the budget, within {threshold}% of it → yellow (level-2 warning)",
    },
    "red_relative": {
        "zh": "，超出预算{gap}{unit}，超过预算的{threshold}% → 红灯（一级预警）",
        "en": "; {gap} {unit} over the budget, more than {threshold}% of it → red (level-1 warning)",
    },
    "yellow_absolute": {
        "zh": "，超出预算{gap}{unit}，在{threshold}{unit}以内 → 黄灯（二级预警）",
        "en": "; {gap} {unit} over the budget, within {threshold} {unit} → yellow (level-2 warning)",
    },
    "red_absolute": {
        "zh": "，超出预算{gap}{unit}，超过{threshold}{unit} → 红灯（一级预警）",
        "en": "; {gap} {unit} over the budget, more than {threshold} {unit} → red (level-1 warning)",
    },
    "yellow_rise": {
        "zh": "，超出预算{gap}{unit}，但比上年未增长 → 黄灯（二级预警）",
        "en": "; {gap} {unit} over the budget but not above the previous year → yellow (level-2 warning)",
    },
    "red_rise": {
        "zh": "，超出预算{gap}{unit}且比上年增长 → 红灯（一级预警）",
        "en": "; {gap} {unit} over the budget and above the previous year → red (level-1 warning)",
    },
    "exempt": {
        "zh": ("，与用能预算之差{gap}{unit}；单位地区生产总值能耗降低已达到激励目标，免予能源消费总量考核"
               "（发改环资〔2021〕1310号） → 免考核（不计为绿灯）"),
        "en": ("; {gap} {unit} against the budget; the region reached its incentive energy-intensity target, so it "
               "is exempt from the total-consumption assessment (1310号) → exempt (not counted as green)"),
    },
}
