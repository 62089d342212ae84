"""The report as DOCX (python-docx), laid out as Decree 30/2020/NĐ-CP, appendix I says.

A4 portrait, margins top/bottom 20 mm, left 30 mm, right 15 mm, Times New Roman; the
header block is a borderless two-column table (issuing body | national motto) whose
columns are as wide as their longest line, so "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and
the place-and-date line never wrap; page numbers centred at the top from page 2; the
charts as PNG images with a caption "Biểu đồ N: ..."; "Nơi nhận" and the signature as a
second borderless table; the appendix after it on landscape pages (Biểu 06 is a wide
form). Every table spans the text width, its columns sized by their content, set in
the grid, in each cell and as a fixed layout (Word and LibreOffice draw a fixed table
by its grid). An unchecked report carries a red banner under the header and at the top
of every page.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

from docx import Document as new_docx
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor, Twips

from eduwh.report.chart_images import chart_png, has_data
from eduwh.report.document import Block, Document, nfc

FONT = "Times New Roman"
# Decree 30/2020, appendix I: the size of each element of the document (pt).
BODY_PT = 14
TABLE_PT = 12
APPENDIX_TABLE_PT = 11
HEADER_PT = {
    "authority": 13,
    "agency": 13,
    "nation": 13,
    "motto": 14,
    "number": 13,
    "place_date": 14,
}
PAGE_NUMBER_PT = 13
CAPTION_PT = 13
RED = RGBColor(0xC0, 0x00, 0x00)
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
CELL_PADDING = Twips(85)  # left and right inside every table cell (1.5 mm)
CHART_WIDTH_MM = 150
TWIPS_PER_PT = 20


# --- text measurement: how wide a line is in Times New Roman ---------------------------


@functools.cache
def _font_file(bold: bool, italic: bool) -> str:
    """Times New Roman, else its metric twin Liberation Serif; DejaVu Serif (wider) as
    the last resort only overestimates widths, which keeps lines from wrapping."""
    from matplotlib import font_manager

    properties = font_manager.FontProperties(
        family=[FONT, "Liberation Serif", "DejaVu Serif"],
        weight="bold" if bold else "normal",
        style="italic" if italic else "normal",
    )
    return font_manager.findfont(properties)


@functools.cache
def _measuring_font(bold: bool, italic: bool):
    from PIL import ImageFont

    return ImageFont.truetype(_font_file(bold, italic), size=100)


def text_twips(text: str, size_pt: float, bold: bool = False, italic: bool = False) -> int:
    """The width of one line of text, in twips (1/20 pt)."""
    points = _measuring_font(bold, italic).getlength(nfc(text)) * size_pt / 100
    return round(points * TWIPS_PER_PT)


# --- runs and paragraphs -----------------------------------------------------------------


def _fonts_of(element) -> None:
    """Times New Roman for every script (Vietnamese letters are not all 'ascii')."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)


def _font(run, size: float | None = None, bold=None, italic=None, underline=None, color=None):
    run.font.name = FONT
    _fonts_of(run._element)
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


def _format(paragraph, align, indent_first, space_after, space_before=0) -> None:
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(space_before)
    fmt.space_after = Pt(space_after)
    fmt.line_spacing = 1.15
    fmt.first_line_indent = Mm(indent_first) if indent_first else None


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
    _format(paragraph, align, indent_first, space_after)
    if text:
        _font(paragraph.add_run(nfc(text)), size, bold, italic, underline, color)
    return paragraph


def _cell_para(cell, text: str, first: bool, **kwargs):
    """Write into a table cell: the first line reuses the cell's empty paragraph."""
    kwargs.setdefault("align", WD_ALIGN_PARAGRAPH.LEFT)
    kwargs.setdefault("indent_first", None)
    kwargs.setdefault("space_after", 0)
    kwargs.setdefault("size", TABLE_PT)
    if not (first and cell.paragraphs and not cell.paragraphs[0].text):
        return _para(cell, text, **kwargs)
    paragraph = cell.paragraphs[0]
    _format(paragraph, kwargs["align"], kwargs["indent_first"], kwargs["space_after"])
    if text:
        _font(
            paragraph.add_run(nfc(text)),
            kwargs["size"],
            kwargs.get("bold", False),
            kwargs.get("italic", False),
            kwargs.get("underline", False),
            kwargs.get("color"),
        )
    return paragraph


