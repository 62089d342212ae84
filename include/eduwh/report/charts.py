"""Small hand-written SVG charts for the HTML report (no plotting dependency).

`bar_chart(title, categories, series)` draws vertical bars, stacked when there is more
than one series, with a legend and value labels; `no_data(title, message)` the
placeholder of a chart whose data the warehouse does not have yet. Both return SVG
text; `data_uri(svg)` makes it an <img src>.
"""

from __future__ import annotations

import base64
from html import escape

from eduwh.report.document import nfc

PALETTE = ["#1f5f99", "#e07b24", "#2e8b57", "#b03a2e", "#7d5ba6", "#8c8c8c"]
WIDTH, HEIGHT = 720, 360
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 48, 72


def _text(x, y, text, size=12, anchor="middle", weight="normal", fill="#222") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'font-weight="{weight}" fill="{fill}" font-family="Times New Roman, serif">'
        f"{escape(nfc(text))}</text>"
    )


def _svg(body: list[str], title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{escape(nfc(title))}">'
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>'
        + _text(WIDTH / 2, 24, title, size=15, weight="bold")
        + "".join(body)
        + "</svg>"
    )


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def bar_chart(title: str, categories: list[str], series: dict[str, list[float]]) -> str:
    """Bars per category; several series are stacked (legend below the axis)."""
    names = list(series)
    totals = [sum((series[name][i] or 0) for name in names) for i in range(len(categories))]
    top = _nice_max(max(totals or [0]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    body = []
    for tick in range(5):  # grid and y labels
        value = top * tick / 4
        y = TOP + plot_h - plot_h * tick / 4
        body.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="#ddd" stroke-width="1"/>'
        )
        label = f"{value:,.0f}".replace(",", ".")
        body.append(_text(LEFT - 6, y + 4, label, size=11, anchor="end"))
    slot = plot_w / max(len(categories), 1)
    bar_w = slot * 0.62
    for i, category in enumerate(categories):
        x = LEFT + slot * i + (slot - bar_w) / 2
        base = TOP + plot_h
        for k, name in enumerate(names):
            value = series[name][i] or 0
            h = plot_h * value / top
            if h > 0:
                base -= h
                body.append(
                    f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                    f'fill="{PALETTE[k % len(PALETTE)]}"><title>{escape(nfc(name))}, '
                    f"{escape(nfc(category))}: {value:g}</title></rect>"
                )
        body.append(_text(x + bar_w / 2, base - 4, f"{totals[i]:g}", size=11))
        body.append(_text(x + bar_w / 2, TOP + plot_h + 16, category, size=11))
    body.append(
        f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}" '
        f'stroke="#444" stroke-width="1"/>'
    )
    if len(names) > 1:  # legend
        x = LEFT
        y = HEIGHT - 22
        for k, name in enumerate(names):
            body.append(
                f'<rect x="{x}" y="{y - 10}" width="12" height="12" '
                f'fill="{PALETTE[k % len(PALETTE)]}"/>'
            )
            body.append(_text(x + 16, y, name, size=12, anchor="start"))
            x += 26 + 7.5 * len(nfc(name))
    return _svg(body, title)


def no_data(title: str, message: str) -> str:
    body = [
        f'<rect x="{LEFT}" y="{TOP}" width="{WIDTH - LEFT - RIGHT}" '
        f'height="{HEIGHT - TOP - BOTTOM}" fill="#f6f6f6" stroke="#bbb" stroke-dasharray="6 4"/>',
        _text(WIDTH / 2, HEIGHT / 2, message, size=16, fill="#777"),
    ]
    return _svg(body, title)


def data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def chart_svg(key: str, title: str, data: dict | None, no_data_message: str) -> str:
    """The SVG of one chart of chart_data (None / empty: the no-data placeholder)."""
    if (
        not data
        or not data.get("categories")
        or not any(any(v for v in values) for values in (data.get("series") or {}).values())
    ):
        return no_data(title, no_data_message)
    return bar_chart(title, list(data["categories"]), dict(data["series"]))
