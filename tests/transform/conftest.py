"""Fixtures of the dbt tests: a database with the loader's raw and meta tables.

The tables are the loader's own (raw.motcua__thutuc / raw.motcua__hoso, meta.batch,
meta.quarantine, and every other source's, empty), created as eduwh_loader.
Records are inserted as the loader lands them: one succeeded batch per call, `record`
being the JSON object exactly as the portal sent it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from psycopg.types.json import Jsonb

from eduwh import warehouse
from eduwh.config import Settings
from eduwh.land import ensure_landing_tables
from tests.conftest import new_database


def create_landing_tables(settings: Settings) -> None:
    """Every source's raw and meta tables, created by the loader's own DDL."""
    ensure_landing_tables(settings)


def land(
    settings: Settings,
    entity: str,
    records: list[dict],
    status: str = "succeeded",
    window: tuple[datetime, datetime] | None = None,
) -> int:
    """Land one batch of records of `motcua/<entity>` as the loader does; its batch_id."""
    window_start, window_end = window or (None, None)
    now = datetime.now(UTC)
    with warehouse.connect(settings, "eduwh_loader") as conn:
        batch_id = conn.execute(
            "insert into meta.batch (source, entity, window_start, window_end, status,"
            " rows_reported, rows_landed, rows_quarantined, started_at, finished_at)"
            " values ('motcua', %s, %s, %s, %s, %s, %s, 0, %s, %s) returning batch_id",
            (entity, window_start, window_end, status, len(records), len(records), now, now),
        ).fetchone()[0]
        with conn.cursor().copy(
            f"copy raw.motcua__{entity} (batch_id, record_no, record, window_start,"
            " window_end) from stdin"
        ) as copy:
            for number, record in enumerate(records, start=1):
                copy.write_row((batch_id, number, Jsonb(record), window_start, window_end))
    return batch_id


@pytest.fixture(scope="module")
def landing_settings(settings) -> Settings:
    """Module-wide: one database with the landing tables, shared by a module's dbt build."""
    isolated = new_database(settings)
    create_landing_tables(isolated)
    return isolated
