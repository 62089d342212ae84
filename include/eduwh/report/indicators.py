"""`eduwh indicators`: the Decision 766 indicators of one period from the marts.

Reads ``marts.rpt_indicators_766`` (and, with ``--dossiers ID``, the dossiers behind one
indicator in ``marts.rpt_indicator_766_dossiers``) as ``eduwh_reader``. When the marts
lack the as-of date, the two marts are built for it first (dbt's log goes to stderr):
the indicators are computed from the dates on the records, so a past date gives the
same numbers whenever it is built. stdout carries the table, JSON or CSV alone.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from eduwh import warehouse
from eduwh.console import output_to_stderr
from eduwh.errors import UserError
from eduwh.settings import Settings

MARTS = ("rpt_indicator_766_dossiers", "rpt_indicators_766")
INDICATOR_COLUMNS = (
    "indicator_id",
    "breakdown",
    "indicator_name",
    "unit",
    "numerator",
    "denominator",
    "rate",
    "threshold",
    "score_ratio",
)
DOSSIER_COLUMNS = (
    "dossier_code",
    "procedure_code",
    "channel_code",
    "is_in_numerator",
    "reason",
    "due_at",
    "end_of_processing_at",
    "supplement_requests",
    "processing_working_days",
)
DOSSIER_INDICATORS = ("2.1", "3.3", "3.6", "4.1", "4.2", "4.3", "4.4")


@dataclass(frozen=True)
class Period:
    kind: str  # month / quarter / year
    label: str  # as the mart writes it: 2025-07, 2025-Q3, 2025
    start: date


def parse_period(text: str) -> Period:
    """``2025-07`` (month), ``2025-Q3`` (quarter) or ``2025`` (year)."""
    value = text.strip()
    if match := re.fullmatch(r"(\d{4})-(\d{2})", value):
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12:
            return Period("month", f"{year:04d}-{month:02d}", date(year, month, 1))
    elif match := re.fullmatch(r"(\d{4})-[Qq]([1-4])", value):
        year, quarter = int(match[1]), int(match[2])
        return Period("quarter", f"{year:04d}-Q{quarter}", date(year, 3 * quarter - 2, 1))
    elif re.fullmatch(r"\d{4}", value):
        return Period("year", value, date(int(value), 1, 1))
    raise UserError(
        f"--period must be a month, quarter or year like 2025-07, 2025-Q3 or 2025, not {text!r}"
    )


def indicators_main(settings: Settings, args) -> int:
    from eduwh.report.cli import reporting_for

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
    header, rows = read(settings, agency, period, as_of, args.dossiers)
    print(render(args.format, header, rows, agency, period, as_of, args.dossiers), end="")
    return 0


def read(
    settings: Settings, agency: str, period: Period, as_of: date, dossiers: str | None
) -> tuple[tuple[str, ...], list[tuple]]:
    """(columns, rows) of the period; builds the marts for the as-of date if missing."""
    if not _built(settings, agency, as_of):
        _build(settings, as_of)
        if not _built(settings, agency, as_of):
            raise UserError(
                f"no Decision 766 indicators for agency {agency} as of {as_of}: "
                "the one-stop portal's data is not in the warehouse (run a night first)"
            )
    with warehouse.connect(settings, role="eduwh_reader") as conn:
        if dossiers is None:
            columns = INDICATOR_COLUMNS
            query = (
                f"select {', '.join(columns)} from marts.rpt_indicators_766"
                " where agency_code = %s and as_of_date = %s and period_kind = %s"
                " and period_start = %s"
                " order by indicator_id, breakdown != 'all', breakdown"
            )
            params: tuple = (agency, as_of, period.kind, period.start)
        else:
            columns = DOSSIER_COLUMNS
            query = (
                f"select {', '.join(columns)} from marts.rpt_indicator_766_dossiers"
                " where agency_code = %s and as_of_date = %s and period_kind = %s"
                " and period_start = %s and indicator_id = %s"
                " order by is_in_numerator, reason, dossier_code"
            )
            params = (agency, as_of, period.kind, period.start, dossiers)
        rows = conn.execute(query, params).fetchall()  # noqa: S608
        if dossiers is None and not rows:
            raise UserError(
                f"no Decision 766 indicators for period {period.label} as of {as_of} "
                f"(agency {agency}): the marts hold the months, quarters and years of the "
                "as-of date's year and the year before"
            )
    return columns, rows


def _built(settings: Settings, agency: str, as_of: date) -> bool:
    with warehouse.connect(settings, role="eduwh_reader") as conn:
        if any(
            conn.execute("select to_regclass(%s)", (f"marts.{m}",)).fetchone()[0] is None
            for m in MARTS
        ):
            return False
        return (
            conn.execute(
                "select 1 from marts.rpt_indicators_766"
                " where agency_code = %s and as_of_date = %s limit 1",
                (agency, as_of),
            ).fetchone()
            is not None
        )


def _build(settings: Settings, as_of: date) -> None:
    from eduwh.warehouse.dbt import DbtError, run_dbt

    with output_to_stderr():
        try:
            run_dbt(
                settings,
                [
                    "run",
                    "--select",
                    *MARTS,
                    "--vars",
                    f"{{report_as_of_dates: ['{as_of.isoformat()}']}}",
                ],
            )
        except DbtError as error:
            first = str(error).splitlines()[0] if str(error) else "dbt failed"
            raise UserError(f"could not build the indicators as of {as_of}: {first}") from None


def _plain(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def render(
    fmt: str,
    columns: tuple[str, ...],
    rows: list[tuple],
    agency: str,
    period: Period,
    as_of: date,
    dossiers: str | None,
) -> str:
    plain = [[_plain(v) for v in row] for row in rows]
    if fmt == "json":
        document = {
            "agency": agency,
            "period": period.label,
            "period_kind": period.kind,
            "as_of": as_of.isoformat(),
        }
        key = "dossiers" if dossiers else "indicators"
        if dossiers:
            document["indicator_id"] = dossiers
        document[key] = [dict(zip(columns, row, strict=True)) for row in plain]
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(["" if v is None else v for v in row] for row in plain)
        return out.getvalue()
    text = [[("" if v is None else str(v)) for v in row] for row in plain]
    widths = [max([len(c), *(len(r[i]) for r in text)]) for i, c in enumerate(columns)]
    numeric = [
        all(isinstance(row[i], int | float) or row[i] is None for row in plain) and bool(plain)
        for i in range(len(columns))
    ]

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell.rjust(widths[i]) if numeric[i] else cell.ljust(widths[i])
            for i, cell in enumerate(cells)
        ).rstrip()

    title = f"Decision 766 indicators, {agency}, {period.label}, as of {as_of.isoformat()}" + (
        f": dossiers of {dossiers}" if dossiers else ""
    )
    body = [line(list(columns)), line(["-" * w for w in widths]), *(line(r) for r in text)]
    return "\n".join([title, *body]) + "\n"
