"""The DOCX report, read back with python-docx: the seed report's 2019 figures in the seed's
own sentences, the Decree 30 layout (page, margins, header lines that never wrap, tables
as wide as the text, page numbers from page 2), the criteria table with ratios from the
figures, the charts as images and the appendix from the marts."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Twips

from eduwh import warehouse
from eduwh.report import document as document_module
from eduwh.report.chart_data import chart_data
from eduwh.report.figures import appendix_tables
from eduwh.report.render import fmt_number, fmt_pct, load_template, render
from tests.report.warehouse_build import AS_OF, YEAR, figures_of

# A Times-metric font (same advance widths as Times New Roman) to measure lines with.
TIMES_METRIC = Path("/usr/share/fonts/truetype/liberation")

# Sentences of the seed report (000_192d14e16932da76.txt), figures included, verbatim.
SEED_SENTENCES = [
    "Tính đến thời điểm báo cáo, Sở đã tiếp nhận 655 hồ sơ, trong đó số hồ sơ đã giải quyết là"
    " 599 hồ sơ (595 sớm và đúng hạn, 04 trễ hạn); số hồ sơ đang trong hạn giải quyết là 55 hồ"
    " sơ (1 hồ sơ rút).",
    "Ngoài ra, 41 TTHC thuộc Sở cũng đã được đăng tải đầy đủ lên trang thông tin điện tử của"
    " ngành tại địa chỉ: http://quangngai.edu.vn.",
    "Năm 2019, được sự quan tâm chỉ đạo của UBND tỉnh và sự phối hợp của Sở Thông tin và"
    " Truyền thông tỉnh, Trung tâm Phục vụ hành chính công tỉnh, VNPT Quảng Ngãi, Sở GDĐT đã"
    " triển khai cung cấp 03 thủ tục hành chính mức độ 3.",
    "Cử 04 cán bộ làm việc tại Trung tâm (01 chính thức và 03 dự phòng) và phân công công chức"
    " sử dụng phần mềm một cửa đều đảm bảo kỹ năng về trình độ tin học để thực hiện tiếp nhận và"
    " trả kết quả hồ sơ TTHC.",
    "+ Kết quả tiếp nhận hồ sơ, trả kết quả giải quyết qua dịch vụ bưu chính công ích tính từ"
    " ngày 01/01/2019 đến nay là 421 hồ sơ (tiếp nhận hồ sơ bằng DVBC, chưa trả kết quả bằng"
    " DVBC)",
]
SEED_FRAGMENTS = [
    "và đã cấp 400 tài khoản.",
    "đăng tải 120 tin, bài trong năm 2018; trong năm 2019, tính đến thời điểm báo cáo có 60 tin,"
    " bài đã được đăng.",
    "gồm 41 TTHC, Sở đã phối hợp Trung tâm Phục vụ hành chính công của tỉnh xây dựng trên dịch"
    " vụ công một cửa của tỉnh, trong đó có 03 thủ tục đạt mức 3.",
    "có 03 đường Internet cáp quang (01 VNPT, 02 Viettel)",
    "Sở: 08 công chức, trình độ đại học và trên đại học chuyên ngành CNTT, trong đó 02 công chức"
    " chuyên trách",
    "và 06 công chức làm công tác kiêm nhiệm tại các phòng thuộc Sở.",
    "Sở Giáo dục và Đào tạo đã thực hiện 02 nhiệm vụ, cụ thể như sau:",
]


def _all_text(document) -> list[str]:
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                texts.extend(p.text for p in cell.paragraphs)
    return texts


@pytest.fixture
def report(figures_2019, tmp_path):
    path = render(figures_2019, {}, tmp_path, "docx", unchecked=False)
    return docx.Document(str(path))


def test_the_figures_are_in_the_seed_reports_sentences(report):
    paragraphs = [p.text for p in report.paragraphs]
    for sentence in SEED_SENTENCES:
        assert sentence in paragraphs, sentence
    body = "\n".join(paragraphs)
    for fragment in SEED_FRAGMENTS:
        assert fragment in body, fragment


def test_header_block_and_title_follow_decree_30(report):
    header = report.tables[0]
    left = [p.text for p in header.cell(0, 0).paragraphs]
    right = [p.text for p in header.cell(0, 1).paragraphs]
    assert left[:2] == ["UBND TỈNH QUẢNG NGÃI", "SỞ GIÁO DỤC VÀ ĐÀO TẠO"]
    assert right[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert header.cell(0, 0).paragraphs[1].runs[0].bold
    motto = header.cell(0, 1).paragraphs[1].runs[0]
    assert motto.bold and motto.underline
    assert header.cell(1, 0).text == "Số: 1043/BC-SGDĐT"
    place_date = header.cell(1, 1).paragraphs[0].runs[0]
    assert place_date.text == "Quảng Ngãi, ngày 06 tháng 12 năm 2019" and place_date.italic
    assert "w:tblBorders" in header._tbl.tblPr.xml and 'w:val="nil"' in header._tbl.tblPr.xml
    paragraphs = [p.text for p in report.paragraphs]
    assert paragraphs[0] == "BÁO CÁO"
    assert paragraphs[1] == "Kết quả ứng dụng công nghệ thông tin năm 2019"
    for part in ("Phần thứ nhất", "Phần thứ hai", "Phần thứ ba"):
        assert part in paragraphs
    for number in range(1, 11):
        assert any(p.startswith(f"{number}. ") for p in paragraphs), number


def test_page_and_font(report):
    section = report.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)

    def within(value, low, high):  # Word stores margins in twips: allow the rounding
        return Mm(low - 0.1) <= value <= Mm(high + 0.1)

    assert within(section.top_margin, 20, 25) and within(section.bottom_margin, 20, 25)
    assert within(section.left_margin, 30, 35) and within(section.right_margin, 15, 20)
    assert report.styles["Normal"].font.name == "Times New Roman"
    sizes = {run.font.size.pt for p in report.paragraphs for run in p.runs if run.font.size}
    assert sizes and all(13 <= size <= 14 for size in sizes)
    fonts = {run.font.name for p in report.paragraphs for run in p.runs}
    assert fonts == {"Times New Roman"}


def test_criteria_table_ratios_come_from_the_figures(report):
    criteria = next(t for t in report.tables if t.cell(0, 0).text == "Mục")
    rows = {row.cells[0].text: row.cells[2].text for row in criteria.rows[1:]}
    assert set(rows) == {"3", "49", "50", "51", "52", "53", "54", "55", "56", "57"}
    assert "Có 15/41 thủ tục có phát sinh hồ sơ" in rows["55"]
    assert "15/41 (36,6%)" in rows["55"]
    assert "TTHC mức độ 3, 4 có phát sinh hồ sơ: 3/3 (100%)" in rows["52"]
    assert "Hồ sơ tiếp nhận qua BCCI: 421/655 (64,3%)" in rows["56"]
    assert "Kết quả trả qua BCCI: 0/599 (0%)" in rows["57"]
    assert SEED_SENTENCES[0] in rows["53"]
    criteria_names = {row.cells[1].text.split(" - ")[0] for row in criteria.rows[1:]}
    assert {"TC 1.2", "TCTP 7.2.1", "TCTP 7.3.1", "TCTP 7.3.2"} <= criteria_names


def test_plan_tasks_recipients_and_signature(report):
    plan = [t for t in report.tables if t.cell(0, 1).text == "Tên nhiệm vụ"]
    assert len(plan) == 2
    assert [row.cells[3].text for row in plan[0].rows[1:]] == [
        "Đang thực hiện",
        "Đã hoàn thành",
        "Đã thực hiện",
        "Đã và đang thực hiện",
    ]
    assert plan[1].rows[2].cells[1].text == "Quản lý học sinh"
    signature = report.tables[-1]
    recipients = [p.text for p in signature.cell(0, 0).paragraphs]
    assert recipients[0] == "Nơi nhận:" and "- Lưu: VT, VP." in recipients
    signer = [p.text for p in signature.cell(0, 1).paragraphs if p.text]
    assert signer == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Sỹ"]


def test_all_text_is_nfc_even_from_decomposed_input(figures_2019, tmp_path):
    figures_2019["agency"]["name"] = unicodedata.normalize("NFD", figures_2019["agency"]["name"])
    for task in figures_2019["plan_tasks"]:
        task["task_name"] = unicodedata.normalize("NFD", task["task_name"])
    document = docx.Document(str(render(figures_2019, {}, tmp_path, "docx", unchecked=False)))
    for text in _all_text(document):
        assert text == unicodedata.normalize("NFC", text), text[:80]


def test_unchecked_report_carries_a_banner_on_every_page(figures_2019, tmp_path):
    checked = docx.Document(str(render(figures_2019, {}, tmp_path / "a", "docx", False)))
    unchecked = docx.Document(str(render(figures_2019, {}, tmp_path / "b", "docx", True)))
    assert not any("UNCHECKED" in text for text in _all_text(checked))
    assert "UNCHECKED" in unchecked.paragraphs[0].text
    assert "UNCHECKED" in unchecked.sections[0].header.paragraphs[0].text
    assert unchecked.core_properties.subject == "UNCHECKED"


def test_missing_figures_show_as_placeholders_never_invented(figures_2019, tmp_path):
    figures_2019["manual"] = {key: None for key in figures_2019["manual"]}
    figures_2019["dossiers"]["resolved_late"] = None
    document = docx.Document(str(render(figures_2019, {}, tmp_path, "docx", unchecked=False)))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "(595 sớm và đúng hạn, … trễ hạn)" in body
    assert "đã cấp … tài khoản" in body


# --- Decree 30 layout ------------------------------------------------------------------


def _sections_of_tables(document) -> list[tuple[object, object]]:
    """(table, the section it is in): a section ends at a paragraph carrying w:sectPr."""
    sections = iter(document.sections)
    section = next(sections)
    found = []
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:tbl"):
            found.append((docx.table.Table(child, document), section))
        elif child.tag == qn("w:p") and child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
            section = next(sections)
    return found


def _text_twips(section) -> int:
    return Emu(section.page_width - section.left_margin - section.right_margin).twips


def _twips(element, tag: str) -> int:
    return int(element.find(qn(tag)).get(qn("w:w")))


def test_every_table_spans_the_text_width_by_grid_and_cells(report):
    tables = _sections_of_tables(report)
    assert len(tables) == len(report.tables) >= 5
    for table, section in tables:
        width = _text_twips(section)
        grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert sum(grid) == width, table.cell(0, 0).text
        assert _twips(table._tbl.tblPr, "w:tblW") == width
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
        for row in table.rows:
            cells = [_twips(cell._tc.tcPr, "w:tcW") for cell in row.cells]
            assert cells == grid  # the grid draws the table: cells must agree with it
    criteria = next(t for t, _ in tables if t.cell(0, 0).text == "Mục")
    grid = [int(col.get(qn("w:w"))) for col in criteria._tbl.tblGrid.findall(qn("w:gridCol"))]
    assert len(set(grid)) == 4 and grid[0] < grid[2]  # sized by content, not uniform


def _line_twips(run) -> float:
    """The run's text width at its own size, from the Liberation Serif metrics."""
    ImageFont = pytest.importorskip("PIL.ImageFont")
    style = {(False, False): "Regular", (True, False): "Bold", (False, True): "Italic"}
    path = TIMES_METRIC / f"LiberationSerif-{style[bool(run.bold), bool(run.italic)]}.ttf"
    if not path.exists():
        pytest.skip(f"{path} is absent: apt-get install fonts-liberation")
    return ImageFont.truetype(str(path), 1000).getlength(run.text) * run.font.size.pt / 1000 * 20


