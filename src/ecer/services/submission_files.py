"""Submission files: the Excel template a city fills in, and reading an uploaded XLSX or CSV back.

Template (one per submission type, filled for one submission): sheet `填报` with the region, period and
type at the top, then one row per variable — code, Chinese and English name, unit, the region's
previous-year value, this year's value (data validation: a decimal within the variable's valid range),
required or not, the valid range, and an explanation column; sheet `说明` (instructions, Chinese and
English). Text cells starting with = + - @ are neutralised (ecer.services.spreadsheet_safety).

Reading is all-or-nothing: every problem is collected (sheet, row, column, problem) and the file is
refused as a whole when there is any; nothing is stored.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

from ecer.catalogs.plausibility import check_range
from ecer.catalogs.submission_types import SubmissionType
from ecer.catalogs.variables import load_variables
from ecer.errors import InputFileError, Problem
from ecer.services.spreadsheet_safety import neutralise_cell

DATA_SHEET = "填报"
INSTRUCTIONS_SHEET = "说明"
HEADER_ROW = 6
COLUMNS = (
    ("variable", "指标代码 variable"),
    ("name", "指标名称 name"),
    ("unit", "单位 unit"),
    ("previous", "上年值 previous year"),
    ("value", "本期值 value"),
    ("required", "必填 required"),
    ("range", "有效范围 valid range"),
    ("explanation", "说明 explanation"),
)
LETTER = {key: chr(ord("A") + i) for i, (key, _) in enumerate(COLUMNS)}
CSV_COLUMNS = ("region_code", "period", "kind", "variable", "unit", "value", "explanation")
META = {"region_code": ("A2", "B2", "地区代码 region_code"), "period": ("A3", "B3", "期间 period"),
        "kind": ("C3", "D3", "类型 type")}


@dataclass(frozen=True)
class TemplateRow:
    variable: str
    name_zh: str
    name_en: str
    unit: str
    required: bool
    previous: float | None
    value: float | None
    explanation: str


@dataclass(frozen=True)
class Expected:
    """What an upload must be for: the submission's region, period and type."""

    region_code: str
    region_name: str
    period: str
    year: int
    kind: SubmissionType


INSTRUCTIONS = [
    "填报说明 / Instructions",
    "",
    "1. 只在“本期值”和“说明”两列填写；其它列是参考信息，不要修改。",
    "   Fill in only the columns 本期值 value and 说明 explanation; the other columns are for reference.",
    "2. 数值请填数字（不要千分位、不要单位、不要文字）；必填项不能为空。",
    "   Values are plain numbers (no thousands separators, units or text); required rows must not be empty.",
    "3. 超出“有效范围”的数值不能提交。与上年相比变化过大（超过目录规定的百分比）时，请在“说明”列写明原因，审核人员会看到。",
    "   A value outside its valid range cannot be submitted. A change from the previous year larger than the",
    "   catalog's threshold needs a reason in the explanation column; the reviewer sees it.",
    "4. 不要合并单元格，不要改动工作表名称、地区代码、期间和类型。",
    "   Do not merge cells or rename sheets, and keep the region code, period and type as they are.",
    "5. 上传后系统会检查整个文件：有任何问题则整个文件不被接受，并给出问题清单（工作表、行、列、问题）。",
    "   An upload is checked as a whole: with any problem nothing is stored, and a report lists each one",
    "   (sheet, row, column, problem).",
    "6. 也可以上传 CSV（UTF-8），列为：" + ", ".join(CSV_COLUMNS),
    "   CSV (UTF-8) is accepted too, with the columns above.",
]


