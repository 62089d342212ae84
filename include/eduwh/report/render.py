"""The annual report as a document: the editable template's text + the figures → DOCX / HTML.

`render(figures, charts, out_dir, fmt, unchecked)` is the entry. The free text lives in
`include/report_templates/bao_cao_ung_dung_cntt.yaml` (Jinja placeholders for the
figures); `build_document` turns it and the figures into a neutral list of blocks that
both renderers (docx.py, html.py) lay out, so the two formats always say the same thing.
Every string is normalised to Unicode NFC.

Inputs only come from the marts: `figures` (contracts/report_figures.md, from
report_figures), `charts` (chart_data.chart_data: chart series and the plan tasks) and
`appendix` (figures.appendix_tables: the rows of the appendix's tables).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import jinja2
import yaml

from eduwh.agency import province_of
from eduwh.report.document import TEMPLATES_DIR, Block, Document, nfc, states_766

TEXT_TEMPLATE = TEMPLATES_DIR / "bao_cao_ung_dung_cntt.yaml"
MISSING = "…"  # a figure the warehouse does not have yet

__all__ = ["render", "build_document", "Document", "Block", "nfc", "fmt_number"]


# --- number formats of the seed report ------------------------------------------------


def fmt_number(value: Any, pad: bool = False) -> str:
    """Vietnamese: thousands with '.', small counts zero-padded ('04') when `pad`."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, float) and not value.is_integer():
        return fmt_pct(value)
    number = int(value)
    if pad and 0 <= number < 10:
        return f"{number:02d}"
    return f"{number:,}".replace(",", ".")


def fmt_pct(value: Any) -> str:
    if value is None:
        return MISSING
    text = f"{float(value):.1f}".replace(".", ",")
    return text[:-2] if text.endswith(",0") else text


def ratio(numerator: Any, denominator: Any) -> str:
    """'15/41 (36,6%)'; the share is left out when the denominator is 0."""
    if numerator is None or denominator is None:
        return MISSING
    text = f"{int(numerator)}/{int(denominator)}"
    if denominator:
        text += f" ({fmt_pct(round(100.0 * numerator / denominator, 1))}%)"
    return text


def share(indicator: dict | None) -> str:
    """'412/655 (62,9%)': a Decision 766 indicator's counts and the mart's own rate."""
    if not indicator or indicator.get("denominator") is None:
        return MISSING
    text = f"{fmt_number(indicator['numerator'])}/{fmt_number(indicator['denominator'])}"
    if indicator.get("rate") is not None:
        text += f" ({fmt_pct(indicator['rate'])}%)"
    return text


def sum_or_none(*values: Any) -> int | None:
    if any(value is None for value in values):
        return None
    return sum(int(value) for value in values)


class Figures(dict):
    """A figures section: a missing key reads as None (rendered '…'), never an error."""

    def __missing__(self, key):
        return None

    def __getattr__(self, key):
        if key.startswith("__"):
            raise AttributeError(key)
        return self[key]


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)
    env.filters["n2"] = lambda value: fmt_number(value, pad=True)
    env.filters["n"] = lambda value: fmt_number(value)
    env.filters["pct"] = fmt_pct
    env.globals.update(ratio=ratio, sum_or_none=sum_or_none, share=share)
    return env


def load_template(path: Path = TEXT_TEMPLATE) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _context(figures: dict) -> dict:
    as_of = date.fromisoformat(str(figures["as_of"]))
    sections = {
        name: Figures(figures.get(name) or {})
        for name in ("procedures", "dossiers", "documents", "schools", "manual", "quality")
    }
    indicators = {
        key: Figures(value or {}) for key, value in (figures.get("indicators_766") or {}).items()
    }
    year = int(figures["year"])
    return {
        "i766": indicators,
        # A year Decision 766 scores (states_766) has its figures when the mart has its
        # rows (the one-stop portal landed); an indicator with nothing to count has 0.
        "scored_766": states_766(year),
        "has_766": states_766(year)
        and any(value.denominator is not None for value in indicators.values()),
        "year": year,
        "as_of": as_of,
        "report_date": as_of,
        "agency": _agency(figures.get("agency") or {}),
        "p": sections["procedures"],
        "d": sections["dossiers"],
        "doc": sections["documents"],
        "s": sections["schools"],
        "m": sections["manual"],
        "q": sections["quality"],
        "r": Figures(figures.get("ratios") or {}),  # the shares, from rpt_report_ratios
        # A merged Department's report: the predecessors it covers (code, name, until)
        # and each one's dossier and document counts (figures.of_which); empty for any
        # other report.
        "covers": [
            _covered(item, (figures.get("of_which") or {}).get(item["code"]) or {})
            for item in figures.get("covers") or []
        ],  # fmt: skip
    }


