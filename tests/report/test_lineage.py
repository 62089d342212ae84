"""Lineage: every figure of contracts/report_figures.md has its mart, column, filter and
definition in lineage.yaml, the HTML report's page "Nguồn gốc số liệu" names them, and
the committed docs/lineage.md is what lineage.yaml generates. (That each mart column
exists in a built warehouse: tests/report/test_html.py, which has one.)"""

from __future__ import annotations

import json
import re

import pytest

from eduwh.config import PROJECT_ROOT
from eduwh.report import lineage
from eduwh.report.render import render

CONTRACT = PROJECT_ROOT.parent / "shared" / "contracts" / "report_figures.md"
DOCS = PROJECT_ROOT / "docs" / "lineage.md"
# Parts of the contract's JSON that are not figures read from a mart: the report's
# parameters, and the checkpoint's own result (quality.checkpoint / run_id).
CONTRACT_SECTIONS = ("procedures", "dossiers", "documents", "schools", "manual", "quality")
NOT_FROM_MARTS = {"agency", "year", "as_of", "quality.checkpoint", "quality.run_id"}


@pytest.fixture(scope="module")
def contract_keys(dataset) -> list[str]:
    """'section.key' of every figure in the contract's JSON shape; where the contracts
    are not beside the repository (a fresh clone in CI), the built-in data set's
    expected.json, which has that shape (tests/sandbox/test_motcua_dataset.py)."""
    if CONTRACT.exists():
        text = CONTRACT.read_text("utf-8")
        shape = json.loads(re.search(r"## JSON shape.*?```json\n(.*?)```", text, re.S).group(1))
    else:
        expected = json.loads((dataset / "expected.json").read_text("utf-8"))
        shape = {section: expected[section] for section in CONTRACT_SECTIONS}
    return figure_keys(shape)


def figure_keys(shape: dict) -> list[str]:
    keys = []
    for section, value in shape.items():
        if isinstance(value, dict):
            keys += [f"{section}.{key}" for key in value]
        else:
            keys.append(section)
    return [key for key in keys if key not in NOT_FROM_MARTS and key.split(".")[0] != "agency"]


def test_every_figure_of_the_contract_has_its_lineage(contract_keys):
    keys = contract_keys
    assert "dossiers.pct_received_bcci" in keys and len(keys) > 40
    known = lineage.figures()
    assert [key for key in keys if key not in known] == []
    for key in keys:
        figure = known[key]
        assert figure.mart.startswith("rpt_") and figure.column and figure.definition, key
        assert figure.filter and figure.contract, key


def test_the_lineage_page_names_a_mart_column_for_every_figure(
    contract_keys, figures_2019, tmp_path
):
    html = render(figures_2019, {}, tmp_path, "html", unchecked=False).read_text("utf-8")
    page = re.search(r'<div class="page" id="lineage">.*', html, re.S).group(0)
    rows = dict(
        re.findall(
            r'<tr id="fig-[^"]+" data-figure="([^"]+)"><td>.*?</td><td><code>(.*?)</code>', page
        )
    )
    for key in contract_keys:
        figure = lineage.figures()[key]
        assert rows.get(key) == f"marts.{figure.mart}.{figure.column}", key
    for chart in lineage.charts():
        assert f'id="chart-lineage-{chart}"' in page


def test_docs_lineage_md_is_up_to_date():
    assert DOCS.read_text("utf-8") == lineage.markdown(), (
        "docs/lineage.md is stale: uv run python -m eduwh.report.lineage > docs/lineage.md"
    )
