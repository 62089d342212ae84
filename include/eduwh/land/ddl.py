"""Every landing table (raw) and bookkeeping table (meta), in one place — a contract with dbt.

Created idempotently by the loader role (``eduwh_loader`` owns raw and meta; the
transformer role gets SELECT through the default privileges set at bootstrap), all of
them by one :func:`ensure_tables` under one advisory lock, so a source that has not run
yet still has its (empty) tables and the models reading them build.
"""

from __future__ import annotations

import psycopg

from eduwh.extract import csdl_moet, sis

MOTCUA_TABLES = {"thutuc": "raw.motcua__thutuc", "hoso": "raw.motcua__hoso"}
EOFFICE_VANBAN = "raw.eoffice__vanban"
EOFFICE_HEADER = "raw.eoffice__edxml_header"
MOET_TABLES = {kind: f"raw.csdl_moet__{kind}" for kind in csdl_moet.KINDS}
SIS_TABLES = {vendor: f"raw.sis__{vendor}" for vendor in sis.VENDORS}

# A landing table: the batch, the record's place in it, what the loader keeps of it
# (``record jsonb not null`` as received; a school file's rows also their file), the window.
_RAW = """
create table if not exists {table} (
    batch_id bigint not null,
    record_no integer not null,
    {columns},
    window_start timestamptz,
    window_end timestamptz,
    loaded_at timestamptz not null default now()
)"""
_RECORD = ("record jsonb not null",)

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
    agency_code text not null,
    entity text,
    high_water timestamptz not null,
    batch_id bigint,
    updated_at timestamptz,
    primary key (source, agency_code, entity)
)""",
    # Which agency's source instance a batch came from: the loader names the agency on
    # its ledger connection (eduwh.land.register), so every batch it opens carries it.
    "alter table meta.batch add column if not exists agency_code text"
    " default nullif(current_setting('eduwh.agency_code', true), '')",
    # The agencies the nights extracted for (eduwh.land.register): dim_agency reads it.
    """
create table if not exists meta.agency (
    agency_code text primary key,
    agency_name text,
    moet_department_code text,
    registered_at timestamptz not null default now()
)""",
    "alter table meta.agency add column if not exists province_name text",
    # The register's facts of each agency (contracts/agencies.md; eduwh.land.register):
    # dim_agency's validity, successor and province code, int_report_universe's rule.
    "alter table meta.agency add column if not exists province_code text",
    "alter table meta.agency add column if not exists valid_from date",
    "alter table meta.agency add column if not exists valid_to date",
    "alter table meta.agency add column if not exists successor_code text",
    # Which source instance (the register's settings prefix, e.g. MOTCUA_KT) a batch came
    # from: a record two instances return keeps which one sent it.
    "alter table meta.batch add column if not exists source_instance text"
    " default nullif(current_setting('eduwh.source_instance', true), '')",
    # A warehouse from before the register: its watermarks were per (source, entity), of
    # its one agency: the agency of the batch that set each ('' when none is known).
    "alter table meta.watermark add column if not exists agency_code text",
    """
update meta.watermark w set agency_code = coalesce(
    (select b.agency_code from meta.batch b where b.batch_id = w.batch_id),
    (select min(a.agency_code) from meta.agency a having count(*) = 1),
    ''
) where w.agency_code is null""",
    "alter table meta.watermark alter column agency_code set not null",
    """
do $$ begin
    if (select array_length(conkey, 1) from pg_constraint
        where conrelid = 'meta.watermark'::regclass and contype = 'p') = 2 then
        alter table meta.watermark drop constraint watermark_pkey;
        alter table meta.watermark add primary key (source, agency_code, entity);
    end if;
end $$""",
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
    # Quarantine per (source, agency): two agencies' instances may send the same bad
    # record; each agency keeps its own (the agency of the batch for older rows).
    "alter table meta.quarantine add column if not exists agency_code text",
    """
