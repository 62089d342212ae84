"""Landing: COPY into raw, the batch ledger, watermarks and quarantine, per source."""

from __future__ import annotations

from eduwh.settings import Settings


def ensure_landing_tables(settings: Settings) -> None:
    """Every source's raw and meta tables, empty if nothing landed yet: the models of a
    source that has not run build empty (and the report says null) instead of failing."""
    from eduwh import warehouse
    from eduwh.load import eoffice, schools

    with warehouse.connect(settings, role="eduwh_loader") as conn:
        eoffice.ensure_tables(conn)  # meta.* and motcua's tables first, then its own
        schools.ensure_tables(conn)
