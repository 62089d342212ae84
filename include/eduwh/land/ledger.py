"""meta.batch: one row per landed batch — running → succeeded | failed | abandoned.

The ``running`` row is committed on its own before any data moves; the switch to
``succeeded`` happens in the same transaction as the data; ``failed`` is written after
that transaction rolled back. A process killed mid-batch leaves ``running`` behind: the
next start of the same source marks it ``abandoned`` (under the source's advisory lock,
so a live run is never touched).
"""

from __future__ import annotations

import zlib
from datetime import datetime

import psycopg


class ConcurrentRun(RuntimeError):
    """Another process is loading the same source right now."""


def lock_source(conn: psycopg.Connection, source: str, agency_code: str) -> None:
    """Session advisory lock of a source for one agency, held while this connection lives
    (the agencies of one source land side by side, each alone)."""
    key = zlib.crc32(f"eduwh.land:{source}:{agency_code}".encode())
    got = conn.execute("select pg_try_advisory_lock(%s)", (key,)).fetchone()[0]
    conn.commit()
    if not got:
        raise ConcurrentRun(f"another load of {source} for agency {agency_code} is running")


def abandon_stale(conn: psycopg.Connection, source: str, agency_code: str) -> list[int]:
    """Mark ``running`` batches of ``source`` for the agency abandoned (call holding the
    lock of the source and agency; a batch of no agency is from before the register)."""
    with conn.transaction():
        rows = conn.execute(
            "update meta.batch set status = 'abandoned', finished_at = now(),"
            " error = coalesce(error, 'process ended while the batch was running')"
            " where source = %s and status = 'running'"
            " and (agency_code = %s or agency_code is null) returning batch_id",
            (source, agency_code),
        ).fetchall()
    return [r[0] for r in rows]


def open_batch(
    conn: psycopg.Connection,
    source: str,
    entity: str,
    window_start: datetime | None,
    window_end: datetime | None,
    run_id: str | None,
) -> int:
    """Insert the ``running`` row and commit it (own transaction)."""
    with conn.transaction():
        return conn.execute(
            "insert into meta.batch (source, entity, window_start, window_end, status, run_id)"
            " values (%s, %s, %s, %s, 'running', %s) returning batch_id",
            (source, entity, window_start, window_end, run_id),
        ).fetchone()[0]


def succeed(
    conn: psycopg.Connection, batch_id: int, *, reported: int, landed: int, quarantined: int
) -> None:
    """Mark succeeded with counts — inside the caller's data transaction (no commit)."""
    if landed + quarantined != reported:
        raise AssertionError(
            f"batch {batch_id}: landed {landed} + quarantined {quarantined} != reported {reported}"
        )
    updated = conn.execute(
        "update meta.batch set status = 'succeeded', rows_reported = %s, rows_landed = %s,"
        " rows_quarantined = %s, finished_at = now(), error = null"
        " where batch_id = %s and status = 'running'",
        (reported, landed, quarantined, batch_id),
    ).rowcount
    if updated != 1:
        raise RuntimeError(f"batch {batch_id} is no longer running (abandoned by another run?)")


def fail(conn: psycopg.Connection, batch_id: int, error: str) -> None:
    """Mark failed with the error's text (own transaction; the data one is rolled back)."""
    with conn.transaction():
        conn.execute(
            "update meta.batch set status = 'failed', finished_at = now(), error = %s"
            " where batch_id = %s and status = 'running'",
            (error[:4000], batch_id),
        )


def last_succeeded(
    conn: psycopg.Connection, source: str, entity: str, window_end: datetime, agency_code: str
) -> int | None:
    row = conn.execute(
        "select max(batch_id) from meta.batch where source = %s and entity = %s"
        " and window_end = %s and status = 'succeeded'"
        " and (agency_code = %s or agency_code is null)",
        (source, entity, window_end, agency_code),
    ).fetchone()
    conn.commit()
    return row[0]
