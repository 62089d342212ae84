"""The report as one self-contained HTML file (Jinja2 template in include/report_templates/).

Same blocks as the DOCX (render.build_document), plus the charts as inline SVG images
(data URIs) at the places the text template names; a chart whose data is missing shows
"no data yet". An unchecked report carries a fixed red banner and a watermark.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from eduwh.report.charts import chart_svg, data_uri
from eduwh.report.document import TEMPLATES_DIR, Document, nfc

HTML_TEMPLATE = "report.html.j2"


def write_html(document: Document, charts: dict, path: Path) -> Path:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
    )
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
    html = env.get_template(HTML_TEMPLATE).render(doc=document, charts=images)
    path = Path(path)
    path.write_text(nfc(html), encoding="utf-8")
    return path
