"""e-Office end to end: sandbox HTTP stand-in -> extract-load -> dbt -> figures.

Real files (the generated 2019 data set), real HTTP (SandboxServer), real PostgreSQL
(a fresh database), dbt in-process. One night is loaded once per module and every test
reads the result.
"""

from __future__ import annotations

import json
from datetime import datetime

import psycopg
import pytest

from eduwh import warehouse
from eduwh.land.eoffice import extract_load
from eduwh.warehouse.dbt import run_dbt
from tests.eoffice.conftest import META, register_eoffice, sandbox_eoffice

AS_OF = "2019-12-06"


@pytest.fixture(scope="module")
def night(eoffice_dataset, settings, tmp_path_factory):
    """(settings of the loaded database, load summary, generator result, sandbox app)."""
    import dataclasses
    import os

    register_eoffice()
    from eduwh_sandbox.server import SandboxServer

    folder, result = eoffice_dataset
    name = f"eduwh_eoffice_{os.getpid()}"
    with psycopg.connect(warehouse.admin_dsn(settings), autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}"')
        conn.execute(f'create database "{name}"')
    dsn = warehouse.admin_dsn(settings).rsplit("/", 1)[0] + f"/{name}"
    db = dataclasses.replace(settings, warehouse_dsn=dsn, agency_code=META["agency"]["code"])
    warehouse.ensure(db)
    env = {
        "EOFFICE_CLIENT_ID": "eduwh",
        "EOFFICE_CLIENT_SECRET": "sandbox-secret",
        "EOFFICE_BACKOFF_BASE": "0.01",
        "EOFFICE_BACKOFF_MAX": "0.05",
    }
    saved = {k: os.environ.get(k) for k in env}
    with SandboxServer(folder) as server:
        os.environ.update(env)
        db = sandbox_eoffice(db, server.urls["eoffice"])
        try:
            summary = extract_load(db, datetime(2019, 12, 7), run_id="test-night")
            again = extract_load(db, datetime(2019, 12, 7), run_id="test-night-again")
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        app = server.apps["eoffice"]
    run_dbt(
        db,
        [
            "build",
            "--select",
            "+tag:documents",
            "dim_date",
            "--indirect-selection",
            "cautious",
            "--vars",
            json.dumps({"report_as_of_dates": [AS_OF]}),
        ],
    )
    return db, summary, again, result, app


def _query(db, sql, params=()):
    with warehouse.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def test_figures_equal_the_generator_count(night):
    db, _, _, result, _ = night
    columns = ["documents_" + k for k in result["documents"]]
    rows = _query(
        db,
        f"select {', '.join(columns)} from marts.rpt_document_figures"
        " where agency_code = '000.23.34.H48' and as_of_date = %s",
        (AS_OF,),
    )
    assert len(rows) == 1
    got = {
        k: (float(v) if k.startswith("pct") else v)
        for k, v in zip(result["documents"], rows[0], strict=True)
    }
    assert got == result["documents"]
    assert got["pct_incoming_signed"] == got["pct_outgoing_signed"] == 100.0  # the seed
    assert got["incoming_signed"] == got["incoming"] - 1  # the unsigned package counts


def test_rerun_is_up_to_date(night):
    _, summary, again, _, _ = night
    for kind in ("vanban_den", "vanban_di"):
        assert summary[kind]["status"] == "succeeded"
        assert again[kind]["status"] == "up_to_date"


def test_secret_documents_reach_no_column_of_any_table(night):
    db, summary, _, result, app = night
    markers = result["planted"]["secret_markers"]
    assert len(markers) > 20 and summary["vanban_den"]["secret"] > 0
    secret_ids = set(result["planted"]["secret_ids"])
    assert not secret_ids & set(app.package_requests), "a secret package was requested"
    columns = _query(
        db,
        """
        select c.table_schema, c.table_name, c.column_name
        from information_schema.columns c
        join information_schema.tables t
          on t.table_schema = c.table_schema and t.table_name = c.table_name
        where c.table_schema not in ('pg_catalog', 'information_schema')
          and c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb',
                              'ARRAY', 'USER-DEFINED', 'name')""",
    )
    schemas = {c[0] for c in columns}
    assert {"raw", "meta", "staging", "marts"} <= schemas
    found = []
    with warehouse.connect(db) as conn:
        for schema, table, column in columns:
            hits = conn.execute(
                psycopg.sql.SQL("select count(*) from {} where {}::text like %s").format(
                    psycopg.sql.Identifier(schema, table), psycopg.sql.Identifier(column)
                ),
                ("%PLANT-%",),
            ).fetchone()[0]
            if hits:
                found.append((schema, table, column, hits))
    assert found == [], f"secret markers found in {found}"
    # the secret documents are there, reduced to the allowed fields
    allowed = {"id", "loai", "do_mat", "ngay_ban_hanh", "ngay_den", "cap_nhat_luc"}
    keys = _query(
        db,
        "select distinct jsonb_object_keys(record) from raw.eoffice__vanban"
        " where record->>'do_mat' <> 'thuong'",
    )
    assert {k for (k,) in keys} == allowed


def test_each_malformed_package_is_quarantined_and_the_night_goes_on(night):
    db, summary, _, result, _ = night
    rows = _query(
        db,
        "select reason, record from meta.quarantine where source = 'eoffice' and entity = 'edxml'",
    )
    by_reason = {}
    for reason, record in rows:
        by_reason.setdefault(reason, []).append(json.loads(record)["document_id"])
    assert by_reason == result["planted"]["malformed"]
    assert (
        summary["vanban_den"]["packages_quarantined_by_reason"]
        == result["quarantine"]["eoffice_edxml"]
    )
    landed = {d for (d,) in _query(db, "select document_id from raw.eoffice__edxml_header")}
    assert len(landed) == summary["vanban_den"]["packages"] + summary["vanban_di"]["packages"]
    assert len(landed) > 7000  # the night went on after each malformed package
    assert not landed & {i for ids in by_reason.values() for i in ids}


def test_unsigned_package_counted_unsigned_and_reported(night):
    db, _, _, result, _ = night
    findings = dict(
        _query(db, "select document_id, finding from marts.qa_document_signature_mismatch")
    )
    (unsigned,) = result["planted"]["unsigned_listed_signed"]
    (signed,) = result["planted"]["signed_listed_unsigned"]
    assert findings == {
        unsigned: "listed_signed_package_unsigned",
        signed: "package_signed_listed_unsigned",
    }
    assert _query(
        db,
        "select is_signed, listing_says_signed from marts.fct_document where document_id = %s",
        (unsigned,),
    ) == [(False, True)]


def test_reader_role_reads_the_documents_marts(night):
    db, *_ = night
    with warehouse.connect(db, "eduwh_reader") as conn:
        n = conn.execute("select count(*) from marts.fct_document").fetchone()[0]
        organizations = conn.execute(
            "select identifier_level from marts.dim_organization"
            " where organization_code = '000.23.34.H48'"
        ).fetchall()
    assert n > 7000
    assert organizations == [(3,)]
