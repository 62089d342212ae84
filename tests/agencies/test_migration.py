"""A warehouse from before the register: its watermarks (per source and entity) and its
quarantine become per agency when the loader next ensures its tables, nothing lost."""

from __future__ import annotations

from eduwh import warehouse
from eduwh.land import ddl, watermark

AGENCY = "000.23.34.H48"
OLD = [
    """create table meta.batch (batch_id bigserial primary key, source text not null,
    entity text not null, window_start timestamptz, window_end timestamptz,
    status text not null, rows_reported integer, rows_landed integer,
    rows_quarantined integer, started_at timestamptz not null default now(),
    finished_at timestamptz, error text, run_id text, agency_code text)""",
    """create table meta.watermark (source text, entity text, high_water timestamptz not null,
    batch_id bigint, updated_at timestamptz, primary key (source, entity))""",
    """create table meta.quarantine (quarantine_id bigserial primary key,
    batch_id bigint not null, source text not null, entity text not null,
    record text not null, record_sha256 text not null, reason text not null, detail text,
    quarantined_at timestamptz not null default now(),
    unique (source, entity, record_sha256, reason))""",
]


def test_an_old_warehouse_gets_its_watermarks_and_quarantine_per_agency(fresh_settings):
    with warehouse.connect(fresh_settings, role="eduwh_loader", autocommit=True) as conn:
        for statement in OLD:
            conn.execute(statement)
        conn.execute(
            "insert into meta.batch (source, entity, status, agency_code)"
            " values ('motcua', 'hoso', 'succeeded', %s)",
            (AGENCY,),
        )
        conn.execute(
            "insert into meta.watermark values ('motcua', 'hoso', '2019-12-07 00:00+07', 1, now())"
        )
        conn.execute(
            "insert into meta.quarantine (batch_id, source, entity, record, record_sha256, reason)"
            " values (1, 'motcua', 'hoso', '{}', 'abc', 'missing_key')"
        )
        ddl.ensure_tables(conn)
        ddl.ensure_tables(conn)  # idempotent
        old_mark = watermark.get(conn, "motcua", "hoso", AGENCY)
        assert old_mark is not None and old_mark.isoformat().startswith("2019-12-06T17:00")
        # another agency's watermark of the same source and entity is its own
        with conn.transaction():
            watermark.advance(conn, "motcua", "hoso", old_mark.replace(year=2020), 2, "other")
        assert watermark.get(conn, "motcua", "hoso", AGENCY) == old_mark
        key = conn.execute(
            "select pg_get_constraintdef(oid) from pg_constraint"
            " where conrelid = 'meta.watermark'::regclass and contype = 'p'"
        ).fetchone()[0]
        assert key == "PRIMARY KEY (source, agency_code, entity)"
        assert conn.execute("select agency_code from meta.quarantine").fetchall() == [(AGENCY,)]
        unique = conn.execute(
            "select pg_get_constraintdef(oid) from pg_constraint"
            " where conrelid = 'meta.quarantine'::regclass and contype = 'u'"
        ).fetchall()
        assert unique == [("UNIQUE (source, agency_code, entity, record_sha256, reason)",)]
