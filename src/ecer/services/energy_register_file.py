"""The register's Excel file (重点用能单位名录.xlsx): its columns, the template, reading and checking it.

One sheet, one header row; each column is named by its Chinese label or its key (so a file exported
in English reads back). Every row is checked and every problem collected (file, row, column, what
was wrong, what was expected) before anything is stored: the import is all-or-nothing per file.
Scope (which regions the importing user may write) is `ecer.services.energy_register`'s business.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ecer.catalogs.industries import UnknownIndustry, normalise_industry_code
from ecer.core import credit_code as credit
from ecer.errors import InputFileError, Problem
from ecer.services.workbook_file import HINT_PREFIXES, Column, read_lines, write_workbook

SHEET = "重点用能单位"


COLUMNS = (
    Column("credit_code", "统一社会信用代码", True, "18 characters, GB 32100-2015 check character"),
    Column("name", "单位名称", True, "registered name"),
    Column("region_code", "行政区划代码", True, "GB/T 2260 code of the 市(州) or county"),
    Column("industry_code", "行业代码", True, "GB/T 4754-2017 division or finer, e.g. 3011 or C3011"),
    Column("level", "用能级别", True, "万吨 (≥ 10,000 tce) or 指定 (designated)"),
    Column("annual_energy_tce", "上年综合能耗（吨标准煤）", False, "a number ≥ 0"),
    Column("contact_name", "能源管理负责人", False, "name"),
    Column("contact_phone", "联系电话", False, "digits, spaces, + and -"),
    Column("contact_email", "电子邮箱", False, "an e-mail address"),
    Column("files_annual_report", "报送能源利用状况报告", False, "是 / 否 (default 是)"),
    Column("online_monitoring", "接入能耗在线监测", False, "是 / 否 (default 否)"),
    Column("energy_budget", "实行用能预算管理", False, "是 / 否 (default 否)"),
    Column("listed_since", "列入名录年份", False, "a year, e.g. 2021"),
)
LEVELS = {"万吨": "ten_thousand", "ten_thousand": "ten_thousand", "指定": "designated", "designated": "designated"}
LEVEL_LABELS = {"ten_thousand": "万吨", "designated": "指定"}
YES = {"是", "yes", "y", "true", "1"}
NO = {"否", "no", "n", "false", "0"}
BOOLEAN_DEFAULTS = {"files_annual_report": True, "online_monitoring": False, "energy_budget": False}
PHONE = re.compile(r"^[0-9+\- ]{5,30}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class RegisterRow:
    """One checked row: values normalised (code upper-case, industry without section letter)."""

    row: int
    credit_code: str
    name: str
    region_code: str
    industry_code: str
    level: str
    annual_energy_tce: float | None
    contact_name: str
    contact_phone: str
    contact_email: str
    files_annual_report: bool
    online_monitoring: bool
    energy_budget: bool
    listed_since: int | None

    def unit_fields(self) -> dict[str, Any]:
        """The KeyEnergyUnit fields of this row."""
        return {name: getattr(self, name) for name in (
            "industry_code", "level", "annual_energy_tce", "contact_name", "contact_phone", "contact_email",
            "files_annual_report", "online_monitoring", "energy_budget", "listed_since")}


def template_bytes(rows: Iterable[dict[str, Any]] = ()) -> bytes:
    """The register workbook: header (Chinese labels), a row of hints, then `rows` (an export)."""
    return write_workbook(SHEET, COLUMNS, rows, _cell_text, lambda column: max(14, len(column.label_zh) * 2 + 2))


def _cell_text(key: str, value: Any) -> Any:
    if isinstance(value, bool):
        return "是" if value else "否"
    if key == "level" and isinstance(value, str):
        return LEVEL_LABELS.get(value, value)
    return "" if value is None else value


def read_register(data: bytes, file: str) -> list[RegisterRow]:
    """Every row of the workbook, checked; raises InputFileError with every problem found."""
    lines = read_lines(data, file, SHEET)
    by_name = {c.label_zh: c for c in COLUMNS} | {c.key: c for c in COLUMNS}
    header = [by_name.get(str(v).strip()) if v is not None else None for v in lines[0]]
    problems = [Problem(file, "header", f"missing column '{c.label_zh}' ({c.key})", c.label_zh)
                for c in COLUMNS if c.required and c not in header]
    if problems:
        raise InputFileError(problems)
    rows: list[RegisterRow] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines[1:], start=2):
        values = {col.key: _text(v) for col, v in zip(header, line, strict=False) if col is not None}
        if not any(values.values()) or values.get("credit_code", "").startswith(HINT_PREFIXES):
            continue  # blank rows and the template's hint row
        checked = _check_row(values, number, file, problems)
        if checked is None:
            continue
        if checked.credit_code in seen:
            problems.append(Problem(file, f"row {number}", f"credit code {checked.credit_code} is already in row "
                                    f"{seen[checked.credit_code]}; one row per unit", "统一社会信用代码"))
            continue
        seen[checked.credit_code] = number
        rows.append(checked)
    if not rows and not problems:
        problems.append(Problem(file, "rows", "the file holds no unit rows (only the header and hints)"))
    if problems:
        raise InputFileError(problems)
    return rows


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _check_row(values: dict[str, str], number: int, file: str, problems: list[Problem]) -> RegisterRow | None:
    before = len(problems)
    label = {c.key: c.label_zh for c in COLUMNS}

    def bad(key: str, message: str) -> None:
        problems.append(Problem(file, f"row {number}", message, label[key]))

    for column in COLUMNS:
        if column.required and not values.get(column.key):
            bad(column.key, f"value is required ({column.hint})")
    code = values.get("credit_code", "").upper()
    if code and (issue := credit.problem(code)) is not None:
        bad("credit_code", str(issue))
    region = values.get("region_code", "")
    if region and not re.fullmatch(r"\d{6}", region):
        bad("region_code", f"'{region}' is not a 6-digit GB/T 2260 code")
    industry = values.get("industry_code", "")
    try:
        industry = normalise_industry_code(industry) if industry else ""
    except UnknownIndustry as exc:
        bad("industry_code", str(exc))
    level_text = values.get("level", "")
    level = LEVELS.get(level_text.lower() if level_text.isascii() else level_text, "")
    if level_text and not level:
        bad("level", f"'{level_text}' is not a level; expected 万吨 or 指定")
    tce = _number(values.get("annual_energy_tce", ""), lambda m: bad("annual_energy_tce", m), minimum=0)
    since = _number(values.get("listed_since", ""), lambda m: bad("listed_since", m), minimum=1990, maximum=2100)
    if since is not None and not float(since).is_integer():
        bad("listed_since", f"'{values['listed_since']}' is not a year")
    phone, email = values.get("contact_phone", ""), values.get("contact_email", "")
    if phone and not PHONE.fullmatch(phone):
        bad("contact_phone", f"'{phone}' is not a phone number (digits, spaces, + and -)")
    if email and not EMAIL.fullmatch(email):
        bad("contact_email", f"'{email}' is not an e-mail address")
    flags = {key: _boolean(values.get(key, ""), default, lambda m, k=key: bad(k, m))
             for key, default in BOOLEAN_DEFAULTS.items()}
    if len(problems) > before:
        return None
    return RegisterRow(number, code, values["name"], region, industry, level, tce, values.get("contact_name", ""),
                       phone, email, bool(flags["files_annual_report"]), bool(flags["online_monitoring"]),
                       bool(flags["energy_budget"]), int(since) if since is not None else None)


def _number(text: str, bad: Callable[[str], None], minimum: float, maximum: float | None = None) -> float | None:
    if not text:
        return None
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        bad(f"'{text}' is not a number")
        return None
    if value != value or value < minimum or (maximum is not None and value > maximum):
        bad(f"{text} is out of range (expected ≥ {minimum:g}" + (f" and ≤ {maximum:g})" if maximum else ")"))
        return None
    return value


def _boolean(text: str, default: bool, bad: Callable[[str], None]) -> bool | None:
    if not text:
        return default
    word = text.lower()
    if word in YES:
        return True
    if word in NO:
        return False
    bad(f"'{text}' is not 是 or 否")
    return None