# --- page --------------------------------------------------------------------------------


def _page(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.header_distance = Mm(10)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    _fonts_of(normal.element)


def text_width(section) -> int:
    """The width between the margins, in twips (what every table spans)."""
    return Emu(section.page_width - section.left_margin - section.right_margin).twips


def _page_numbers(doc, document: Document) -> None:
    """Page numbers centred at the top from page 2 (the first page has none); the
    unchecked banner on top of every page, the first one included."""
    section = doc.sections[0]
    section.different_first_page_header_footer = True
    for header in (section.first_page_header, section.header):
        header.is_linked_to_previous = False
        if document.unchecked:
            paragraph = header.paragraphs[0]
            _format(paragraph, WD_ALIGN_PARAGRAPH.CENTER, None, 0)
            _font(paragraph.add_run(nfc(document.unchecked_banner)), 10, True, False, False, RED)
    header = section.header
    paragraph = header.add_paragraph() if document.unchecked else header.paragraphs[0]
    _format(paragraph, WD_ALIGN_PARAGRAPH.CENTER, None, 0)
    _page_field(paragraph)


def _page_field(paragraph) -> None:
    """A PAGE field (begin, instruction, separate, shown value, end)."""
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "2")):
        run = _font(paragraph.add_run(), PAGE_NUMBER_PT)
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._element.append(char)
        elif text == " PAGE ":
            instruction = OxmlElement("w:instrText")
            instruction.set(qn("xml:space"), "preserve")
            instruction.text = text
            run._element.append(instruction)
        else:
            run.text = text
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    _font(paragraph.add_run(), PAGE_NUMBER_PT)._element.append(end)


def _landscape_section(doc):
    """A new page in landscape for the appendix; page numbers go on, first page too."""
    section = doc.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(PAGE_MM[1]), Mm(PAGE_MM[0])
    section.different_first_page_header_footer = False
    return section


# --- tables ------------------------------------------------------------------------------