def test_national_motto_and_date_line_fit_on_one_line(report):
    header = report.tables[0]
    padding = sum(
        int(header._tbl.tblPr.find(qn("w:tblCellMar")).find(qn(f"w:{edge}")).get(qn("w:w")))
        for edge in ("left", "right")
    )
    template = load_template()["header"]
    lines = {
        "nation": header.cell(0, 1).paragraphs[0].runs[0],
        "motto": header.cell(0, 1).paragraphs[1].runs[0],
        "place_date": header.cell(1, 1).paragraphs[0].runs[0],
    }
    assert lines["nation"].text == template["nation"]  # one paragraph, one run: no break
    room = _twips(header.cell(0, 1)._tc.tcPr, "w:tcW") - padding
    for key, run in lines.items():
        assert run.font.size.pt >= 13, key
        assert _line_twips(run) <= room, (key, run.text, _line_twips(run), room)
    assert lines["motto"].underline and lines["place_date"].italic


def test_page_numbers_at_the_top_from_page_two(report):
    section = report.sections[0]
    assert section.different_first_page_header_footer
    numbers = section.header._element.xpath(".//w:instrText")
    assert [n.text.strip() for n in numbers] == ["PAGE"]
    assert section.header.paragraphs[-1].alignment == 1  # centred
    assert not section.first_page_header._element.xpath(".//w:instrText")


