"""Landing: COPY into raw, the batch ledger, watermarks and quarantine, per source."""

from __future__ import annotations

from eduwh.config import Settings


def ensure_landing_tables(settings: Settings) -> None:
    """Every source's raw and meta tables, empty if nothing landed yet: the models of a
    source that has not run build empty (and the report says null) instead of failing.
    The configured agency is registered too, so it is in dim_agency even on a night
    whose sources all failed."""
    from eduwh import warehouse
    from eduwh.land import ddl
    from eduwh.land.register import register_agency

    with warehouse.connect(settings, role="eduwh_loader", autocommit=True) as conn:
        ddl.ensure_tables(conn)
        if settings.configured_agency is not None:
            register_agency(conn, settings.configured_agency)