def _covered(item: dict, shares: dict) -> dict:
    """One predecessor of the report: its name, last day, dossier (d) and document (doc)
    shares; a share the figures do not give is empty (its sentence is left out)."""
    return {
        **item,
        "until": date.fromisoformat(item["until"]) if item.get("until") else None,
        "d": Figures(shares.get("dossiers") or {}),
        "doc": Figures(shares.get("documents") or {}),
    }


def _agency(agency: dict) -> Figures:
    """The reporting agency; the province from its name when the figures do not carry it
    (a figures file in the contract's shape has only code and name)."""
    province = agency.get("province") or province_of(agency.get("name"))
    return Figures({**agency, "province": province})


def _plan_rows(figures: dict, charts: dict, plan_code: str) -> list[list[str]]:
    tasks = figures.get("plan_tasks") or charts.get("plan_tasks") or []
    rows = [t for t in tasks if str(t.get("plan_code")) == plan_code]
    rows.sort(key=lambda t: t.get("sort_order") or 0)
    return [
        [
            nfc(t.get("task_no") or ""),
            nfc(t.get("task_name")),
            nfc(t.get("content")),
            nfc(t.get("result")),
        ]
        for t in rows
    ]


def _appendix(template: dict, appendix: dict, fill, year: int) -> list[Block]:
    """The appendix ("Phụ lục"): Biểu 06 per field and, for a year Decision 766 scores,
    its indicators; each a table of the mart's rows with the template's column titles,
    or the template's sentence saying the warehouse has none."""
    text = template["appendix"]
    blocks = [
        Block("part", lines=[fill(line) for line in text["title"]], appendix=True),
    ]
    for key in ("bieu_06", "indicators_766") if states_766(year) else ("bieu_06",):
        table = text[key]
        blocks.append(Block("subheading", text=fill(table["heading"]), appendix=True))
        rows = appendix.get(key) or []
        if not rows:
            blocks.append(Block("p", text=fill(table["no_data"]), appendix=True))
            continue
        columns = table["columns"]
        blocks.append(
            Block(
                "table",
                table=key,
                columns=[nfc(title) for title in columns.values()],
                rows=[[_cell(row, column) for column in columns] for row in rows],
                appendix=True,
            )
        )
    return blocks


def _cell(row: dict, column: str) -> str:
    """A mart value as the report writes it: counts with '.', rates and days with ','."""
    value = row.get(column)
    if value is None:
        return ""
    if isinstance(value, float):
        return fmt_pct(value)
    if isinstance(value, int):
        return fmt_number(value)
    return nfc(value)


