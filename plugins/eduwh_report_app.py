"""The pages of the eduwh report plugin (see eduwh_report.py), server-rendered HTML.

Only the standard library is imported at module level: Airflow imports every file of
the plugins folder while it loads plugins. FastAPI, `eduwh` and the warehouse are
imported by `create_app` and the handlers, when the API server first serves a page.

    /eduwh/                 the figures of reports/latest and the last checkpoint
    /eduwh/figures.json     reports/latest/figures.json as published
    /eduwh/report.html      the HTML report
    /eduwh/report.docx      the DOCX download
"""

from __future__ import annotations

import html
import json
from pathlib import Path

TITLE = "eduwh — Báo cáo mới nhất / Latest report"
FILES = {
    "html": ("text/html; charset=utf-8",),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",),
}


def create_app():
    from fastapi import HTTPException
    from fastapi.responses import FileResponse, HTMLResponse, JSONResponse

    from eduwh_plugin_apps import authenticated_app

    app = authenticated_app("eduwh report")

    @app.get("/", response_class=HTMLResponse)
    def index() -> str:
        settings = _settings()
        return render_page(_latest(settings), _checkpoint(settings))

    @app.get("/figures.json")
    def figures():
        latest = _latest(_settings())
        if latest is None or not (latest / "figures.json").exists():
            raise HTTPException(404, "no published report / chưa có báo cáo")
        return JSONResponse(json.loads((latest / "figures.json").read_text()))

    @app.get("/report.{fmt}")
    def report_file(fmt: str):
        latest = _latest(_settings())
        found = _report_file(latest, fmt) if latest is not None and fmt in FILES else None
        if found is None:
            raise HTTPException(404, f"no {fmt} report / chưa có báo cáo {fmt}")
        return FileResponse(found, media_type=FILES[fmt][0], filename=found.name)

    return app


def _settings():
    from eduwh.config import Settings

    return Settings.from_env()


def _latest(settings) -> Path | None:
    latest = settings.home / "reports" / "latest"
    return latest.resolve() if latest.exists() else None


def _report_file(folder: Path, fmt: str) -> Path | None:
    found = sorted(folder.glob(f"*.{fmt}"))
    return found[0] if found else None


def _checkpoint(settings) -> dict:
    """The last checkpoint of the warehouse, or why it cannot be read (never raises)."""
    try:
        from eduwh.quality import latest_outcome

        outcome = latest_outcome(settings)
    except Exception as error:  # noqa: BLE001 - the page says what is wrong instead
        first = (str(error).strip().splitlines() or [type(error).__name__])[0]
        return {"error": f"{type(error).__name__}: {first}"}
    if outcome is None:
        return {"error": "no checkpoint has run / chưa chạy kiểm tra"}
    return {
        "run_id": outcome.run_id,
        "success": outcome.success,
        "failed": list(outcome.failed),
        "warnings": list(outcome.warnings),
        "started_at": str(outcome.started_at or ""),
    }


# -- rendering (pure: tested without a server) ---------------------------------------
def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def _table(section: dict) -> str:
    rows = "".join(
        f"<tr><th>{_e(key)}</th><td>{_e(_scalar(value))}</td></tr>"
        for key, value in section.items()
    )
    return f"<table>{rows}</table>"


def _scalar(value):
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def render_page(latest: Path | None, checkpoint: dict) -> str:
    parts = [f"<h1>{_e(TITLE)}</h1>", _render_checkpoint(checkpoint)]
    if latest is None or not (latest / "figures.json").exists():
        parts.append("<p class=warn>Chưa có báo cáo được công bố / No report published yet.</p>")
    else:
        figures = json.loads((latest / "figures.json").read_text())
        links = ['<a href="figures.json">figures.json</a>']
        if _report_file(latest, "html"):
            links.append('<a href="report.html" target="_blank">HTML</a>')
        if _report_file(latest, "docx"):
            links.append('<a href="report.docx">DOCX (tải về / download)</a>')
        parts.append(
            "<h2>Báo cáo / Report</h2>"
            f"<p>Ngày số liệu / As of: <b>{_e(figures.get('as_of'))}</b> · "
            f"Năm / Year: <b>{_e(figures.get('year'))}</b> · "
            f"Thư mục / Folder: <code>{_e(latest.name)}</code></p>"
            f"<p>{' · '.join(links)}</p>"
        )
        for key, section in figures.items():
            if isinstance(section, dict):
                parts.append(f"<h3>{_e(key)}</h3>{_table(section)}")
    body = "\n".join(parts)
    return (
        "<!doctype html><html lang=vi><head><meta charset=utf-8>"
        f"<title>{_e(TITLE)}</title><style>{STYLE}</style></head><body>{body}</body></html>"
    )


def _render_checkpoint(checkpoint: dict) -> str:
    if "error" in checkpoint:
        return (
            "<h2>Kiểm tra chất lượng / Quality checkpoint</h2>"
            f"<p class=warn>Không đọc được / Unavailable: {_e(checkpoint['error'])}</p>"
        )
    passed = checkpoint["success"]
    status = (
        "<span class=ok>ĐẠT / PASSED</span>"
        if passed
        else "<span class=bad>KHÔNG ĐẠT / FAILED</span>"
    )
    failed = "".join(f"<li>{_e(item)}</li>" for item in checkpoint["failed"]) or "<li>—</li>"
    warnings = "".join(f"<li>{_e(item)}</li>" for item in checkpoint["warnings"]) or "<li>—</li>"
    return (
        "<h2>Kiểm tra chất lượng / Quality checkpoint</h2>"
        f"<p>Lần chạy / Run: <code>{_e(checkpoint['run_id'])}</code> "
        f"({_e(checkpoint.get('started_at'))}) — {status}</p>"
        f"<h3>Kỳ vọng không đạt / Failed expectations ({len(checkpoint['failed'])})</h3>"
        f"<ul>{failed}</ul>"
        f"<h3>Cảnh báo / Warnings ({len(checkpoint['warnings'])})</h3><ul>{warnings}</ul>"
    )


STYLE = (
    "body{font-family:system-ui,sans-serif;margin:1.5rem;max-width:70rem}"
    "table{border-collapse:collapse;margin-bottom:1rem}"
    "th,td{border:1px solid #ccc;padding:.25rem .6rem;text-align:left}"
    "th{background:#f4f4f4;font-weight:600}"
    ".ok{color:#0a7d2c;font-weight:700}.bad{color:#b00020;font-weight:700}"
    ".warn{color:#8a5a00}"
)
