"""meta.watermark: the end of the last successful window of each (source, agency, entity)."""

from __future__ import annotations

from datetime import datetime

import psycopg


def get(conn: psycopg.Connection, source: str, entity: str, agency_code: str) -> datetime | None:
    row = conn.execute(
        "select high_water from meta.watermark"
        " where source = %s and agency_code = %s and entity = %s",
        (source, agency_code, entity),
    ).fetchone()
    return row[0] if row else None


def advance(
    conn: psycopg.Connection,
    source: str,
    entity: str,
    high_water: datetime,
    batch_id: int,
    agency_code: str,
) -> None:
    """Move the watermark forward to ``high_water`` (never back) — in the caller's transaction."""
    conn.execute(
        "insert into meta.watermark"
        " (source, agency_code, entity, high_water, batch_id, updated_at)"
        " values (%s, %s, %s, %s, %s, now())"
        " on conflict (source, agency_code, entity) do update set"
        "   high_water = greatest(meta.watermark.high_water, excluded.high_water),"
        "   batch_id = case when excluded.high_water >= meta.watermark.high_water"
        "                   then excluded.batch_id else meta.watermark.batch_id end,"
        "   updated_at = now()",
        (source, agency_code, entity, high_water, batch_id),
    )
