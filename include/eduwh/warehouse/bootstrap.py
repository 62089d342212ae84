"""Schemas, roles and privileges of the warehouse (idempotent, re-runnable).

- eduwh_loader writes raw and meta;
- eduwh_transformer (dbt, checks) reads raw and meta, owns the modelled schemas;
- eduwh_reader (analysts, BI) reads marts only, tables created later included.

Passwords reach the server as verifiers computed by libpq (`PQencryptPasswordConn`, with
the server's own `password_encryption`): the clear text is in no statement, log line or
statistics view.
"""

from __future__ import annotations

from collections.abc import Mapping

import psycopg
from psycopg import sql

LOADER, TRANSFORMER, READER = "eduwh_loader", "eduwh_transformer", "eduwh_reader"
SCHEMA_OWNERS = {
    "raw": LOADER,
    "meta": LOADER,
    "staging": TRANSFORMER,
    "intermediate": TRANSFORMER,
    "marts": TRANSFORMER,
    "snapshots": TRANSFORMER,
    "quality": TRANSFORMER,
}


def bootstrap(admin_dsn: str, passwords: Mapping[str, str | None]) -> None:
    """`passwords`: each role's password (None: leave it as it is)."""
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        database = conn.info.dbname
        for role in (LOADER, TRANSFORMER, READER):
            _ensure_role(conn, role, passwords.get(role))
            conn.execute(
                sql.SQL("grant connect on database {} to {}").format(
                    sql.Identifier(database), sql.Identifier(role)
                )
            )
        # The admin must be a member to hand schemas to these roles on managed servers.
        for role in (LOADER, TRANSFORMER):
            conn.execute(sql.SQL("grant {} to current_user").format(sql.Identifier(role)))
        for schema, owner in SCHEMA_OWNERS.items():
            conn.execute(
                sql.SQL("create schema if not exists {} authorization {}").format(
                    sql.Identifier(schema), sql.Identifier(owner)
                )
            )
            conn.execute(
                sql.SQL("alter schema {} owner to {}").format(
                    sql.Identifier(schema), sql.Identifier(owner)
                )
            )
        conn.execute(sql.SQL("revoke create on schema public from public"))
        _grant_reads(conn, ["raw", "meta"], grantee=TRANSFORMER, creators=[LOADER])
        _grant_reads(conn, ["marts"], grantee=READER, creators=[TRANSFORMER])


def _ensure_role(conn: psycopg.Connection, role: str, password: str | None) -> None:
    exists = conn.execute("select 1 from pg_roles where rolname = %s", (role,)).fetchone()
    verb = "alter" if exists else "create"
    statement = sql.SQL(verb + " role {} login").format(sql.Identifier(role))
    if password:
        verifier = conn.pgconn.encrypt_password(password.encode(), role.encode()).decode()
        statement = statement + sql.SQL(" password {}").format(sql.Literal(verifier))
    conn.execute(statement)


def _grant_reads(conn, schemas: list[str], grantee: str, creators: list[str]) -> None:
    """Read on what exists now, and on what the creators make later (default privileges)."""
    for schema in schemas:
        ident = sql.Identifier(schema)
        who = sql.Identifier(grantee)
        conn.execute(sql.SQL("grant usage on schema {} to {}").format(ident, who))
        conn.execute(sql.SQL("grant select on all tables in schema {} to {}").format(ident, who))
        for creator in creators:
            conn.execute(
                sql.SQL(
                    "alter default privileges for role {} in schema {} grant select on tables to {}"
                ).format(sql.Identifier(creator), ident, who)
            )