# --- Decision 766 in part three ---------------------------------------------------------


def test_the_2019_report_states_no_766_indicator(built, dataset, tmp_path):
    """Decision 766 scores from 2022: the 2019 report stays the one the Department sent,
    although the marts compute the indicators its records allow (read here)."""
    figures = figures_of(built, dataset)
    assert figures["indicators_766"]["2.1"]["denominator"]  # rpt_indicators_766 has 2019
    appendix = appendix_tables(built, YEAR, AS_OF)
    path = render(figures, {}, tmp_path, "docx", False, appendix)
    body = " ".join(p.text for p in docx.Document(str(path)).paragraphs)
    assert "(chỉ số 2.1)" not in body and "766/QĐ-TTg" not in body
    assert "Biểu 06" in body or "PHỤ LỤC" in body.upper()  # the appendix is still there


def test_without_766_figures_part_three_says_so(figures_2019, tmp_path, monkeypatch):
    monkeypatch.setattr(document_module, "DECISION_766_FIRST_YEAR", YEAR)  # a scored year
    figures_2019.pop("indicators_766", None)  # a warehouse without the one-stop portal
    document = docx.Document(str(render(figures_2019, {}, tmp_path, "docx", unchecked=False)))
    body = [p.text for p in document.paragraphs]
    assert any(
        text.startswith("Kho dữ liệu chưa có số liệu của Hệ thống thông tin một cửa điện tử năm")
        and "Quyết định số 766/QĐ-TTg" in text
        for text in body
    )
    assert not any("(chỉ số 2.1)" in text for text in body)


