"""The figures of the annual report for (agency, year, as-of date), read from the marts.

The JSON shape is contracts/report_figures.md: every key present, `null` where the
warehouse cannot know the figure (a source not built yet). Figures are computed in
dbt, in exactly one place; this module only reads the `rpt_*` marts, as the reader.
When a mart lacks the asked as-of date, the as-of models are built for that date
first (figures are computed from dates on the records, so a past date rebuilt later
gives the same numbers).
"""

from __future__ import annotations

from datetime import date

from eduwh import warehouse
from eduwh.config import Settings
from eduwh.school_year import school_year_of

# The source system a section's figures come from.
SECTION_SOURCE = {
    "procedures": "motcua",
    "dossiers": "motcua",
    "documents": "eoffice",
    "schools": "csdl_moet",
}
# Figures of a section that come from another source than the section's: the vendors'
# exports (contracts/sis_exports.md). Without it landed they are null, not 0.
FIGURE_SOURCE = {
    "schools_on_smas": "sis",
    "schools_on_vnedu": "sis",
    "students_matched_pct": "sis",
}
# Section -> (mart, column prefix, the contract's keys in order).
SECTIONS = {
    "procedures": (
        "rpt_dossier_figures",
        "procedures_",
        (
            "total",
            "online_level_3",
            "online_level_4",
            "with_dossiers",
            "online_with_dossiers",
            "bcci_enabled",
            "with_bcci_dossiers",
        ),
    ),
    "dossiers": (
        "rpt_dossier_figures",
        "dossiers_",
        (
            "received",
            "received_new",
            "carried_over",
            "received_online",
            "received_direct",
            "received_bcci",
            "resolved",
            "resolved_early",
            "resolved_on_time",
            "resolved_early_or_on_time",
            "resolved_late",
            "in_progress",
            "in_progress_within_due",
            "in_progress_overdue",
            "withdrawn",
            "stopped",
            "returned_via_bcci",
            "pct_resolved_early_or_on_time",
            "pct_received_bcci",
        ),
    ),
    "documents": (
        "rpt_document_figures",
        "documents_",
        (
            "incoming",
            "outgoing",
            "secret_excluded",
            "incoming_signed",
            "outgoing_signed",
            "pct_incoming_signed",
            "pct_outgoing_signed",
            "via_axis",
            "processed_on_time",
        ),
    ),
    "schools": (
        "rpt_school_figures",
        "",
        (
            "school_year",
            "schools",
            "classes",
            "students",
            "teachers",
            "schools_on_smas",
            "schools_on_vnedu",
            "students_matched_pct",
        ),
    ),
    "manual": (
        "rpt_manual_figures",
        "manual_",
        (
            "portal_posts_previous_year",
            "portal_posts",
            "email_accounts",
            "ict_staff",
            "internet_lines",
            # Beyond the contract's keys: lines of the report's text (sections 3, 6, 7, II).
            "ict_staff_full_time",
            "ict_staff_part_time",
            "internet_lines_vnpt",
            "internet_lines_viettel",
            "one_stop_staff",
            "one_stop_staff_official",
            "one_stop_staff_backup",
            "online_services_planned_level_3",
            "plan_tasks_2020_decision_done",
        ),
    ),
}
# The grain (beyond agency_code) of the marts a section is one row of, as contracted.
MART_GRAIN = {
    "rpt_dossier_figures": ("report_year", "as_of_date"),
    "rpt_document_figures": ("report_year", "as_of_date"),
    "rpt_school_figures": ("school_year",),
    "rpt_manual_figures": ("report_year",),
    "rpt_report_ratios": ("report_year", "as_of_date"),
}
# A merged Department's report (contracts/agencies.md): which predecessors it covers and
# until when (`covers`), and each one's share of the dossier and document counts
# (`of_which`), from rpt_dossier_figures_by_source and rpt_document_figures_by_source.
# Only where the report covers a predecessor, so every other report's JSON is what it was.
PREDECESSOR_SHARES = (
    "received",
    "received_new",
    "carried_over",
    "resolved",
    "resolved_early_or_on_time",
    "resolved_late",
    "in_progress",
    "withdrawn",
    "stopped",
)
DOCUMENT_SHARES = (
    "incoming",
    "outgoing",
    "secret_excluded",
    "incoming_signed",
    "outgoing_signed",
    "via_axis",
    "processed_on_time",
)
# Part `ratios` (beyond the contract's keys): the shares the report's text prints beside
# their counts, computed in rpt_report_ratios (a dossier mart: null without the portal).
RATIOS = (
    "procedures_online_level_3_4",
    "pct_online_procedures_with_dossiers",
    "pct_procedures_with_bcci_dossiers",
    "pct_dossiers_received_online",
    "pct_dossiers_returned_via_bcci",
)
# Decision 766 indicators (contracts/indicators_766.md) of the report year: section
# `indicators_766`, from rpt_indicators_766's rows of period kind 'year'.
INDICATORS_766 = ("2.1", "2.2", "3.1", "3.3", "3.6", "4.1", "4.2", "4.3", "4.4")
INDICATOR_766_KEYS = ("numerator", "denominator", "rate", "score_ratio")


