"""The Decision 766 indicators of one period from the marts (`eduwh indicators`).

Reads ``marts.rpt_indicators_766`` (and, with ``--dossiers ID``, the dossiers behind one
indicator in ``marts.rpt_indicator_766_dossiers``) as ``eduwh_reader``, and renders them
as a table, JSON or CSV. The command (eduwh.cli.indicators) builds a missing as-of date
first (eduwh.warehouse.as_of).
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
from eduwh.config import Settings
from eduwh.errors import UserError

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


def read(
    settings: Settings, agency: str, period: Period, as_of: date, dossiers: str | None
) -> tuple[tuple[str, ...], list[tuple]]:
    """(columns, rows) of the period, from the marts of the as-of date."""
    with warehouse.connect(settings, role="eduwh_reader") as conn:
        if not _holds(conn, agency, as_of):
            raise UserError(
                f"no Decision 766 indicators for agency {agency} as of {as_of}: "
                "the one-stop portal's data is not in the warehouse (run a night first)"
            )
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


def _holds(conn, agency: str, as_of: date) -> bool:
    if conn.execute("select to_regclass('marts.rpt_indicators_766')").fetchone()[0] is None:
        return False
    query = "select 1 from marts.rpt_indicators_766 where agency_code = %s and as_of_date = %s"
    return conn.execute(query + " limit 1", (agency, as_of)).fetchone() is not None


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
