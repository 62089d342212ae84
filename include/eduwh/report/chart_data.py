"""The data behind the HTML report's charts (and the plan-task tables), from the marts.

Reads as `eduwh_reader`, the marts only. Each chart is `{"categories": [...],
"series": {name: [values per category]}}`, or None when the mart it needs is not in
the warehouse yet (the renderer then shows "no data yet"):

- dossiers_by_month: dossiers received in the report year up to the as-of date, per
  month and receipt channel (marts.fct_dossier, dim_channel);
- timeliness: resolved early / on time / late, in progress (marts.rpt_dossier_figures);
- documents_by_channel: e-Office documents per channel (marts.fct_document, when built);
- schools_by_software: schools per declared school-management software
  (marts.dim_school, when built).
"""

from __future__ import annotations

from datetime import date

from eduwh import warehouse
from eduwh.settings import Settings

READER = "eduwh_reader"
MONTHS = [f"T{m}" for m in range(1, 13)]
CHANNEL_LABELS = {"1": "Trực tiếp", "2": "Trực tuyến", "3": "Bưu chính công ích"}
DOCUMENT_CHANNEL_LABELS = {
    "truc_lien_thong": "Trục liên thông",
    "thu_dien_tu": "Thư điện tử",
    "giay": "Giấy (scan)",
}


def _columns(conn, table: str) -> set[str]:
    schema, name = table.split(".", 1)
    return {
        row[0]
        for row in conn.execute(
            "select column_name from information_schema.columns"
            " where table_schema = %s and table_name = %s",
            (schema, name),
        )
    }


def _pick(columns: set[str], *candidates: str) -> str | None:
    return next((c for c in candidates if c in columns), None)


def dossiers_by_month(conn, agency: str, as_of: date) -> dict | None:
    columns = _columns(conn, "marts.fct_dossier")
    if not {"received_date", "channel_code", "status_group", "agency_code"} <= columns:
        return None
    rows = conn.execute(
        "select extract(month from received_date)::int as month, channel_code, count(*)"
        " from marts.fct_dossier"
        " where agency_code = %s and received_date between %s and %s"
        " and status_group <> 'not_received'"
        " group by 1, 2 order by 1, 2",
        (agency, date(as_of.year, 1, 1), as_of),
    ).fetchall()
    if not rows:
        return None
    months = MONTHS[: as_of.month]
    series = {label: [0] * len(months) for label in CHANNEL_LABELS.values()}
    for month, channel, count in rows:
        label = CHANNEL_LABELS.get(str(channel), f"Kênh {channel}")
        series.setdefault(label, [0] * len(months))[month - 1] += count
    return {"categories": months, "series": series}


def timeliness(conn, agency: str, year: int, as_of: date) -> dict | None:
    if not _columns(conn, "marts.rpt_dossier_figures"):
        return None
    row = conn.execute(
        "select dossiers_resolved_early, dossiers_resolved_on_time, dossiers_resolved_late,"
        " dossiers_in_progress from marts.rpt_dossier_figures"
        " where agency_code = %s and report_year = %s and as_of_date = %s",
        (agency, year, as_of),
    ).fetchone()
    if row is None:
        return None
    return {
        "categories": ["Sớm hạn", "Đúng hạn", "Trễ hạn", "Đang giải quyết"],
        "series": {"Hồ sơ": list(row)},
    }


def documents_by_channel(conn, agency: str, as_of: date) -> dict | None:
    columns = _columns(conn, "marts.fct_document")
    channel = _pick(columns, "channel_code", "channel", "kenh")
    direction = _pick(columns, "direction", "document_direction")
    day = _pick(columns, "counted_date", "document_date", "received_date")
    if not channel:
        return None
    where, params = ["true"], []
    if "agency_code" in columns:
        where.append("agency_code = %s")
        params.append(agency)
    if "is_secret" in columns:
        where.append("not is_secret")  # secret documents are counted apart, never charted
    if day:
        where.append(f"{day} between %s and %s")
        params += [date(as_of.year, 1, 1), as_of]
    group = direction or "'văn bản'"
    rows = conn.execute(
        f"select {channel}::text, {group}::text, count(*) from marts.fct_document"  # noqa: S608
        f" where {' and '.join(where)} group by 1, 2 order by 1, 2",
        params,
    ).fetchall()
    if not rows:
        return None
    categories = sorted({r[0] for r in rows})
    labels = [DOCUMENT_CHANNEL_LABELS.get(c, c) for c in categories]
    series: dict[str, list[int]] = {}
    for value, kind, count in rows:
        name = {"incoming": "Văn bản đến", "outgoing": "Văn bản đi"}.get(kind, kind)
        series.setdefault(name, [0] * len(categories))[categories.index(value)] += count
    return {"categories": labels, "series": series}


def schools_by_software(conn) -> dict | None:
    columns = _columns(conn, "marts.dim_school")
    software = _pick(columns, "declared_software", "management_software")
    if not software:
        return None
    current = "where is_current" if "is_current" in columns else ""
    rows = conn.execute(
        f"select coalesce({software}::text, 'Không khai báo'), count(*)"  # noqa: S608
        f" from marts.dim_school {current} group by 1 order by 2 desc"
    ).fetchall()
    if not rows:
        return None
    return {"categories": [r[0] for r in rows], "series": {"Trường": [r[1] for r in rows]}}


def plan_tasks(conn, agency: str, year: int) -> list[dict]:
    if not _columns(conn, "marts.rpt_plan_tasks"):
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
    """Every chart's data (None where the mart is not built yet) and the plan tasks."""
    agency = settings.agency.code
    with warehouse.connect(settings, READER) as conn:
        return {
            "dossiers_by_month": dossiers_by_month(conn, agency, as_of),
            "timeliness": timeliness(conn, agency, year, as_of),
            "documents_by_channel": documents_by_channel(conn, agency, as_of),
            "schools_by_software": schools_by_software(conn),
            "plan_tasks": plan_tasks(conn, agency, year),
        }
