"""The embedded warehouse's life cycle, WAREHOUSE_DSN, and the roles' privileges."""

from __future__ import annotations

import dataclasses
import socket

import psycopg
import pytest

from eduwh import warehouse
from eduwh.config import Settings
from eduwh.warehouse.embedded import EmbeddedServer, WarehouseError
from tests.conftest import free_port


@pytest.fixture
def own_settings(settings, tmp_path) -> Settings:
    """A second embedded server of its own (state folder and port), stopped afterwards."""
    mine = dataclasses.replace(
        settings, home=tmp_path / "state", pg_port=free_port(), warehouse_dsn=None
    )
    yield mine
    warehouse.stop(mine)


def test_data_survives_a_restart_and_second_start_is_a_no_op(own_settings):
    server = warehouse.server(own_settings)
    assert server.start() is True
    assert server.start() is False, "a second start must not start anything"
    with warehouse.connect(own_settings, autocommit=True) as conn:
        conn.execute("create table kept (value text)")
        conn.execute("insert into kept values ('still here')")
    assert server.stop() is True
    assert server.status() == "stopped"
    assert server.start() is True
    with warehouse.connect(own_settings) as conn:
        assert conn.execute("select value from kept").fetchall() == [("still here",)]


def test_port_in_use_gives_a_clear_message(own_settings):
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", own_settings.pg_port))
        squatter.listen()
        with pytest.raises(WarehouseError, match=f"port {own_settings.pg_port}.*EDUWH_PG_PORT"):
            warehouse.server(own_settings).start()


def test_warehouse_dsn_is_honoured_and_nothing_is_started(own_settings, tmp_path):
    other = EmbeddedServer(tmp_path / "other" / "pgdata", free_port())
    other.start()
    try:
        external = dataclasses.replace(own_settings, warehouse_dsn=other.dsn())
        assert "WAREHOUSE_DSN" in warehouse.ensure(external)
        assert warehouse.server(external).status() == "not initialised"
        with psycopg.connect(other.dsn()) as conn:
            schemas = {row[0] for row in conn.execute("select nspname from pg_namespace")}
        assert {
            "raw",
            "staging",
            "intermediate",
            "marts",
            "snapshots",
            "quality",
            "meta",
        } <= schemas
        assert "not ours to stop" in warehouse.stop(external)
        assert other.status() == "running"
    finally:
        other.stop()


def test_reader_sees_marts_only_including_tables_created_later(fresh_settings):
    with warehouse.connect(fresh_settings, role="eduwh_loader", autocommit=True) as conn:
        conn.execute("create table raw.secret_names (name text)")
        conn.execute("insert into raw.secret_names values ('Nguyễn Văn A')")
    with warehouse.connect(fresh_settings, role="eduwh_transformer", autocommit=True) as conn:
        assert conn.execute("select count(*) from raw.secret_names").fetchone() == (1,)
        conn.execute("create table marts.created_after_grants as select 1 as figure")
    with warehouse.connect(fresh_settings, role="eduwh_reader") as conn:
        assert conn.execute("select figure from marts.created_after_grants").fetchone() == (1,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select * from raw.secret_names")


def test_bootstrap_is_re_runnable(fresh_settings):
    warehouse.ensure(fresh_settings)
    warehouse.ensure(fresh_settings)
    with warehouse.connect(fresh_settings) as conn:
        owners = dict(
            conn.execute(
                "select nspname, pg_get_userbyid(nspowner) from pg_namespace "
                "where nspname in ('raw', 'marts')"
            ).fetchall()
        )
    assert owners == {"raw": "eduwh_loader", "marts": "eduwh_transformer"}
