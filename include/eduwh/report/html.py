"""The report as one self-contained HTML file (Jinja2 template in include/report_templates/).

Same blocks as the DOCX (render.build_document), plus:
- the charts as inline SVG images (data URIs) at the places the text template names; a
  chart whose data is missing shows "no data yet";
- every figure in the text links to its entry on the page "Nguồn gốc số liệu" (where
  each figure comes from: mart, column, filter, definition — lineage.yaml);
- the page of the Decision 766 indicators month by month against their thresholds.
An unchecked report carries a fixed red banner and a watermark.

Which figure a number is: each block is matched back to the template item it was filled
from, and the item's Jinja source is turned into a regular expression whose groups are
its `{{ ... }}` expressions, so the rendered text splits exactly into static text and
figures. A block that cannot be matched (a block not from the template's body) is shown
as plain text.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import jinja2
import yaml
from markupsafe import Markup, escape

from eduwh.report import lineage
from eduwh.report.charts import chart_svg, data_uri
from eduwh.report.document import TEMPLATES_DIR, Block, Document, nfc

HTML_TEMPLATE = "report.html.j2"
TEXT_TEMPLATE = TEMPLATES_DIR / "bao_cao_ung_dung_cntt.yaml"  # the one render.py fills
BLOCK_KINDS = ("part", "heading", "subheading", "p", "chart", "table")
# Decision 766's indicator groups on the page of the indicators (by the id's first digit).
INDICATOR_GROUPS = {
    "2": "Nhóm 2 — Tiến độ giải quyết hồ sơ",
    "3": "Nhóm 3 — Dịch vụ công trực tuyến",
    "4": "Nhóm 4 — Số hóa hồ sơ, kết quả giải quyết",
}
_TOKEN = re.compile(r"\{\{(.*?)\}\}|\{%-?\s*(if|elif|else|endif)\b.*?-?%\}", re.S)


@lru_cache(maxsize=256)
def _pattern(source: str) -> tuple[re.Pattern, tuple[tuple[str, ...], ...]]:
    """A Jinja source -> (regex of its rendered text, figure keys of each group)."""
    parts, keys, branches = [], [], []
    position = 0
    for token in _TOKEN.finditer(source):
        parts.append(re.escape(nfc(source[position : token.start()])))
        expression, keyword = token.groups()
        if expression is not None:
            parts.append(f"(?P<f{len(keys)}>.*?)")
            keys.append(tuple(lineage.keys_in(expression)))
        elif keyword == "if":
            parts.append("(?:")
            branches.append(False)
        elif keyword in ("elif", "else"):
            parts.append("|")
            branches[-1] = True
        else:  # endif: a branch without else may render nothing
            parts.append(")" if branches.pop() else "|)")
        position = token.end()
    parts.append(re.escape(nfc(source[position:])))
    return re.compile("".join(parts) + r"\Z", re.S), tuple(keys)


def link_figures(text: str, source: str | None, used: dict[str, list[str]], place: str) -> Markup:
    """`text` as HTML, each figure it shows wrapped in a link to its lineage entry."""
    if not source:
        return escape(text)
    pattern, keys = _pattern(source)
    match = pattern.match(text)
    if not match:
        return escape(text)
    html, position = [], 0
    for index, figure_keys in enumerate(keys):
        start, end = match.span(f"f{index}")
        if not figure_keys or start < 0 or start == end:
            continue
        figure = lineage.figures()[figure_keys[0]]
        for key in figure_keys:
            if place not in used.setdefault(key, []):
                used[key].append(place)
        html.append(escape(text[position:start]))
        html.append(
            Markup('<a class="fig" href="#{}" title="{}">{}</a>').format(
                figure.anchor, f"{figure.mart}.{figure.column}", text[start:end]
            )
        )
        position = end
    html.append(escape(text[position:]))
    return Markup("").join(html)


def _item_kind(item: dict) -> str:
    return next(kind for kind in BLOCK_KINDS if kind in item)


def _source(item: dict, template: dict) -> str:
    text = str(item.get(_item_kind(item)) or "")
    return text.replace("{{ dossier_sentence }}", str(template.get("dossier_sentence") or ""))


def _filled_from(block: Block, item: dict, template: dict) -> bool:
    kind = _item_kind(item)
    if kind != block.kind:
        return False
    if kind == "chart":
        return item["chart"] == block.chart
    if kind == "table":
        return item["table"] == block.table
    if kind == "part":
        return len(item["part"]) == len(block.lines)
    return bool(_pattern(_source(item, template))[0].match(block.text))


def template_items(document: Document, template: dict) -> list[dict | None]:
    """The template body item each block was filled from (None: not from the body). An
    item with `when` may have been left out; one without it never is."""
    items, found, next_item = template["body"], [], 0
    for block in document.blocks:
        match = None
        for index in range(next_item, len(items)):
            if _filled_from(block, items[index], template):
                match = index
                break
            if "when" not in items[index]:
                break
        found.append(items[match] if match is not None else None)
        if match is not None:
            next_item = match + 1
    return found


def _criteria_cells(row: list[str], spec: dict, used: dict, place: str) -> list[Markup]:
    """One criteria row: item, criterion, evidence lines + ratio (empty lines dropped, as
    render joins them), note."""
    sources = [[spec.get("item")], [spec.get("criterion")]]
    sources.append([*(spec.get("evidence") or []), spec.get("ratio")])
    sources.append([spec.get("note")])
    cells = []
    for text, candidates in zip(row, sources, strict=False):
        lines, pending = [], [str(c) for c in candidates if c]
        for line in text.split("\n"):
            while pending and not _pattern(pending[0])[0].match(line):
                pending.pop(0)  # a source line that rendered empty
            source = pending.pop(0) if pending else None
            lines.append(link_figures(line, source, used, place))
        cells.append(Markup("<br>").join(lines))
    return cells


def linked_blocks(document: Document, template: dict) -> tuple[list[dict], dict[str, list[str]]]:
    """Each block with its HTML (figures linked) and, per figure key, where it is used."""
    used: dict[str, list[str]] = {}
    place = document.title
    rows = []
    for block, item in zip(document.blocks, template_items(document, template), strict=True):
        source = _source(item, template) if item else None
        entry = {"block": block, "html": None, "rows": None}
        if block.kind == "part":  # part three's criteria table has no heading of its own
            place = " ".join(block.lines)
        elif block.kind in ("heading", "subheading"):
            place = block.text
            entry["html"] = escape(block.text)
        elif block.kind == "p":
            entry["html"] = link_figures(block.text, source, used, place)
        elif block.kind == "table":
            specs = template["criteria"]["rows"] if block.table == "criteria" else []
            entry["rows"] = [
                _criteria_cells(row, spec, used, f"{place} — mục {row[0]}")
                for row, spec in zip(block.rows, specs, strict=False)
            ] + [
                [Markup("<br>").join(escape(line) for line in cell.split("\n")) for cell in row]
                for row in block.rows[len(specs) :]
            ]
        rows.append(entry)
    return rows, used


def decimal(value, places: int = 1) -> str:
    """Vietnamese decimal comma; '…' for a missing value."""
    return "…" if value is None else f"{float(value):.{places}f}".replace(".", ",")


def indicator_groups(indicators: list[dict] | None) -> list[dict]:
    """chart_data's indicators_766_months as one table per indicator group: the months of
    the year as columns, each cell the month's rate with its pass / fail mark."""
    groups: dict[str, dict] = {}
    for indicator in indicators or []:
        number = indicator["indicator_id"].split(".")[0]
        group = groups.setdefault(
            number,
            {"title": INDICATOR_GROUPS.get(number, f"Nhóm {number}"), "months": [], "rows": []},
        )
        cells = {}
        for month in indicator["months"]:
            if month["period_label"] not in group["months"]:
                group["months"].append(month["period_label"])
            cells[month["period_label"]] = month
        group["rows"].append({**indicator, "cells": cells})
    for group in groups.values():  # 'YYYY-MM' -> column title 'T<month>'
        group["months"].sort()
        group["headers"] = [f"T{int(label[5:])}" for label in group["months"]]
    return list(groups.values())


def write_html(document: Document, charts: dict, path: Path) -> Path:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )
    env.filters["decimal"] = decimal
    images = {}
    for block in document.blocks:
        if block.kind == "chart":
            title = document.chart_titles.get(block.chart, block.chart)
            data = charts.get(block.chart)
            images[block.chart] = {
                "title": title,
                "src": data_uri(chart_svg(block.chart, title, data, document.no_data)),
                "has_data": bool(data),
            }
    template = yaml.safe_load(TEXT_TEMPLATE.read_text(encoding="utf-8"))
    blocks, used = linked_blocks(document, template)
    html = env.get_template(HTML_TEMPLATE).render(
        doc=document,
        blocks=blocks,
        charts=images,
        indicator_groups=indicator_groups(charts.get("indicators_766_months")),
        figures=lineage.figures().values(),
        chart_lineage=lineage.charts(),
        used=used,
    )
    path = Path(path)
    path.write_text(nfc(html), encoding="utf-8")
    return path