# --- from the built 2019 warehouse: charts and appendix --------------------------------


@pytest.fixture(scope="module")
def from_marts(built, dataset, tmp_path_factory):
    """The DOCX of the 2019 warehouse, as if Decision 766 scored 2019 (the marts compute
    the indicators its records allow), so that part three and the appendix state them."""
    figures = figures_of(built, dataset)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(document_module, "DECISION_766_FIRST_YEAR", YEAR)
        charts = chart_data(built, YEAR, AS_OF)
        appendix = appendix_tables(built, YEAR, AS_OF)
        path = render(figures, charts, tmp_path_factory.mktemp("docx"), "docx", False, appendix)
    return {"figures": figures, "charts": charts, "document": docx.Document(str(path))}


def _has_picture(paragraph) -> bool:
    return bool(paragraph._p.xpath(".//pic:pic"))


def test_charts_of_the_html_are_images_with_captions(from_marts):
    document, charts = from_marts["document"], from_marts["charts"]
    order = [item["chart"] for item in load_template()["body"] if "chart" in item]
    paragraphs = document.paragraphs
    drawn = 0
    for number, key in enumerate(order, start=1):  # numbered in the document's order
        caption = next(
            i for i, p in enumerate(paragraphs) if p.text.startswith(f"Biểu đồ {number}: ")
        )
        with_data = bool(charts.get(key)) and any(
            any(values) for values in charts[key]["series"].values()
        )
        assert _has_picture(paragraphs[caption - 1]) == with_data, key
        drawn += with_data
    assert len(document.inline_shapes) == drawn  # one image per chart with data, no more