def report_figures(settings: Settings, year: int, as_of: date) -> dict:
    with warehouse.connect(settings, role="eduwh_reader") as conn:
        landed = _landed_sources(conn)
        figures = {
            "agency": _agency(conn, settings.agency.code),
            "year": year,
            "as_of": as_of.isoformat(),
        }
        known_sources = landed | {None}  # None: the section of no source (manual)
        for section, (mart, prefix, keys) in SECTIONS.items():
            source = SECTION_SOURCE.get(section)
            columns = [prefix + key for key in keys]
            row = (
                _row(conn, mart, columns, settings.agency.code, year, as_of)
                if source in known_sources
                else None
            )
            figures[section] = {
                key: _plain(row[prefix + key])
                if row and FIGURE_SOURCE.get(key, source) in known_sources
                else None
                for key in keys
            }
        figures["indicators_766"] = _indicators_766(
            conn, settings.agency.code, year, as_of, "motcua" in landed
        )
        known = "motcua" in landed
        agency, ratio_columns = settings.agency.code, list(RATIOS)
        ratios = (
            _row(conn, "rpt_report_ratios", ratio_columns, agency, year, as_of) if known else None
        )
        figures["ratios"] = {key: _plain(ratios[key]) if ratios else None for key in RATIOS}
        if known:
            figures.update(_predecessors(conn, settings.agency.code, year, as_of, landed))
        figures["quality"] = _quality(conn)
    return figures


def _predecessors(conn, agency: str, year: int, as_of: date, landed: set[str]) -> dict:
    """`covers` and `of_which` of a report that covers predecessors; {} otherwise."""
    rows = _shares(conn, "rpt_dossier_figures_by_source", "dossiers_", PREDECESSOR_SHARES,
                   (agency, year, as_of))  # fmt: skip
    if not rows:
        return {}
    documents = {}
    if "eoffice" in landed:
        documents = _shares(conn, "rpt_document_figures_by_source", "documents_",
                            DOCUMENT_SHARES, (agency, year, as_of))  # fmt: skip
    return {
        "covers": [
            {"code": code, "name": name, "until": until.isoformat() if until else None}
            for code, (name, until, _) in rows.items()
        ],
        "of_which": {
            code: {"dossiers": counts}
            | ({"documents": documents[code][2]} if code in documents else {})
            for code, (_name, _until, counts) in rows.items()
        },
    }


def _shares(conn, mart: str, prefix: str, keys: tuple[str, ...], report: tuple) -> dict:
    """{predecessor code: (name, valid_to, {key: count})} of one report from a by-source
    mart; {} when the mart is not built."""
    if not _exists(conn, mart):
        return {}
    agency, year, as_of = report
    columns = ", ".join(prefix + key for key in keys)
    rows = conn.execute(
        f"select source_agency_code, source_agency_name, source_valid_to, {columns}"
        f" from marts.{mart} where reporting_agency_code = %s"
        " and report_year = %s and as_of_date = %s and is_predecessor"
        # a predecessor that ended before the year is no part of this year's report's
        # text (its records still carried over are counted in the figures)
        " and source_valid_to >= make_date(%s, 1, 1)"
        " order by source_agency_code",
        (agency, year, as_of, year),
    ).fetchall()
    return {
        code: (name, until, dict(zip(keys, map(_plain, counts), strict=True)))
        for code, name, until, *counts in rows
    }


def _indicators_766(conn, agency: str, year: int, as_of: date, known: bool) -> dict:
    """{"2.1": {numerator, denominator, rate, score_ratio}, ...} of the report year (the
    year cut at the as-of date); every value null when the one-stop portal has not
    landed or the mart has no row."""
    rows = {}
    if known and _exists(conn, "rpt_indicators_766"):
        cursor = conn.execute(
            "select indicator_id, unit, numerator, denominator, rate, score_ratio"
            " from marts.rpt_indicators_766 where agency_code = %s and as_of_date = %s"
            " and period_kind = 'year' and period_start = %s and breakdown = 'all'",
            (agency, as_of, date(year, 1, 1)),
        )
        for indicator, unit, numerator, denominator, rate, score in cursor:
            rows[indicator] = {
                "numerator": float(numerator) if unit == "working_days" else int(numerator),
                "denominator": denominator,
                "rate": _plain(rate),
                "score_ratio": _plain(score),
            }
    empty = dict.fromkeys(INDICATOR_766_KEYS)
    return {indicator: rows.get(indicator, dict(empty)) for indicator in INDICATORS_766}