def _table_properties(table, widths: list[int], borders: bool) -> None:
    """Width, grid, each cell's width, fixed layout and padding: a table drawn exactly
    with the columns asked, by Word and LibreOffice alike."""
    table.autofit = False  # w:tblLayout fixed
    properties = table._tbl.tblPr
    total = properties.find(qn("w:tblW"))
    total.set(qn("w:type"), "dxa")
    total.set(qn("w:w"), str(sum(widths)))
    if not borders:
        edges = OxmlElement("w:tblBorders")
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
            element = OxmlElement(f"w:{edge}")
            element.set(qn("w:val"), "nil")
            edges.append(element)
        properties.insert_element_before(edges, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook")
    margins = OxmlElement("w:tblCellMar")
    for edge in ("left", "right"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:w"), str(CELL_PADDING.twips))
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    properties.insert_element_before(margins, "w:tblLook", "w:tblCaption")
    for column, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        column.w = Twips(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Twips(width)


def _split(total: int, shares: list[float]) -> list[int]:
    """`total` twips in proportion to `shares`, rounded so that they add up exactly."""
    if not any(shares):
        shares = [1] * len(shares)
    weight = sum(shares)
    widths = [int(total * share / weight) for share in shares]
    widths[widths.index(max(widths))] += total - sum(widths)
    return widths


def column_widths(columns: list[str], rows: list[list[str]], size: float, total: int) -> list[int]:
    """Columns sized by their content, much as a browser sizes an automatic table: a
    column whose longest line fits in its share gets just that; the others get at least
    their longest word, and the room left in proportion to how much text they hold (a
    table is as tall as its fullest column, so that column gets the most room)."""
    least, most, bulk = _content_widths(columns, rows, size)
    if sum(most) <= total:
        return _split(total, most)
    if sum(least) >= total:
        return _split(total, least)
    widths: dict[int, int] = {}
    while True:  # settle the short columns first: the long ones share what is left
        rest = [i for i in range(len(columns)) if i not in widths]
        room = total - sum(widths.values())
        short = [i for i in rest if most[i] <= room / len(rest)]
        if not short or len(short) == len(rest):
            break
        widths.update({i: most[i] for i in short})
    room -= sum(least[i] for i in rest)
    extra = _split(room, [bulk[i] for i in rest])
    widths.update({i: least[i] + e for i, e in zip(rest, extra, strict=True)})
    return [widths[i] for i in range(len(columns))]


def _content_widths(columns, rows, size) -> tuple[list[int], list[int], list[int]]:
    """Per column: its longest word and its longest line, cell padding included, and
    the width of all its text set on one line."""
    padding = 2 * CELL_PADDING.twips + 40
    least, most, bulk = [], [], []
    for index, title in enumerate(columns):
        cells = [(title, True)] + [(row[index], False) for row in rows if index < len(row)]
        lines = [(line, bold) for text, bold in cells for line in nfc(text).split("\n")]
        words = [(word, bold) for line, bold in lines for word in line.split()]
        least.append(padding + max((text_twips(w, size, b) for w, b in words), default=0))
        widths = [text_twips(line, size, bold) for line, bold in lines]
        most.append(padding + max(widths, default=0))
        bulk.append(sum(widths))
    return least, most, bulk


def _table(doc, block: Block, total: int, size: float) -> None:
    table = doc.add_table(rows=1, cols=len(block.columns))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    numeric = [_is_numeric(block.rows, index) for index in range(len(block.columns))]
    for cell, title in zip(table.rows[0].cells, block.columns, strict=True):
        _cell_para(cell, title, True, size=size, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    _repeat_as_header(table.rows[0])
    for values in block.rows:
        cells = table.add_row().cells
        for index, (cell, value) in enumerate(zip(cells, values, strict=False)):
            centred = index == 0 and block.table in ("criteria", "plan_tasks_a", "plan_tasks_b")
            align = WD_ALIGN_PARAGRAPH.CENTER if centred else WD_ALIGN_PARAGRAPH.LEFT
            if numeric[index]:
                align = WD_ALIGN_PARAGRAPH.RIGHT
            for number, line in enumerate(nfc(value).split("\n")):
                _cell_para(cell, line, number == 0, size=size, align=align)
    widths = column_widths(block.columns, block.rows, size, total)
    _table_properties(table, widths, borders=True)
    _para(doc, "", space_after=0, indent_first=None)


def _is_numeric(rows: list[list[str]], index: int) -> bool:
    values = [row[index] for row in rows if index < len(row) and row[index]]
    digits = set("0123456789.,%…-")
    return bool(values) and all(set(value) <= digits for value in values)


def _outline(paragraph, level: int) -> None:
    """An outline level: Word's navigation pane and the PDF's bookmarks list it."""
    element = OxmlElement("w:outlineLvl")
    element.set(qn("w:val"), str(level))
    paragraph._p.get_or_add_pPr().append(element)


def _repeat_as_header(row) -> None:
    """The column titles repeat on every page a long table runs over."""
    properties = row._tr.get_or_add_trPr()
    element = OxmlElement("w:tblHeader")
    element.set(qn("w:val"), "true")
    properties.append(element)


def _keep_row_on_one_page(row) -> None:
    element = OxmlElement("w:cantSplit")
    element.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(element)


# --- the blocks of Decree 30 ------------------------------------------------------------


def _header_widths(document: Document, total: int) -> list[int]:
    """The motto column as wide as its longest line (nation line, motto, place and
    date) at its size, plus the padding; the issuing body gets the rest."""
    h = document.header
    lines = [
        text_twips(h["nation"], HEADER_PT["nation"], bold=True),
        text_twips(h["motto"], HEADER_PT["motto"], bold=True),
        text_twips(h["place_date"], HEADER_PT["place_date"], italic=True),
    ]
    right = max(lines) + 2 * CELL_PADDING.twips + 2 * TWIPS_PER_PT  # 2 pt to spare
    right = min(right, total * 3 // 4)
    return [total - right, right]


def _header_block(doc, document: Document, total: int) -> None:
    h = document.header
    table = doc.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    center = WD_ALIGN_PARAGRAPH.CENTER
    left, right = table.cell(0, 0), table.cell(0, 1)
    _cell_para(left, h["authority"], True, size=HEADER_PT["authority"], align=center)
    _cell_para(left, h["agency"], False, size=HEADER_PT["agency"], bold=True, align=center)
    _cell_para(left, "———", False, size=10, align=center)
    _cell_para(right, h["nation"], True, size=HEADER_PT["nation"], bold=True, align=center)
    _cell_para(
        right,
        h["motto"],
        False,
        size=HEADER_PT["motto"],
        bold=True,
        underline=True,
        align=center,
    )
    _cell_para(table.cell(1, 0), h["number"], True, size=HEADER_PT["number"], align=center)
    _cell_para(
        table.cell(1, 1),
        h["place_date"],
        True,
        size=HEADER_PT["place_date"],
        italic=True,
        align=center,
    )
    _table_properties(table, _header_widths(document, total), borders=False)


def _unchecked(doc, document: Document) -> None:
    if document.unchecked:
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


def _chart(doc, document: Document, block: Block, number: int, charts: dict) -> None:
    """The chart as an image with its caption below; without data, the caption says so."""
    title = document.chart_titles.get(block.chart, block.chart)
    caption = f"Biểu đồ {number}: {title}"
    data = charts.get(block.chart)
    center = WD_ALIGN_PARAGRAPH.CENTER
    if has_data(data):
        picture = _para(doc, "", align=center, indent_first=None, space_after=2)
        picture.paragraph_format.keep_with_next = True
        run = _font(picture.add_run())
        run.add_picture(io.BytesIO(chart_png(data)), width=Mm(CHART_WIDTH_MM))
    else:
        caption += f" — {document.no_data}"
    _para(doc, caption, size=CAPTION_PT, italic=True, align=center, indent_first=None)


def _signature(doc, document: Document, total: int) -> None:
    table = doc.add_table(rows=1, cols=2)
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
    _table_properties(table, _split(total, [45, 55]), borders=False)
    _keep_row_on_one_page(table.rows[0])


def _blocks(doc, document: Document, blocks: list[Block], charts: dict, table_pt: float) -> None:
    total = text_width(doc.sections[-1])
    center = WD_ALIGN_PARAGRAPH.CENTER
    for block in blocks:
        if block.kind == "part":
            for number, line in enumerate(block.lines):
                paragraph = _para(
                    doc,
                    line,
                    bold=True,
                    align=center,
                    indent_first=None,
                    space_after=12 if number == len(block.lines) - 1 else 0,
                )
                paragraph.paragraph_format.keep_with_next = True
                if number == 0:
                    _outline(paragraph, 0)
        elif block.kind == "heading":
            paragraph = _para(doc, block.text, bold=True)
            paragraph.paragraph_format.keep_with_next = True
            _outline(paragraph, 1)
        elif block.kind == "subheading":
            paragraph = _para(doc, block.text, italic=True, bold=True)
            paragraph.paragraph_format.keep_with_next = True
        elif block.kind == "p":
            _para(doc, block.text)
        elif block.kind == "table":
            _table(doc, block, total, table_pt)
        elif block.kind == "chart":
            _chart(doc, document, block, _chart_number(document, block), charts)


def _chart_number(document: Document, block: Block) -> int:
    """Charts are numbered in the order of the document (the HTML's order)."""
    charts = [b for b in document.blocks if b.kind == "chart"]
    return charts.index(block) + 1


def write_docx(document: Document, path: Path, charts: dict | None = None) -> Path:
    doc = new_docx()
    _page(doc)
    core = doc.core_properties
    core.title = nfc(f"{document.title} {document.subtitle}")
    core.author = nfc(document.header.get("agency", ""))
    core.subject = "UNCHECKED" if document.unchecked else "checked"
    core.keywords = (
        f"eduwh; as_of={document.as_of}; checkpoint={document.quality.get('checkpoint')}"
    )
    _page_numbers(doc, document)
    total = text_width(doc.sections[0])
    _header_block(doc, document, total)
    _unchecked(doc, document)
    center = WD_ALIGN_PARAGRAPH.CENTER
    for number, text in enumerate((document.title, document.subtitle)):
        paragraph = _para(
            doc,
            text,
            bold=True,
            align=center,
            indent_first=None,
            space_after=12 if number else 0,
        )
        paragraph.paragraph_format.space_before = Pt(0 if number else 12)
    body = [block for block in document.blocks if not block.appendix]
    appendix = [block for block in document.blocks if block.appendix]
    _blocks(doc, document, body, charts or {}, TABLE_PT)
    _signature(doc, document, total)
    if appendix:
        _landscape_section(doc)
        _blocks(doc, document, appendix, charts or {}, APPENDIX_TABLE_PT)
    path = Path(path)
    doc.save(str(path))
    return path
