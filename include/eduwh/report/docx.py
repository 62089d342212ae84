"""The report as DOCX (python-docx), in the administrative format of Decree 30/2020/NĐ-CP.

A4, margins top/bottom 20 mm, left 30 mm, right 15 mm; Times New Roman 14 pt body;
the header block as a borderless two-column table (issuing authority | national motto),
title, body, tables with borders, recipients and signature as a second borderless
table. An unchecked report carries a red banner under the header and in every page's
header.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from eduwh.report.document import Document, nfc

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 12
RED = RGBColor(0xC0, 0x00, 0x00)


def _font(run, size: float | None = None, bold=None, italic=None, underline=None, color=None):
    run.font.name = FONT
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    if size:
        run.font.size = Pt(size)
    if bold is not None:
        run.bold = bold
    if italic is not None:
        run.italic = italic
    if underline is not None:
        run.underline = underline
    if color is not None:
        run.font.color.rgb = color
    return run


def _para(
    container,
    text: str = "",
    *,
    size=BODY_PT,
    bold=False,
    italic=False,
    underline=False,
    align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent_first: float | None = 10,
    space_after=6,
    color=None,
):
    paragraph = container.add_paragraph()
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(space_after)
    fmt.line_spacing = 1.15
    if indent_first:
        fmt.first_line_indent = Mm(indent_first)
    if text:
        _font(paragraph.add_run(nfc(text)), size, bold, italic, underline, color)
    return paragraph


def _cell_para(cell, text: str, first: bool, **kwargs):
    """Write into a table cell: reuse the cell's empty first paragraph."""
    if first and cell.paragraphs and not cell.paragraphs[0].text:
        paragraph = cell.paragraphs[0]
        paragraph.alignment = kwargs.pop("align", WD_ALIGN_PARAGRAPH.LEFT)
        fmt = paragraph.paragraph_format
        fmt.space_after = Pt(kwargs.pop("space_after", 0))
        fmt.space_before = Pt(0)
        fmt.first_line_indent = None
        if text:
            _font(
                paragraph.add_run(nfc(text)),
                kwargs.get("size", TABLE_PT),
                kwargs.get("bold", False),
                kwargs.get("italic", False),
                kwargs.get("underline", False),
                kwargs.get("color"),
            )
        return paragraph
    kwargs.setdefault("align", WD_ALIGN_PARAGRAPH.LEFT)
    kwargs.setdefault("indent_first", None)
    kwargs.setdefault("space_after", 0)
    kwargs.setdefault("size", TABLE_PT)
    return _para(cell, text, **kwargs)


def _no_borders(table) -> None:
    properties = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    properties.append(borders)


def _widths(table, widths_mm: list[float]) -> None:
    table.autofit = False
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(width)


def _page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    rpr = normal.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)


def _header_block(doc, document: Document) -> None:
    h = document.header
    table = doc.add_table(rows=2, cols=2)
    _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, [65, 100])
    center = WD_ALIGN_PARAGRAPH.CENTER
    left, right = table.cell(0, 0), table.cell(0, 1)
    _cell_para(left, h["authority"], True, size=13, align=center)
    _cell_para(left, h["agency"], False, size=13, bold=True, align=center)
    _cell_para(left, "———", False, size=10, align=center)
    _cell_para(right, h["nation"], True, size=13, bold=True, align=center)
    _cell_para(right, h["motto"], False, size=14, bold=True, underline=True, align=center)
    _cell_para(table.cell(1, 0), h["number"], True, size=13, align=center)
    _cell_para(table.cell(1, 1), h["place_date"], True, size=14, italic=True, align=center)


def _unchecked(doc, document: Document) -> None:
    if not document.unchecked:
        return
    _para(
        doc,
        document.unchecked_banner,
        size=13,
        bold=True,
        color=RED,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        indent_first=None,
        space_after=6,
    )
    header = doc.sections[0].header
    paragraph = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(paragraph.add_run(nfc(document.unchecked_banner)), 10, True, False, False, RED)


def _table(doc, columns: list[str], rows: list[list[str]], widths: list[float]) -> None:
    table = doc.add_table(rows=1, cols=len(columns))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, title in zip(table.rows[0].cells, columns, strict=True):
        _cell_para(cell, title, True, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for values in rows:
        cells = table.add_row().cells
        for index, (cell, value) in enumerate(zip(cells, values, strict=False)):
            lines = nfc(value).split("\n") or [""]
            for number, line in enumerate(lines):
                _cell_para(
                    cell,
                    line,
                    number == 0,
                    align=WD_ALIGN_PARAGRAPH.CENTER if index == 0 else WD_ALIGN_PARAGRAPH.LEFT,
                )
    _widths(table, widths)
    _para(doc, "", space_after=0, indent_first=None)


def _signature(doc, document: Document) -> None:
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, [80, 85])
    left, right = table.cell(0, 0), table.cell(0, 1)
    _cell_para(left, document.recipients_title, True, size=12, bold=True, italic=True)
    for line in document.recipients:
        _cell_para(left, line, False, size=11)
    center = WD_ALIGN_PARAGRAPH.CENTER
    signature = document.signature
    _cell_para(right, signature["on_behalf"], True, size=14, bold=True, align=center)
    _cell_para(right, signature["title"], False, size=14, bold=True, align=center)
    for _ in range(4):
        _cell_para(right, "", False, size=14, align=center)
    _cell_para(right, signature["name"], False, size=14, bold=True, align=center)


def write_docx(document: Document, path: Path) -> Path:
    doc = new_docx()
    _page(doc)
    core = doc.core_properties
    core.title = nfc(f"{document.title} {document.subtitle}")
    core.author = nfc(document.header.get("agency", ""))
    core.subject = "UNCHECKED" if document.unchecked else "checked"
    core.keywords = (
        f"eduwh; as_of={document.as_of}; checkpoint={document.quality.get('checkpoint')}"
    )
    _header_block(doc, document)
    _unchecked(doc, document)
    center = WD_ALIGN_PARAGRAPH.CENTER
    _para(doc, document.title, bold=True, align=center, indent_first=None, space_after=0)
    _para(doc, document.subtitle, bold=True, align=center, indent_first=None, space_after=12)
    for block in document.blocks:
        if block.kind == "part":
            for number, line in enumerate(block.lines):
                _para(
                    doc,
                    line,
                    bold=True,
                    align=center,
                    indent_first=None,
                    space_after=12 if number == len(block.lines) - 1 else 0,
                )
        elif block.kind == "heading":
            _para(doc, block.text, bold=True)
        elif block.kind == "subheading":
            _para(doc, block.text, italic=True, bold=True)
        elif block.kind == "p":
            _para(doc, block.text)
        elif block.kind == "table":
            widths = [12, 60, 60, 33] if block.table == "criteria" else [12, 55, 60, 38]
            _table(doc, block.columns, block.rows, widths)
        # charts are in the HTML only
    _signature(doc, document)
    path = Path(path)
    doc.save(str(path))
    return path
