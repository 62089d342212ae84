"""Publishing the report after a build: only from a passed checkpoint, atomically.

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

from eduwh.settings import Settings


def reports_dir(settings: Settings) -> Path:
    return settings.home / "reports"


def publish_latest(settings: Settings, as_of: date) -> Path:
    """JSON, DOCX and HTML of `as_of` into reports/<as_of>/, and `latest` pointing at it."""
    from eduwh.quality import guard, latest_outcome
    from eduwh.report.chart_data import chart_data
    from eduwh.report.figures import appendix_tables, report_figures
    from eduwh.report.render import render

    status, unchecked = guard(settings, allow_failed_checks=False)  # raises when failed
    figures = report_figures(settings, as_of.year, as_of)
    outcome = latest_outcome(settings)
    figures["quality"].update(checkpoint=status, run_id=outcome.run_id, unchecked=unchecked)
    charts = chart_data(settings, as_of.year, as_of)
    appendix = appendix_tables(settings, as_of.year, as_of)

    root = reports_dir(settings)
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".publishing-", dir=root))
    (work / "figures.json").write_text(json.dumps(figures, ensure_ascii=False, indent=2))
    for fmt in ("docx", "html"):
        render(figures, charts, work, fmt, unchecked, appendix)
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
