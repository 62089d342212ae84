"""Where each figure of the report comes from: the mart, column and filter it is read
from and its definition in the contracts — read from lineage.yaml, the one source the
HTML report (links, page "Nguồn gốc số liệu") and docs/lineage.md are made from.

`python -m eduwh.report.lineage` prints docs/lineage.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

LINEAGE_FILE = Path(__file__).with_name("lineage.yaml")
# The names the report template gives the figure parts (render._context) -> JSON part.
TEMPLATE_NAMES = {
    "p": "procedures",
    "d": "dossiers",
    "doc": "documents",
    "s": "schools",
    "m": "manual",
    "q": "quality",
    "r": "ratios",
}
_REFERENCE = re.compile(r"\b(" + "|".join(TEMPLATE_NAMES) + r")\.(\w+)")


@dataclass(frozen=True)
class Figure:
    key: str  # "dossiers.received": JSON part + "." + key
    mart: str
    column: str
    filter: str
    definition: str
    contract: str

    @property
    def anchor(self) -> str:
        return "fig-" + re.sub(r"[^a-z0-9]+", "-", self.key.lower())


@cache
def _lineage() -> dict:
    return yaml.safe_load(LINEAGE_FILE.read_text(encoding="utf-8"))


@cache
def figures() -> dict[str, Figure]:
    """Every figure key of the report -> its lineage, in the report JSON's order."""
    found = {}
    for section, spec in _lineage()["sections"].items():
        for name, figure in spec["figures"].items():
            key = f"{section}.{name}"
            found[key] = Figure(
                key=key,
                mart=spec["mart"],
                column=figure["column"],
                filter=spec["filter"],
                definition=figure["definition"],
                contract=spec["contract"],
            )
    return found


def charts() -> dict[str, dict]:
    """Chart key -> {mart, filter, definition}."""
    return dict(_lineage()["charts"])


def keys_in(expression: str) -> list[str]:
    """The figure keys a template expression reads ('d.received | n2' -> ['dossiers.received'])."""
    known = figures()
    keys = []
    for name, attribute in _REFERENCE.findall(expression):
        key = f"{TEMPLATE_NAMES[name]}.{attribute}"
        if key in known and key not in keys:
            keys.append(key)
    return keys


def markdown() -> str:
    """docs/lineage.md: one table per part of the report, then the charts."""
    lines = [
        "# Where each figure of the report comes from",
        "",
        "Generated from `include/eduwh/report/lineage.yaml` by"
        " `uv run python -m eduwh.report.lineage > docs/lineage.md` (a test checks it is"
        " up to date). Every figure of the report JSON (`contracts/report_figures.md`, and"
        " the part `ratios` beyond its keys) is read from one column of one mart in the"
        " `marts` schema, as `eduwh_reader`; the HTML report links each figure to the same"
        " entry on its page *Nguồn gốc số liệu*. Filters: `<agency>` the reporting agency,"
        " `<year>` the report year, `<as_of>` the as-of date, `<school_year>` the school"
        " year of the as-of date.",
        "",
    ]
    sections = _lineage()["sections"]
    for section, spec in sections.items():
        lines += [
            f"## {section}",
            "",
            f"Mart `marts.{spec['mart']}`, row: `{spec['filter']}`."
            f" Definitions: {spec['contract']}.",
            "",
            "| figure | column | definition |",
            "|---|---|---|",
        ]
        for name in spec["figures"]:
            figure = figures()[f"{section}.{name}"]
            lines.append(f"| `{figure.key}` | `{figure.column}` | {figure.definition} |")
        lines.append("")
    lines += ["## charts", "", "| chart | mart | filter | series |", "|---|---|---|---|"]
    for chart, spec in charts().items():
        lines.append(
            f"| `{chart}` | `marts.{spec['mart']}` | `{spec['filter']}` | {spec['definition']} |"
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(markdown(), end="")
