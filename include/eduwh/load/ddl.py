"""The landing tables (raw) and the bookkeeping tables (meta) — a contract with dbt.

Created idempotently by the loader role (``eduwh_loader`` owns raw and meta; the
transformer role gets SELECT through the default privileges set at bootstrap).
"""

from __future__ import annotations

import psycopg

RAW_TABLES = ("raw.motcua__thutuc", "raw.motcua__hoso")

_RAW = """
create table if not exists {table} (
    batch_id bigint not null,
    record_no integer not null,
    record jsonb not null,
    window_start timestamptz,
    window_end timestamptz,
    loaded_at timestamptz not null default now()
)"""

_META = [
    """
create table if not exists meta.batch (
    batch_id bigserial primary key,
    source text not null,
    entity text not null,
    window_start timestamptz,
    window_end timestamptz,
    status text not null check (status in ('running', 'succeeded', 'failed', 'abandoned')),
    rows_reported integer,
    rows_landed integer,
    rows_quarantined integer,
    started_at timestamptz not null default now(),
    finished_at timestamptz,
    error text,
    run_id text
)""",
    """
create table if not exists meta.watermark (
    source text,
    entity text,
    high_water timestamptz not null,
    batch_id bigint,
    updated_at timestamptz,
    primary key (source, entity)
)""",
    # Which agency's source instance a batch came from: the loader names the agency on
    # its ledger connection (eduwh.load.register), so every batch it opens carries it.
    "alter table meta.batch add column if not exists agency_code text"
    " default nullif(current_setting('eduwh.agency_code', true), '')",
    # The agencies the nights extracted for (eduwh.load.register): dim_agency reads it.
    """
create table if not exists meta.agency (
    agency_code text primary key,
    agency_name text,
    moet_department_code text,
    registered_at timestamptz not null default now()
)""",
    "alter table meta.agency add column if not exists province_name text",
    """
create table if not exists meta.quarantine (
    quarantine_id bigserial primary key,
    batch_id bigint not null,
    source text not null,
    entity text not null,
    record text not null,
    record_sha256 text not null,
    reason text not null,
    detail text,
    quarantined_at timestamptz not null default now(),
    unique (source, entity, record_sha256, reason)
)""",
]

_LOCK_KEY = 0x6564_7577_6864_6C  # serialises concurrent first-time DDL


def raw_table(table: str) -> str:
    """The DDL of a landing table that keeps each record as received (jsonb)."""
    return _RAW.format(table=table)


def statements() -> list[str]:
    return [raw_table(t) for t in RAW_TABLES] + _META


def ensure_tables(conn: psycopg.Connection) -> None:
    """Create the raw and meta tables if missing (own transaction, commits)."""
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
        for statement in statements():
            conn.execute(statement)