def build_document(
    figures: dict,
    charts: dict,
    unchecked: bool,
    template: dict | None = None,
    appendix: dict | None = None,
) -> Document:
    """The report's blocks: the template's text with the figures filled in (NFC); the
    appendix at the end when its rows are given."""
    template = template or load_template()
    env = _environment()
    context = _context(figures)
    number = (template.get("document_numbers") or {}).get(context["year"])
    context["document_number"] = number if number else "\u00a0" * 6

    def fill(text: Any) -> str:
        return nfc(env.from_string(str(text or "")).render(**context))

    context["dossier_sentence"] = fill(template["dossier_sentence"])
    blocks: list[Block] = []
    for item in template["body"]:
        condition = item.get("when")
        if condition and not env.compile_expression(condition)(**context):
            continue
        if "part" in item:
            blocks.append(Block("part", lines=[fill(line) for line in item["part"]]))
        elif "heading" in item:
            blocks.append(Block("heading", text=fill(item["heading"])))
        elif "subheading" in item:
            blocks.append(Block("subheading", text=fill(item["subheading"])))
        elif "p" in item:
            blocks.append(Block("p", text=fill(item["p"])))
        elif "chart" in item:
            blocks.append(Block("chart", chart=item["chart"]))
        elif "table" in item:
            key = item["table"]
            if key in ("plan_tasks_a", "plan_tasks_b"):
                rows = _plan_rows(figures, charts, key[-1])
                blocks.append(
                    Block(
                        "table",
                        table=key,
                        columns=[nfc(c) for c in template["plan_table_columns"]],
                        rows=rows or [["", nfc(template["no_data"]), "", ""]],
                    )
                )
            elif key == "criteria":
                criteria = template["criteria"]
                rows = []
                for row in criteria["rows"]:
                    evidence = [fill(line) for line in row.get("evidence") or []]
                    share = fill(row.get("ratio") or "")
                    if share:
                        evidence.append(share)
                    rows.append(
                        [
                            fill(row["item"]),
                            fill(row["criterion"]),
                            "\n".join(line for line in evidence if line),
                            fill(row.get("note") or ""),
                        ]
                    )
                blocks.append(
                    Block(
                        "table", table=key, columns=[nfc(c) for c in criteria["columns"]], rows=rows
                    )
                )
            else:
                raise ValueError(f"report template: unknown table {key!r}")
        else:
            raise ValueError(f"report template: unknown block {item!r}")
    if appendix is not None:
        blocks.extend(_appendix(template, appendix, fill, context["year"]))
    header = {key: fill(value) for key, value in template["header"].items()}
    return Document(
        header=header,
        title=fill(template["title"]),
        subtitle=fill(template["subtitle"]),
        blocks=blocks,
        recipients_title=fill(template["recipients_title"]),
        recipients=[fill(line) for line in template["recipients"]],
        signature={key: fill(value) for key, value in template["signature"].items()},
        unchecked=unchecked,
        unchecked_banner=fill(template["unchecked_banner"]),
        chart_titles={key: fill(value) for key, value in template["chart_titles"].items()},
        no_data=fill(template["no_data"]),
        year=context["year"],
        as_of=context["as_of"].isoformat(),
        agency=dict(figures.get("agency") or {}),
        quality=dict(figures.get("quality") or {}),
    )


def output_name(figures: dict, fmt: str) -> str:
    agency = str((figures.get("agency") or {}).get("code") or "agency").replace(".", "-")
    return f"bao-cao-ung-dung-cntt-{figures['year']}-{agency}-{figures['as_of']}.{fmt}"


def render(
    figures: dict,
    charts: dict,
    out_dir: Path,
    fmt: str,
    unchecked: bool,
    appendix: dict | None = None,
) -> Path:
    """Write the report as `fmt` ("docx", "html" or "pdf") into `out_dir`; return its path.

    `unchecked`: the figures come from a build whose quality checkpoint failed
    (--allow-failed-checks): every page carries a visible UNCHECKED banner.
    `appendix`: figures.appendix_tables' rows; None leaves the appendix out.
    The PDF is the DOCX converted by LibreOffice (pdf.py).
    """
    if fmt not in ("docx", "html", "pdf"):
        raise ValueError(f"format must be docx, html or pdf, not {fmt!r}")
    document = build_document(figures, charts or {}, unchecked, appendix=appendix)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / output_name(figures, fmt)
    if fmt == "pdf":
        import tempfile

        from eduwh.report.docx import write_docx
        from eduwh.report.pdf import docx_to_pdf, soffice

        soffice()  # no LibreOffice: say how to install it before any work
        with tempfile.TemporaryDirectory(prefix="eduwh-pdf-") as work:
            source = write_docx(document, Path(work) / output_name(figures, "docx"), charts)
            docx_to_pdf(source, out_dir)
    elif fmt == "docx":
        from eduwh.report.docx import write_docx

        write_docx(document, path, charts)
    else:
        from eduwh.report.html import write_html

        write_html(document, charts or {}, path)
    return path