update meta.quarantine q set agency_code = coalesce(
    (select b.agency_code from meta.batch b where b.batch_id = q.batch_id), ''
) where q.agency_code is null""",
    "alter table meta.quarantine alter column agency_code set default ''",
    "alter table meta.quarantine alter column agency_code set not null",
    """
do $$ begin
    if exists (select 1 from pg_constraint
               where conname = 'quarantine_source_entity_record_sha256_reason_key') then
        alter table meta.quarantine
            drop constraint quarantine_source_entity_record_sha256_reason_key;
        alter table meta.quarantine add constraint quarantine_per_agency_key
            unique (source, agency_code, entity, record_sha256, reason);
    end if;
end $$""",
    # The warehouse DAG's builds (eduwh.warehouse.builds): what each was made of, and
    # whether it published; a night whose inputs are those of the last one skips it.
    """
create table if not exists meta.warehouse_build (
    build_id bigserial primary key,
    run_id text,
    as_of date not null,
    dbt_project text not null,
    landed_through bigint not null,
    agencies text not null,
    status text not null check (status in ('running', 'succeeded')),
    checkpoint_run_id text,
    report text,
    started_at timestamptz not null default now(),
    finished_at timestamptz
)""",
]

# The tables of the school files carry the file (and a SIS delivery its stamp) per row.
_MOET_COLUMNS = ("file text not null", *_RECORD)
_SIS_COLUMNS = ("file text not null", "delivered_at timestamptz not null", *_RECORD)
# The header facts of e-Office's edXML packages, one row per document package read.
_HEADER_COLUMNS = ("document_id bigint not null", "facts jsonb not null")
# Which file versions landed (csdl.moet, SIS): the same bytes are never tried again.
_LOADED_FILE = """
create table if not exists meta.loaded_file (
    loaded_file_id bigserial primary key,
    source text not null,
    entity text not null,
    agency_code text,
    file text not null,
    school_code text,
    school_year text,
    term integer,
    changed_at timestamptz,
    sha256 text not null,
    size_bytes bigint,
    batch_id bigint not null,
    status text not null check (status in ('loaded', 'quarantined')),
    reason text,
    columns jsonb,
    rows_landed integer,
    loaded_at timestamptz not null default now()
)"""
# A file is landed once per agency and school year: the same name and bytes in another
# school year (a staff list that did not change) or of another agency is another export.
# (Warehouses from before kept one row per (source, file, sha256): that key goes.)
_LOADED_FILE_KEY = (
    "alter table meta.loaded_file drop constraint if exists loaded_file_source_file_sha256_key",
    "create unique index if not exists loaded_file_once on meta.loaded_file"
    " (source, coalesce(agency_code, ''), coalesce(school_year, ''), file, sha256)",
)

_LOCK_KEY = 0x6564_7577_6864_6C  # serialises concurrent first-time DDL


def raw_table(table: str, columns: tuple[str, ...] = _RECORD) -> str:
    """The DDL of a landing table: each record as received (jsonb), unless ``columns``
    says what a row keeps between its place in the batch and the window."""
    return _RAW.format(table=table, columns=",\n    ".join(columns))


def statements() -> list[str]:
    return [
        *_META,
        _LOADED_FILE,
        *_LOADED_FILE_KEY,
        *(raw_table(table) for table in (*MOTCUA_TABLES.values(), EOFFICE_VANBAN)),
        raw_table(EOFFICE_HEADER, _HEADER_COLUMNS),
        *(raw_table(table, _MOET_COLUMNS) for table in MOET_TABLES.values()),
        *(raw_table(table, _SIS_COLUMNS) for table in SIS_TABLES.values()),
    ]


def ensure_tables(conn: psycopg.Connection) -> None:
    """Create every raw and meta table that is missing (own transaction, commits)."""
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(%s)", (_LOCK_KEY,))
        for statement in statements():
            conn.execute(statement)
