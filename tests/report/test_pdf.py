"""The PDF: the DOCX converted by the real LibreOffice, read back from the PDF's own page
tree and bookmarks (the headings' outline levels become bookmarks with their pages)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from eduwh.errors import UserError
from eduwh.report.docx import write_docx
from eduwh.report.pdf import INSTALL_HINT, docx_to_pdf
from eduwh.report.render import build_document, render

needs_soffice = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="soffice is absent: make office"
)


def _pages(pdf: Path) -> list[int]:
    """Object numbers of the pages, in order (LibreOffice writes one flat page tree)."""
    kids = re.search(rb"/Kids\s*\[([^\]]*)\]", pdf.read_bytes()).group(1)
    return [int(number) for number in re.findall(rb"(\d+) 0 R", kids)]


def _bookmarks(pdf: Path) -> dict[str, int]:
    """Bookmark title -> page number (1-based)."""
    pages = _pages(pdf)
    marks = {}
    pattern = rb"/Title\s*<([0-9A-Fa-f]+)>[^>]*?/Dest\s*\[\s*(\d+)\s+0\s+R"
    for title, page in re.findall(pattern, pdf.read_bytes()):
        text = bytes.fromhex(title.decode()).decode("utf-16")
        marks.setdefault(text, pages.index(int(page)) + 1)
    return marks


@needs_soffice
def test_pdf_of_the_2019_report(figures_2019, tmp_path):
    pdf = render(figures_2019, {}, tmp_path, "pdf", unchecked=False)
    assert pdf.suffix == ".pdf" and pdf.read_bytes().startswith(b"%PDF")
    pages = _pages(pdf)
    # The seed report runs over about ten A4 pages; five pages of one-word lines in part
    # three (uniform columns) would push it past fourteen.
    assert 8 <= len(pages) <= 13, len(pages)
    marks = _bookmarks(pdf)
    assert marks["Phần thứ nhất"] == 1
    assert marks["Phần thứ nhất"] <= marks["Phần thứ hai"] <= marks["Phần thứ ba"]
    # part three (its text, the criteria table, the signature) ends the document
    assert len(pages) - marks["Phần thứ ba"] + 1 <= 4


@needs_soffice
def test_criteria_table_fits_on_about_two_pages(figures_2019, tmp_path):
    """A document of the criteria table alone (with the header block, title and
    signature around it): at most three pages."""
    document = build_document(figures_2019, {}, unchecked=False)
    document.blocks = [block for block in document.blocks if block.table == "criteria"]
    pdf = docx_to_pdf(write_docx(document, tmp_path / "criteria.docx"), tmp_path)
    assert len(_pages(pdf)) <= 3


def test_without_soffice_one_line_says_how_to_install_it(figures_2019, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice there
    with pytest.raises(UserError) as error:
        docx_to_pdf(tmp_path / "report.docx", tmp_path)
    assert str(error.value) == INSTALL_HINT
    with pytest.raises(UserError) as error:  # `eduwh report --format pdf` renders this way
        render(figures_2019, {}, tmp_path / "out", "pdf", unchecked=False)
    assert str(error.value) == INSTALL_HINT
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    assert "make office" in INSTALL_HINT and "libreoffice-writer-nogui" in INSTALL_HINT
    assert "\n" not in INSTALL_HINT
