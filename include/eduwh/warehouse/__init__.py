"""The warehouse: where it is (embedded or `WAREHOUSE_DSN`), how to reach it as each role."""

from __future__ import annotations

import os
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg

from eduwh.settings import Settings
from eduwh.warehouse.bootstrap import bootstrap
from eduwh.warehouse.embedded import EmbeddedServer, WarehouseError

__all__ = [
    "WarehouseError",
    "admin_dsn",
    "role_dsn",
    "connect",
    "ensure",
    "server",
    "stop",
    "status",
]


def server(settings: Settings) -> EmbeddedServer:
    return EmbeddedServer(settings.home / "warehouse" / "pgdata", settings.pg_port)


def admin_dsn(settings: Settings) -> str:
    return settings.warehouse_dsn or server(settings).dsn()


def role_dsn(settings: Settings, role: str) -> str:
    """The DSN as one of the project's roles: the admin DSN with user (and password) swapped."""
    parts = urlsplit(admin_dsn(settings))
    password = os.environ.get(f"WAREHOUSE_{role.removeprefix('eduwh_').upper()}_PASSWORD")
    auth = quote(role) + (f":{quote(password)}" if password else "")
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
    """Make the warehouse ready: start the embedded server if it is ours, then bootstrap."""
    if settings.embedded:
        started = server(settings).start()
        message = "embedded warehouse started" if started else "embedded warehouse running"
    else:
        message = "using the warehouse at WAREHOUSE_DSN"
    try:
        bootstrap(admin_dsn(settings))
    except psycopg.OperationalError as error:
        raise WarehouseError(f"cannot reach the warehouse: {error}") from error
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
