"""The report as a Word file in the official-document layout of GB/T 9704-2012 (党政机关公文格式):
A4, margins 37/35/28/26 mm, the issuing body in red above a red rule, the title centred in 2号 (22 pt)
宋体 Bold, the body in 3号 (16 pt) 仿宋 at a fixed 28 pt line pitch, first-level headings numbered
一、二、 in 黑体, the issuer and date at the end, page numbers "— 1 —" at the foot.
Demo data: 示例数据 in every page header and under the title."""

from __future__ import annotations

import io
from typing import Any

from ecer.reports.charts import chart_png
from ecer.reports.document import (
    Document,
    Section,
    Table,
    chinese_date,
    format_cell,
    section_number,
    subsection_number,
)
from ecer.reports.fonts import BODY, HEADING, SUBHEADING, TITLE

RED = (0xE0, 0x00, 0x00)
#: A4 width less the GB/T 9704 side margins (28 mm left, 26 mm right).
TEXT_WIDTH_MM = 210 - 28 - 26
ILLUSTRATIVE_ZH = "示例数据：本报告由程序生成的示例数据编制，不是官方统计数据"
ILLUSTRATIVE_EN = "示例数据 Illustrative data: generated for the demo, not official statistics"


def _font(run: Any, family: str, size_pt: float, *, bold: bool = False, colour: tuple[int, int, int] | None = None) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    run.font.name = family
    run.font.size = Pt(size_pt)
    run.font.bold = bold
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), family)
    if colour:
        run.font.color.rgb = RGBColor(*colour)


def _paragraph(doc: Any, text: str, family: str, size_pt: float, *, align: str = "justify", bold: bool = False,
               colour: tuple[int, int, int] | None = None, indent: bool = False, pitch_pt: float = 28) -> Any:
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
    from docx.shared import Pt

    p = doc.add_paragraph()
    p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT,
                   "justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "left": WD_ALIGN_PARAGRAPH.LEFT}[align]
    fmt = p.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(pitch_pt)
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size_pt * 2)  # two characters
    _font(p.add_run(text), family, size_pt, bold=bold, colour=colour)
    return p


def _page_number_footer(section: Any) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run("— "), TITLE.family, 14)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    p._p.append(field)
    _font(p.add_run(" —"), TITLE.family, 14)


def _red_rule(doc: Any) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    p = doc.add_paragraph()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "1"), ("w:color", "E00000")):
        bottom.set(qn(key), value)
    border.append(bottom)
    p._p.get_or_add_pPr().append(border)


def _table(doc: Any, table: Table, lang: str) -> None:
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.shared import Mm

    _paragraph(doc, table.caption, HEADING.family, 12, align="center", pitch_pt=22)
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    grid = doc.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    width = OxmlElement("w:tblW")  # the full text width (5000 fiftieths of a percent)
    width.set(qn("w:w"), "5000")
    width.set(qn("w:type"), "pct")
    props = grid._tbl.tblPr
    for old in props.findall(qn("w:tblW")):
        props.remove(old)
    props.append(width)
    column = Mm(TEXT_WIDTH_MM / len(table.headers))
    grid.autofit = False
    for col in grid.columns:  # LibreOffice lays out by the grid's column widths
        col.width = column
    for cell, header in zip(grid.rows[0].cells, table.headers, strict=True):
        cell.width = column
        cell.text = ""
        _font(cell.paragraphs[0].add_run(header), HEADING.family, 10)
    for row in table.rows:
        cells = grid.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.width = column
            cell.text = ""
            _font(cell.paragraphs[0].add_run(format_cell(value)), BODY.family, 10)
    for note in table.notes:
        _paragraph(doc, note, BODY.family, 10, pitch_pt=16)


def _body(doc: Any, part: Section, lang: str) -> None:
    from docx.shared import Inches

    for text in part.paragraphs:
        _paragraph(doc, text, BODY.family, 16, indent=True)
    for chart in part.charts:
        doc.add_picture(io.BytesIO(chart_png(chart)), width=Inches(5.8))
    for table in part.tables:
        if table.in_document:  # the others are in the Excel workbook; the builder's text says so
            _table(doc, table, lang)


def render_docx(document: Document) -> bytes:
    from docx import Document as WordDocument
    from docx.shared import Mm

    doc = WordDocument()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(210 - 28 - TEXT_WIDTH_MM)
    lang = document.lang
    if document.illustrative:
        header = section.header.paragraphs[0]
        _font(header.add_run(ILLUSTRATIVE_EN if lang == "en" else "示例数据 · 非官方统计"), HEADING.family, 10, colour=RED)
    _page_number_footer(section)

    _paragraph(doc, document.issuer, TITLE.family, 26, align="center", bold=True, colour=RED, pitch_pt=40)
    _red_rule(doc)
    _paragraph(doc, document.title, TITLE.family, 22, align="center", bold=True, pitch_pt=36)
    if document.illustrative:
        _paragraph(doc, ILLUSTRATIVE_EN if lang == "en" else ILLUSTRATIVE_ZH, HEADING.family, 12, align="center",
                   colour=RED, pitch_pt=24)
    _paragraph(doc, "", BODY.family, 16)
    for index, part in enumerate(document.sections):
        _paragraph(doc, section_number(index, lang) + part.heading, HEADING.family, 16, indent=True)
        _body(doc, part, lang)
        for number, sub in enumerate(part.subsections):
            _paragraph(doc, subsection_number(number, lang) + sub.heading, SUBHEADING.family, 16, indent=True)
            _body(doc, sub, lang)
    _paragraph(doc, "", BODY.family, 16)
    _paragraph(doc, document.issuer, BODY.family, 16, align="right")
    _paragraph(doc, chinese_date(document.date) if lang != "en" else document.date.isoformat(), BODY.family, 16,
               align="right")
    prov = "; ".join(f"{k}: {v}" for k, v in document.provenance)
    _paragraph(doc, ("数据来源与版本：" if lang != "en" else "Sources and versions: ") + prov, BODY.family, 10,
               pitch_pt=16)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
