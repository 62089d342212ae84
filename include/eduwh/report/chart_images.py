"""The HTML report's charts as PNG images for the DOCX, drawn with matplotlib.

Same data as the SVG charts (chart_data.chart_data: `{"categories": [...], "series":
{name: [values per category]}}`) and the same look: vertical bars, stacked when there
is more than one series, the total above each bar, a legend below. Drawn on a bare
`Figure` with the Agg canvas (never pyplot), so no global backend state is touched and
renders in parallel threads do not share a figure. DejaVu Sans (bundled with
matplotlib) has every Vietnamese letter.
"""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from eduwh.report.charts import PALETTE
from eduwh.report.document import nfc

WIDTH_IN, HEIGHT_IN, DPI = 7.2, 3.6, 200
FONT = "DejaVu Sans"


def has_data(data: dict | None) -> bool:
    """A chart worth drawing: categories and at least one non-zero value."""
    return bool(
        isinstance(data, dict)
        and data.get("categories")
        and any(any(v for v in values) for values in (data.get("series") or {}).values())
    )


def chart_png(data: dict) -> bytes:
    """The PNG of one chart (the caption carries the title, so the image has none)."""
    categories = [nfc(c) for c in data["categories"]]
    series = {nfc(name): [v or 0 for v in values] for name, values in data["series"].items()}
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    positions = range(len(categories))
    base = [0.0] * len(categories)
    for index, (name, values) in enumerate(series.items()):
        axes.bar(
            positions,
            values,
            width=0.62,
            bottom=base,
            label=name,
            color=PALETTE[index % len(PALETTE)],
            zorder=2,
        )
        base = [b + v for b, v in zip(base, values, strict=True)]
    for x, total in zip(positions, base, strict=True):
        axes.annotate(
            _number(total),
            (x, total),
            xytext=(0, 3),
            textcoords="offset points",
            ha="center",
            fontsize=8,
            family=FONT,
        )
    axes.set_xticks(list(positions), categories, fontsize=8, family=FONT)
    axes.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    axes.tick_params(axis="y", labelsize=8)
    axes.grid(axis="y", color="#dddddd", zorder=0)
    axes.set_ylim(0, max(base) * 1.15 or 1)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    if len(series) > 1:
        axes.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.12),
            ncol=len(series),
            frameon=False,
            prop={"family": FONT, "size": 8},
        )
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()


def _number(value: float) -> str:
    """Vietnamese thousands separator, as in the text."""
    return f"{value:,.0f}".replace(",", ".")
