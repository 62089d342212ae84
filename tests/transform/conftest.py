"""Fixtures of the dbt tests: a database with the loader's raw and meta tables.

The tables follow the landing contract (raw.motcua__thutuc / raw.motcua__hoso, and
meta.batch / meta.quarantine) and are created as eduwh_loader, as the loader would.
Records are inserted as the loader lands them: one succeeded batch per call, `record`
being the JSON object exactly as the portal sent it.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
from datetime import UTC, datetime

import psycopg
import pytest
from psycopg.types.json import Jsonb

from eduwh import warehouse
from eduwh.settings import Settings

RAW_TABLES = ("motcua__thutuc", "motcua__hoso")

LANDING_DDL = [
    "create table if not exists meta.batch ("
    " batch_id bigint generated always as identity primary key, source text not null,"
    " entity text not null, window_start timestamptz, window_end timestamptz,"
    " status text not null, rows_reported integer, rows_landed integer,"
    " rows_quarantined integer, started_at timestamptz, finished_at timestamptz,"
    " error text, run_id text)",
    "create table if not exists meta.quarantine ("
    " quarantine_id bigint generated always as identity primary key, batch_id bigint,"
    " source text, entity text, record text, record_sha256 text, reason text,"
    " detail text, quarantined_at timestamptz default now())",
    *[
        f"create table if not exists raw.{table} (batch_id bigint not null,"
        " record_no integer not null, record jsonb not null, window_start timestamptz,"
        " window_end timestamptz, loaded_at timestamptz not null default now())"
        for table in RAW_TABLES
    ],
]

_numbers = itertools.count(1)


def new_database(settings: Settings) -> Settings:
    """A new, empty, bootstrapped database on the session's server (as `fresh_settings`)."""
    name = f"eduwh_transform_{os.getpid()}_{next(_numbers)}"
    with psycopg.connect(warehouse.admin_dsn(settings), autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    dsn = warehouse.admin_dsn(settings).rsplit("/", 1)[0] + f"/{name}"
    isolated = dataclasses.replace(settings, warehouse_dsn=dsn)
    warehouse.ensure(isolated)
    return isolated


def create_landing_tables(settings: Settings) -> None:
    with warehouse.connect(settings, "eduwh_loader") as conn:
        for statement in LANDING_DDL:
            conn.execute(statement)


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
