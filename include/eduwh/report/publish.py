"""The report's one path from the marts to its outputs: the figures, guarded by the last
checkpoint, then the documents; and publishing after a night's build, atomically.

The outputs of one as-of date are written into a fresh folder and then swapped in, so
a failed checkpoint or a crash mid-way leaves the last published report in place.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from datetime import date
from pathlib import Path

from eduwh.config import Settings


def reports_dir(settings: Settings) -> Path:
    return settings.home / "reports"


def checked_figures(
    settings: Settings, year: int, as_of: date, allow_failed_checks: bool
) -> tuple[dict, bool]:
    """(the report's figures, unchecked): refused (ChecksFailed) when the last checkpoint
    failed, unless allowed, which marks every output unchecked."""
    from eduwh.quality import guard, latest_outcome
    from eduwh.report.figures import report_figures

    status, unchecked = guard(settings, allow_failed_checks)
    figures = report_figures(settings, year, as_of)
    outcome = latest_outcome(settings)
    figures["quality"].update(
        checkpoint=status, run_id=outcome.run_id if outcome else None, unchecked=unchecked
    )
    return figures, unchecked


def render_outputs(
    settings: Settings,
    figures: dict,
    unchecked: bool,
    out_dir: Path,
    formats: tuple[str, ...],
) -> Path:
    """The report's documents (docx, html, pdf) of `figures` into `out_dir`; the last path."""
    from eduwh.report.chart_data import chart_data
    from eduwh.report.figures import appendix_tables
    from eduwh.report.render import render

    year, as_of = figures["year"], date.fromisoformat(figures["as_of"])
    charts = chart_data(settings, year, as_of)
    appendix = appendix_tables(settings, year, as_of)
    path = out_dir
    for fmt in formats:
        path = render(figures, charts, out_dir, fmt, unchecked, appendix)
    return path


def publish_latest(settings: Settings, as_of: date) -> Path:
    """JSON, DOCX and HTML of `as_of` into reports/<as_of>/, and `latest` pointing at it."""
    figures, unchecked = checked_figures(settings, as_of.year, as_of, allow_failed_checks=False)
    root = reports_dir(settings)
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".publishing-", dir=root))
    (work / "figures.json").write_text(json.dumps(figures, ensure_ascii=False, indent=2))
    render_outputs(settings, figures, unchecked, work, ("docx", "html"))
    final = root / as_of.isoformat()
    if final.exists():
        shutil.rmtree(final)
    os.replace(work, final)
    link = root / ".latest-new"
    link.unlink(missing_ok=True)
    link.symlink_to(final.name)
    os.replace(link, root / "latest")
    return final


def latest_published(settings: Settings) -> Path | None:
    latest = reports_dir(settings) / "latest"
    return latest.resolve() if latest.exists() else None
