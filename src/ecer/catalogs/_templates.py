"""Empty statistics-file templates. The XLSX one carries the valid codes so a user can fill it offline."""

from __future__ import annotations

import csv
from pathlib import Path

from ecer.catalogs.regions import RegionCatalog
from ecer.catalogs.variables import VariableCatalog

README_LINES = (
    ("ECER 地区年度统计数据导入模板", "ECER region-year statistics import template"),
    ("", ""),
    (
        "每行一个观测值：一个地区、一个年份、一个变量。",
        "One observation per row: one region, one year, one variable.",
    ),
    (
        "必填列：region_code, year, variable, value, unit, source, note（note 可留空）。",
        "Required columns: region_code, year, variable, value, unit, source, note (note may be empty).",
    ),
    (
        "可选列：region_name，仅供阅读，如填写须与代码一致。",
        "Optional column: region_name, informational; if given it must match the code.",
    ),
    (
        "region_code：6位行政区划代码（见 regions 工作表）。",
        "region_code: 6-digit GB/T 2260 code (see sheet 'regions').",
    ),
    (
        "variable 与 unit：见 variables 工作表，单位必须与目录一致。",
        "variable and unit: see sheet 'variables'; the unit must be the catalog's unit.",
    ),
    (
        "指数类变量按“上年=100”填写，例如增长8.2%填 108.2。",
        "Index variables use previous year = 100: 8.2% growth is 108.2, not 8.2.",
    ),
    (
        "数值不要加千位分隔符；年份在 1949–2100 之间；同一地区、年份、变量只能出现一次。",
        "No thousands separators; years 1949–2100; each (region, year, variable) at most once.",
    ),
    ("source 必填：注明数据出处（如统计年鉴、公报）。", "source is required: where the figure comes from."),
    (
        "文件中任何一处错误都会导致整个文件不被导入，并逐条列出问题（行号、列名、原因）。",
        "Any problem rejects the whole file; every problem is listed with row, column and reason.",
    ),
)


def write_template(
    path: Path,
    columns: tuple[str, ...],
    optional: tuple[str, ...],
    regions: RegionCatalog,
    variables: VariableCatalog,
) -> Path:
    header = [columns[0], *optional, *columns[1:]]
    if path.suffix.lower() == ".xlsx":
        _write_xlsx(path, header, regions, variables)
    else:
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerow(header)
    return path


def _write_xlsx(path: Path, header: list[str], regions: RegionCatalog, variables: VariableCatalog) -> None:
    import openpyxl  # imported here: only the XLSX template needs it

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "statistics"
    sheet.append(header)
    var_sheet = workbook.create_sheet("variables")
    var_sheet.append(["code", "name_zh", "name_en", "unit", "kind", "definition"])
    for variable in variables:
        var_sheet.append(
            [
                variable.code,
                variable.name_zh,
                variable.name_en,
                variable.unit,
                variable.kind,
                variable.definition,
            ]
        )
    region_sheet = workbook.create_sheet("regions")
    region_sheet.append(["code", "name_zh", "name_en", "level", "parent"])
    for region in regions:
        region_sheet.append([region.code, region.name_zh, region.name_en, region.level, region.parent or ""])
    readme = workbook.create_sheet("README")
    readme.append(["中文", "English"])
    for line in README_LINES:
        readme.append(list(line))
    workbook.save(path)
