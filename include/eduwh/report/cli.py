"""`eduwh report`: the annual report's figures from the marts."""

from __future__ import annotations

import json
from datetime import date

from eduwh.settings import Settings


def report_main(settings: Settings, args) -> int:
    from eduwh.cli import UserError
    from eduwh.report.figures import report_figures

    try:
        as_of = date.fromisoformat(args.as_of)
    except ValueError:
        raise UserError(f"--as-of must be a date like 2019-12-06, not {args.as_of!r}") from None
    if as_of.year != args.year:
        raise UserError(f"--as-of {as_of} is not in --year {args.year}")
    figures = report_figures(settings, args.year, as_of)
    if args.format == "json":
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        return 0
    raise UserError(f"--format {args.format} is not available yet: use --format json")
