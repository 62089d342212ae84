"""The agencies a night runs for, written into ``meta.agency`` beside what it lands, and
the first task of every source DAG (which agencies the night extracts, with what settings).

``dim_agency`` is built from this table, so the warehouse knows every agency whose
data it holds, under the name its settings or data set give, with no seed naming one.
"""

from __future__ import annotations

import psycopg

from eduwh import warehouse
from eduwh.agency import (
    Agency,
    Registered,
    check_instances,
    night_codes,
    province_of,
    register_of,
    registered,
    source_settings,
)
from eduwh.config import Settings
from eduwh.land import ddl


def register_agency(
    conn: psycopg.Connection, agency: Agency, source_instance: str | None = None
) -> None:
    """Insert or update the agency's row (a name or department code once given is kept
    when a later night gives none), and name it and the source instance (its settings
    prefix) on this connection: the batches it opens from now on carry both
    (meta.batch.agency_code's and source_instance's defaults)."""
    conn.execute("select set_config('eduwh.agency_code', %s, false)", (agency.code,))
    conn.execute("select set_config('eduwh.source_instance', %s, false)", (source_instance or "",))
    with conn.transaction():
        conn.execute(
            """
            insert into meta.agency
                (agency_code, agency_name, moet_department_code, province_name)
            values (%s, %s, %s, %s)
            on conflict (agency_code) do update set
                agency_name = coalesce(excluded.agency_name, meta.agency.agency_name),
                province_name = coalesce(excluded.province_name, meta.agency.province_name),
                moet_department_code = coalesce(
                    excluded.moet_department_code, meta.agency.moet_department_code
                ),
                registered_at = now()
            where (
                meta.agency.agency_name, meta.agency.moet_department_code,
                meta.agency.province_name
            ) is distinct from (
                coalesce(excluded.agency_name, meta.agency.agency_name),
                coalesce(excluded.moet_department_code, meta.agency.moet_department_code),
                coalesce(excluded.province_name, meta.agency.province_name)
            )
            """,
            (agency.code, agency.name, agency.department_code, province_of(agency.name)),
        )


def write_register(conn: psycopg.Connection, register: list[Registered]) -> None:
    """Every agency of the register into meta.agency with its province code, validity
    and successor (the register is the truth for those: written as it says, nulls too)."""
    with conn.transaction():
        for entry in register:
            agency = entry.agency
            conn.execute(
                """
                insert into meta.agency
                    (agency_code, agency_name, moet_department_code, province_name,
                     province_code, valid_from, valid_to, successor_code)
                values (%s, %s, %s, %s, %s, %s, %s, %s)
                on conflict (agency_code) do update set
                    agency_name = coalesce(excluded.agency_name, meta.agency.agency_name),
                    moet_department_code = coalesce(
                        excluded.moet_department_code, meta.agency.moet_department_code
                    ),
                    province_name = coalesce(excluded.province_name, meta.agency.province_name),
                    province_code = excluded.province_code,
                    valid_from = excluded.valid_from,
                    valid_to = excluded.valid_to,
                    successor_code = excluded.successor_code,
                    registered_at = now()
                """,
                (
                    agency.code,
                    agency.name,
                    agency.department_code,
                    province_of(agency.name),
                    entry.province_code,
                    entry.valid_from,
                    entry.valid_to,
                    entry.successor,
                ),
            )


def night_agencies(settings: Settings, source: str, night) -> list[str]:
    """The source DAG's first task: the agencies whose `source` this night extracts (the
    register checked whole, its instances configured). With a register file, the register
    goes into meta.agency first (the night's start)."""
    register = register_of(settings)
    if settings.agencies_file is not None:
        check_instances(register, settings.instance_settings)
        with warehouse.connect(settings, role="eduwh_loader", autocommit=True) as conn:
            ddl.ensure_tables(conn)
            write_register(conn, register)
    return night_codes(register, source, night.as_of)


def agency_settings(settings: Settings, source: str, code: str) -> Settings:
    """A mapped landing task's settings: its agency's, with that agency's instance."""
    register = register_of(settings)
    return source_settings(settings, registered(register, code), source)