def test_a_chart_with_data_is_an_image_in_its_section(figures_2019, tmp_path):
    d = figures_2019["dossiers"]  # the timeliness chart's series are these figures
    series = [d["resolved_early"], d["resolved_on_time"], d["resolved_late"], d["in_progress"]]
    charts = {
        "timeliness": {
            "categories": ["Sớm hạn", "Đúng hạn", "Trễ hạn", "Đang"],
            "series": {"Hồ sơ": series},
        }
    }
    document = docx.Document(str(render(figures_2019, charts, tmp_path, "docx", unchecked=False)))
    paragraphs = document.paragraphs
    texts = [p.text for p in paragraphs]
    caption = next(
        i for i, t in enumerate(texts) if t.startswith("Biểu đồ 2: Tình hình giải quyết")
    )
    assert _has_picture(paragraphs[caption - 1]) and len(document.inline_shapes) == 1
    # in section 1 of part one, where the HTML shows it
    assert caption < texts.index("2. Cung cấp dịch vụ công trực tuyến")
    assert texts[caption - 2].startswith("Biểu đồ 1: ")  # no data for chart 1: its caption says so
    assert texts[caption - 3] == SEED_SENTENCES[0]
    text_width = Twips(_text_twips(document.sections[0]))
    assert document.inline_shapes[0].width <= text_width


def test_part_three_states_the_years_766_values(from_marts):
    indicators = from_marts["figures"]["indicators_766"]
    body = [p.text for p in from_marts["document"].paragraphs]
    on_time = indicators["2.1"]  # from rpt_indicators_766 through report_figures
    expected = (
        f"(chỉ số 2.1): {fmt_number(on_time['numerator'])}/{fmt_number(on_time['denominator'])}"
        f" ({fmt_pct(on_time['rate'])}%)"
    )
    assert any(expected in text for text in body), expected
    since_2022 = ("3.6", "4.1", "4.2", "4.3", "4.4")
    plain = any("chưa có các trường thông tin theo Nghị định số 42/2022" in t for t in body)
    assert plain == (not any(indicators[key]["numerator"] for key in since_2022))


def _mart_rows(settings, query: str) -> list[tuple]:
    with warehouse.connect(settings, "eduwh_reader") as conn:
        return conn.execute(query, (settings.agency_code, YEAR, AS_OF)).fetchall()


def test_appendix_tables_equal_the_marts(built, from_marts):
    document = from_marts["document"]
    assert document.sections[-1].orientation == 1  # the appendix pages are landscape
    body = [p.text for p in document.paragraphs]
    assert "PHỤ LỤC" in body
    bieu_06 = next(t for t in document.tables if t.cell(0, 0).text == "Lĩnh vực")
    columns = list(load_template()["appendix"]["bieu_06"]["columns"])
    rows = _mart_rows(
        built,
        f"select {', '.join(columns)} from marts.rpt_bieu_06_kstt"  # noqa: S608
        " where agency_code = %s and report_year = %s and as_of_date = %s order by field_code",
    )
    assert rows
    shown = [[cell.text for cell in row.cells] for row in bieu_06.rows[1:]]
    assert shown == [[row[0] or ""] + [fmt_number(v) for v in row[1:]] for row in rows]
    indicators = next(t for t in document.tables if t.cell(0, 0).text == "Chỉ số")
    ids = _mart_rows(
        built,
        "select indicator_id from marts.rpt_indicators_766 where agency_code = %s"
        " and extract(year from period_start) = %s and as_of_date = %s and period_kind = 'year'"
        " and (breakdown = 'all' or indicator_id <> '2.2')",
    )
    assert sorted(row.cells[0].text for row in indicators.rows[1:]) == sorted(i for (i,) in ids)
