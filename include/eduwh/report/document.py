"""The report as a document model (blocks of text, tables and charts), what the DOCX and
HTML writers draw; `render` builds it from the template and the figures."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from eduwh.config import PROJECT_ROOT

TEMPLATES_DIR = PROJECT_ROOT / "include" / "report_templates"
# Decision 766/QĐ-TTg (23 June 2022) scores agencies from 2022 on. The marts compute its
# indicators for any year the records allow; the report of an earlier year states none of
# them (it stays the report the Department sent). The one rule, for the DOCX and the HTML.
DECISION_766_FIRST_YEAR = 2022


def states_766(year: int) -> bool:
    """Whether the report of `year` states the Decision 766 indicators."""
    return year >= DECISION_766_FIRST_YEAR


def nfc(text: Any) -> str:
    return unicodedata.normalize("NFC", "" if text is None else str(text))


# --- the document model -----------------------------------------------------------------


@dataclass
class Block:
    kind: str  # part | heading | subheading | p | table | chart
    text: str = ""
    lines: list[str] = field(default_factory=list)  # part lines
    columns: list[str] = field(default_factory=list)  # table
    rows: list[list[str]] = field(default_factory=list)  # table cells (lines joined by \n)
    chart: str = ""  # chart key
    table: str = ""  # table key
    appendix: bool = False  # part of the appendix ("Phụ lục"), after the signature


@dataclass
class Document:
    header: dict[str, str]
    title: str
    subtitle: str
    blocks: list[Block]
    recipients_title: str
    recipients: list[str]
    signature: dict[str, str]
    unchecked: bool
    unchecked_banner: str
    chart_titles: dict[str, str]
    no_data: str
    year: int
    as_of: str
    agency: dict[str, Any]
    quality: dict[str, Any]
