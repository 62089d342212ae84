"""The agency a night runs for, written into ``meta.agency`` beside what it lands.

``dim_agency`` is built from this table, so the warehouse knows every agency whose
data it holds, under the name its settings or data set give, with no seed naming one.
"""

from __future__ import annotations

import psycopg

from eduwh.agency import Agency, province_of


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
