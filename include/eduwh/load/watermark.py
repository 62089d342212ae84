"""meta.watermark: the end of the last successful window of each (source, entity)."""

from __future__ import annotations

from datetime import datetime

import psycopg


def get(conn: psycopg.Connection, source: str, entity: str) -> datetime | None:
    row = conn.execute(
        "select high_water from meta.watermark where source = %s and entity = %s", (source, entity)
    ).fetchone()
    return row[0] if row else None


def advance(
    conn: psycopg.Connection, source: str, entity: str, high_water: datetime, batch_id: int
) -> None:
    """Move the watermark forward to ``high_water`` (never back) — in the caller's transaction."""
    conn.execute(
        "insert into meta.watermark (source, entity, high_water, batch_id, updated_at)"
        " values (%s, %s, %s, %s, now())"
        " on conflict (source, entity) do update set"
        "   high_water = greatest(meta.watermark.high_water, excluded.high_water),"
        "   batch_id = case when excluded.high_water >= meta.watermark.high_water"
        "                   then excluded.batch_id else meta.watermark.batch_id end,"
        "   updated_at = now()",
        (source, entity, high_water, batch_id),
    )