def build_template(expected: Expected, rows: list[TemplateRow], title: str) -> bytes:
    import openpyxl
    from openpyxl.styles import Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = DATA_SHEET
    sheet["A1"] = neutralise_cell(title)
    sheet["A1"].font = Font(bold=True, size=13)
    for key, (label_cell, value_cell, label) in META.items():
        sheet[label_cell] = label
        sheet[value_cell] = {"region_code": expected.region_code, "period": expected.period,
                             "kind": expected.kind.code}[key]
    sheet["C2"], sheet["D2"] = "地区 region", neutralise_cell(expected.region_name)
    sheet["E2"], sheet["F2"] = "年份 year", expected.year
    grey = PatternFill("solid", fgColor="EEEEEE")
    for index, (_, label) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=index, value=label)
        cell.font = Font(bold=True)
    variables = load_variables()
    for number, row in enumerate(rows, start=HEADER_ROW + 1):
        valid = variables.get(row.variable).valid_range
        cells = (row.variable, f"{row.name_zh} / {row.name_en}", row.unit, row.previous, row.value,
                 "是 yes" if row.required else "否 no", "" if valid.unbounded else str(valid), row.explanation)
        for index, value in enumerate(cells, start=1):
            cell = sheet.cell(row=number, column=index, value=neutralise_cell(value))
            if COLUMNS[index - 1][0] not in ("value", "explanation"):
                cell.fill = grey
        _validation(sheet, DataValidation, f"{LETTER['value']}{number}", valid.low, valid.high)
    for letter, width in zip("ABCDEFGH", (28, 44, 16, 16, 16, 10, 18, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    notes = book.create_sheet(INSTRUCTIONS_SHEET)
    for number, line in enumerate(INSTRUCTIONS, start=1):
        notes.cell(row=number, column=1, value=line)
    notes.column_dimensions["A"].width = 110
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _validation(sheet: object, validation_type: type, cell: str, low: float | None, high: float | None) -> None:
    if low is not None and high is not None:
        rule = validation_type(type="decimal", operator="between", formula1=str(low), formula2=str(high))
    elif low is not None:
        rule = validation_type(type="decimal", operator="greaterThanOrEqual", formula1=str(low))
    else:
        rule = validation_type(type="decimal")
    rule.error = "请输入有效范围内的数字 / enter a number within the valid range"
    rule.errorTitle = "数值无效 / invalid value"
    rule.showErrorMessage = True
    rule.allow_blank = True
    sheet.add_data_validation(rule)  # type: ignore[attr-defined]
    rule.add(cell)


# --- reading ---------------------------------------------------------------------------------------

class _Problems:
    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, sheet: str, row: int | str, column: str, message: str) -> None:
        self.items.append(Problem(sheet, f"row {row}" if isinstance(row, int) else row, message, column or None))


def _text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def _number(cell: object) -> float | None | str:
    """A float, None for an empty cell, or the offending text."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, bool):
        return str(cell)
    if isinstance(cell, int | float):
        return float(cell) if math.isfinite(float(cell)) else str(cell)
    try:
        value = float(str(cell).strip())
    except ValueError:
        return str(cell).strip()
    return value if math.isfinite(value) else str(cell).strip()


@dataclass(frozen=True)
class _Row:
    sheet: str
    number: int
    variable: str
    unit: str
    value: object
    explanation: str
    column: dict[str, str]  # key → column name shown in problems


def read_upload(path: Path, expected: Expected) -> dict[str, tuple[float | None, str]]:
    """The cells of an uploaded file as variable → (value, explanation). Raises InputFileError with
    every problem (sheet, row, column, message) when there is any."""
    problems = _Problems()
    if path.suffix.lower() == ".csv":
        rows = _csv_rows(path, expected, problems)
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        rows = _xlsx_rows(path, expected, problems)
    else:
        problems.add(path.name, "file", "", f"unsupported file type '{path.suffix}': upload .xlsx or .csv")
        rows = []
    values = _check_rows(rows, expected, problems)
    if problems.items:
        raise InputFileError(problems.items)
    return values


def _check_meta(sheet: str, where: dict[str, str], found: dict[str, str], expected: Expected,
                problems: _Problems) -> None:
    from ecer.catalogs.regions import load_regions

    region = found.get("region_code", "")
    if region not in load_regions():
        problems.add(sheet, where["region_code"], "region_code", f"unknown region code '{region[:40]}'")
    elif region != expected.region_code:
        problems.add(sheet, where["region_code"], "region_code",
                     f"this file is for region {region}, the submission is for {expected.region_code} "
                     f"({expected.region_name}): a submission for another region is refused")
    if found.get("period", "") != expected.period:
        problems.add(sheet, where["period"], "period",
                     f"period '{found.get('period', '')[:20]}' is not the submission's period {expected.period}")
    if found.get("kind", "") != expected.kind.code:
        problems.add(sheet, where["kind"], "kind",
                     f"type '{found.get('kind', '')[:40]}' is not the submission's type {expected.kind.code}")


def _xlsx_rows(path: Path, expected: Expected, problems: _Problems) -> list[_Row]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many unrelated types for a damaged file
        problems.add(path.name, "file", "", f"not a readable XLSX workbook ({type(exc).__name__})")
        return []
    if DATA_SHEET not in book.sheetnames:
        problems.add(DATA_SHEET, "file", "", f"missing required sheet '{DATA_SHEET}' (sheets: {', '.join(book.sheetnames)})")
        return []
    sheet = book[DATA_SHEET]
    for merged in sheet.merged_cells.ranges:
        problems.add(DATA_SHEET, merged.min_row, str(merged.coord),
                     f"merged cells {merged.coord} are not allowed: unmerge them")
    found = {key: _text(sheet[value_cell].value) for key, (_, value_cell, _) in META.items()}
    _check_meta(DATA_SHEET, {k: f"cell {v[1]}" for k, v in META.items()}, found, expected, problems)
    header = [_text(sheet.cell(row=HEADER_ROW, column=i + 1).value) for i in range(len(COLUMNS))]
    for index, (key, label) in enumerate(COLUMNS):
        if header[index] != label:
            problems.add(DATA_SHEET, HEADER_ROW, LETTER[key], f"expected the header '{label}', found '{header[index][:40]}'")
    names = {key: f"{LETTER[key]} ({label})" for key, label in COLUMNS}
    rows = []
    for number, record in enumerate(sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True), start=HEADER_ROW + 1):
        cells = dict(zip((k for k, _ in COLUMNS), list(record) + [None] * len(COLUMNS), strict=False))
        if not any(_text(c) for c in record):
            continue
        rows.append(_Row(DATA_SHEET, number, _text(cells["variable"]), _text(cells["unit"]), cells["value"],
                         _text(cells["explanation"]), names))
    return rows


def _csv_rows(path: Path, expected: Expected, problems: _Problems) -> list[_Row]:
    sheet = path.name
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.add(sheet, "file", "", "not UTF-8 text; save the file as 'CSV UTF-8' (or upload the XLSX template)")
        return []
    records = list(csv.reader(io.StringIO(text, newline="")))
    if not records:
        problems.add(sheet, "file", "", "the file is empty: expected a header " + ", ".join(CSV_COLUMNS))
        return []
    header = [h.strip().lower() for h in records[0]]
    missing = [c for c in CSV_COLUMNS if c not in header]
    for name in missing:
        problems.add(sheet, 1, name, f"missing column '{name}'")
    if missing:
        return []
    at = {name: header.index(name) for name in CSV_COLUMNS}
    rows = []
    for number, record in enumerate(records[1:], start=2):
        if not any(c.strip() for c in record):
            continue
        cells = {name: (record[i].strip() if i < len(record) else "") for name, i in at.items()}
        _check_meta(sheet, {k: f"row {number}" for k in META}, cells, expected, problems)
        rows.append(_Row(sheet, number, cells["variable"], cells["unit"], cells["value"], cells["explanation"],
                         {k: k for k in CSV_COLUMNS}))
    return rows


def _check_rows(rows: list[_Row], expected: Expected, problems: _Problems) -> dict[str, tuple[float | None, str]]:
    variables = load_variables()
    values: dict[str, tuple[float | None, str]] = {}
    seen: dict[str, int] = {}
    for row in rows:
        col = row.column
        if row.variable not in variables:
            problems.add(row.sheet, row.number, col["variable"], f"unknown variable code '{row.variable[:60]}'")
            continue
        if row.variable not in expected.kind.variables:
            problems.add(row.sheet, row.number, col["variable"],
                         f"{row.variable} is not part of the submission type {expected.kind.code}")
            continue
        if row.variable in seen:
            problems.add(row.sheet, row.number, col["variable"], f"{row.variable} appears twice (first in row {seen[row.variable]})")
            continue
        seen[row.variable] = row.number
        variable = variables.get(row.variable)
        if row.unit != variable.unit:
            problems.add(row.sheet, row.number, col["unit"],
                         f"wrong unit '{row.unit[:40]}' for {row.variable}: expected '{variable.unit}'")
        number = _number(row.value)
        if isinstance(number, str):
            problems.add(row.sheet, row.number, col["value"], f"text in a numeric cell: '{number[:40]}' (enter a plain number)")
            continue
        if number is not None:
            finding = check_range(row.variable, number, variable.valid_range, variable.unit)
            if finding is not None:
                problems.add(row.sheet, row.number, col["value"], finding.message_en)
        values[row.variable] = (number, row.explanation)
    return values