def appendix_tables(settings: Settings, year: int, as_of: date) -> dict:
    """The rows of the report's appendix, as the reader (call after report_figures,
    which builds a missing as-of date): `bieu_06`, rpt_bieu_06_kstt per field;
    `indicators_766`, rpt_indicators_766 of the report year (breakdown 'all' and the
    named shares of 3.1 / 3.3, not 2.2 per procedure). Empty lists when the one-stop
    portal has not landed or the mart is not built."""
    agency = settings.agency.code
    with warehouse.connect(settings, role="eduwh_reader") as conn:
        if "motcua" not in _landed_sources(conn):
            return {"bieu_06": [], "indicators_766": []}
        bieu_06 = (
            _dicts(
                conn.execute(
                    "select * from marts.rpt_bieu_06_kstt where agency_code = %s"
                    " and report_year = %s and as_of_date = %s order by field_code",
                    (agency, year, as_of),
                )
            )
            if _exists(conn, "rpt_bieu_06_kstt")
            else []
        )
        indicators = (
            _dicts(
                conn.execute(
                    "select indicator_id, breakdown, indicator_name, unit, numerator,"
                    " denominator, rate, threshold from marts.rpt_indicators_766"
                    " where agency_code = %s and as_of_date = %s and period_kind = 'year'"
                    " and period_start = %s and (breakdown = 'all' or indicator_id <> '2.2')"
                    " order by string_to_array(indicator_id, '.')::int[],"
                    " breakdown <> 'all', breakdown",
                    (agency, as_of, date(year, 1, 1)),
                )
            )
            if _exists(conn, "rpt_indicators_766")
            else []
        )
    for row in indicators:  # counts are whole dossiers; 2.2 sums working days
        if row["unit"] != "working_days":
            row["numerator"] = int(row["numerator"])
    return {"bieu_06": bieu_06, "indicators_766": indicators}


def _dicts(cursor) -> list[dict]:
    names = [column.name for column in cursor.description]
    return [{name: _plain(value) for name, value in zip(names, row, strict=True)} for row in cursor]


def _landed_sources(conn) -> set[str]:
    """Sources that landed something: the figures of the others are null, not zero."""
    if not _exists(conn, "rpt_source_freshness"):
        return set()
    query = "select source_system from marts.rpt_source_freshness where succeeded_batches > 0"
    return {source for (source,) in conn.execute(query)}


def _agency(conn, code: str) -> dict:
    if _exists(conn, "dim_agency"):
        row = conn.execute(
            "select agency_code, agency_name, province_name from marts.dim_agency"
            " where agency_code = %s and is_current",
            (code,),
        ).fetchone()
        if row:  # `province`: beyond the contract's keys, the place of the date line
            return {"code": row[0], "name": row[1], "province": row[2]}
    return {"code": code, "name": None, "province": None}


def _row(conn, mart: str, columns: list[str], agency: str, year: int, as_of: date):
    """The contracted ``columns`` of the agency's row of ``mart`` at (year, as-of date)."""
    if not _exists(conn, mart):
        return None
    key = {
        "report_year": year,
        "as_of_date": as_of,
        "school_year": report_school_year(conn, agency, as_of),
    }
    grain = MART_GRAIN[mart]
    where = " and ".join(f"{column} = %s" for column in ("agency_code", *grain))
    row = conn.execute(
        f"select {', '.join(columns)} from marts.{mart} where {where}",  # noqa: S608
        (agency, *(key[column] for column in grain)),
    ).fetchone()
    return dict(zip(columns, row, strict=True)) if row else None


def report_school_year(conn, agency: str, as_of: date) -> str:
    """The school year of a report's schools section: that of the as-of date, or of the
    agency's valid_to when asked later (contracts/agencies.md: a predecessor's report
    covers up to its valid_to)."""
    row = None
    if _exists(conn, "dim_agency"):
        row = conn.execute(
            "select valid_to from marts.dim_agency where agency_code = %s and is_current",
            (agency,),
        ).fetchone()
    return school_year_of(min(as_of, row[0]) if row and row[0] else as_of)


def _quality(conn) -> dict:
    quarantined = None
    if _exists(conn, "rpt_quarantine_summary"):
        quarantined = conn.execute(
            "select coalesce(sum(quarantined_rows), 0)::bigint from marts.rpt_quarantine_summary"
        ).fetchone()[0]
    return {"checkpoint": None, "quarantined_rows": _plain(quarantined), "run_id": None}


def _exists(conn, mart: str) -> bool:
    return conn.execute("select to_regclass(%s)", (f"marts.{mart}",)).fetchone()[0] is not None


def _plain(value):
    """Decimal -> float with one decimal, bigint stays int, text stays text."""
    from decimal import Decimal

    if isinstance(value, Decimal):
        return float(value)
    return value
