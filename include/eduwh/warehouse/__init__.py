"""The warehouse: where it is (embedded or `WAREHOUSE_DSN`), how to reach it as each role.

Passwords: with `WAREHOUSE_DSN`, the admin's is in the DSN and the roles' come from
`WAREHOUSE_LOADER_PASSWORD` / `WAREHOUSE_TRANSFORMER_PASSWORD` / `WAREHOUSE_READER_PASSWORD`
(as before). The embedded server takes those same settings when given; otherwise every
password (the superuser's and each role's) is generated once into `EDUWH_HOME/secrets/`
(0600 files, 0700 folder). Every DSN built here carries its password.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg

from eduwh.config import ROLES, Settings, export, role_password_variable
from eduwh.warehouse.bootstrap import bootstrap
from eduwh.warehouse.embedded import EmbeddedServer, WarehouseError
from eduwh.warehouse.secret_files import protect, read_or_create

__all__ = [
    "WarehouseError",
    "admin_dsn",
    "role_dsn",
    "role_password",
    "connect",
    "ensure",
    "secrets_dir",
    "server",
    "stop",
    "status",
]


def secrets_dir(settings: Settings) -> Path:
    """The state folder's secrets (0700): passwords, the pseudonym key."""
    return settings.home / "secrets"


def server(settings: Settings) -> EmbeddedServer:
    return EmbeddedServer(
        settings.home / "warehouse" / "pgdata", settings.pg_port, secrets_dir(settings)
    )


def admin_dsn(settings: Settings) -> str:
    return settings.warehouse_dsn or server(settings).dsn()


def role_password(settings: Settings, role: str) -> str | None:
    """The role's password: `WAREHOUSE_<ROLE>_PASSWORD` when set (in these settings, or
    since they were read: `ensure` hands the embedded server's passwords on to the
    processes this one starts, which may be given its DSN and another state folder);
    else, for the embedded server, the one generated into the state folder; else none
    (an external server's own authentication: trust, peer, ~/.pgpass ...)."""
    configured = settings.role_passwords.get(role) or Settings.from_env().role_passwords.get(role)
    if configured:
        return configured
    if settings.embedded:
        return read_or_create(secrets_dir(settings) / f"warehouse-{role}.password")
    return None


def role_dsn(settings: Settings, role: str) -> str:
    """The DSN as one of the project's roles: the admin DSN with user (and password) swapped."""
    parts = urlsplit(admin_dsn(settings))
    password = role_password(settings, role)
    auth = quote(role, safe="") + (f":{quote(password, safe='')}" if password else "")
    host = parts.hostname or "127.0.0.1"
    netloc = f"{auth}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def connect(settings: Settings, role: str | None = None, **kwargs) -> psycopg.Connection:
    dsn = role_dsn(settings, role) if role else admin_dsn(settings)
    try:
        return psycopg.connect(dsn, connect_timeout=10, **kwargs)
    except psycopg.OperationalError as error:
        hint = "run `eduwh warehouse start`" if settings.embedded else "check WAREHOUSE_DSN"
        raise WarehouseError(f"cannot reach the warehouse ({hint}): {error}") from error


def ensure(settings: Settings) -> str:
    """Make the warehouse ready: start the embedded server if it is ours, then bootstrap
    (roles with their passwords, schemas, privileges)."""
    if settings.embedded:
        started = server(settings).start()
        message = "embedded warehouse started" if started else "embedded warehouse running"
    else:
        message = "using the warehouse at WAREHOUSE_DSN"
    passwords = {role: role_password(settings, role) for role in ROLES}
    try:
        bootstrap(admin_dsn(settings), passwords)
    except psycopg.OperationalError as error:
        raise WarehouseError(f"cannot reach the warehouse: {error}") from error
    if settings.embedded:
        # This process's children may be handed this server as WAREHOUSE_DSN (an admin
        # DSN with its password) and a state folder of their own: they need the roles'
        # passwords as settings, exactly as with any external server.
        export(
            {
                role_password_variable(role): password
                for role, password in passwords.items()
                if password and role not in settings.role_passwords
            }
        )
    if secrets_dir(settings).exists():
        protect(secrets_dir(settings))
    return message


def stop(settings: Settings) -> str:
    if not settings.embedded:
        return "WAREHOUSE_DSN is set: that server is not ours to stop"
    return "stopped" if server(settings).stop() else "was not running"


def status(settings: Settings) -> str:
    if not settings.embedded:
        with connect(settings) as conn:
            version = conn.execute("show server_version").fetchone()[0]
        return f"external (WAREHOUSE_DSN), PostgreSQL {version}, reachable"
    return f"embedded, {server(settings).status()}, port {settings.pg_port}"
