"""`eduwh report`: the annual report from the marts, refused when the checks failed."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from eduwh.cli.console import output_to_stderr
from eduwh.config import Settings
from eduwh.errors import UserError


def report_main(settings: Settings, args) -> int:
    from eduwh.quality import ChecksFailed
    from eduwh.report.publish import checked_figures, render_outputs
    from eduwh.report.reporting_agency import reporting_for
    from eduwh.warehouse.as_of import ensure_as_of

    try:
        as_of = date.fromisoformat(args.as_of)
    except ValueError:
        raise UserError(f"--as-of must be a date like 2019-12-06, not {args.as_of!r}") from None
    if as_of.year != args.year:
        raise UserError(f"--as-of {as_of} is not in --year {args.year}")
    if args.format != "json" and not args.out:
        raise UserError(f"--format {args.format} needs --out DIR")
    settings = reporting_for(settings, args.agency, as_of)
    try:
        with output_to_stderr():  # a date no night built runs dbt, whose log is not the JSON
            ensure_as_of(settings, as_of)
        figures, unchecked = checked_figures(settings, args.year, as_of, args.allow_failed_checks)
    except ChecksFailed as error:
        raise UserError(str(error)) from None
    if args.format == "json":
        print(json.dumps(figures, ensure_ascii=False, indent=2))
    else:
        print(render_outputs(settings, figures, unchecked, Path(args.out), (args.format,)))
    return 0
