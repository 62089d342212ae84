"""meta.quarantine: records that cannot land in raw, with source, reason and detail.

The record is kept as text (what was received, re-serialised compactly when it came
inside a JSON page), with its SHA-256; the same record for the same reason is kept
once (``on conflict do nothing``), so re-runs do not double-count.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import psycopg


def record_text(record: Any) -> str:
    if isinstance(record, str | bytes):
        return record.decode("utf-8", "replace") if isinstance(record, bytes) else record
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class Quarantined:
    text: str
    reason: str
    detail: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def insert(
    conn: psycopg.Connection,
    batch_id: int,
    source: str,
    entity: str,
    items: list[Quarantined],
    agency_code: str = "",
) -> int:
    """Insert in the caller's transaction; returns how many were new (a record is kept
    once per source, agency, entity and reason)."""
    if not items:
        return 0
    with conn.cursor() as cur:
        cur.executemany(
            "insert into meta.quarantine (batch_id, source, agency_code, entity, record,"
            " record_sha256, reason, detail) values (%s, %s, %s, %s, %s, %s, %s, %s)"
            " on conflict (source, agency_code, entity, record_sha256, reason) do nothing",
            [
                (batch_id, source, agency_code, entity, q.text, q.sha256, q.reason, q.detail)
                for q in items
            ],
        )
        return cur.rowcount if cur.rowcount >= 0 else 0
