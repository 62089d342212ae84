"""`eduwh indicators`: the Decision 766 indicators of a month, quarter or year, or the
dossiers behind one of them; stdout carries the table, JSON or CSV alone."""

from __future__ import annotations

from datetime import date

from eduwh.cli.console import output_to_stderr
from eduwh.config import Settings
from eduwh.errors import UserError


def indicators_main(settings: Settings, args) -> int:
    from eduwh.report.indicators import DOSSIER_INDICATORS, parse_period, read, render
    from eduwh.report.reporting_agency import reporting_for
    from eduwh.warehouse.as_of import INDICATOR_MARTS, ensure_as_of

    try:
        as_of = date.fromisoformat(args.as_of)
    except ValueError:
        raise UserError(f"--as-of must be a date like 2025-07-31, not {args.as_of!r}") from None
    period = parse_period(args.period)
    if period.start > as_of:
        raise UserError(f"--period {period.label} starts after --as-of {as_of}")
    if args.dossiers is not None and args.dossiers not in DOSSIER_INDICATORS:
        raise UserError(
            f"--dossiers must be one of {', '.join(DOSSIER_INDICATORS)}, not {args.dossiers!r}"
        )
    agency = reporting_for(settings, args.agency, as_of).agency.code
    with output_to_stderr():  # a date no night built runs dbt, whose log is not the table
        ensure_as_of(settings, as_of, INDICATOR_MARTS)
    header, rows = read(settings, agency, period, as_of, args.dossiers)
    print(render(args.format, header, rows, agency, period, as_of, args.dossiers), end="")
    return 0
