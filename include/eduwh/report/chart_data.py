"""The data behind the report's charts, the plan-task tables and the Decision 766 page.

Reads as `eduwh_reader`, the `rpt_` marts only; every count is computed in dbt, this
module only pivots the marts' long series into `{"categories": [...], "series": {name:
[values per category]}}` and puts labels on the codes. A chart is None when its mart is
not built or has no row for the date (the renderer then shows "no data yet"):

- dossiers_by_month, timeliness: marts.rpt_dossier_chart_series;
- documents_by_channel: marts.rpt_document_chart_series;
- schools_by_software: marts.rpt_school_chart_series (school year of the as-of date);
- indicators_766_months: marts.rpt_indicators_766, each indicator month by month of the
  report year against its threshold (None for a year before the decision, or without
  rows);
- plan_tasks: marts.rpt_plan_tasks.
"""

from __future__ import annotations

from datetime import date

from eduwh import warehouse
from eduwh.config import Settings
from eduwh.report.document import states_766
from eduwh.report.figures import report_school_year

READER = "eduwh_reader"
# Labels of the marts' codes on the charts (presentation only).
CATEGORY_LABELS = {
    "dossiers_by_month": {str(m): f"T{m}" for m in range(1, 13)},
    "timeliness": {
        "resolved_early": "Sớm hạn",
        "resolved_on_time": "Đúng hạn",
        "resolved_late": "Trễ hạn",
        "in_progress": "Đang giải quyết",
    },
    "documents_by_channel": {
        "truc_lien_thong": "Trục liên thông",
        "thu_dien_tu": "Thư điện tử",
        "giay": "Giấy (scan)",
    },
    "schools_by_software": {"none": "Không khai báo"},
}
SERIES_LABELS = {
    "dossiers_by_month": {"1": "Trực tiếp", "2": "Trực tuyến", "3": "Bưu chính công ích"},
    "timeliness": {"dossiers": "Hồ sơ"},
    "documents_by_channel": {"incoming": "Văn bản đến", "outgoing": "Văn bản đi"},
    "schools_by_software": {"schools": "Trường"},
}


def _exists(conn, mart: str) -> bool:
    return conn.execute("select to_regclass(%s)", (f"marts.{mart}",)).fetchone()[0] is not None


def pivot(chart: str, rows: list[tuple]) -> dict | None:
    """(category_order, category_code, series_code, value) rows -> the chart's shape."""
    if not rows:
        return None
    category_labels = CATEGORY_LABELS.get(chart, {})
    series_labels = SERIES_LABELS.get(chart, {})
    categories = sorted({(order, code) for order, code, _, _ in rows})
    position = {code: i for i, (_, code) in enumerate(categories)}
    series: dict[str, list[int]] = {}
    for _, category, name, value in sorted(rows, key=lambda row: str(row[2])):
        label = series_labels.get(name, name)
        series.setdefault(label, [0] * len(categories))[position[category]] = value
    return {
        "categories": [category_labels.get(code, code) for _, code in categories],
        "series": series,
    }


def _series(conn, mart: str, chart: str, where: str, params: tuple) -> dict | None:
    if not _exists(conn, mart):
        return None
    rows = conn.execute(
        f"select category_order, category_code, series_code, series_value"  # noqa: S608
        f" from marts.{mart} where chart_key = %s and {where}",
        (chart, *params),
    ).fetchall()
    return pivot(chart, rows)


def dossier_chart(conn, chart: str, agency: str, as_of: date) -> dict | None:
    where = "agency_code = %s and as_of_date = %s"
    return _series(conn, "rpt_dossier_chart_series", chart, where, (agency, as_of))


def documents_by_channel(conn, agency: str, as_of: date) -> dict | None:
    where = "agency_code = %s and as_of_date = %s"
    chart = "documents_by_channel"
    return _series(conn, "rpt_document_chart_series", chart, where, (agency, as_of))


def schools_by_software(conn, agency: str, as_of: date) -> dict | None:
    where = "agency_code = %s and school_year = %s"
    params = (agency, report_school_year(conn, agency, as_of))
    return _series(conn, "rpt_school_chart_series", "schools_by_software", where, params)


def indicators_766_months(conn, agency: str, year: int, as_of: date) -> list[dict] | None:
    """Each Decision 766 indicator of the report year, month by month (breakdown 'all'):
    [{"indicator_id", "indicator_name", "unit", "threshold", "months": [{"period_label",
    "numerator", "denominator", "rate", "passed"}]}]; `passed` is None without a
    threshold or a rate. None when the mart has no month of the year."""
    if not states_766(year) or not _exists(conn, "rpt_indicators_766"):
        return None
    rows = conn.execute(
        "select indicator_id, indicator_name, unit, threshold, period_label, numerator,"
        " denominator, rate from marts.rpt_indicators_766"
        " where agency_code = %s and as_of_date = %s and period_kind = 'month'"
        " and breakdown = 'all' and extract(year from period_start) = %s"
        " order by string_to_array(indicator_id, '.')::int[], period_start",
        (agency, as_of, year),
    ).fetchall()
    indicators: dict[str, dict] = {}
    for indicator, name, unit, threshold, label, numerator, denominator, rate in rows:
        entry = indicators.setdefault(
            indicator,
            {
                "indicator_id": indicator,
                "indicator_name": name,
                "unit": unit,
                "threshold": _number(threshold),
                "months": [],
            },
        )
        passed = None if threshold is None or rate is None else rate >= threshold
        entry["months"].append(
            {
                "period_label": label,
                "numerator": _number(numerator),
                "denominator": denominator,
                "rate": _number(rate),
                "passed": passed,
            }
        )
    return list(indicators.values()) or None


def _number(value):
    """numeric -> int when whole, else float (JSON- and template-friendly)."""
    if value is None:
        return None
    value = float(value)
    return int(value) if value.is_integer() else value


def plan_tasks(conn, agency: str, year: int) -> list[dict]:
    if not _exists(conn, "rpt_plan_tasks"):
        return []
    cursor = conn.execute(
        "select plan_code, plan_title, sort_order, task_no, task_name, content, result"
        " from marts.rpt_plan_tasks where agency_code = %s and report_year = %s"
        " order by plan_code, sort_order",
        (agency, year),
    )
    names = [column.name for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def chart_data(settings: Settings, year: int, as_of: date) -> dict:
    """Every chart's data (None where its mart is not built yet) and the plan tasks."""
    agency = settings.agency.code
    with warehouse.connect(settings, READER) as conn:
        return {
            "dossiers_by_month": dossier_chart(conn, "dossiers_by_month", agency, as_of),
            "timeliness": dossier_chart(conn, "timeliness", agency, as_of),
            "documents_by_channel": documents_by_channel(conn, agency, as_of),
            "schools_by_software": schools_by_software(conn, agency, as_of),
            "indicators_766_months": indicators_766_months(conn, agency, year, as_of),
            "plan_tasks": plan_tasks(conn, agency, year),
        }
