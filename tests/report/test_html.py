"""The HTML report: same text, the charts as inline SVG images, rendered in headless
Chromium (screenshot kept under artifacts/report/)."""

from __future__ import annotations

import base64
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from eduwh.report.chart_data import chart_data
from eduwh.report.render import render
from eduwh.settings import PROJECT_ROOT
from tests.report.warehouse_build import AS_OF, YEAR, figures_of

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = PROJECT_ROOT / "artifacts" / "report"
SEED_SENTENCE = (
    "Tính đến thời điểm báo cáo, Sở đã tiếp nhận 655 hồ sơ, trong đó số hồ sơ đã giải quyết là"
    " 599 hồ sơ (595 sớm và đúng hạn, 04 trễ hạn); số hồ sơ đang trong hạn giải quyết là 55 hồ"
    " sơ (1 hồ sơ rút)."
)
CHARTS = ("dossiers_by_month", "timeliness", "documents_by_channel", "schools_by_software")


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
    assert "15/41 (36,6%)" in html and "421/655 (64,3%)" in html


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
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ]
    shot = subprocess.run(
        [
            str(CHROMIUM),
            *flags,
            f"--screenshot={screenshot}",
            "--window-size=1280,4000",
            path.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert shot.returncode == 0 and screenshot.exists(), shot.stderr[-2000:]
    assert _png_size(screenshot) == (1280, 4000)
    assert screenshot.stat().st_size > 100_000  # text and charts, not a blank page
    # The DOM after Chromium loaded it: every chart image decoded (naturalWidth > 0).
    probe = tmp_path / "probe.html"
    probe.write_text(
        html.replace(
            "</body>",
            """<script>
window.addEventListener('load', () => {
  const images = [...document.querySelectorAll('figure.chart img')];
  document.title = 'decoded:' + images.filter(i => i.complete && i.naturalWidth > 0).length
    + '/' + images.length;
});</script></body>""",
        ),
        encoding="utf-8",
    )
    dom = subprocess.run(
        [str(CHROMIUM), *flags, "--dump-dom", "--virtual-time-budget=5000", probe.as_uri()],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "<title>decoded:4/4</title>" in dom.stdout
