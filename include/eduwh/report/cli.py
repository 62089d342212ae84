"""`eduwh report`: the annual report from the marts, refused when the checks failed."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from eduwh.console import output_to_stderr
from eduwh.settings import Settings


def report_main(settings: Settings, args) -> int:
    from eduwh.errors import UserError

    try:
        as_of = date.fromisoformat(args.as_of)
    except ValueError:
        raise UserError(f"--as-of must be a date like 2019-12-06, not {args.as_of!r}") from None
    if as_of.year != args.year:
        raise UserError(f"--as-of {as_of} is not in --year {args.year}")
    if args.format != "json" and not args.out:
        raise UserError(f"--format {args.format} needs --out DIR")
    path = publish(
        reporting_for(settings, args.agency, as_of),
        args.year,
        as_of,
        args.format,
        Path(args.out) if args.out else None,
        args.allow_failed_checks,
    )
    if path is not None:
        print(path)
    return 0


def publish(
    settings: Settings,
    year: int,
    as_of: date,
    fmt: str,
    out_dir: Path | None,
    allow_failed_checks: bool,
) -> Path | None:
    """Guard, read the figures, and print (json) or render (docx, html, pdf) the report."""
    from eduwh.errors import UserError
    from eduwh.quality import ChecksFailed, guard, latest_outcome
    from eduwh.report.figures import report_figures

    try:
        status, unchecked = guard(settings, allow_failed_checks)
    except ChecksFailed as error:
        raise UserError(str(error)) from None
    with output_to_stderr():  # a date not built yet runs dbt, whose log is not the JSON
        figures = report_figures(settings, year, as_of)
    outcome = latest_outcome(settings)
    figures["quality"].update(
        checkpoint=status, run_id=outcome.run_id if outcome else None, unchecked=unchecked
    )
    if fmt == "json":
        print(json.dumps(figures, ensure_ascii=False, indent=2))
        return None
    from eduwh.report.chart_data import chart_data
    from eduwh.report.figures import appendix_tables
    from eduwh.report.render import render

    charts = chart_data(settings, year, as_of)
    appendix = appendix_tables(settings, year, as_of)
    return render(figures, charts, out_dir, fmt, unchecked, appendix)


def reporting_for(settings: Settings, agency: str | None, as_of: date) -> Settings:
    """The settings of the reporting agency (report_figures.md): `--agency`, else the
    configured one, else the agency of the warehouse (dim_agency) that is valid on the
    as-of date and has no successor; several such agencies need `--agency`."""
    import dataclasses

    from eduwh import warehouse
    from eduwh.errors import UserError

    code = agency or settings.agency_code
    if code is None:
        with warehouse.connect(settings, role="eduwh_reader") as conn:
            exists = conn.execute("select to_regclass('marts.dim_agency')").fetchone()[0]
            held = (
                [
                    row[0]
                    for row in conn.execute(
                        "select agency_code from marts.dim_agency where is_current"
                        " and successor_agency_code is null"
                        " and (valid_to is null or valid_to >= %s)",
                        (as_of,),
                    )
                ]
                if exists
                else []
            )
        if len(held) != 1:
            found = ", ".join(sorted(held)) or "none"
            raise UserError(
                f"--agency CODE is needed: the warehouse holds agencies {found} on {as_of}"
            )
        code = held[0]
    if code == settings.agency_code:
        return settings
    return dataclasses.replace(settings, agency_code=code, agency_name=None)
