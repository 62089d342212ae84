"""Who may reach the embedded warehouse, and where the secrets (never) end up.

- Every connection needs its password (scram-sha-256); the passwords are generated into
  the state folder's secrets, 0600 files in a 0700 folder, and every DSN carries them.
- A data folder of an earlier version (`trust`) is migrated when started.
- The project's roles are not superusers: no `COPY ... TO PROGRAM`, the reader no raw.
- The pseudonym key is in no compiled SQL and no dbt log, and the pseudonyms are those
  of the documented formula (the same as when the key was inlined).
"""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
import stat
import unicodedata
from pathlib import Path

import psycopg
import pytest

from eduwh import warehouse
from eduwh.config import ROLES, Settings
from eduwh.land import ensure_landing_tables
from eduwh.warehouse.dbt import dbt_environment, dbt_paths, pg_options, run_dbt
from eduwh.warehouse.embedded import PG_HBA, EmbeddedServer
from tests.conftest import free_port
from tests.transform.conftest import land


@pytest.fixture(autouse=True)
def _no_ambient_password(monkeypatch, tmp_path):
    """libpq finds no password of its own: what works, works through our DSNs."""
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.delenv("PGOPTIONS", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-such-pgpass"))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def refused(dsn: str) -> str:
    with pytest.raises(psycopg.OperationalError) as raised:
        psycopg.connect(dsn, connect_timeout=10).close()
    return str(raised.value)


# -- authentication -------------------------------------------------------------------


def test_a_connection_without_the_password_is_refused(settings):
    server = warehouse.server(settings)
    assert "no password supplied" in refused(server.dsn(password=""))
    assert "password authentication failed" in refused(server.dsn(password="guessed"))
    for role in ROLES:
        assert "no password supplied" in refused(server.dsn(user=role, password=""))
    with psycopg.connect(warehouse.admin_dsn(settings)) as conn:
        assert conn.execute("select current_user").fetchone() == ("postgres",)
    for role in ROLES:
        with warehouse.connect(settings, role) as conn:
            assert conn.execute("select current_user").fetchone() == (role,)
    hba = (server.data_dir / "pg_hba.conf").read_text()
    assert hba == PG_HBA and "trust" not in hba


def test_the_secrets_are_owner_only_files_in_an_owner_only_folder(settings):
    folder = warehouse.secrets_dir(settings)
    assert mode(folder) == 0o700
    names = {path.name for path in folder.iterdir()}
    assert {"warehouse-postgres.password"} | {f"warehouse-{role}.password" for role in ROLES} <= (
        names
    )
    for path in folder.iterdir():
        assert mode(path) == 0o600, path
    assert warehouse.server(settings).password() in warehouse.admin_dsn(settings)
    for role in ROLES:
        password = warehouse.role_password(settings, role)
        assert password and password in warehouse.role_dsn(settings, role)


def test_the_dbt_environment_carries_the_transformers_password(settings):
    env = dbt_environment(settings)
    assert env["WAREHOUSE_TRANSFORMER_PASSWORD"] == warehouse.role_password(
        settings, "eduwh_transformer"
    )


@pytest.mark.parametrize("role", ROLES)
def test_no_role_of_the_project_runs_programs_on_the_server(settings, role):
    with warehouse.connect(settings, role, autocommit=True) as conn:
        assert conn.execute(
            "select rolsuper from pg_roles where rolname = current_user"
        ).fetchone() == (False,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("copy (select 1) to program 'id'")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select pg_read_file('/etc/passwd')")


def test_the_reader_cannot_read_raw(fresh_settings):
    ensure_landing_tables(fresh_settings)
    land(fresh_settings, "hoso", [{"MaHoSo": "X-1", "ChuHoSo": "Nguyễn Văn A"}])
    with warehouse.connect(fresh_settings, "eduwh_reader") as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("select record from raw.motcua__hoso")


# -- migration of a data folder of an earlier version (trust) ---------------------------


@pytest.fixture
def old_folder(settings, tmp_path) -> Settings:
    """A state folder as the earlier version left it: initdb with `trust`, roles without
    passwords, a table; no secrets."""
    mine = dataclasses.replace(
        settings, home=tmp_path / "state", pg_port=free_port(), warehouse_dsn=None
    )
    server = warehouse.server(mine)
    server._init_once()  # initdb --auth=trust, as the earlier version did
    assert "trust" in (server.data_dir / "pg_hba.conf").read_text()
    server._pg_ctl_start()  # the earlier start: no pg_hba.conf of ours, no password
    trusted = server.dsn(database="postgres", password="")
    with psycopg.connect(trusted, autocommit=True) as conn:
        conn.execute('create database "eduwh"')
    with psycopg.connect(server.dsn(password=""), autocommit=True) as conn:
        conn.execute("create role eduwh_reader login")
        conn.execute("create table kept (value text)")
        conn.execute("insert into kept values ('still here')")
    yield mine
    server.stop()


def _assert_migrated(mine: Settings) -> None:
    server = warehouse.server(mine)
    assert (server.data_dir / "pg_hba.conf").read_text() == PG_HBA
    assert "no password supplied" in refused(server.dsn(password=""))
    assert "no password supplied" in refused(server.dsn(user="eduwh_reader", password=""))
    with warehouse.connect(mine) as conn:
        assert conn.execute("select value from kept").fetchall() == [("still here",)]
    with warehouse.connect(mine, "eduwh_reader") as conn:
        assert conn.execute("select current_user").fetchone() == ("eduwh_reader",)
    assert mode(warehouse.secrets_dir(mine)) == 0o700
    assert mode(server.password_file) == 0o600


def test_a_stopped_trust_folder_is_migrated_on_start(old_folder):
    server = warehouse.server(old_folder)
    assert server.stop() is True
    assert warehouse.ensure(old_folder) == "embedded warehouse started"
    _assert_migrated(old_folder)


def test_a_running_trust_server_is_migrated_in_place(old_folder):
    assert warehouse.ensure(old_folder) == "embedded warehouse running"
    _assert_migrated(old_folder)
    # and it stays so across a restart
    server = warehouse.server(old_folder)
    assert server.stop() is True
    assert server.start() is True
    _assert_migrated(old_folder)


def test_a_lost_password_file_is_replaced_at_the_next_start(settings, tmp_path):
    server = EmbeddedServer(tmp_path / "state" / "warehouse" / "pgdata", free_port())
    server.start()
    try:
        server.stop()
        server.password_file.unlink()
        server.start()
        with psycopg.connect(server.dsn()) as conn:
            assert conn.execute("select 1").fetchone() == (1,)
    finally:
        server.stop()


# -- the pseudonym key --------------------------------------------------------------------


def expected_pseudonym(key: str, value: str) -> str:
    """The documented formula: hex(sha256(key || sha256(key || NFC(trim(value)))))."""
    raw_key = key.encode()
    data = unicodedata.normalize("NFC", value.strip(" ")).encode()
    return hashlib.sha256(raw_key + hashlib.sha256(raw_key + data).digest()).hexdigest()


def test_pg_options_escapes_the_key_and_replaces_an_earlier_one():
    assert pg_options("", "a b\\c") == "-c eduwh.pseudonym_key=a\\ b\\\\c"
    earlier = pg_options("-c statement_timeout=0", "old\\ key")
    assert pg_options(earlier, "new") == "-c statement_timeout=0 -c eduwh.pseudonym_key=new"


def test_the_key_is_in_no_compiled_sql_and_no_dbt_log(fresh_settings, tmp_path, monkeypatch):
    marker = secrets.token_hex(16)
    key = f"it's the k3y {marker}"  # a quote and a blank: SQL and PGOPTIONS escaping
    monkeypatch.setenv("EDUWH_PSEUDONYM_KEY", key)
    state = dataclasses.replace(fresh_settings, home=tmp_path / "state")
    ensure_landing_tables(state)
    name = unicodedata.normalize("NFD", " Lê Thị Hồng Nhung ")
    land(
        state,
        "hoso",
        [
            {
                "MaHoSo": "000.23.34.H48-19-0001",
                "MaTTHC": "1.000001",
                "TrangThaiHoSo": "2",
                "ChuHoSo": name,
                "SoGiayToChuHoSo": "051190001234",
                "NgayCapNhat": "20190301080000",
            }
        ],
    )
    run_dbt(state, ["build", "--select", "stg_motcua__hoso", "--log-level-file", "debug"])

    with warehouse.connect(state, "eduwh_transformer") as conn:
        name_pseudonym, id_pseudonym = conn.execute(
            "select applicant_name_pseudonym, applicant_id_pseudonym from staging.stg_motcua__hoso"
        ).fetchone()
    assert name_pseudonym == expected_pseudonym(key, name)
    assert id_pseudonym == expected_pseudonym(key, "051190001234")

    target, logs = dbt_paths(state)
    files = [path for folder in (target, logs) for path in folder.rglob("*") if path.is_file()]
    assert any(path.name == "dbt.log" for path in files)
    compiled = [path for path in files if path.suffix == ".sql"]
    assert any("current_setting('eduwh.pseudonym_key'" in p.read_text() for p in compiled)
    for path in files:
        assert marker.encode() not in path.read_bytes(), path
    for folder in (target.parent, target, logs):
        assert mode(folder) == 0o700, folder


def test_the_macro_reads_the_key_from_the_session_and_fails_without_it(settings):
    pseudonym = _compiled_pseudonym("%(value)s::text")
    assert "current_setting('eduwh.pseudonym_key'" in pseudonym
    with warehouse.connect(settings, "eduwh_transformer") as conn:
        assert conn.execute(f"select {pseudonym}", {"value": " "}).fetchone() == (None,)
        with pytest.raises(psycopg.errors.InvalidTextRepresentation, match="EDUWH_PSEUDONYM_KEY"):
            conn.execute(f"select {pseudonym}", {"value": "Nguyễn Văn A"})
    options = pg_options("", "k3y")
    with psycopg.connect(
        warehouse.role_dsn(settings, "eduwh_transformer"), options=options
    ) as conn:
        computed = conn.execute(f"select {pseudonym}", {"value": "Nguyễn Văn A"}).fetchone()[0]
    assert computed == expected_pseudonym("k3y", "Nguyễn Văn A")


def _compiled_pseudonym(expression: str) -> str:
    """The macro's SQL, rendered as dbt renders it (Jinja), for an ad hoc query."""
    import jinja2

    source = (Path(__file__).parents[2] / "dbt_project" / "macros" / "pseudonym.sql").read_text()
    environment = jinja2.Environment(extensions=["jinja2.ext.do"])
    module = environment.from_string(source).make_module()
    return str(module.pseudonym(expression))
