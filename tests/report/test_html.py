"""The HTML report: same text, the charts as inline SVG images, every figure linked to
its lineage entry, the Decision 766 page; rendered in headless Chromium at 1280 and 390
CSS px wide (no element wider than the viewport, every chart decoded) and printed to A4
(screenshot and PDF kept under artifacts/report/)."""

from __future__ import annotations

import base64
import html as html_lib
import json
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from eduwh import warehouse
from eduwh.config import PROJECT_ROOT
from eduwh.report import document as document_module
from eduwh.report import lineage
from eduwh.report.chart_data import chart_data
from eduwh.report.render import render
from tests.report.warehouse_build import AS_OF, DBT_VARS, YEAR, figures_of

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = PROJECT_ROOT / "artifacts" / "report"
SEED_SENTENCE = (
    "Tính đến thời điểm báo cáo, Sở đã tiếp nhận 655 hồ sơ, trong đó số hồ sơ đã giải quyết là"
    " 599 hồ sơ (595 sớm và đúng hạn, 04 trễ hạn); số hồ sơ đang trong hạn giải quyết là 55 hồ"
    " sơ (1 hồ sơ rút)."
)
CHARTS = ("dossiers_by_month", "timeliness", "documents_by_channel", "schools_by_software")


FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
A4_POINTS = (595.28, 841.89)
# Loaded into an iframe of the asked width (headless Chromium's window has a minimum
# width above 390 px): every element that sticks out of the viewport and is not inside a
# box that scrolls or clips it, the page's own scroll width, the chart images decoded.
PROBE = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="page" style="border:0;width:%(width)dpx;height:2400px" srcdoc="%(srcdoc)s"></iframe>
<script>
document.getElementById('page').addEventListener('load', (event) => {
  const frame = event.target, doc = frame.contentDocument, win = frame.contentWindow;
  const width = doc.documentElement.clientWidth;
  const contained = (el) => {
    for (let p = el.parentElement; p && p !== doc.body; p = p.parentElement) {
      if (['auto', 'scroll', 'hidden'].includes(win.getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  const wide = [...doc.body.querySelectorAll('*')].filter((el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && (box.right > width + 0.5 || box.left < -0.5) && !contained(el);
  }).map((el) => el.tagName + (el.id ? '#' + el.id : ''));
  const images = [...doc.querySelectorAll('figure.chart img')];
  const out = document.createElement('pre');
  out.id = 'probe';
  out.textContent = JSON.stringify({
    width, scroll_width: doc.documentElement.scrollWidth, wide: wide.slice(0, 20),
    images: images.length,
    decoded: images.filter((i) => i.complete && i.naturalWidth > 0).length,
  });
  document.body.appendChild(out);
});
</script></body></html>"""


def _text(html: str) -> str:
    """The page's text without its tags (the figures' links)."""
    return html_lib.unescape(re.sub(r"<[^>]+>", "", html))


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"chromium-profile-{len(list(tmp_path.glob('chromium-profile-*')))}"
    return subprocess.run(
        [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=180,
    )


def _layout(html: str, width: int, tmp_path: Path) -> dict:
    probe = tmp_path / f"probe-{width}.html"
    srcdoc = html_lib.escape(html, quote=True)
    probe.write_text(PROBE % {"width": width, "srcdoc": srcdoc}, encoding="utf-8")
    dom = _chromium(
        tmp_path,
        "--window-size=1400,2400",
        "--dump-dom",
        "--virtual-time-budget=10000",
        probe.as_uri(),
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom.stdout, re.S)
    assert found, dom.stdout[-2000:]
    return json.loads(html_lib.unescape(found.group(1)))


def _pdf_pages(path: Path) -> list[tuple[float, float]]:
    """The size in points of every page of a PDF Chromium printed (page objects are not
    compressed there)."""
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert len(boxes) == len(re.findall(rb"/Type\s*/Page\b", data))
    return [(float(w), float(h)) for w, h in boxes]


def _figure(html: str, key: str) -> str:
    match = re.search(rf'<figure class="chart" id="chart-{key}".*?</figure>', html, re.S)
    assert match, key
    return match.group(0)


def _svg_of(figure: str) -> str:
    src = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', figure).group(1)
    return base64.b64decode(src).decode("utf-8")


def test_html_without_chart_data_says_no_data_yet(figures_2019, tmp_path):
    html = render(figures_2019, {}, tmp_path, "html", unchecked=False).read_text("utf-8")
    assert SEED_SENTENCE in html
    for key in CHARTS:
        figure = _figure(html, key)
        assert 'data-has-data="false"' in figure
        assert "Chưa có dữ liệu (no data yet)" in _svg_of(figure)
    assert 'id="unchecked"' not in html
    assert "15/41 (36,6%)" in _text(html) and "421/655 (64,3%)" in _text(html)


def test_every_figure_links_to_its_lineage_entry(figures_2019, tmp_path):
    html = render(figures_2019, {}, tmp_path, "html", unchecked=False).read_text("utf-8")
    links = re.findall(r'<a class="fig" href="#([^"]+)" title="([^"]+)">([^<]*)</a>', html)
    targets = set(re.findall(r'<tr id="(fig-[^"]+)" data-figure="([^"]+)"', html))
    anchors = {anchor for anchor, _ in targets}
    assert links and {anchor for anchor, _, _ in links} <= anchors
    by_anchor = {figure.anchor: figure for figure in lineage.figures().values()}
    for anchor, title, text in links:  # each link shows the value of the figure it names
        figure = by_anchor[anchor]
        assert title == f"{figure.mart}.{figure.column}"
        section, key = figure.key.split(".")
        value = (figures_2019.get(section) or {}).get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            assert int(text.replace(".", "")) == value, (figure.key, text)
    # The seed sentence's counts, linked in order (expected.json = the seed report's figures).
    sentence = re.search(r"Tính đến thời điểm báo cáo, Sở đã tiếp nhận.*?</p>", html).group(0)
    keys = re.findall(r'href="#fig-dossiers-([a-z-]+)"', sentence)
    assert keys == [
        "received",
        "resolved",
        "resolved-early-or-on-time",
        "resolved-late",
        "in-progress",
        "withdrawn",
    ]
    # The criteria table's shares come from the part `ratios` (rpt_report_ratios).
    assert 'href="#fig-ratios-pct-procedures-with-bcci-dossiers"' in html
    used = re.search(r'<tr id="fig-procedures-total".*?</tr>', html, re.S).group(0)
    assert "mục 55" in used  # where the figure is used: the criteria row of TCTP 7.3.1
    # 2019 is before Decision 766: its page says there are no indicators for the year.
    assert 'id="indicators-766-none"' in html and "Năm 2019 không có số liệu" in html


def test_unchecked_html_has_banner_and_watermark(figures_2019, tmp_path):
    html = render(figures_2019, {}, tmp_path, "html", unchecked=True).read_text("utf-8")
    assert 'id="unchecked"' in html and "BẢN CHƯA KIỂM TRA (UNCHECKED)" in html
    assert 'class="watermark"' in html
    assert '<meta name="eduwh-unchecked" content="true">' in html


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def test_html_from_the_marts_renders_with_its_charts_in_chromium(built, dataset, tmp_path):
    figures = figures_of(built, dataset)
    charts = chart_data(built, YEAR, AS_OF)
    assert charts["timeliness"]["series"]["Hồ sơ"] == [
        figures["dossiers"]["resolved_early"],
        figures["dossiers"]["resolved_on_time"],
        figures["dossiers"]["resolved_late"],
        figures["dossiers"]["in_progress"],
    ]
    by_month = charts["dossiers_by_month"]
    assert sum(sum(values) for values in by_month["series"].values()) == 655
    assert sum(by_month["series"]["Bưu chính công ích"]) == 421
    assert len(charts["plan_tasks"]) == 6
    path = render(figures, charts, tmp_path, "html", unchecked=False)
    html = path.read_text("utf-8")
    assert SEED_SENTENCE in html
    for key in ("dossiers_by_month", "timeliness"):
        figure = _figure(html, key)
        assert 'data-has-data="true"' in figure
        assert "<rect" in _svg_of(figure) and "no data yet" not in _svg_of(figure)
    for key in ("documents_by_channel", "schools_by_software"):  # sources not built yet
        if charts[key] is None:
            assert "no data yet" in _svg_of(_figure(html, key))

    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is absent: apt-get install -y chromium")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copy2(path, ARTIFACTS / path.name)
    screenshot = ARTIFACTS / "report-2019.png"
    screenshot.unlink(missing_ok=True)
    shot = _chromium(
        tmp_path, f"--screenshot={screenshot}", "--window-size=1280,4000", path.as_uri()
    )
    assert shot.returncode == 0 and screenshot.exists(), shot.stderr[-2000:]
    assert _png_size(screenshot) == (1280, 4000)
    assert screenshot.stat().st_size > 100_000  # text and charts, not a blank page
    for width in (1280, 390):  # a desktop and a phone
        layout = _layout(html, width, tmp_path)
        assert layout["width"] <= width and layout["width"] > width - 30, layout
        assert layout["scroll_width"] <= layout["width"], layout  # no horizontal scroll
        assert layout["wide"] == [], layout  # no element wider than the viewport
        assert layout["images"] == len(CHARTS) == layout["decoded"], layout
    pdf = ARTIFACTS / "report-2019.pdf"
    pdf.unlink(missing_ok=True)
    printed = _chromium(tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}", path.as_uri())
    assert printed.returncode == 0 and pdf.exists(), printed.stderr[-2000:]
    pages = _pdf_pages(pdf)
    assert len(pages) >= 5  # the report's pages, the 766 page and the lineage page
    for page in pages:  # A4 (595.28 x 841.89 pt), to Chromium's rounding
        assert abs(page[0] - A4_POINTS[0]) < 2 and abs(page[1] - A4_POINTS[1]) < 2, page


def test_ratios_and_chart_series_in_the_report_come_from_the_marts(built, dataset, tmp_path):
    """A share and a chart series read from their rpt_ marts are what the report's JSON
    and HTML show (the report computes neither)."""
    with warehouse.connect(built, "eduwh_reader") as conn:
        share = conn.execute(
            "select pct_procedures_with_bcci_dossiers from marts.rpt_report_ratios"
            " where agency_code = %s and report_year = %s and as_of_date = %s",
            (built.agency.code, YEAR, AS_OF),
        ).fetchone()[0]
        bcci_by_month = [
            value
            for (value,) in conn.execute(
                "select series_value from marts.rpt_dossier_chart_series"
                " where agency_code = %s and as_of_date = %s and chart_key = 'dossiers_by_month'"
                " and series_code = '3' order by category_order",
                (built.agency.code, AS_OF),
            )
        ]
    figures = figures_of(built, dataset)
    assert figures["ratios"]["pct_procedures_with_bcci_dossiers"] == float(share)
    charts = chart_data(built, YEAR, AS_OF)
    assert charts["dossiers_by_month"]["series"]["Bưu chính công ích"] == bcci_by_month
    assert sum(bcci_by_month) == figures["dossiers"]["received_bcci"]  # 421, the seed's
    html = render(figures, charts, tmp_path, "html", unchecked=False).read_text("utf-8")
    shown = f"{share:.1f}".replace(".", ",").removesuffix(",0")
    assert f"Tỷ lệ: 15/41 ({shown}%)" in _text(html)
    svg = _svg_of(_figure(html, "dossiers_by_month"))
    for month, value in enumerate(bcci_by_month, start=1):
        assert f"Bưu chính công ích, T{month}: {value}</title>" in svg


def test_indicator_page_shows_each_month_against_its_threshold(
    built, dataset, monkeypatch, tmp_path
):
    """The page of Decision 766 from rpt_indicators_766: the 2019 warehouse computes the
    indicators the portal's fields allow; shown here as if the year were scored."""
    monkeypatch.setattr(document_module, "DECISION_766_FIRST_YEAR", YEAR)
    charts = chart_data(built, YEAR, AS_OF)
    months = charts["indicators_766_months"]
    with warehouse.connect(built, "eduwh_reader") as conn:
        rows = conn.execute(
            "select indicator_id, period_label, rate, threshold from marts.rpt_indicators_766"
            " where agency_code = %s and as_of_date = %s and period_kind = 'month'"
            " and breakdown = 'all' and extract(year from period_start) = %s",
            (built.agency.code, AS_OF, YEAR),
        ).fetchall()
    assert {m["indicator_id"] for m in months} == {row[0] for row in rows}
    html = render(figures_of(built, dataset), charts, tmp_path, "html", False)
    page = re.search(
        r'<div class="page" id="indicators-766">.*?</div>\s*<div class="page"',
        html.read_text("utf-8"),
        re.S,
    ).group(0)
    for indicator, _label, rate, threshold in rows:
        row = re.search(rf'<tr data-indicator="{re.escape(indicator)}">.*?</tr>', page, re.S)
        assert row, indicator
        if threshold is not None and rate is not None:
            mark = "✓" if rate >= threshold else "✗"
            assert (
                f'{f"{float(rate):.1f}".replace(".", ",")} <span class="mark">{mark}'
                in row.group(0)
            )
    assert "indicators-766-none" not in page


def test_every_lineage_column_exists_in_the_built_warehouse(built):
    """lineage.yaml's mart columns are the warehouse's (the e-Office and school marts
    built here on their empty landing tables: their columns are contracts)."""
    from eduwh.warehouse.dbt import run_dbt

    run_dbt(
        built,
        [
            "build",  # not `run`: their ancestors include a seed (the communes' crosswalk)
            "--select",
            "+rpt_document_figures",
            "+rpt_document_chart_series",
            "+rpt_school_figures",
            "+rpt_school_chart_series",
            "--exclude",
            "resource_type:test",
            "resource_type:unit_test",
            "--vars",
            DBT_VARS,
        ],
    )
    needed = {(f.mart, f.column) for f in lineage.figures().values()}
    needed |= {
        (spec["mart"], "chart_key")
        for spec in lineage.charts().values()
        if spec["mart"] != "rpt_indicators_766"
    }
    with warehouse.connect(built, "eduwh_reader") as conn:
        present = set(
            conn.execute(
                "select table_name, column_name from information_schema.columns"
                " where table_schema = 'marts'"
            ).fetchall()
        )
    assert sorted(needed - present) == []
