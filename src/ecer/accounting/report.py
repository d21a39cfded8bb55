"""The progress report: one row per region × target for the year asked, and its renderings."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from ecer.texttable import render_table as render_table_text

#: Columns of the CSV rendering (machine-friendly: codes), in order.
COLUMNS = ("region_code", "region_name", "target_code", "indicator", "year", "value_unit", "actual", "required",
           "gap", "direction", "comparator", "tolerance", "completion_pct", "light", "light_annual", "status", "actual_source")

#: Columns of the table rendering (for people: names in the chosen language; the target code once,
#: for `ecer explain`), with their headers per language.
TABLE_COLUMNS = ("region_code", "region_name", "target_code", "indicator_name", "year", "unit", "actual", "required", "gap",
                 "completion_pct", "light", "light_annual", "status")
TABLE_HEADERS = {
    "zh": ("地区代码", "地区", "代码", "指标", "年份", "单位", "实际", "进度要求", "差距", "完成进度%", "预警灯", "年度灯", "状态"),
    "en": ("region_code", "region", "code", "indicator", "year", "unit", "actual", "required", "gap", "completion_%",
           "light", "annual_light", "status"),
}
#: Printed under any output computed from data labelled illustrative (示例数据).
ILLUSTRATIVE_BANNER = "示例数据，非官方统计 / illustrative data, not official statistics"
WORDS_ZH = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "not_assessed": "不考核", "ok": "正常",
            "error": "错误", "exempt": "免考核"}


@dataclass
class ReportRow:
    """One region × target.

    Reduction targets: `actual`/`required` are cumulative reductions since the base year in percent,
    `gap` in percentage points (> 0 = shortfall), `annual_*` the single-year reduction in percent.
    `target_value`/`target_incentive` are the region's own basic and incentive targets (percent for a
    reduction) as applied: its RegionalTarget, or the plan's value when it falls back.
    Level targets: values in the indicator's unit. `status` is "ok", "error" (bad or missing input:
    `error` says which region, variable, year), "not_assessed" (不考核: no target applies to the region,
    `reason` says why; light "not_assessed") or, for total-consumption control, "exempt".
    The light's rule can be recomputed from the row alone (METHODOLOGY §2a, §3): `direction` is the
    good direction of `actual` ("higher"/"lower"; "higher" for a reduction achieved), `comparator`
    the target's ("ge"/"le"/"about"), `tolerance` the shortfall an "about" target forgives, in the
    units of `actual` (0 otherwise). shortfall = required − actual (higher) or actual − required
    (lower); `gap` = shortfall − tolerance; met (green) when gap ≤ 0, else red when gap exceeds the
    barometer threshold (report parameters) of |required|, else yellow.
    Total-consumption control (`target_code` "energy_total_control", kind "budget"): `actual` is the
    assessed consumption after deductions, `required` and `target_value` the budget, `gap` the excess
    (> 0 over budget), all in 10k_tce; status and light "exempt" (免考核, never counted as green)
    when the intensity incentive target was met.
    """

    region_code: str
    region_name_zh: str
    region_name_en: str
    target_code: str
    indicator: str
    indicator_name_zh: str
    indicator_name_en: str
    kind: str
    year: int
    value_unit: str
    status: str = "ok"
    direction: str | None = None
    comparator: str | None = None
    tolerance: float | None = None
    reason: str | None = None
    actual: float | None = None
    required: float | None = None
    gap: float | None = None
    completion_pct: float | None = None
    remaining_per_year: float | None = None
    annual_actual: float | None = None
    annual_required: float | None = None
    light: str | None = None
    light_annual: str | None = None
    incentive_met: bool | None = None
    target_value: float | None = None
    target_incentive: float | None = None
    forecast: dict[str, Any] | None = None
    explanation_zh: str = ""
    explanation_en: str = ""
    error: str | None = None
    provenance: dict[str, Any] = field(default_factory=dict)
    #: key-project reductions only: "ledger", "fallback: typed statistics" or, for the province,
    #: "ledger + fallback: typed statistics" (ecer.accounting.ledger_cells); None for other targets
    actual_source: str | None = None

    def region_name(self, lang: str) -> str:
        return self.region_name_en if lang == "en" and self.region_name_en else self.region_name_zh

    def indicator_name(self, lang: str) -> str:
        return self.indicator_name_en if lang == "en" and self.indicator_name_en else self.indicator_name_zh

    def explanation(self, lang: str) -> str:
        if self.status == "not_assessed":
            return self.reason or self.status
        if self.status not in ("ok", "exempt"):
            return self.error or self.status
        return self.explanation_en if lang == "en" else self.explanation_zh


@dataclass
class ProgressReport:
    plan_code: str
    year: int
    rows: list[ReportRow]
    parameters: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    illustrative: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"plan": self.plan_code, "year": self.year, "illustrative_data": self.illustrative,
                "parameters": self.parameters, "notes": self.notes, "rows": [asdict(r) for r in self.rows]}


def format_number(value: float) -> str:
    """Two decimals, or three significant digits for small amounts (0.0123 万吨 is 123 t, not 0.01)."""
    if value == 0 or abs(value) >= 1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return format_number(value)
    return str(value)


def _flat(row: ReportRow, lang: str) -> list[str]:
    values = asdict(row)
    values["region_name"] = row.region_name(lang)
    return [_cell(values[c]) for c in COLUMNS]


def render_json(report: ProgressReport) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)


def render_csv(report: ProgressReport, lang: str = "zh") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow([*COLUMNS, "explanation"])
    for row in report.rows:
        writer.writerow([*_flat(row, lang), row.explanation(lang)])
    return buffer.getvalue()


def unit_name(code: str, lang: str, units: dict[str, Any]) -> str:
    if code == "pct":
        return "%"
    unit = units.get(code)
    return code if unit is None else (unit.name_en if lang == "en" else unit.name_zh)


def _table_row(row: ReportRow, lang: str, units: dict[str, Any]) -> list[str]:
    values = {c: getattr(row, c, None) for c in TABLE_COLUMNS}
    values.update(region_name=row.region_name(lang), indicator_name=row.indicator_name(lang),
                  unit=unit_name(row.value_unit, lang, units))
    if lang == "zh":
        for key in ("light", "light_annual", "status"):
            values[key] = WORDS_ZH.get(values[key] or "", values[key])
    return [_cell(values[c]) for c in TABLE_COLUMNS]


def render_table(report: ProgressReport, lang: str = "zh") -> str:
    """Aligned text for people: region and indicator names and unit names in `lang` (codes stay in
    the CSV and JSON renderings)."""
    from ecer.catalogs.units import load_units

    units: dict[str, Any] = dict(load_units())
    header = list(TABLE_HEADERS["en" if lang == "en" else "zh"])
    body = [_table_row(r, lang, units) for r in report.rows]
    lines = [render_table_text(header, body, max_cell=None, rule=False)]
    if report.illustrative:
        lines.append(ILLUSTRATIVE_BANNER)
    lines += report.notes
    lines += source_notes(report, lang)
    return "\n".join(lines)


def source_notes(report: ProgressReport, lang: str = "zh") -> list[str]:
    """One line per key-project target whose actuals are not all from the ledger: which regions use
    the typed statistics as the fallback (the table's actual column does not say it)."""
    out = []
    by_target: dict[str, list[ReportRow]] = {}
    for row in report.rows:
        if row.actual_source:
            by_target.setdefault(row.target_code, []).append(row)
    for rows in by_target.values():
        typed = [r.region_name(lang) for r in rows if r.actual_source == "fallback: typed statistics"]
        mixed = [r.region_name(lang) for r in rows if r.actual_source == "ledger + fallback: typed statistics"]
        ledger = [r.region_name(lang) for r in rows if r.actual_source == "ledger"]
        name = rows[0].indicator_name(lang)
        if lang == "zh":
            line = (f"{name}：{len(ledger)}个地区实际值取自重点工程项目台账；{'、'.join(typed) or '无'}"
                    "为统计报表填报数（fallback: typed statistics）")
            line += f"；{'、'.join(mixed)}为各市州之和（部分为填报数）" if mixed else ""
        else:
            line = (f"{name}: {len(ledger)} region(s) from the key-project ledger; fallback: typed statistics "
                    f"for {', '.join(typed) or 'none'}")
            line += f"; {', '.join(mixed)}: sum of the cities (partly typed)" if mixed else ""
        out.append(line)
    return out
