"""The report as data: sections of paragraphs, tables and charts, before any file format.

Renderers number the sections (一、二、…) and lay them out; builders only say what is in them.
Cells are text or numbers: numbers stay numbers in Excel and are formatted by the renderers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

Cell = str | float | int | None


@dataclass(frozen=True)
class Table:
    caption: str
    headers: list[str]
    rows: list[list[Cell]]
    sheet: str  # Excel sheet name (≤ 31 characters)
    notes: list[str] = field(default_factory=list)
    in_document: bool = True  # False: too long for the Word/PDF text, kept in the Excel workbook only


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    colour: str  # the level's colour; the level is also written in the table beside it


@dataclass(frozen=True)
class Chart:
    title: str
    bars: list[Bar]
    axis_label: str
    reference: float | None = None  # a line drawn across, e.g. 100 % completion


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    subsections: list[Section] = field(default_factory=list)  # numbered （一）（二） under this one


@dataclass(frozen=True)
class Document:
    kind: str  # barometer | annual | assessment
    title: str
    issuer: str  # 发文机关
    date: dt.date
    illustrative: bool  # built from illustrative (demo) data: every page says 示例数据
    sections: list[Section]
    provenance: list[tuple[str, str]]  # (what, value): plan, data version, rule, ECER version
    lang: str = "zh"

    def tables(self) -> list[Table]:
        return [t for s in self.sections for part in (s, *s.subsections) for t in part.tables]


CHINESE_NUMERALS = "一二三四五六七八九十"


def section_number(index: int, lang: str) -> str:
    """The heading number of the index-th section (0-based): 一、 二、 … (GB/T 9704), or 1. 2. in English."""
    if lang == "en":
        return f"{index + 1}. "
    if index < 10:
        return CHINESE_NUMERALS[index] + "、"
    tens, ones = divmod(index + 1, 10)
    return ("" if tens == 1 else CHINESE_NUMERALS[tens - 1]) + "十" + (CHINESE_NUMERALS[ones - 1] if ones else "") + "、"


def subsection_number(index: int, lang: str) -> str:
    """（一） （二） … under a first-level heading (GB/T 9704 second level), or 1.1 style in English."""
    if lang == "en":
        return f"({index + 1}) "
    return "（" + section_number(index, lang).rstrip("、") + "）"


def chinese_date(day: dt.date) -> str:
    """GB/T 9704 writes the date with Arabic numerals: 2026年12月3日."""
    return f"{day.year}年{day.month}月{day.day}日"


def format_cell(value: Cell, digits: int = 2) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)
